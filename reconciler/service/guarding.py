"""What the blast-radius guard judges besides a plan's own changes: dates.

The estate is a timeline: a commit that sets a date (a contract end with
deprovision, a move-out) changes the live systems on that day, not on the day it is
merged. So the guard judges a commit by its effect on every date it changes (the
estate at the base commit against the estate now, compiled for that day), and a
change that the date alone brings (the live state is what the same estate wanted a
few days ago, and the commit does not alter it) is not judged again on its day: it
was judged with the commit that set its date.

The base is the commit the run is judged against: `--changed-since REF` (the
workflows pass the site's last applied commit), else HEAD, so uncommitted edits are
what is judged. An estate outside git has no base: every loss counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..engine.diff import diff
from ..engine.guard import (
    Loss,
    Units,
    entry_owners,
    held,
    kinds_of,
    merge,
    net_effect,
    site_losses,
    sitewide_of,
)
from ..engine.plan import Plan, TargetClass
from ..engine.resources import Attrs, Resource, canonical
from ..errors import ReconcilerError
from ..gitops.drift import earlier_variants, is_scheduled
from ..gitops.repo import EstateRepo
from ..intent import DesiredState, compile_estate
from ..model.estate import OCCUPIERS_DIR, SITES_DIR, Estate
from ..model.occupier import Occupier
from ..model.site import Site

WINDOW_DAYS = 7  # a date-driven change is recognised this many days after its date
MAX_DATES = 24  # dates of one commit judged (nearest first)


@dataclass
class Base:
    ref: str
    estate: Estate
    changed: list[str]  # estate files that differ between the base and now


def load_base(root: Path, head: Estate, ref: str | None) -> tuple[Base | None, str | None]:
    """The estate at the base commit (the estate now with its changed files as they
    were there), or None and why not."""
    repo = EstateRepo.open(root)
    if repo is None:
        return None, "the estate is not in git, so every loss counts, dates included"
    if repo.head_sha() is None:
        return None, "the estate repository has no commit yet, so every loss counts"
    ref = ref or "HEAD"
    try:
        changed = [f for f in repo.changed_files(ref)
                   if f.startswith((f"{SITES_DIR}/", f"{OCCUPIERS_DIR}/"))
                   and f.endswith((".yaml", ".yml")) and f.count("/") == 1]
        sites, occupiers = dict(head.sites), dict(head.occupiers)
        for f in changed:
            folder, name = f.split("/", 1)
            into: dict[str, Any] = sites if folder == SITES_DIR else occupiers
            into.pop(Path(name).stem, None)
            text = repo.file_at(ref, f)
            if text is None:
                continue  # added since the base
            model = Site if folder == SITES_DIR else Occupier
            obj = model.model_validate(YAML(typ="safe").load(text))
            into[obj.id] = obj
    except (ReconcilerError, YAMLError, ValidationError, ValueError) as exc:
        return None, f"the estate at {ref} does not load ({type(exc).__name__}), so every " \
            "loss counts"
    return Base(ref, replace(head, sites=sites, occupiers=occupiers, _by_site=None),
                changed), None


def _sub_estate(estate: Estate, sites: Iterable[str]) -> Estate:
    """The same estate compiled for some sites only (compile cost follows the sites)."""
    keep = set(sites)
    return replace(estate, sites={k: v for k, v in estate.sites.items() if k in keep},
                   _by_site=None)


def _compile(estate: Estate, day: dt.date, targets: Iterable[str]) -> DesiredState:
    return compile_estate(estate, day).select(targets)


def _by_id(state: DesiredState) -> dict[tuple[str, str, str], Attrs]:
    return {r.id: r.attrs for rs in state.resources.values() for r in rs}


def _same(a: Attrs | None, b: Attrs | None) -> bool:
    return (a is None) == (b is None) and canonical(a) == canonical(b)


def _readable(state: DesiredState, plan: Plan,
              registry: Mapping[str, TargetClass]) -> dict[str, list[Resource]]:
    """Desired resources without their write-only attrs (never read back from a system)."""
    out = {}
    for tp in plan.targets:
        hide = dict(getattr(registry.get(tp.spec.platform), "write_only", {}))
        out[tp.target] = [replace(r, attrs={k: v for k, v in r.attrs.items()
                                            if k not in hide.get(r.kind, ())})
                          for r in state.resources.get(tp.target, [])]
    return out


def mark_date_driven(plan: Plan, base: Base, head: DesiredState, sites: Iterable[str],
                     registry: Mapping[str, TargetClass], window: int = WINDOW_DAYS) -> int:
    """Mark the plan's changes that the date alone brings; returns how many."""
    targets = [tp.target for tp in plan.targets]
    estate = _sub_estate(base.estate, sites)
    earlier = [_readable(_compile(estate, plan.at - dt.timedelta(days=n), targets), plan,
                         registry) for n in range(1, window + 1)]
    variants = earlier_variants(earlier)
    base_now = _by_id(_compile(estate, plan.at, targets))
    head_now = _by_id(head)
    marked = 0
    for tp in plan.targets:
        for c in tp.changes:
            if is_scheduled(c, variants, window) and _same(base_now.get(c.id),
                                                           head_now.get(c.id)):
                tp.date_driven.add((c.kind, c.key))
                marked += 1
    return marked


