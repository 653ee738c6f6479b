"""Request-body validation for the lab Dashboard API, from the real operation shapes.

`meraki_shapes.json` is condensed from Meraki's OpenAPI spec (v1.42.0) for the
operations the lab serves: field types, enums and required fields. A payload the
real Dashboard would refuse (a missing `name`, `vlanId` sent as a number, an
unknown `devicePolicy`) is refused here with the same 400 `{"errors": [...]}`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any


class ApiError(Exception):
    """A refusal with the Dashboard's status and `{"errors": [...]}` body."""

    def __init__(self, status: int, *errors: str) -> None:
        self.status = status
        self.errors = list(errors)
        super().__init__(f"{status}: {'; '.join(errors)}")


SHAPES_FILE = Path(__file__).with_name("meraki_shapes.json")
REQUIRED = "__required__"

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "boolean": (bool,), "integer": (int,), "number": (int, float),
    "object": (dict,), "array": (list,),
}


@lru_cache(maxsize=1)
def shapes() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHAPES_FILE.read_text(encoding="utf-8"))["operations"]
    return data


def _type_ok(value: Any, kind: str) -> bool:
    if value is None:
        return True  # the Dashboard treats null as "not given"
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES.get(kind, (object,)))


def _check_fields(body: dict[str, Any], props: dict[str, Any], where: str) -> list[str]:
    errors: list[str] = []
    for name in props.get(REQUIRED, []):
        if body.get(name) is None:
            errors.append(f"'{where}{name}' must be specified")
    for name, value in body.items():
        spec = props.get(name)
        if spec is None or name == REQUIRED:
            errors.append(f"'{where}{name}' is not a valid parameter")
            continue
        errors += _check_value(value, spec, f"{where}{name}")
    return errors


def _check_value(value: Any, spec: dict[str, Any], path: str) -> list[str]:
    kind = spec.get("type")
    if kind and not _type_ok(value, kind):
        return [f"'{path}' must be {'an' if kind[0] in 'aeiou' else 'a'} {kind}"]
    if "enum" in spec and value is not None and value not in spec["enum"]:
        return [f"'{path}' must be one of: {', '.join(map(repr, spec['enum']))}"]
    if kind == "object" and isinstance(value, dict):
        if "properties" in spec:
            return _check_fields(value, spec["properties"], f"{path}.")
        if "each" in spec:  # keyed objects, e.g. policiesBySsid by SSID number
            errors: list[str] = []
            for key, item in value.items():
                if not (key.isdigit() and 0 <= int(key) <= 14):
                    errors.append(f"'{path}' keys must be SSID numbers 0-14, not {key!r}")
                elif not isinstance(item, dict):
                    errors.append(f"'{path}.{key}' must be an object")
                else:
                    errors += _check_fields(item, spec["each"], f"{path}.{key}.")
            return errors
    if kind == "array" and isinstance(value, list) and "items" in spec:
        errors = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                errors.append(f"'{path}[{i}]' must be an object")
            else:
                errors += _check_fields(item, spec["items"], f"{path}[{i}].")
        return errors
    return []


def validate(operation: str, body: Any) -> list[str]:
    """Error messages for a request body of `operation` (empty: valid)."""
    shape = shapes()[operation]["request_body"]
    if not isinstance(body, dict):
        return ["The request body must be a JSON object"]
    return _check_fields(body, shape, "")
