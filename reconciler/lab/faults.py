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
    http_500: int = 0  # the next K requests get an HTTP error (status `http_status`)
    http_429: int = 0  # the next K requests get HTTP 429 (rate limited, with Retry-After)
    fail_commit: bool = False  # every commit fails, nothing is applied
    commit_message: str = "Lab fault: commit failed"
    error_on_config_line: int | None = None  # the Nth configuration line from now fails (once)
    # Added for the apply fault suite: pick one step of a run precisely.
    error_skip: int = 0  # let this many commands matching error_regex pass first
    error_times: int | None = None  # then fail only this many of them (None: all)
    drop_regex: str | None = None  # close the connection on a command matching this (once)
    http_status: int = 500  # status of the injected HTTP errors (429 for rate limits)
    lose_commit: bool = False  # commits answer OK but change nothing (verify must notice)
    stall_regex: str | None = None  # commands matching this hang until the fault is cleared


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
    "error_on_config_line": (int, type(None)),
    "error_skip": (int,),
    "error_times": (int, type(None)),
    "drop_regex": (str, type(None)),
    "http_status": (int,),
    "lose_commit": (bool,),
    "stall_regex": (str, type(None)),
}
STALL_LIMIT = 120.0  # seconds: a forgotten stall must not hang a test run forever


class Faults:
    """Thread-safe fault plan of one emulated device."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings = FaultSettings()
        self._seen = 0  # commands received since drop_on_command was set
        self._config_seen = 0  # configuration lines since error_on_config_line was set
        self._regex: re.Pattern[str] | None = None
        self._drop: re.Pattern[str] | None = None
        self._stall: re.Pattern[str] | None = None
        self._unstalled = threading.Event()
        self._unstalled.set()
        self._matched = 0  # commands that matched error_regex so far

    def update(self, changes: Mapping[str, Any]) -> None:
        """Merge settings (keys of FaultSettings); raises ValueError on a bad key or type."""
        known = {f.name for f in fields(FaultSettings)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown fault {key!r}; known: {sorted(known)}")
            if not isinstance(value, _TYPES[key]) or (
                isinstance(value, bool) and key not in ("fail_commit", "lose_commit")
            ):
                raise ValueError(f"fault {key!r} has the wrong type: {value!r}")
        regex = changes.get("error_regex")
        compiled = re.compile(regex) if isinstance(regex, str) else None
        drop = changes.get("drop_regex")
        drop_compiled = re.compile(drop) if isinstance(drop, str) else None
        with self._lock:
            for key, value in changes.items():
                setattr(self._settings, key, value)
            if "error_regex" in changes:
                self._regex = compiled
                self._matched = 0
            if "drop_regex" in changes:
                self._drop = drop_compiled
            if "stall_regex" in changes:
                stall = changes["stall_regex"]
                self._stall = re.compile(stall) if isinstance(stall, str) else None
                if self._stall is None:
                    self._unstalled.set()
                else:
                    self._unstalled.clear()
            if "drop_on_command" in changes:
                self._seen = 0
            if "error_on_config_line" in changes:
                self._config_seen = 0

    def set(self, **changes: Any) -> None:
        self.update(changes)

    def clear(self) -> None:
        with self._lock:
            self._settings = FaultSettings()
            self._regex = None
            self._drop = None
            self._stall = None
            self._seen = 0
            self._config_seen = 0
            self._matched = 0
        self._unstalled.set()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self._settings)

    def latency(self) -> float:
        return self._settings.latency

    def take_http_error(self) -> bool:
        """True if this request must fail with an HTTP error (consumes one)."""
        with self._lock:
            if self._settings.http_500 > 0:
                self._settings.http_500 -= 1
                return True
            return False

    def http_status(self) -> int:
        return self._settings.http_status

    def commit_lost(self) -> bool:
        return self._settings.lose_commit

    def take_rate_limit(self) -> bool:
        """True if this request must be refused with HTTP 429 (consumes one)."""
        with self._lock:
            if self._settings.http_429 > 0:
                self._settings.http_429 -= 1
                return True
            return False

    def on_command(self, command: str) -> FaultAction | None:
        stall = self._stall
        if stall is not None and stall.search(command):
            self._unstalled.wait(STALL_LIMIT)  # outside the lock: clear() must get in
        with self._lock:
            if self._settings.drop_on_command is not None:
                self._seen += 1
                if self._seen >= self._settings.drop_on_command:
                    self._settings.drop_on_command = None  # one shot
                    return Drop()
            if self._drop is not None and self._drop.search(command):
                self._drop = None
                self._settings.drop_regex = None  # one shot
                return Drop()
            if self._regex is not None and self._regex.search(command):
                self._matched += 1
                st = self._settings
                if self._matched > st.error_skip and (
                        st.error_times is None or self._matched <= st.error_skip + st.error_times):
                    return Fail(st.error_message)
        return None

    def on_config_line(self, line: str) -> FaultAction | None:
        """For CLIs without sessions (IOS): fail the Nth configuration line, once."""
        with self._lock:
            if self._settings.error_on_config_line is not None:
                self._config_seen += 1
                if self._config_seen >= self._settings.error_on_config_line:
                    self._settings.error_on_config_line = None
                    return Fail(self._settings.error_message)
        return None

    def commit_error(self) -> str | None:
        with self._lock:
            return self._settings.commit_message if self._settings.fail_commit else None
