"""The use-cases of reconciler, for every front end (CLI, web page, scheduled job).

`Reconciler` owns them; `applying.Session.apply` is the one code path that changes
a live system (lock, offboarding check, blast-radius guard, journal, preflight,
waves, verify, persist, rollback).
"""

from __future__ import annotations

from .applying import ApplyOutcome, ApplyPolicy
from .events import Collect, Event, EventSink, ignore
from .reconciler import PlanRequest, Reconciler

__all__ = ["ApplyOutcome", "ApplyPolicy", "Collect", "Event", "EventSink", "PlanRequest",
           "Reconciler", "ignore"]
