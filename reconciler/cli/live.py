"""Commands that talk to live systems: plan and apply."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from ruamel.yaml import YAML

from .. import outbox
from ..engine.apply import RunResult
from ..engine.credentials import CredentialStore, settings_secrets
from ..engine.plan import Plan, make_plan
from ..engine.render_text import render_text
from ..engine.resources import TargetSpec
from ..errors import ConfigError, PlanError
from ..gitops.machine_paths import MachinePaths, scrub_report, scrub_saved
from ..gitops.markdown import render_markdown
from ..gitops.offline import offline_plan
from ..gitops.planning import finish_plan, plan_report, scoped
from ..gitops.report import PlanReport, render_report_text
from ..intent import DesiredState, compile_estate
from ..model.estate import Estate
from ..targets import TARGETS
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
    credentials,
    handle_errors,
    load,
    parse_date,
)
from .progress import progress
from .safety import (
    AllowMassOpt,
    ApplySafety,
    JournalOpt,
    ResumeOpt,
    ShareOpt,
    WaitOpt,
    plan_sites,
    resume_scope,
)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="text, json, markdown (a pull "
                                        "request comment)", metavar="FORMAT",
                                        case_sensitive=False)]
ChangedSinceOpt = Annotated[str | None, typer.Option(
    "--changed-since", help="Only the targets affected by estate files changed since this git "
    "ref (e.g. origin/main); a changed site file takes the whole site. `plan` also previews the "
    "change's effect on each later date it brings (this estate vs REF on the same day).",
    show_default=False, metavar="REF")]
AllowOffboardOpt = Annotated[list[str] | None, typer.Option(
    "--allow-offboard", help="Prune the live resources of this occupier although its file was "
    "deleted while a contract is in force (repeatable).", show_default=False, metavar="ID")]


def apply_endpoints(desired: DesiredState, path: Path | None) -> DesiredState:
    """Point targets somewhere else (the lab), without touching the estate files."""
    if path is None:
        return desired
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read endpoints file {path}: {exc.strerror}") from None
    overrides: dict[str, Any] = data.get("targets", {}) if isinstance(data, dict) else {}
    for tid, fields in overrides.items():
        if isinstance(fields, dict):
            OUT.secrets += settings_secrets(fields)  # an inline DSN password: never printed
        if tid in desired.targets and isinstance(fields, dict):
            desired.targets[tid] = desired.targets[tid].with_settings(**fields)
    return desired


def select(desired: DesiredState, sites: list[str] | None,
           targets: list[str] | None) -> DesiredState:
    if not sites and not targets:
        return desired
    known_sites = {s for spec in desired.targets.values() for s in _sites_of(spec)}
    for s in sites or []:
        if s not in known_sites:
            raise ConfigError(f"no targets at site {s!r}; sites: {', '.join(sorted(known_sites))}")
    for t in targets or []:
        if t not in desired.targets:
            raise ConfigError(f"no target {t!r}; targets: {', '.join(sorted(desired.targets))}")
    keep = [tid for tid, spec in desired.targets.items()
            if (not sites or set(_sites_of(spec)) & set(sites))
            and (not targets or tid in targets)]
    return desired.select(keep)


def _sites_of(spec: TargetSpec) -> list[str]:
    """A target shared by sites (one RADIUS server) lists them all in its scope."""
    return [spec.site, *spec.scope.get("sites", [])]


def desired_for(repo: Path, at: str | None, endpoints: Path | None, sites: list[str] | None,
                targets: list[str] | None, changed_since: str | None = None,
                ) -> tuple[Estate, DesiredState, Any]:
    """Load and compile once: the estate, the desired state in scope, and that scope."""
    estate = load(repo)
    desired = select(compile_estate(estate, parse_date(at)), sites, targets)
    desired, scope = scoped(repo, desired, changed_since)
    return estate, apply_endpoints(desired, endpoints), scope


def plan_desired(repo: Path, estate: Estate, desired: DesiredState, scope: Any,
                 creds: CredentialStore, allow_offboard: list[str] | None = None) -> Plan:
    """Read the live systems of `desired` (the only step that talks to them) and diff."""
    with progress(len(desired.targets), "reading") as step:
        plan = make_plan(desired, TARGETS, creds, progress=step)
    return finish_plan(plan, repo, estate, desired.at, scope, allow_offboard or ())


def build_plan(repo: Path, at: str | None, creds: CredentialStore, endpoints: Path | None,
               sites: list[str] | None, targets: list[str] | None,
               changed_since: str | None = None, allow_offboard: list[str] | None = None
               ) -> PlanReport:
    """The live plan; with a git ref, also the change's effect on each later date it brings."""
    estate, desired, scope = desired_for(repo, at, endpoints, sites, targets, changed_since)
    plan = plan_desired(repo, estate, desired, scope, creds, allow_offboard)
    return plan_report(plan, estate, scope, TARGETS)


