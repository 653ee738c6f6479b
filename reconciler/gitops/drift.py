"""Drift: live changes made outside git, sorted by each site's drift policy.

Every difference between live and desired is one of:
- scheduled: the estate's dates changed this resource on a recent day (a contract
  or move-in whose day has come, an ended contract torn down) and the live system
  still holds what git wanted before. That is git's intent, not drift: always
  applied, whatever the policy says.
- drift, handled as the site's policy for the kind says: `correct` (applied),
  `report` (listed, left alone, the run exits non-zero), `ignore` (left out).

Only what the date moved is compared: a resource's existence for creates and
deletes, the changed fields for updates. Write-only fields (invitations, notify
addresses, secrets) are never read back from a live system, so they never take
part (they made every date-driven delete look like drift before).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..clock import now_utc
from ..engine.plan import Plan
from ..engine.render_text import describe_change
from ..engine.resources import Attrs, Change, Resource, canonical

FORMAT_VERSION = 1
Action = Literal["scheduled", "correct", "report", "ignore"]
PolicyOf = Callable[[str, str], str]  # (site, kind) -> correct | report | ignore
Variants = dict[tuple[str, str, str], list[Attrs | None]]


@dataclass
class DriftItem:
    change: Change
    site: str
    action: Action
    result: str = "pending"  # applied | corrected | left | ignored | failed

    def to_json(self) -> dict[str, Any]:
        c = self.change
        return {"target": c.target, "site": self.site, "owner": c.owner, "op": c.op,
                "kind": c.kind, "key": c.key, "fields": list(c.fields),
                "live": canonical(c.before) if c.before is not None else None,
                "desired": canonical(c.after) if c.after is not None else None,
                "detail": describe_change(c), "action": self.action, "result": self.result}


@dataclass
class DriftReport:
    at: dt.date
    items: list[DriftItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False
    failed: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)  # checked, drift or not (the console)

    def count(self, action: str) -> int:
        return sum(1 for i in self.items if i.action == action)

    @property
    def left(self) -> list[DriftItem]:
        """Drift the run did not correct (report policy, a dry run, or a failure)."""
        return [i for i in self.items
                if i.action != "ignore" and i.result not in ("corrected", "applied")]

    def exit_code(self) -> int:
        if self.errors or self.refusals or self.failed:
            return 1
        return 2 if self.left else 0

    def to_json(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION, "at": self.at.isoformat(),
                "created_at": now_utc().isoformat(timespec="seconds"), "sites": self.sites,
                "summary": {a: self.count(a) for a in ("scheduled", "correct", "report",
                                                       "ignore")} | {"left": len(self.left)},
                "errors": self.errors, "refusals": self.refusals, "notes": self.notes,
                "failed": self.failed, "items": [i.to_json() for i in self.items]}


def earlier_variants(states: Sequence[Mapping[str, Sequence[Resource]]]) -> Variants:
    """For each (target, kind, key): its desired attrs on each earlier day (None: absent)."""
    keys = {(r.target, r.kind, r.key) for s in states for rs in s.values() for r in rs}
    out: Variants = {k: [] for k in keys}
    for s in states:
        have = {(r.target, r.kind, r.key): r.attrs for rs in s.values() for r in rs}
        for k in keys:
            out[k].append(have.get(k))
    return out


def is_scheduled(c: Change, variants: Variants, days: int) -> bool:
    """The date moved this resource and live still holds what git wanted before it moved.

    `variants[c.id]` lists the desired attrs on each earlier day of the window (None:
    absent that day); the desired attrs today are `c.after`.
    """
    seen = variants.get(c.id, [None] * days)
    if c.op == "create":  # absent on an earlier day (and absent live): a start, a move-in
        return any(v is None for v in seen)
    if c.op == "delete":  # present on an earlier day: an end, a move-out
        return any(v is not None for v in seen)
    assert c.before is not None and c.after is not None
    for earlier in seen:
        if earlier is None:
            continue
        moved = [f for f in c.fields
                 if canonical(earlier.get(f)) != canonical(c.after.get(f))]
        if moved and all(canonical(c.before.get(f)) == canonical(earlier.get(f))
                         for f in moved):
            return True
    return False


REDACTED = "***"
WriteOnly = Callable[[str], Mapping[str, frozenset[str]]]  # target id -> kind -> fields


def redacted(c: Change, hide: frozenset[str]) -> Change:
    """The change with write-only values (keys, passwords) replaced, for reports."""
    if not hide:
        return c

    def mask(attrs: Attrs | None) -> Attrs | None:
        return None if attrs is None else {k: (REDACTED if k in hide and v is not None else v)
                                           for k, v in attrs.items()}

    return replace(c, before=mask(c.before), after=mask(c.after))


def classify(plan: Plan, policy: PolicyOf, variants: Variants, days: int,
             write_only: WriteOnly | None = None) -> DriftReport:
    report = DriftReport(plan.at, errors=list(plan.errors), refusals=list(plan.refusals),
                         notes=list(plan.notes),
                         sites=sorted({tp.spec.site for tp in plan.targets}))
    for tp in plan.targets:
        for c in tp.changes:
            if days and is_scheduled(c, variants, days):
                action: Action = "scheduled"
            else:
                action = policy(tp.spec.site, c.kind)  # type: ignore[assignment]
            # Reports are printed and uploaded: a live key never goes into one.
            hide = write_only(tp.target).get(c.kind, frozenset()) if write_only else frozenset()
            report.items.append(DriftItem(redacted(c, hide), tp.spec.site, action,
                                          "ignored" if action == "ignore" else "pending"))
    return report


def correction_plan(plan: Plan, report: DriftReport) -> Plan:
    """The part of `plan` to apply: scheduled changes and drift the policy corrects."""
    keep = {i.change.id for i in report.items if i.action in ("scheduled", "correct")}
    targets = [replace(tp, changes=[c for c in tp.changes if c.id in keep], commands=[])
               for tp in plan.targets]
    return replace(plan, targets=targets)


def record_results(report: DriftReport, failed_targets: set[str], applied: bool) -> None:
    for i in report.items:
        if i.action in ("scheduled", "correct"):
            if not applied:
                i.result = "left"
            elif i.change.target in failed_targets:
                i.result = "failed"
            else:
                i.result = "applied" if i.action == "scheduled" else "corrected"
        elif i.action == "report":
            i.result = "left"
    report.applied = applied
    report.failed = sorted(failed_targets)
