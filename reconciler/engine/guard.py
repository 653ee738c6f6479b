"""Blast-radius guard: refuse plans that take service away from a large share at once.

A change takes service away when it deletes an owned resource or turns an owned,
enabled one off (`enabled: true -> false`); it gives service when it creates an
owned resource or turns one on. Per site, kind and owner the two are netted, so a
move (ports off here, on there) or a key rotation (delete v1, create v2) is not a
loss. Which kinds count (ports, users, ...) is class-level data of each target
(`guarded_kinds`); the engine knows no platform. A site is refused when its net
loss of one kind is at least `MIN_LOSS` resources and more than `share` of the
live managed resources of that kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from .plan import Plan, TargetClass
from .resources import Change

DEFAULT_SHARE = 0.20
MIN_LOSS = 3  # below this a change is not "mass", whatever the share (tiny sites, one key)


def _enabled(attrs: Mapping[str, object] | None) -> bool:
    return attrs is not None and bool(attrs.get("enabled", True))


def effect(c: Change) -> int:
    """-1 takes an owner's service away, +1 gives it, 0 neither."""
    if c.owner is None:
        return 0  # nobody's service: a spare port, an unowned leftover
    if c.op == "delete":
        return -1 if _enabled(c.before) else 0
    if c.op == "create":
        return 1 if _enabled(c.after) else 0
    if c.before is None or c.after is None:
        return 0
    return int(_enabled(c.after)) - int(_enabled(c.before))


def mass_changes(plan: Plan, registry: Mapping[str, TargetClass],
                 share: float = DEFAULT_SHARE) -> list[str]:
    """One message per (site, kind) whose net loss of service is too large."""
    live: Counter[tuple[str, str]] = Counter()
    net: Counter[tuple[str, str, str]] = Counter()
    for tp in plan.targets:
        kinds = tuple(getattr(registry.get(tp.spec.platform), "guarded_kinds", ()))
        for kind in kinds:
            live[(tp.spec.site, kind)] += tp.live_kinds.get(kind, 0)
        for c in tp.changes:
            if c.kind in kinds and c.owner is not None:
                net[(tp.spec.site, c.kind, c.owner)] += effect(c)
    lost: Counter[tuple[str, str]] = Counter()
    for (site, kind, _owner), n in net.items():
        lost[(site, kind)] += max(0, -n)
    out = []
    for (site, kind), n in sorted(lost.items()):
        total = max(live[(site, kind)], n)
        if n >= MIN_LOSS and n / total > share:
            out.append(f"site {site}: {n} of {total} managed {kind} resources would be deleted "
                       f"or disabled ({n / total:.0%} > {share:.0%}); rerun with "
                       "--allow-mass-change if this is intended")
    return out
