"""What git adds to a plan: scoping to changed files, the commit, offboarding refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from ..engine.plan import Plan
from ..intent import DesiredState
from ..model.estate import Estate
from .offboard import check_offboarding
from .repo import EstateRepo
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
    return desired.select(scope.targets), scope


def finish_plan(plan: Plan, root: Path, estate: Estate, at: dt.date, scope: Scope | None,
                allow_offboard: Collection[str] = (),
                registry: Mapping[str, Any] | None = None) -> Plan:
    """Record the commit and the scope, and refuse to prune an occupier deleted in git."""
    repo = EstateRepo.open(root)
    if repo is not None:
        plan.commit = repo.head_sha()
    if scope is not None:
        plan.notes.append(scope.describe())
        plan.notes += [n for n in scope.notes if not scope.full]
    check = check_offboarding(plan, estate, repo, at, allow_offboard, registry)
    plan.refusals += check.refusals
    plan.notes += check.notes
    return plan
