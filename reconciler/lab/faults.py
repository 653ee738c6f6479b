"""Fault injection for lab emulators, independent of the protocol they speak.

An emulator asks its `Faults` at fixed points: once per request (`latency`, `take_http_error`),
once per command (`on_command`) and on commit (`commit_error`). Tests switch faults at runtime
from Python (`faults.update(...)`) or over the emulator's control endpoint with the same keys.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class FaultSettings:
    latency: float = 0.0  # seconds added to every request
    drop_on_command: int | None = None  # close the connection on the Nth command from now
    error_regex: str | None = None  # commands matching this fail as invalid input
    error_message: str = "Lab fault: injected error"
    http_500: int = 0  # the next K requests get HTTP 500
    http_429: int = 0  # the next K requests get HTTP 429 (rate limited, with Retry-After)
    fail_commit: bool = False  # every commit fails, nothing is applied
    commit_message: str = "Lab fault: commit failed"


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering."""


@dataclass(frozen=True)
class Fail:
    """Answer the command with an error carrying `message`."""

    message: str


FaultAction = Drop | Fail


_TYPES: dict[str, tuple[type, ...]] = {
    "latency": (int, float),
    "drop_on_command": (int, type(None)),
    "error_regex": (str, type(None)),
    "error_message": (str,),
    "http_500": (int,),
    "http_429": (int,),
    "fail_commit": (bool,),
    "commit_message": (str,),
}


class Faults:
    """Thread-safe fault plan of one emulated device."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings = FaultSettings()
        self._seen = 0  # commands received since drop_on_command was set
        self._regex: re.Pattern[str] | None = None

    def update(self, changes: Mapping[str, Any]) -> None:
        """Merge settings (keys of FaultSettings); raises ValueError on a bad key or type."""
        known = {f.name for f in fields(FaultSettings)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown fault {key!r}; known: {sorted(known)}")
            if not isinstance(value, _TYPES[key]) or (
                isinstance(value, bool) and key not in ("fail_commit",)
            ):
                raise ValueError(f"fault {key!r} has the wrong type: {value!r}")
        regex = changes.get("error_regex")
        compiled = re.compile(regex) if isinstance(regex, str) else None
        with self._lock:
            for key, value in changes.items():
                setattr(self._settings, key, value)
            if "error_regex" in changes:
                self._regex = compiled
            if "drop_on_command" in changes:
                self._seen = 0

    def set(self, **changes: Any) -> None:
        self.update(changes)

    def clear(self) -> None:
        with self._lock:
            self._settings = FaultSettings()
            self._regex = None
            self._seen = 0

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self._settings)

    def latency(self) -> float:
        return self._settings.latency

    def take_http_error(self) -> bool:
        """True if this request must fail with HTTP 500 (consumes one)."""
        with self._lock:
            if self._settings.http_500 > 0:
                self._settings.http_500 -= 1
                return True
            return False

    def take_rate_limit(self) -> bool:
        """True if this request must be refused with HTTP 429 (consumes one)."""
        with self._lock:
            if self._settings.http_429 > 0:
                self._settings.http_429 -= 1
                return True
            return False

    def on_command(self, command: str) -> FaultAction | None:
        with self._lock:
            if self._settings.drop_on_command is not None:
                self._seen += 1
                if self._seen >= self._settings.drop_on_command:
                    self._settings.drop_on_command = None  # one shot
                    return Drop()
            if self._regex is not None and self._regex.search(command):
                return Fail(self._settings.error_message)
        return None

    def commit_error(self) -> str | None:
        with self._lock:
            return self._settings.commit_message if self._settings.fail_commit else None
