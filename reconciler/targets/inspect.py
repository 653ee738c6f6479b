"""Running-config readers by platform, shared by the targets and `reconciler inspect`."""

from __future__ import annotations

from collections.abc import Callable

from ..switching.state import SwitchState
from .eos_parse import parse_running_config as parse_eos
from .ios_parse import parse_running_config as parse_ios

# (text, source name for error messages) -> SwitchState; ParseError names a bad line.
PARSERS: dict[str, Callable[[str, str], SwitchState]] = {
    "arista_eos": parse_eos,
    "cisco_ios": parse_ios,
}
