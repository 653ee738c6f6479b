"""Signals during an apply: SIGTERM and SIGHUP become an exception, like Ctrl-C.

A CI runner cancelling a job sends SIGTERM, a closed terminal SIGHUP: both must roll
back what the run changed and close its journal, as an error does. While that rollback
runs, further signals are noted and left for after it (a second Ctrl-C must not leave a
switch half-restored). Handlers are installed only in the main thread (Python's rule).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

CAUGHT = (signal.SIGTERM, signal.SIGHUP)


class RunAborted(BaseException):
    """The run stopped on a signal or an unexpected error after rolling back what it did.

    A BaseException like KeyboardInterrupt, so no `except Exception` on the way swallows
    it; `result` is the run's RunResult, `exit_code` what the shell expects (128+signal)."""

    def __init__(self, reason: str, exit_code: int, result: Any = None) -> None:
        super().__init__(reason)
        self.reason, self.exit_code, self.result = reason, exit_code, result


class Interrupted(BaseException):
    """Raised in the main thread by SIGTERM/SIGHUP."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def describe(exc: BaseException) -> tuple[str, int]:
    """(what stopped the run, exit code) for an exception that escaped the waves."""
    if isinstance(exc, Interrupted):
        return f"interrupted by {signal.Signals(exc.signum).name}", 128 + exc.signum
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted by SIGINT (Ctrl-C)", 130
    if isinstance(exc, RunAborted):
        return exc.reason, exc.exit_code
    return f"stopped by an unexpected {type(exc).__name__}", 1


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def catching() -> Iterator[None]:
    """SIGTERM/SIGHUP raise `Interrupted` in the main thread while the block runs."""
    if not _main_thread():
        yield
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in CAUGHT}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextmanager
def deferred() -> Iterator[list[int]]:
    """Signals arriving in the block are noted, not raised (the list names them)."""
    seen: list[int] = []
    if not _main_thread():
        yield seen
        return

    def note(signum: int, _frame: FrameType | None) -> None:
        seen.append(signum)

    sigs = (*CAUGHT, signal.SIGINT)
    old = {s: signal.signal(s, note) for s in sigs}
    try:
        yield seen
    finally:
        for s, h in old.items():
            signal.signal(s, h)
