"""The official Dashboard API spec (v1.75.1) as the `meraki-client` package generated it.

`meraki-client` is generated from Meraki's OpenAPI spec: one method per operation (its
keyword parameters are the operation's query and body fields) and one pydantic model per
response schema. The lab Dashboard's requests and responses are checked against them:
a response must have every field the model has, and no field it lacks; a request may only
send parameters the operation has, and every required one.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import meraki_client
from pydantic import BaseModel

SPEC_VERSION = meraki_client.__api_version__


@dataclass(frozen=True)
class Operation:
    op_id: str
    scope: str
    method: str
    path_params: frozenset[str]
    schema: type[BaseModel] | None  # the response model (list items for a list operation)
    is_list: bool

    def parameters(self) -> dict[str, inspect.Parameter]:
        """The operation's query/body parameters by their API (camelCase) name."""
        fn = _api_function(self.scope, self.method)
        return {_camel(name): param for name, param in inspect.signature(fn).parameters.items()
                if name not in ("self", "total_pages", "direction", *self.path_params)}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def _api_function(scope: str, method: str) -> Any:
    module = __import__(f"meraki_client._api.{scope}", fromlist=["x"])
    for obj in vars(module).values():
        if inspect.isclass(obj) and hasattr(obj, method):
            return getattr(obj, method)
    raise KeyError(f"{scope}.{method}")


@cache
def operations() -> dict[str, Operation]:
    root = Path(meraki_client.__file__).parent / "_api"
    schemas = __import__("meraki_client.schemas", fromlist=["x"])
    out: dict[str, Operation] = {}
    for path in sorted(root.glob("*.py")):
        for chunk in path.read_text(encoding="utf-8").split("\n    def ")[1:]:
            op = re.search(r'operation_id="(\w+)"', chunk)
            if not op:
                continue
            item = re.search(r"-> PaginatedResponse\[(\w+)\]", chunk.split('"""', 1)[0])
            single = re.search(r"response_schema=(\w+)", chunk)
            name = item.group(1) if item else single.group(1) if single else None
            model = getattr(schemas, name, None) if name else None
            route = re.search(r'path = f"([^"]+)"', chunk)
            params = frozenset(re.findall(r"\{(\w+)\}", route.group(1))) if route else frozenset()
            out[op.group(1)] = Operation(op.group(1), path.stem, chunk.split("(")[0], params,
                                         model, item is not None)
    return out