def _dates(value: Any) -> set[dt.date]:
    if isinstance(value, dt.date):
        return {value}
    if isinstance(value, BaseModel):
        value = dict(value)
    if isinstance(value, Mapping):
        return {d for v in value.values() for d in _dates(v)}
    if isinstance(value, (list, tuple)):
        return {d for v in value for d in _dates(v)}
    return set()


def changed_dates(base: Estate, head: Estate, after: dt.date) -> list[dt.date]:
    """Days after `after` on which what the commit changed may differ (a date and its
    next day: end and move-out dates are inclusive)."""
    days: set[dt.date] = set()
    for oid in set(base.occupiers) | set(head.occupiers):
        b, h = base.occupiers.get(oid), head.occupiers.get(oid)
        if b is not None and h is not None and b.model_dump() == h.model_dump():
            continue
        for d in _dates(b) | _dates(h):
            days |= {d, d + dt.timedelta(days=1)}
    return sorted(d for d in days if d > after)[:MAX_DATES]


def _transition(before: DesiredState, after: DesiredState, specs: Mapping[str, Any],
                registry: Mapping[str, TargetClass]) -> tuple[dict[str, Units], dict[str, Units]]:
    """Per site: what occupiers held before, and the net effect of going to `after`."""
    held_by: dict[str, Units] = {}
    net_by: dict[str, Units] = {}
    for tid, spec in specs.items():
        cls = registry.get(spec.platform)
        kinds, entries = kinds_of(cls)
        was, now = before.resources.get(tid, []), after.resources.get(tid, [])
        changes = diff(was, now, getattr(cls, "write_only", {}))
        merge(held_by.setdefault(spec.site, Units()), held(was, kinds, entries), sitewide_of(cls))
        merge(net_by.setdefault(spec.site, Units()),
              net_effect(changes, kinds, entries, entry_owners(was, entries)), sitewide_of(cls))
    return held_by, net_by


def date_losses(plan: Plan, base: Base, head: Estate, sites: Iterable[str],
                registry: Mapping[str, TargetClass]) -> list[Loss]:
    """What the commit takes away on each later date it changes: the losses of going from
    the day before to that day with the estate now, beyond those the base estate already
    had on that day (judged when it was applied). Per site and kind, the worst day."""
    sites = list(sites)
    days = changed_dates(base.estate, head, plan.at) if base.changed else []
    if not days:
        return []
    estates = {"base": _sub_estate(base.estate, sites), "head": _sub_estate(head, sites)}
    specs = {tp.target: tp.spec for tp in plan.targets}
    states: dict[tuple[str, dt.date], DesiredState] = {}

    def state(which: str, day: dt.date) -> DesiredState:
        if (which, day) not in states:
            states[(which, day)] = _compile(estates[which], day, specs)
        return states[(which, day)]

    worst: dict[tuple[str, str], Loss] = {}
    for day in days:
        prev = day - dt.timedelta(days=1)
        held_by, net_by = _transition(state("head", prev), state("head", day), specs, registry)
        _, base_net = _transition(state("base", prev), state("base", day), specs, registry)
        had = {(x.site, x.kind): x.lost for x in site_losses(held_by, base_net)}
        for loss in site_losses(held_by, net_by, day.isoformat(), "a date this change sets"):
            extra = loss.lost - had.get((loss.site, loss.kind), 0)
            if extra <= 0:
                continue
            loss = replace(loss, lost=extra)
            key = (loss.site, loss.kind)
            if key not in worst or loss.share > worst[key].share:
                worst[key] = loss
    return [worst[k] for k in sorted(worst)]
