"""Running-config parsers by platform, shared by the targets and `reconciler inspect`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .eos_parse import parse_running_config as parse_eos
from .eos_parse import to_inspect_json
from .ios_parse import parse_running_config as parse_ios


def _eos(text: str) -> Mapping[str, Any]:
    return to_inspect_json(parse_eos(text))


PARSERS: dict[str, Callable[[str], Mapping[str, Any]]] = {
    "arista_eos": _eos,
    "cisco_ios": parse_ios,
}