def _models_in(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """(model, is_list) for `Model`, `Model | None`, `list[Model]`; else (None, False)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            model, many = _models_in(arg)
            if model is not None:
                return model, many
        return None, False
    if origin is list:
        model, _ = _models_in(typing.get_args(annotation)[0])
        return model, model is not None
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


@cache
def _hints(model: type[BaseModel]) -> dict[str, Any]:
    """Field annotations with the generated forward references resolved."""
    module = __import__(model.__module__, fromlist=["x"])
    return typing.get_type_hints(model, globalns=vars(module))


def _python_name(model: type[BaseModel], key: str) -> str:
    for name, f in model.model_fields.items():
        if name == key or f.validation_alias == key:
            return name
    raise KeyError(key)


def shape_gaps(model: type[BaseModel], data: Any, where: str = "", depth: int = 99) -> list[str]:
    """Fields the spec has that `data` lacks, and fields `data` has that the spec lacks.

    Below `depth` levels only fields the spec lacks count (nested settings objects the lab
    does not fill in must still never carry invented fields).
    """
    if not isinstance(data, dict):
        return [f"{where or '.'}: expected an object, got {type(data).__name__}"]
    gaps: list[str] = []
    fields = {(f.validation_alias if isinstance(f.validation_alias, str) else name): f
              for name, f in model.model_fields.items()}
    if depth > 0:
        gaps += [f"missing {where}{k}" for k in fields if k not in data]
    gaps += [f"unexpected {where}{k}" for k in data if k not in fields]
    hints = _hints(model)
    for key in fields:
        value = data.get(key)
        sub, many = _models_in(hints[_python_name(model, key)])
        if sub is None or value is None:
            continue
        if many and isinstance(value, list):
            for i, item in enumerate(value[:3]):
                gaps += shape_gaps(sub, item, f"{where}{key}[{i}].", depth - 1)
        elif not many:
            gaps += shape_gaps(sub, value, f"{where}{key}.", depth - 1)
    try:
        model.model_validate(data)
    except ValueError as exc:
        gaps.append(f"{where or '.'}: {exc}")
    return gaps


def response_gaps(op_id: str, body: Any, depth: int = 99) -> list[str]:
    op = operations()[op_id]
    if op.schema is None:
        return [] if body in (None, "") else [f"{op_id}: the spec has no response body"]
    if op.is_list:
        if not isinstance(body, list):
            return [f"{op_id}: expected a list"]
        return [g for item in body for g in shape_gaps(op.schema, item, depth=depth)]
    return shape_gaps(op.schema, body, depth=depth)


def request_gaps(op_id: str, fields: dict[str, Any]) -> list[str]:
    """Query/body fields the operation does not have, and required ones not sent."""
    params = operations()[op_id].parameters()
    gaps = [f"{op_id}: unknown parameter {k!r}" for k in fields if k not in params]
    gaps += [f"{op_id}: required {k!r} not sent" for k, p in params.items()
             if p.default is inspect.Parameter.empty and k not in fields]
    return gaps


@dataclass(frozen=True)
class Exchange:
    op_id: str | None
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    answer: Any


def record(lab: Any) -> list[Exchange]:
    """Record every request the lab Dashboard answers from now on (a list that grows)."""
    seen: list[Exchange] = []
    handle = lab.handle

    def recording(method: str, path: str, query: dict[str, list[str]], key: str | None,
                  body: Any, origin: str = "") -> tuple[int, Any, dict[str, str]]:
        status, out, headers = handle(method, path, query, key, body, origin)
        op = next((r.operation for r in reversed(lab.requests())
                   if r.method == method and r.path == path), None)
        seen.append(Exchange(op, method, path, query, body, status, out))
        return status, out, headers

    lab.handle = recording
    return seen


# Where the spec (as generated) lacks what every real answer carries: a documented gap,
# not a licence to invent fields. The group policy's own `name` is in the spec's examples
# and in every answer of the Dashboard, but not in the v1.75.1 response schema.
SPEC_OMISSIONS = {"NetworkGroupPolicyResponse": {"name"}}


# Operations whose nested settings objects (schedules, firewall rules, RADIUS options) the
# lab leaves at their defaults: there only the top level must be complete, and nothing
# nested may be invented.
SHALLOW = frozenset({"getNetworkWirelessSsids", "getNetworkWirelessSsid",
                     "getNetworkGroupPolicies", "getNetworkGroupPolicy",
                     "createNetworkGroupPolicy", "updateNetworkGroupPolicy"})


def exchange_gaps(exchanges: list[Exchange]) -> list[str]:
    """Every request and successful answer checked against the spec's operation."""
    gaps: list[str] = []
    for ex in exchanges:
        if ex.op_id is None:
            gaps.append(f"{ex.method} {ex.path}: no such operation")
            continue
        sent = {k: v[0] for k, v in ex.query.items()}
        if isinstance(ex.body, dict):
            sent.update(ex.body)
        gaps += request_gaps(ex.op_id, sent)
        if 200 <= ex.status < 300:
            op = operations()[ex.op_id]
            allowed = SPEC_OMISSIONS.get(op.schema.__name__ if op.schema else "", set())
            depth = 1 if ex.op_id in SHALLOW else 99
            gaps += [f"{ex.op_id}: {g}" for g in response_gaps(ex.op_id, ex.answer, depth)
                     if g.split(" ", 1)[-1] not in allowed]
    return sorted(set(gaps))
