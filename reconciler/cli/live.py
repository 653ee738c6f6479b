"""`plan` and `apply`: options, output and exit codes over the service's use-cases."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import outbox
from ..engine.apply import RunResult
from ..engine.plan import Plan
from ..engine.plan_file import SIGNING_ENV, saved_form
from ..engine.render_text import render_text
from ..errors import ConfigError, PlanError
from ..gitops.machine_paths import MachinePaths, scrub_report, scrub_saved
from ..gitops.markdown import render_markdown
from ..gitops.report import PlanReport, render_report_text
from ..service import ApplyOutcome, PlanRequest
from .common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
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
from .options import (
    AllowMassOpt,
    AllowOffboardOpt,
    ChangedSinceOpt,
    JournalOpt,
    ResumeOpt,
    ShareOpt,
    WaitOpt,
    offline_reconciler,
    policy,
    reconciler,
)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="text, json, markdown (a pull "
                                        "request comment)", metavar="FORMAT",
                                        case_sensitive=False)]


def emit_plan(report: PlanReport, fmt: str, out_file: Path | None, repo: Path,
              save: Callable[[dict[str, Any]], tuple[dict[str, Any], bool]] | None = None
              ) -> None:
    fmt = fmt.lower()
    if fmt not in ("json", "text", "markdown"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use text, json or markdown",
                                 param_hint="--format")
    paths = MachinePaths(repo.resolve())
    if out_file is not None:  # apply's input: changes, commands and digests kept exact
        data, signed = (save or _unsigned)(scrub_saved(report.to_json(), paths))
        out_file.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        if signed:
            OUT.info(f"plan saved to {out_file}; apply it with `reconciler apply {out_file}`")
        elif report.live.offline:
            OUT.info(f"plan saved to {out_file} (offline: for reading, never applied)")
        else:
            OUT.info(f"warning: plan saved to {out_file} UNSIGNED: there is no plan-signing key "
                     f"(set {SIGNING_ENV}), so `apply` will refuse it")
    shown = scrub_report(report, paths)
    if fmt == "json":
        OUT.out(json.dumps(shown.to_json(), indent=2))
    elif fmt == "text":
        OUT.out(render_report_text(shown))
    else:
        OUT.out(render_markdown(shown))


def _unsigned(data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    return saved_form(data), False


def _request(at: str | None, site: list[str] | None, target: list[str] | None,
             changed_since: str | None) -> PlanRequest:
    return PlanRequest(parse_date(at), tuple(site or ()), tuple(target or ()), changed_since)


@handle_errors
def plan_cmd(repo: RepoOpt = Path("."), at: AtOpt = None, fmt: FormatOpt = "text",
             site: SiteOpt = None, target: TargetOpt = None,
             out: Annotated[Path | None, typer.Option("--out", help="Also save the plan as JSON "
                                                      "for `reconciler apply FILE`.")] = None,
             creds_file: CredOpt = None, endpoints: EndpointsOpt = None,
             changed_since: ChangedSinceOpt = None,
             allow_offboard: AllowOffboardOpt = None,
             allow_mass_change: AllowMassOpt = False, mass_change_share: ShareOpt = 20.0,
             offline: Annotated[bool, typer.Option(
                 "--offline", help="Read no live system and no credentials: compare the "
                 "estate with itself at --changed-since REF (a pull request planned without "
                 "live credentials). Not applicable.")] = False,
             ) -> None:
    """Show what apply would change, and what it would refuse.

    Exit 0 no changes, 2 changes, 1 error or refused (an occupier's file deleted while
    its contract is in force, or the blast-radius guard, with the numbers). With
    --changed-since, also the change's effect on each later date it brings.
    """
    pol = policy(0.0, allow_mass_change, mass_change_share, allow_offboard)
    save = None
    if offline:
        report = offline_reconciler(repo).offline_report(_request(at, site, target,
                                                                  changed_since), pol)
    else:
        rec = reconciler(repo, creds_file, endpoints)
        report = rec.plan_report(_request(at, site, target, changed_since), pol)
        save = rec.save_plan
    emit_plan(report, fmt, out, repo, save)
    plan = report.live
    if plan.errors or plan.refusals or plan.guard:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_CHANGES if plan.has_changes else EXIT_OK)


def report_run(run: RunResult) -> None:
    for r in run.results:
        state = "FAILED" if r.failed else ("applied, verified" if r.verified else "applied")
        if r.rolled_back:
            state += ", rolled back"
        OUT.info(f"{r.target}: {state} ({len(r.changes)} changes)")
        if r.error is not None:
            OUT.info(f"  {r.error}")
    if run.restored:
        OUT.info("restored to the state before this run: " + ", ".join(run.restored))
    if run.restore_failed:
        OUT.error("could NOT restore: " + ", ".join(run.restore_failed)
                  + " - check these systems by hand")


def _confirm(yes: bool) -> Callable[[Plan], bool]:
    def confirm(plan: Plan) -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            raise PlanError("apply needs confirmation: run it with --yes in scripts")
        return typer.confirm(f"Apply {len(plan.changes)} changes?", default=False)
    return confirm


@handle_errors
def apply_cmd(plan_file: Annotated[Path | None, typer.Argument(
                  help="A plan saved with `plan --out`; without it, plan now and apply that.",
                  show_default=False)] = None,
              repo: RepoOpt = Path("."), at: AtOpt = None, site: SiteOpt = None,
              target: TargetOpt = None,
              yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for "
                                                "confirmation.")] = False,
              creds_file: CredOpt = None, endpoints: EndpointsOpt = None,
              changed_since: ChangedSinceOpt = None,
              allow_offboard: AllowOffboardOpt = None,
              wait: WaitOpt = 0.0, journal: JournalOpt = None, resume: ResumeOpt = False,
              allow_mass_change: AllowMassOpt = False, mass_change_share: ShareOpt = 20.0,
              ) -> None:
    """Apply the changes of a plan, verify them, save them, and roll everything back on failure.

    A saved plan is applied exactly as reviewed: its commands are what is sent, or it is
    refused (a device changed since, a template changed since). One run per site at a
    time (a lock under .reconciler/), every run recorded in the journal before anything
    is touched.
    """
    paths = MachinePaths(repo.resolve())
    rec = reconciler(repo, creds_file, endpoints, journal,
                     on_plan=lambda plan: OUT.out(paths.scrub(render_text(plan))))
    outbox.set_default_dir(rec.repo / "outbox")  # generated keys are mailed from here
    pol = policy(wait, allow_mass_change, mass_change_share, allow_offboard)
    confirm = _confirm(yes)
    outcome: ApplyOutcome | None
    if resume:
        if plan_file is not None:
            raise PlanError("--resume plans again; do not pass a plan file")
        if at is not None or target:
            raise ConfigError("--resume takes the date and targets from the journal; "
                              "drop --at/--target")
        outcome = rec.resume(pol, confirm=confirm)
        if outcome is None:
            OUT.info(f"No interrupted apply in {rec.journal_file}; nothing to resume.")
            raise typer.Exit(EXIT_OK)
    elif plan_file is not None:
        outcome = rec.apply(rec.read_plan(plan_file), pol, confirm=confirm)
    else:
        outcome = rec.apply(_request(at, site, target, changed_since), pol,
                            confirm=confirm)
    if outcome.declined:
        OUT.info("Nothing applied.")
        raise typer.Exit(EXIT_ERROR)
    if outcome.run is None or not outcome.plan.has_changes:
        OUT.info("Nothing to apply.")
        raise typer.Exit(EXIT_OK)
    report_run(outcome.run)
    if not outcome.run.ok:
        raise typer.Exit(EXIT_ERROR)
    s = outcome.plan.summary()
    OUT.info(f"Apply complete: {s['create']} created, {s['update']} updated, "
             f"{s['delete']} deleted.")
