"""Plans: read every target, diff against desired, keep it as a versioned JSON object."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..clock import now_utc
from ..errors import PlanError, ReconcilerError
from .credentials import CredentialStore
from .diff import diff, order_changes
from .guard import (
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
from .resources import Change, Resource, TargetSpec, digest
from .runner import Progress, run_bounded
from .target import Target

# 2: commands are a contract (template digests), owners on both sides of a change,
# what occupiers hold and date-driven changes for the guard.
# 3: no connection settings or credentials; a saved plan is signed (engine.plan_file).
FORMAT_VERSION = 3


class Desired(Protocol):
    at: dt.date
    targets: dict[str, TargetSpec]
    resources: dict[str, list[Resource]]


TargetClass = Any  # a class satisfying engine.target.Target (class-level data + ctor)


@dataclass
class TargetPlan:
    spec: TargetSpec
    changes: list[Change] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    digest: str | None = None
    error: str | None = None
    live_count: int = 0
    desired_count: int = 0
    # For the blast-radius guard: what occupiers hold live ({kind: {owner: units}}), who
    # owns what entries of shared resources name, and changes only the date brings.
    held: dict[str, dict[str, int]] = field(default_factory=dict)
    entry_owners: dict[str, dict[str, str]] = field(default_factory=dict)
    date_driven: set[tuple[str, str]] = field(default_factory=set)
    #: Digest of every template the target renders with: the commands are a contract.
    templates: dict[str, str] = field(default_factory=dict)
    #: Changes that would take over something reconciler did not make (see Plan.refusals).
    refusals: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.spec.id

    def held_units(self) -> Units:
        return Units({(k, o): n for k, owners in self.held.items() for o, n in owners.items()})

    def to_json(self) -> dict[str, Any]:
        s = self.spec
        return {"target": s.id, "platform": s.platform, "site": s.site,
                # Where a target is reached and how it logs in is never in a plan.
                "spec": {"scope": dict(s.scope)},
                "live_digest": self.digest, "error": self.error,
                "live_count": self.live_count, "desired_count": self.desired_count,
                "held": {k: dict(sorted(v.items())) for k, v in sorted(self.held.items())},
                "entry_owners": {k: dict(sorted(v.items()))
                                 for k, v in sorted(self.entry_owners.items())},
                "date_driven": [list(i) for i in sorted(self.date_driven)],
                "templates": dict(sorted(self.templates.items())),
                "changes": [c.to_json() for c in self.changes], "commands": self.commands}

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> TargetPlan:
        sp = d.get("spec") or {}
        spec = TargetSpec(d["target"], d["platform"], d["site"], {}, sp.get("scope", {}))
        return TargetPlan(
            spec, [Change.from_json(c) for c in d.get("changes", [])],
            [str(c) for c in d.get("commands", [])], d.get("live_digest"), d.get("error"),
            int(d.get("live_count", 0)), int(d.get("desired_count", 0)),
            {str(k): {str(o): int(n) for o, n in v.items()}
             for k, v in (d.get("held") or {}).items()},
            {str(k): {str(e): str(o) for e, o in v.items()}
             for k, v in (d.get("entry_owners") or {}).items()},
            {(str(k), str(key)) for k, key in d.get("date_driven") or []},
            {str(k): str(v) for k, v in (d.get("templates") or {}).items()})


@dataclass
class Plan:
    at: dt.date
    targets: list[TargetPlan] = field(default_factory=list)
    created_at: str = field(default_factory=lambda: now_utc().isoformat(
        timespec="seconds"))
    commit: str | None = None
    notes: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    #: The commit the guard judged this plan against (`--changed-since` or HEAD).
    base: str | None = None
    #: What the dates a commit changes bring, per site and kind (the guard judges them).
    date_losses: list[Loss] = field(default_factory=list)
    #: What the blast-radius guard refused when the plan was made (apply judges again).
    guard: list[str] = field(default_factory=list)
    #: Made without reading any live system (a pull request without live credentials):
    #: the estate compared with itself at a git ref; never applicable.
    offline: bool = False

    @property
    def changes(self) -> list[Change]:
        return [c for t in self.targets for c in t.changes]

    @property
    def has_changes(self) -> bool:
        return any(t.changes for t in self.targets)

    @property
    def errors(self) -> list[str]:
        return [f"{t.target}: {t.error}" for t in self.targets if t.error]

    def summary(self) -> dict[str, int]:
        c = Counter(ch.op for ch in self.changes)
        return {"create": c["create"], "update": c["update"], "delete": c["delete"]}

    def to_json(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION, "at": self.at.isoformat(),
                "created_at": self.created_at, "commit": self.commit, "base": self.base,
                "summary": self.summary(), "offline": self.offline, "notes": self.notes,
                "refusals": self.refusals,
                "errors": self.errors, "guard_refusals": self.guard,
                "date_losses": [x.to_json() for x in self.date_losses],
                "targets": [t.to_json() for t in self.targets]}

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> Plan:
        if d.get("format_version") != FORMAT_VERSION:
            raise PlanError(f"plan format {d.get('format_version')!r} is not supported "
                            f"(this reconciler reads format {FORMAT_VERSION}); plan again")
        return Plan(dt.date.fromisoformat(d["at"]),
                    [TargetPlan.from_json(t) for t in d.get("targets", [])],
                    d.get("created_at", ""), d.get("commit"), list(d.get("notes", [])),
                    list(d.get("refusals", [])), d.get("base"),
                    [Loss.from_json(x) for x in d.get("date_losses", [])],
                    [str(x) for x in d.get("guard_refusals", [])],
                    bool(d.get("offline", False)))

    def live_losses(self, registry: Mapping[str, TargetClass]) -> list[Loss]:
        """What applying this plan takes from occupiers, per site and kind (date-driven
        changes left out: the commit that set their date was judged for them)."""
        held_by: dict[str, Units] = {}
        net_by: dict[str, Units] = {}
        for tp in self.targets:
            cls = registry.get(tp.spec.platform)
            kinds, entries = kinds_of(cls)
            merge(held_by.setdefault(tp.spec.site, Units()), tp.held_units(), sitewide_of(cls))
            judged = [c for c in tp.changes if (c.kind, c.key) not in tp.date_driven]
            merge(net_by.setdefault(tp.spec.site, Units()),
                  net_effect(judged, kinds, entries, tp.entry_owners), sitewide_of(cls))
        return site_losses(held_by, net_by)


def open_target(spec: TargetSpec, registry: Mapping[str, TargetClass],
                creds: CredentialStore) -> Target:
    from ..errors import UnknownPlatformError

    cls = registry.get(spec.platform)
    if cls is None:
        raise UnknownPlatformError(spec.platform, list(registry))
    credential = creds.get(spec.credentials) if spec.credentials else None
    target: Target = cls(spec, credential)
    return target


def plan_target(spec: TargetSpec, desired: Sequence[Resource],
                registry: Mapping[str, TargetClass], creds: CredentialStore) -> TargetPlan:
    tp = TargetPlan(spec, desired_count=len(desired))
    try:
        with open_target(spec, registry, creds) as target:
            live = target.read()
            tp.live_count = len(live)
            tp.digest = digest(live)
            changes = order_changes(diff(live, desired, target.write_only), target.kind_order)
            # In the form a saved plan carries, so that what is rendered from a saved plan
            # is byte for byte what was rendered here (the commands are a contract).
            tp.changes = [Change.from_json(c.to_json()) for c in changes]
            tp.commands = target.render(tp.changes) if tp.changes else []
            live_figures(tp, target, live)
    except ReconcilerError as exc:
        tp.error = str(exc)
    return tp


def live_figures(tp: TargetPlan, target: Target, live: Sequence[Resource],
                 claims: bool = True) -> None:
    """What the guard and the scope check know of a target, from its live state only:
    what occupiers hold, who owns shared entries, what the changes would take over."""
    kinds, entries = kinds_of(type(target))
    tp.held = _nested(held(live, kinds, entries))
    tp.entry_owners = entry_owners(live, entries)
    judge = getattr(target, "foreign_claims", None) if claims else None
    tp.refusals = list(judge(tp.changes)) if judge is not None and tp.changes else []


def judge_live(plan: Plan, registry: Mapping[str, TargetClass], creds: CredentialStore,
               *, max_workers: int = 32) -> None:
    """A saved plan's refusals and guard figures, found out again from a live read: what
    a plan file says of them is never used (apply judges the date-driven part from git)."""
    def one(tp: TargetPlan) -> TargetPlan:
        tp.held, tp.entry_owners, tp.refusals, tp.date_driven = {}, {}, [], set()
        if tp.error is not None:
            return tp  # a target the plan could not read keeps the plan unappliable
        try:
            with open_target(tp.spec, registry, creds) as target:
                live = target.read()
                # Changed since the plan: apply refuses it as stale (naming it) before
                # anything is sent; what it would take over is judged on the state it read.
                live_figures(tp, target, live, claims=digest(live) == tp.digest)
        except ReconcilerError as exc:
            tp.error = str(exc)
        return tp

    limits = {p: getattr(c, "max_concurrency", 8) for p, c in registry.items()}
    plan.targets = run_bounded(plan.targets, one, lambda t: t.spec.platform, limits,
                               max_workers)
    plan.refusals = [r for t in plan.targets for r in t.refusals]
    plan.guard, plan.date_losses = [], []


def render_commands(plan: Plan, registry: Mapping[str, TargetClass],
                    creds: CredentialStore) -> None:
    """(Re)render each changed target's commands, e.g. for a subset of a plan's changes."""
    for tp in plan.targets:
        if tp.changes:
            with open_target(tp.spec, registry, creds) as target:
                tp.commands = target.render(tp.changes)
        else:
            tp.commands = []


def _nested(units: Units) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (kind, owner), n in units.items():
        if n:
            out.setdefault(kind, {})[owner] = n
    return out


def make_plan(desired: Desired, registry: Mapping[str, TargetClass], creds: CredentialStore,
              *, progress: Progress | None = None, max_workers: int = 32) -> Plan:
    specs = [desired.targets[k] for k in sorted(desired.targets)]

    def one(spec: TargetSpec) -> TargetPlan:
        tp = plan_target(spec, desired.resources.get(spec.id, []), registry, creds)
        if progress:
            progress(spec.id, "error" if tp.error else f"{len(tp.changes)} changes")
        return tp

    limits = {p: getattr(c, "max_concurrency", 8) for p, c in registry.items()}
    targets = run_bounded(specs, one, lambda s: s.platform, limits, max_workers)
    return Plan(at=desired.at, targets=targets,
                refusals=[r for t in targets for r in t.refusals])


Renderer = Callable[[Plan], str]
