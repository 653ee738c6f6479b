"""The CLI's event sink: service events as stderr lines and progress bars (rich).

Progress of long runs (hundreds of targets) is drawn when stderr is a terminal, or
on request with RECONCILER_PROGRESS=1 (RECONCILER_PROGRESS=0 turns it off); CI logs
and pipes stay quiet. Every line is masked (no known secret is ever printed).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from ..service.events import Event
from .common import OUT


def wanted() -> bool:
    flag = os.environ.get("RECONCILER_PROGRESS", "").strip().lower()
    if flag in ("1", "true", "yes", "on"):
        return True
    if flag in ("0", "false", "no", "off"):
        return False
    return OUT.err.is_terminal


class CliEvents:
    """Prints `info` events and draws one bar per `progress-start`..`progress-end`."""

    def __init__(self, on_plan: Callable[[Any], None] | None = None,
                 on_run: Callable[[Any], None] | None = None) -> None:
        self.on_plan = on_plan
        self.on_run = on_run
        self._bar: Progress | None = None
        self._task: Any = None
        self._failed = 0

    def __call__(self, event: Event) -> None:
        if event.kind == "info":
            OUT.info(event.message)
        elif event.kind == "plan" and self.on_plan is not None:
            self.on_plan(event.data["plan"])
        elif event.kind == "run" and self.on_run is not None:
            self.on_run(event.data["run"])
        elif event.kind == "progress-start":
            self._start(int(event.data.get("total", 0)), event.message)
        elif event.kind == "progress" and self._bar is not None:
            status = str(event.data.get("status", ""))
            if status in ("error", "failed"):
                self._failed += 1
            self._bar.update(self._task, advance=1, last=OUT.mask(event.message)
                             + (f" ({self._failed} failed)" if self._failed else ""))
        elif event.kind == "progress-end" and self._bar is not None:
            self._bar.stop()
            self._bar = None

    def _start(self, total: int, what: str) -> None:
        if total < 2 or not wanted() or self._bar is not None:
            return
        self._failed = 0
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(),
                             TextColumn("{task.fields[last]}"), console=OUT.err,
                             transient=OUT.err.is_terminal)
        self._bar.start()
        self._task = self._bar.add_task(what, total=total, last="")
