"""Commands for CI: `sites` (the job matrix) and `drift` (the scheduled correction)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .. import outbox
from ..gitops.batches import MAX_JOBS, batches
from ..gitops.drift_render import render_drift_markdown, render_drift_text
from .common import (
    EXIT_ERROR,
    OUT,
    AtOpt,
    CredOpt,
    EndpointsOpt,
    RepoOpt,
    SiteOpt,
    TargetOpt,
    handle_errors,
    parse_date,
)
from .live import report_run
from .options import (
    AllowMassOpt,
    AllowOffboardOpt,
    ChangedSinceOpt,
    JournalOpt,
    ShareOpt,
    WaitOpt,
    policy,
    reconciler,
)


@handle_errors
def sites_cmd(repo: RepoOpt = Path("."), at: AtOpt = None,
              changed_since: ChangedSinceOpt = None,
              fmt: Annotated[str, typer.Option("--format", "-f", help="text (one a line) or "
                                               "json (a list, for a job matrix)", metavar="FORMAT")] = "text",
              batched: Annotated[bool, typer.Option(
                  "--batches", help="Group the sites into CI jobs: at most --max-jobs, a "
                  "site always in the same batch (json: [{batch, sites}], a matrix include; "
                  "text: the batch and its sites, one batch a line).")] = False,
              max_jobs: Annotated[int, typer.Option(
                  "--max-jobs", min=1, max=MAX_JOBS, help="With --batches: at most this many "
                  f"jobs (GitHub Actions allows {MAX_JOBS} per matrix). The apply and drift "
                  "workflows must use the same number.", metavar="N")] = MAX_JOBS,
              ) -> None:
    """List the sites to plan or apply: all of them, or those changed since a git ref.

    With --batches, the sites grouped into at most --max-jobs CI jobs; each job runs
    its sites one after another, and a site is always in the same batch, so one
    site's runs never overlap (the workflows name the concurrency group after it).
    """
    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use text or json", param_hint="--format")
    sites, scope = reconciler(repo, None, None).sites(parse_date(at), changed_since)
    if scope is not None:
        OUT.info(scope.describe())
        for n in scope.notes:
            OUT.info(f"note: {n}")
    if batched:
        groups = batches(sites, max_jobs)
        if fmt == "json":
            OUT.out(json.dumps(groups))
        elif groups:
            OUT.out("\n".join(f"{g['batch']} {g['sites']}" for g in groups))
        return
    if fmt == "json":
        OUT.out(json.dumps(sites))
    elif sites:
        OUT.out("\n".join(sites))


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
              allow_offboard: AllowOffboardOpt = None,
              wait: WaitOpt = 0.0, journal: JournalOpt = None,
              allow_mass_change: AllowMassOpt = False, mass_change_share: ShareOpt = 20.0,
              report_file: Annotated[Path | None, typer.Option(
                  "--report", help="Also write the report as JSON to FILE (for the console "
                  "and the workflow's artifact).", metavar="FILE", show_default=False)] = None,
              creds_file: CredOpt = None, endpoints: EndpointsOpt = None) -> None:
    """Find live changes made outside git; correct them or report them per site policy.

    Also applies what the date brings (contracts and moves whose day has come,
    ended contracts with deprovision). Corrections go through the same path as
    `apply`: site locks, offboarding check, blast-radius guard, journal, verify,
    rollback. Exit 0: nothing left to do; 2: drift left uncorrected (report policy or
    --dry-run); 1: error, refusal or failed correction.
    """
    fmt = fmt.lower()
    if fmt not in ("text", "json", "markdown"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use text, json or markdown",
                                 param_hint="--format")
    rec = reconciler(repo, creds_file, endpoints, journal, on_run=report_run)
    outbox.set_default_dir(rec.repo / "outbox")  # as apply: invitations go there
    report = rec.drift(parse_date(at), tuple(site or ()), tuple(target or ()), window=window,
                       dry_run=dry_run,
                       policy=policy(wait, allow_mass_change, mass_change_share, allow_offboard))
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
