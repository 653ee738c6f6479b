"""Commands for CI: `sites` (the job matrix) and `drift` (the scheduled correction)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from .. import outbox
from ..engine.plan import make_plan
from ..gitops.drift import classify, correction_plan, earlier_variants, record_results
from ..gitops.drift_render import render_drift_markdown, render_drift_text
from ..gitops.planning import finish_plan, scoped
from ..intent import compile_estate
from ..targets import TARGETS
from .common import (
    EXIT_ERROR,
    OUT,
    AtOpt,
    CredOpt,
    EndpointsOpt,
    RepoOpt,
    SiteOpt,
    TargetOpt,
    credentials,
    handle_errors,
    load,
    parse_date,
)
from .live import (
    AllowOffboardOpt,
    ChangedSinceOpt,
    apply_endpoints,
    report_run,
    select,
)
from .progress import progress
from .safety import ApplySafety, JournalOpt


@handle_errors
def sites_cmd(repo: RepoOpt = Path("."), at: AtOpt = None,
              changed_since: ChangedSinceOpt = None,
              fmt: Annotated[str, typer.Option("--format", "-f", help="text (one a line) or "
                                               "json (a list, for a job matrix)", metavar="FORMAT")] = "text"
              ) -> None:
    """List the sites to plan or apply: all of them, or those changed since a git ref."""
    estate = load(repo)
    desired, scope = scoped(repo, compile_estate(estate, parse_date(at)), changed_since)
    sites = sorted({spec.site for spec in desired.targets.values()})
    if scope is not None:
        OUT.info(scope.describe())
        for n in scope.notes:
            OUT.info(f"note: {n}")
    if fmt == "json":
        OUT.out(json.dumps(sites))
    elif fmt == "text":
        if sites:
            OUT.out("\n".join(sites))
    else:
        raise typer.BadParameter(f"unknown format {fmt!r}; use text or json", param_hint="--format")


@handle_errors
def drift_cmd(repo: RepoOpt = Path("."), at: AtOpt = None, site: SiteOpt = None,
              target: TargetOpt = None,
              fmt: Annotated[str, typer.Option("--format", "-f", help="text, json, markdown "
                                               "(a job summary)", metavar="FORMAT")] = "text",
              dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; correct "
                                                    "nothing whatever the policy.")] = False,
              window: Annotated[int, typer.Option("--window", min=0, max=366, help="Days back in "
                                                  "which a date-driven change counts as "
                                                  "scheduled, not drift.", metavar="DAYS")] = 7,
              allow_offboard: AllowOffboardOpt = None, journal: JournalOpt = None,
              report_file: Annotated[Path | None, typer.Option(
                  "--report", help="Also write the report as JSON to FILE (for the console "
                  "and the workflow's artifact).", metavar="FILE", show_default=False)] = None,
              creds_file: CredOpt = None, endpoints: EndpointsOpt = None) -> None:
    """Find live changes made outside git; correct them or report them per site policy.

    Also applies what the date brings (contracts and moves whose day has come,
    ended contracts with deprovision). Exit 0: nothing left to do; 2: drift left
    uncorrected (report policy or --dry-run); 1: error, refusal or failed correction.
    """
    fmt = fmt.lower()
    if fmt not in ("text", "json", "markdown"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use text, json or markdown",
                                 param_hint="--format")
    creds = credentials(creds_file)
    outbox.set_default_dir(repo.resolve() / "outbox")  # as apply: invitations go there
    estate = load(repo)
    day = parse_date(at)
    desired = apply_endpoints(select(compile_estate(estate, day), site, target), endpoints)
    with progress(len(desired.targets), "reading") as step:
        plan = make_plan(desired, TARGETS, creds, progress=step)
    plan = finish_plan(plan, repo, estate, day, None, allow_offboard or ())
    earlier = [compile_estate(estate, day - dt.timedelta(days=n)).select(desired.targets).resources
               for n in range(1, window + 1)]

    def policy(site_id: str, kind: str) -> str:
        s = estate.sites.get(site_id)
        return s.drift_action(kind) if s is not None else "report"

    def write_only(target_id: str) -> Mapping[str, frozenset[str]]:
        spec = desired.targets.get(target_id)
        cls = TARGETS.get(spec.platform) if spec is not None else None
        return getattr(cls, "write_only", {}) if cls is not None else {}

    report = classify(plan, policy, earlier_variants(earlier), window, write_only)
    fix = correction_plan(plan, report)
    failed: set[str] = set()
    applied = False
    if fix.has_changes and not dry_run and not report.refusals:
        # The same lock and journal as apply: every change a nightly run makes is recorded.
        safety = ApplySafety(repo, journal)
        sites = {s for t in fix.targets if t.changes
                 for s in (t.spec.site, *t.spec.scope.get("sites", []))}
        with safety.locked(sites) as run_journal, \
                progress(sum(1 for t in fix.targets if t.changes), "correcting") as step:
            run = safety.run(fix, creds, run_journal, progress=step)
        report_run(run)
        failed = {r.target for r in run.failed_targets} | set(run.restore_failed)
        if not run.ok:
            failed |= {t.target for t in fix.targets if t.changes}  # all or nothing
        applied = True
    elif report.refusals:
        report.notes.append("nothing corrected: the plan was refused")
    record_results(report, failed, applied)
    if report_file is not None:
        report_file.write_text(OUT.mask(json.dumps(report.to_json(), indent=2)) + "\n",
                               encoding="utf-8")
    if fmt == "json":
        OUT.out(json.dumps(report.to_json(), indent=2))
    elif fmt == "markdown":
        OUT.out(render_drift_markdown(report))
    else:
        OUT.out(render_drift_text(report))
    code = report.exit_code()
    if code == EXIT_ERROR:
        OUT.error("drift check failed: " + "; ".join(report.refusals + report.errors
                                                     + [f"{t}: correction failed"
                                                        for t in report.failed]))
    raise typer.Exit(code)
