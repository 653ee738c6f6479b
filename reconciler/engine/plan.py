"""Plans: read every target, diff against desired, keep it as a versioned JSON object."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..clock import now_utc
from ..errors import PlanError, ReconcilerError
from .credentials import MASK, CredentialStore, redact_settings
from .diff import diff, order_changes
from .resources import Change, Resource, TargetSpec, digest
from .runner import Progress, run_bounded
from .target import Target

FORMAT_VERSION = 1


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
    live_kinds: dict[str, int] = field(default_factory=dict)  # for the blast-radius guard
    #: Changes that would take over something reconciler did not make (see Plan.refusals).
    refusals: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.spec.id

    def to_json(self) -> dict[str, Any]:
        s = self.spec
        return {"target": s.id, "platform": s.platform, "site": s.site,
                "spec": {"settings": redact_settings(s.settings), "scope": dict(s.scope),
                         "credentials": s.credentials},
                "live_digest": self.digest, "error": self.error,
                "live_count": self.live_count, "desired_count": self.desired_count,
                "live_kinds": dict(sorted(self.live_kinds.items())),
                "changes": [c.to_json() for c in self.changes], "commands": self.commands}

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> TargetPlan:
        sp = d["spec"]
        spec = TargetSpec(d["target"], d["platform"], d["site"], sp.get("settings", {}),
                          sp.get("scope", {}), sp.get("credentials"))
        return TargetPlan(spec, [Change.from_json(c) for c in d.get("changes", [])],
                          list(d.get("commands", [])), d.get("live_digest"), d.get("error"),
                          d.get("live_count", 0), d.get("desired_count", 0),
                          {str(k): int(v) for k, v in (d.get("live_kinds") or {}).items()})


@dataclass
class Plan:
    at: dt.date
    targets: list[TargetPlan] = field(default_factory=list)
    created_at: str = field(default_factory=lambda: now_utc().isoformat(
        timespec="seconds"))
    commit: str | None = None
    notes: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
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
                "created_at": self.created_at, "commit": self.commit,
                "summary": self.summary(), "offline": self.offline, "notes": self.notes,
                "refusals": self.refusals,
                "errors": self.errors, "targets": [t.to_json() for t in self.targets]}

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> Plan:
        if d.get("format_version") != FORMAT_VERSION:
            raise PlanError(f"plan format {d.get('format_version')!r} is not supported "
                            f"(this reconciler reads format {FORMAT_VERSION}); plan again")
        return Plan(dt.date.fromisoformat(d["at"]),
                    [TargetPlan.from_json(t) for t in d.get("targets", [])],
                    d.get("created_at", ""), d.get("commit"), list(d.get("notes", [])),
                    list(d.get("refusals", [])), bool(d.get("offline", False)))


def open_target(spec: TargetSpec, registry: Mapping[str, TargetClass],
                creds: CredentialStore) -> Target:
    from ..errors import UnknownPlatformError

    cls = registry.get(spec.platform)
    if cls is None:
        raise UnknownPlatformError(spec.platform, list(registry))
    masked = sorted(k for k, v in spec.settings.items() if isinstance(v, str) and MASK in v)
    if masked:
        from ..errors import ConfigError
        raise ConfigError(f"{spec.id}: {', '.join(masked)} masked in the saved plan (a plan "
                          "never holds a password): give the same endpoints file again")
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
            tp.live_kinds = dict(Counter(r.kind for r in live))
            tp.digest = digest(live)
            tp.changes = order_changes(diff(live, desired, target.write_only),
                                       target.kind_order)
            tp.commands = target.render(tp.changes) if tp.changes else []
            claims = getattr(target, "foreign_claims", None)
            if claims is not None and tp.changes:
                tp.refusals = list(claims(tp.changes))
    except ReconcilerError as exc:
        tp.error = str(exc)
    return tp


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
