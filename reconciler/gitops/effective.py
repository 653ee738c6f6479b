"""A change's own effect on each day it brings: head vs base, compiled at the same date.

The effect of a change on day D is the diff from the estate at the base (what main
would run on D) to the estate of the change (what it would run on D). Both sides see
the same calendar, so another occupier's start, move or end on D is in both and
cancels out: what is left is this change alone, on that day.

The live systems cannot be read as they will be on a future day, so these are
previews from the model; today stays the live plan. Days are the change's own dates
(`events.pr_events`) and any day between them on which its effect changes (found by
bisection: a lead time or a cooldown in some compiler moves an effect off the date
written in the file).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..engine.diff import diff, order_changes
from ..engine.plan import TargetPlan
from ..engine.resources import Change, TargetSpec
from ..intent import compile_estate
from ..model.estate import Estate
from .events import ONE_DAY, Event

MAX_DAYS = 24         # previews in one plan; later days are named, not previewed
MAX_EVALUATIONS = 96  # days compiled while looking for where the effect changes


@dataclass
class Preview:
    """The change's effect on one day: head vs base, by target (no device commands)."""

    day: dt.date
    events: list[Event] = field(default_factory=list)
    targets: list[TargetPlan] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [c for t in self.targets for c in t.changes]

    def summary(self) -> dict[str, int]:
        n = {"create": 0, "update": 0, "delete": 0}
        for c in self.changes:
            n[c.op] += 1
        return n


def affected_sites(base: Estate, head: Estate, occupiers: Iterable[str],
                   sites: Iterable[str]) -> set[str]:
    """Sites where a change to these files can make a difference: the changed sites, and
    every site a changed occupier (either version) has a contract, a user's home or a
    device at."""
    out = set(sites)
    for occ_id in occupiers:
        for occ in (base.occupiers.get(occ_id), head.occupiers.get(occ_id)):
            if occ is not None:
                out.update(c.site for c in occ.contracts)
                out.update(u.home_site for u in occ.users if u.home_site)
                out.update(d.site for d in occ.devices)
    return out


def part_of(estate: Estate, sites: Collection[str]) -> Estate:
    """The estate cut down to some sites and the occupiers with a contract there.

    Compiled on both sides of a change, the rest of the estate would only add the same
    resources twice: on a large estate this is most of the compile time saved.
    """
    return replace(estate, sites={k: s for k, s in estate.sites.items() if k in sites},
                   occupiers={k: o for k, o in estate.occupiers.items()
                              if any(c.site in sites for c in o.contracts)},
                   _by_site=None)


class Effect:
    """Head vs base on any day, each day compiled once."""

    def __init__(self, base: Estate, head: Estate, registry: Mapping[str, Any],
                 keep: Collection[str] | None = None) -> None:
        self.base, self.head, self.registry, self.keep = base, head, registry, keep
        self._cache: dict[dt.date, tuple[list[TargetPlan], frozenset[str]]] = {}

    @property
    def evaluations(self) -> int:
        return len(self._cache)

    def _compute(self, day: dt.date) -> list[TargetPlan]:
        before, after = compile_estate(self.base, day), compile_estate(self.head, day)
        out: list[TargetPlan] = []
        for tid in sorted(set(before.targets) | set(after.targets)):
            if self.keep is not None and tid not in self.keep:
                continue
            spec: TargetSpec = after.targets.get(tid) or before.targets[tid]
            cls = self.registry.get(spec.platform)
            changes = diff(before.resources.get(tid, []), after.resources.get(tid, []),
                           getattr(cls, "write_only", {}))
            if changes:
                out.append(TargetPlan(spec, order_changes(changes,
                                                          getattr(cls, "kind_order", ()))))
        return out

    def _get(self, day: dt.date) -> tuple[list[TargetPlan], frozenset[str]]:
        if day not in self._cache:
            targets = self._compute(day)
            fp = frozenset(json.dumps(c.to_json(), sort_keys=True)
                           for t in targets for c in t.changes)
            self._cache[day] = (targets, fp)
        return self._cache[day]

    def on(self, day: dt.date) -> list[TargetPlan]:
        return self._get(day)[0]

    def fingerprint(self, day: dt.date) -> frozenset[str]:
        return self._get(day)[1]


def change_days(today: dt.date, candidates: Iterable[dt.date],
                fingerprint: Callable[[dt.date], object],
                budget: Callable[[], bool] = lambda: True) -> list[dt.date]:
    """Days after `today` on which `fingerprint` differs from the day before.

    Sampled at `today`, each candidate and the day before it; between two samples
    that differ, bisected down to the day. `budget()` turning False stops the
    bisection: the later sample is then taken as the day.
    """
    days = {today}
    for c in candidates:
        if c > today:
            days.add(c)
            if c - ONE_DAY > today:
                days.add(c - ONE_DAY)
    points = sorted(days)
    found: list[dt.date] = []

    def search(p: dt.date, q: dt.date) -> None:
        if fingerprint(p) == fingerprint(q):
            return
        if (q - p).days == 1 or not budget():
            found.append(q)
            return
        m = p + dt.timedelta(days=(q - p).days // 2)
        search(p, m)
        search(m, q)

    for p, q in zip(points, points[1:], strict=False):
        search(p, q)
    return found


@dataclass
class Previews:
    days: list[Preview] = field(default_factory=list)
    left_out: list[dt.date] = field(default_factory=list)  # past MAX_DAYS


def _by_day(events: Iterable[Event], today: dt.date) -> dict[dt.date, list[Event]]:
    out: dict[dt.date, list[Event]] = {}
    for e in events:
        if e.day > today:
            out.setdefault(e.day, []).append(e)
    return out


def previews(base: Estate, head: Estate, today: dt.date, events: Iterable[Event],
             registry: Mapping[str, Any], keep: Collection[str] | None = None,
             context: Iterable[Event] = (), max_days: int = MAX_DAYS) -> Previews:
    """The change's effect on each of its days after `today` (today is the live plan).

    Listed: every day of `events` (the change's own dates), and every other day on which
    its effect changes, looked for at the `context` dates (the rest of the changed files'
    dates, which name such a day) and between them.
    """
    own, other = _by_day(events, today), _by_day(context, today)
    effect = Effect(base, head, registry, keep)
    candidates = sorted(own)[:max_days]
    if len(candidates) + len(other) <= MAX_EVALUATIONS // 2:
        candidates = sorted(set(candidates) | set(other))
    found = change_days(today, candidates, effect.fingerprint,
                        lambda: effect.evaluations < MAX_EVALUATIONS)
    days = sorted(set(own) & set(candidates) | set(found))
    out = Previews(left_out=sorted(set(own) - set(days)))
    if len(days) > max_days:
        out.left_out = sorted(set(out.left_out) | (set(days[max_days:]) & set(own)))
        days = days[:max_days]
    out.days = [Preview(d, own.get(d) or other.get(d, []), effect.on(d)) for d in days]
    return out
