"""The drift use-case: classify live differences, then correct them through apply.

Under the sites' locks (a drift run never interleaves with an apply, and waits or
refuses as an apply would): plan, sort every difference by the site's policy
(`gitops/drift.py`), and hand what is to be corrected to `Session.apply`, the same
path as `reconciler apply`: offboarding check, blast-radius guard, journal with
before/after, preflight, waves, verify, persist, rollback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..engine.plan import render_commands
from ..errors import PlanError, RefusedError
from ..gitops.drift import DriftReport, classify, correction_plan, earlier_variants, record_results
from ..intent import compile_estate
from .applying import ApplyPolicy, Session
from .desired import Desired

if TYPE_CHECKING:
    from .reconciler import Reconciler


def drift(rec: Reconciler, s: Session, desired: Desired, window: int, dry_run: bool,
          policy: ApplyPolicy) -> DriftReport:
    plan = rec.plan_desired(desired, policy)
    estate, day = desired.estate, desired.at
    earlier = [compile_estate(estate, day - dt.timedelta(days=n)).select(desired.state.targets)
               .resources for n in range(1, window + 1)]

    def site_policy(site_id: str, kind: str) -> str:
        site = estate.sites.get(site_id)
        return site.drift_action(kind) if site is not None else "report"

    def write_only(target_id: str) -> Mapping[str, frozenset[str]]:
        tp = next((t for t in plan.targets if t.target == target_id), None)
        cls = rec.registry.get(tp.spec.platform) if tp is not None else None
        return dict(getattr(cls, "write_only", {}))

    report = classify(plan, site_policy, earlier_variants(earlier), window, write_only)
    report.refusals = []  # apply says what it refuses, as for any other run
    fix = correction_plan(plan, report)
    failed: set[str] = set()
    applied = False
    if not dry_run:
        render_commands(fix, rec.registry, rec.creds)
        try:
            outcome = s.apply(fix, policy, origin="drift")
        except RefusedError as exc:
            report.refusals += exc.reasons
            report.notes.append("nothing corrected: the corrections were refused")
        except PlanError as exc:
            if not plan.errors:
                report.errors.append(str(exc))
            report.notes.append("nothing corrected: " + ("some targets could not be read"
                                                         if plan.errors else "see the errors"))
        else:
            if outcome.run is not None:
                run = outcome.run
                failed = {r.target for r in run.failed_targets} | set(run.restore_failed)
                if not run.ok:
                    failed |= {t.target for t in fix.targets if t.changes}  # all or nothing
                applied = True
    elif not plan.errors:  # what apply would refuse of these corrections, without applying
        report.refusals += s.reasons(fix, policy)[0]
    record_results(report, failed, applied)
    return report
