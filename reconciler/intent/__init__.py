"""estate + date -> desired resources per target (pure); allocation from pools."""

from __future__ import annotations

from .allocate import ALLOCATORS
from .compile import Compiler, DesiredState, compile_estate
from .dhcp import compile_dhcp
from .numbers import allocate_voice
from .pbx import compile_pbx
from .radius import compile_radius
from .switches import compile_switches
from .wifi import compile_wifi

# One compiler per live-system family, in no particular order (each owns its targets).
COMPILERS: list[Compiler] = [compile_switches, compile_wifi, compile_radius, compile_pbx,
                             compile_dhcp]
ALLOCATORS.append(allocate_voice)

# `intent.compile(estate, at=date)` reads as the design says; same function.
compile = compile_estate  # noqa: A001

__all__ = ["COMPILERS", "Compiler", "DesiredState", "compile", "compile_estate"]
