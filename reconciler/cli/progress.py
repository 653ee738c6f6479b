"""Progress of long runs (hundreds of targets) on stderr, with rich.

Shown when stderr is a terminal, or on request with RECONCILER_PROGRESS=1
(RECONCILER_PROGRESS=0 turns it off); CI logs and pipes stay quiet.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from .common import OUT

Callback = Callable[[str, str], None]


def wanted() -> bool:
    flag = os.environ.get("RECONCILER_PROGRESS", "").strip().lower()
    if flag in ("1", "true", "yes", "on"):
        return True
    if flag in ("0", "false", "no", "off"):
        return False
    return OUT.err.is_terminal


@contextmanager
def progress(total: int, what: str) -> Iterator[Callback]:
    """A callback (target, status) that advances one bar of `total` steps."""
    if total < 2 or not wanted():
        yield lambda _target, _status: None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("{task.fields[last]}"), console=OUT.err,
                   transient=OUT.err.is_terminal)
    failed = [0]
    with bar:
        task = bar.add_task(what, total=total, last="")

        def step(target: str, status: str) -> None:
            if status in ("error", "failed"):
                failed[0] += 1
            bar.update(task, advance=1, last=f"{target}: {OUT.mask(status)}"
                       + (f" ({failed[0]} failed)" if failed[0] else ""))

        yield step
