"""Bounded concurrency across targets: a thread pool with one semaphore per platform."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from .interrupts import deferred

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[str, str], None]  # (target id, what happened)


def run_bounded(items: Sequence[T], fn: Callable[[T], R], platform_of: Callable[[T], str],
                limits: Mapping[str, int], max_workers: int = 32,
                on_interrupt: Callable[[BaseException], None] | None = None) -> list[R]:
    """Run `fn` over items in parallel, at most limits[platform] at once per platform.

    Results keep the order of `items`; exceptions propagate from `fn` (callers turn
    target failures into data before they get here), and an interrupt of the waiting
    thread propagates once the items already running have finished.
    """
    if not items:
        return []
    sems = {p: threading.BoundedSemaphore(max(1, n)) for p, n in limits.items()}

    def guarded(item: T) -> R:
        sem = sems.get(platform_of(item))
        if sem is None:
            return fn(item)
        with sem:
            return fn(item)

    workers = min(max_workers, len(items))
    if workers == 1:
        return [guarded(i) for i in items]
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="target")
    try:
        return list(pool.map(guarded, items))
    except BaseException as exc:
        # An interrupt: items not started are dropped, those in flight finish (their
        # state is what the caller's rollback reads); further signals wait for that.
        with deferred():
            if on_interrupt is not None:
                on_interrupt(exc)
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
