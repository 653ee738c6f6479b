"""What git adds to a plan: scoping to changed files, the commit, offboarding refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from ..engine.plan import Plan
from ..intent import DesiredState
from ..model.estate import Estate
from .attribution import owner_sites
from .effective import affected_sites, part_of, previews
from .events import context_events, pr_events
from .offboard import check_offboarding
from .repo import EstateRepo
from .report import PlanReport
from .scope import Scope, compute_scope


def open_repo(root: Path) -> EstateRepo | None:
    return EstateRepo.open(root)


def scoped(root: Path, desired: DesiredState, changed_since: str | None
           ) -> tuple[DesiredState, Scope | None]:
    """`desired` restricted to what changed since a git ref (all of it without a ref)."""
    if not changed_since:
        return desired, None
    repo = EstateRepo.open(root)
    if repo is None:
        from ..errors import ConfigError
        raise ConfigError(f"--changed-since needs the estate in a git repository; {root} is not")
    scope = compute_scope(repo, changed_since, desired, desired.at)
    scope.universe = set(desired.targets)
    return desired.select(scope.targets), scope


def finish_plan(plan: Plan, root: Path, estate: Estate, at: dt.date, scope: Scope | None,
                allow_offboard: Collection[str] = ()) -> Plan:
    """Record the commit and the scope, and refuse to prune an occupier deleted in git."""
    repo = EstateRepo.open(root)
    if repo is not None:
        plan.commit = repo.head_sha()
    if scope is not None:
        plan.notes.append(scope.describe())
        plan.notes += [n for n in scope.notes if not scope.full]
    check = check_offboarding(plan, estate, repo, at, allow_offboard)
    plan.refusals += check.refusals
    plan.notes += check.notes
    return plan


def plan_report(plan: Plan, head: Estate, scope: Scope | None,
                registry: Mapping[str, Any]) -> PlanReport:
    """The live plan, and for a change (a scope) its effect on each later date it brings.

    `plan.at` is today (the product's clock, or --at); previews start the day after.
    `registry` gives each platform's write-only fields and change order, as for a plan.
    """
    report = PlanReport(plan, owners=owner_sites([head, scope.base if scope else None]))
    if scope is None:
        return report
    report.dated, report.base, report.base_commit = True, scope.ref, scope.base_commit
    if scope.base is None:
        if scope.files:
            report.notes.append(f"later dates are not previewed: the estate at {scope.ref} "
                                "did not load")
        return report
    files = (scope.base, head, scope.occupiers, scope.site_files)
    sites = affected_sites(*files)
    found = previews(part_of(scope.base, sites), part_of(head, sites), plan.at,
                     pr_events(*files), registry, keep=scope.universe,
                     context=context_events(*files))
    report.previews, report.left_out = found.days, found.left_out
    return report
