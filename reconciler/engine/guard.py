"""Blast-radius guard: refuse plans that take service away from a large share at once.

A change is destructive when it deletes an owned resource or turns an owned,
enabled one off (`enabled: true -> false`). Which kinds count (ports, users, ...)
is class-level data of each target (`guarded_kinds`); the engine knows no platform.
The share is measured per site and kind against the live managed resources.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from .plan import Plan, TargetClass
from .resources import Change

DEFAULT_SHARE = 0.20


def destructive(c: Change) -> bool:
    if c.owner is None:
        return False  # nobody's service: a spare port, an unowned leftover
    if c.op == "delete":
        return True
    if c.op == "update" and c.before is not None and c.after is not None:
        return bool(c.before.get("enabled", False)) and c.after.get("enabled") is False
    return False


def mass_changes(plan: Plan, registry: Mapping[str, TargetClass],
                 share: float = DEFAULT_SHARE) -> list[str]:
    """One message per (site, kind) whose destructive share exceeds `share`."""
    live: Counter[tuple[str, str]] = Counter()
    hit: Counter[tuple[str, str]] = Counter()
    for tp in plan.targets:
        kinds = tuple(getattr(registry.get(tp.spec.platform), "guarded_kinds", ()))
        for kind in kinds:
            live[(tp.spec.site, kind)] += tp.live_kinds.get(kind, 0)
        for c in tp.changes:
            if c.kind in kinds and destructive(c):
                hit[(tp.spec.site, c.kind)] += 1
    out = []
    for (site, kind), n in sorted(hit.items()):
        total = max(live[(site, kind)], n)
        if n / total > share:
            out.append(f"site {site}: {n} of {total} managed {kind} resources would be deleted "
                       f"or disabled ({n / total:.0%} > {share:.0%}); rerun with "
                       "--allow-mass-change if this is intended")
    return out