def emit_plan(report: PlanReport, fmt: str, out_file: Path | None, repo: Path) -> None:
    fmt = fmt.lower()
    if fmt not in ("json", "text", "markdown"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use text, json or markdown",
                                 param_hint="--format")
    paths = MachinePaths(repo.resolve())
    if out_file is not None:  # apply's input: settings, changes and commands kept exact
        data = scrub_saved(report.to_json(), paths)
        out_file.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        OUT.info(f"plan saved to {out_file}; apply it with `reconciler apply {out_file}`")
    shown = scrub_report(report, paths)
    if fmt == "json":
        OUT.out(json.dumps(shown.to_json(), indent=2))
    elif fmt == "text":
        OUT.out(render_report_text(shown))
    else:
        OUT.out(render_markdown(shown))


@handle_errors
def plan_cmd(repo: RepoOpt = Path("."), at: AtOpt = None, fmt: FormatOpt = "text",
             site: SiteOpt = None, target: TargetOpt = None,
             out: Annotated[Path | None, typer.Option("--out", help="Also save the plan as JSON "
                                                      "for `reconciler apply FILE`.")] = None,
             creds_file: CredOpt = None, endpoints: EndpointsOpt = None,
             changed_since: ChangedSinceOpt = None,
             allow_offboard: AllowOffboardOpt = None,
             offline: Annotated[bool, typer.Option(
                 "--offline", help="Read no live system and no credentials: compare the "
                 "estate with itself at --changed-since REF (a pull request planned without "
                 "live credentials). Not applicable.")] = False) -> None:
    """Show what apply would change: exit 0 no changes, 2 changes, 1 error or refused."""
    if offline:
        estate, desired, scope = desired_for(repo, at, None, site, target, changed_since)
        plan = finish_plan(offline_plan(desired, scope, TARGETS), repo, estate, desired.at,
                           scope, allow_offboard or ())
        report = plan_report(plan, estate, scope, TARGETS)
    else:
        creds = credentials(creds_file)
        report = build_plan(repo, at, creds, endpoints, site, target, changed_since,
                            allow_offboard)
    emit_plan(report, fmt, out, repo)
    plan = report.live
    if plan.errors or plan.refusals:
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
    """Apply the changes of a plan, verify them, and roll everything back on failure.

    One apply per site at a time (a lock under .reconciler/), every run recorded in
    the journal before anything is touched.
    """
    creds = credentials(creds_file)
    outbox.set_default_dir(repo.resolve() / "outbox")  # generated keys are mailed from here
    safety = ApplySafety(repo, journal, wait, allow_mass_change, mass_change_share)
    resumes = None
    if resume:
        if plan_file is not None:
            raise PlanError("--resume plans again; do not pass a plan file")
        at, target, resumes = resume_scope(safety, at, target)
    if plan_file is not None:
        try:
            plan = Plan.from_json(json.loads(plan_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PlanError(f"cannot read plan {plan_file}: {exc}") from None
        if plan.offline:
            raise PlanError(f"{plan_file} was planned offline (without live credentials): "
                            "it compares the estate with itself; plan against the live "
                            "systems to apply")
        plan = _retarget(plan, endpoints)
        sites = plan_sites(plan)
    else:
        # Files are read and compiled before the lock (they do not change under us);
        # the live systems are read after it.
        estate, desired, scope = desired_for(repo, at, endpoints, site, target, changed_since)
        sites = {s for spec in desired.targets.values() for s in _sites_of(spec)}
    # The lock covers planning too: a waiting apply plans after the one before it.
    with safety.locked(sites) as run_journal:
        if plan_file is None:
            plan = plan_desired(repo, estate, desired, scope, creds, allow_offboard)
            OUT.out(MachinePaths(repo.resolve()).scrub(render_text(plan)))
        if plan.errors:
            raise PlanError("the plan has targets that could not be read; nothing was applied")
        if plan.refusals:
            raise PlanError("the plan was refused: " + "; ".join(plan.refusals))
        if not plan.has_changes:
            if resumes:  # the interrupted run got everything done: record that it is finished
                safety.run(plan, creds, run_journal, resumes=resumes)
            OUT.info("Nothing to apply.")
            raise typer.Exit(EXIT_OK)
        safety.check_blast_radius(plan)
        if not yes:
            if not sys.stdin.isatty():
                raise PlanError("apply needs confirmation: run it with --yes in scripts")
            if not typer.confirm(f"Apply {len(plan.changes)} changes?", default=False):
                OUT.info("Nothing applied.")
                raise typer.Exit(EXIT_ERROR)
        with progress(sum(1 for t in plan.targets if t.changes), "applying") as step:
            run = safety.run(plan, creds, run_journal, resumes=resumes, progress=step)
    report_run(run)
    if not run.ok:
        raise typer.Exit(EXIT_ERROR)
    s = plan.summary()
    OUT.info(f"Apply complete: {s['create']} created, {s['update']} updated, "
             f"{s['delete']} deleted.")


def _retarget(plan: Plan, endpoints: Path | None) -> Plan:
    """Endpoint overrides apply to saved plans too (a plan made against the lab)."""
    if endpoints is None:
        return plan
    desired = DesiredState(plan.at, {t.target: t.spec for t in plan.targets}, {})
    apply_endpoints(desired, endpoints)
    for t in plan.targets:
        t.spec = desired.targets[t.target]
    return plan
