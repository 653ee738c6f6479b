"""What the service tells its caller while it works: one event sink, any front end.

The CLI prints events (masking secrets), a web page could stream them, a test can
collect them. Events are data: a kind, a message for people, and fields.

Kinds: `info` (a sentence for the operator), `progress-start` / `progress` /
`progress-end` (a long run over many targets), `journal` (a journal record as
written, for a live view of an apply), `plan` (a plan made for an apply) and `run`
(the result of a run that changed live systems).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    kind: str
    message: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


EventSink = Callable[[Event], None]
Step = Callable[[str, str], None]  # (target id, what happened)


def ignore(_event: Event) -> None:
    """The sink of a caller that does not listen."""


class Collect:
    """A sink that keeps every event (tests, a batch job's report)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def messages(self, kind: str = "info") -> list[str]:
        return [e.message for e in self.events if e.kind == kind]


@contextmanager
def progress(sink: EventSink, total: int, what: str) -> Iterator[Step]:
    """Progress events around a run over `total` targets; yields the per-target step."""
    sink(Event("progress-start", what, {"total": total}))

    def step(target: str, status: str) -> None:
        sink(Event("progress", f"{target}: {status}", {"target": target, "status": status}))

    try:
        yield step
    finally:
        sink(Event("progress-end", what))
