"""A plan without live credentials: what a pull request changes in the desired state.

A pull request that changes the tool, the workflows, the templates or the lock files
is planned without the live credentials (see docs/security.md). Nothing is read from
a live system: each target's desired state at the pull request is compared with its
desired state at the base (`--changed-since REF`, compiled for the same date), and
the plan lists those changes by occupier, like a live plan. It carries no digests
and no device commands, so it can never be applied; the offboarding check still
runs, since it needs only git.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..engine.diff import diff, order_changes
from ..engine.plan import Plan, TargetClass, TargetPlan
from ..errors import PlanError
from ..intent import DesiredState, compile_estate
from .scope import Scope

NOTE = ("planned WITHOUT live credentials: the estate of this change compared with the "
        "estate at {ref}, not with the live systems; no device commands, not applicable")


def offline_plan(desired: DesiredState, scope: Scope | None,
                 registry: Mapping[str, TargetClass]) -> Plan:
    if scope is None:
        raise PlanError("--offline compares with the estate at a git ref: give "
                        "--changed-since REF")
    plan = Plan(at=desired.at, offline=True)
    plan.notes.append(NOTE.format(ref=scope.ref))
    if scope.files and scope.base is None:
        raise PlanError(f"the estate at {scope.ref} does not load, so there is nothing to "
                        "compare with offline: " + "; ".join(scope.notes))
    before = compile_estate(scope.base, desired.at) if scope.base is not None else \
        DesiredState(desired.at, {}, {})
    for tid in sorted(desired.targets):
        spec = desired.targets[tid]
        cls = registry.get(spec.platform)
        write_only = getattr(cls, "write_only", {})
        kind_order = getattr(cls, "kind_order", ())
        was = before.resources.get(tid, [])
        now = desired.resources.get(tid, [])
        changes = order_changes(diff(was, now, write_only), kind_order)
        plan.targets.append(TargetPlan(spec, changes, live_count=len(was),
                                       desired_count=len(now)))
    return plan
