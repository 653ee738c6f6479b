"""estate + date -> desired resources per target (pure); allocation from pools."""

from __future__ import annotations

from .compile import Compiler, DesiredState, compile_estate
from .switches import compile_switches

# One compiler per live-system family, in no particular order (each owns its targets).
COMPILERS: list[Compiler] = [compile_switches]

# `intent.compile(estate, at=date)` reads as the design says; same function.
compile = compile_estate  # noqa: A001

__all__ = ["COMPILERS", "Compiler", "DesiredState", "compile", "compile_estate"]
