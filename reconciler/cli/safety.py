"""What wraps every apply: blast-radius guard, per-site locks, journal, resume."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from ..engine.apply import RunResult, apply_plan
from ..engine.credentials import CredentialStore
from ..engine.guard import DEFAULT_SHARE, mass_changes
from ..engine.journal import Journal, RunRecord, git_commit, unfinished_run, who
from ..engine.lock import SiteLocks
from ..engine.plan import Plan
from ..errors import ConfigError, RefusedError
from ..targets import TARGETS
from .common import OUT

STATE_DIR = ".reconciler"

WaitOpt = Annotated[float, typer.Option(
    "--wait", min=0, help="If another apply holds a site's lock, wait up to SECONDS for it "
    "(default: refuse at once).", show_default=False)]
JournalOpt = Annotated[Path | None, typer.Option(
    "--journal", help="Journal file (JSON lines). Default: .reconciler/journal.jsonl in the "
    "estate repository.", envvar="RECONCILER_JOURNAL", show_default=False)]
ResumeOpt = Annotated[bool, typer.Option(
    "--resume", help="Finish the last interrupted apply recorded in the journal: plan its "
    "targets again for its date and apply that.")]
AllowMassOpt = Annotated[bool, typer.Option(
    "--allow-mass-change", help="Apply even if the plan deletes or disables more than the "
    "allowed share of a site's managed ports or users.")]
ShareOpt = Annotated[float, typer.Option(
    "--mass-change-share", min=0, max=100, help="Percent of a site's managed ports or users "
    "a plan may delete or disable without --allow-mass-change.",
    envvar="RECONCILER_MASS_CHANGE_SHARE")]


@dataclass
class ApplySafety:
    repo: Path
    journal_path: Path | None = None
    wait: float = 0.0
    allow_mass_change: bool = False
    share_percent: float = DEFAULT_SHARE * 100

    @property
    def state(self) -> Path:
        return self.repo.resolve() / STATE_DIR

    @property
    def journal_file(self) -> Path:
        return self.journal_path or self.state / "journal.jsonl"

    def unfinished(self) -> RunRecord | None:
        return unfinished_run(self.journal_file)

    def check_blast_radius(self, plan: Plan) -> None:
        refusals = mass_changes(plan, TARGETS, self.share_percent / 100)
        if refusals and not self.allow_mass_change:
            raise RefusedError("the plan was refused: " + "; ".join(refusals))
        for r in refusals:
            OUT.info(f"allowed by --allow-mass-change: {r}")

    @contextmanager
    def locked(self, sites: Iterable[str]) -> Iterator[Journal]:
        """Hold every site's lock; yields the journal of this run."""
        journal = Journal(self.journal_file)
        def waiting(site: str, holder: str) -> None:
            OUT.info(f"waiting up to {self.wait:g}s for site {site}, locked by another apply "
                     f"({holder})")

        with SiteLocks(self.state / "locks", sites, wait=self.wait, run_id=journal.run_id,
                       on_wait=waiting):
            yield journal

    def run(self, plan: Plan, creds: CredentialStore, journal: Journal, *,
            resumes: str | None = None,
            progress: Callable[[str, str], None] | None = None) -> RunResult:
        changed = [t.target for t in plan.targets if t.changes]
        journal.write({
            "event": "run-start", "who": who(), "host": socket.gethostname(),
            "pid": os.getpid(), "commit": git_commit(self.repo), "at": plan.at.isoformat(),
            "plan_created_at": plan.created_at, "plan_commit": plan.commit,
            "sites": sorted({t.spec.site for t in plan.targets}),
            "scope": [t.target for t in plan.targets], "targets": changed,
            "summary": plan.summary(), "resumes": resumes})
        result = apply_plan(plan, TARGETS, creds, emit=journal, progress=progress)
        journal.write({
            "event": "run-end", "result": "ok" if result.ok else "failed",
            "applied": [r.target for r in result.results if not r.failed and not r.rolled_back],
            "failed": {r.target: r.error_text for r in result.failed_targets},
            "restored": result.restored, "restore_failed": result.restore_failed})
        return result


def resume_scope(safety: ApplySafety, at: str | None,
                 targets: list[str] | None) -> tuple[str, list[str], str]:
    """Date, targets and run id of the interrupted run to finish; exit 0 if there is none."""
    run = safety.unfinished()
    if run is None:
        OUT.info(f"No interrupted apply in {safety.journal_file}; nothing to resume.")
        raise typer.Exit(0)
    if at is not None or targets:
        raise ConfigError("--resume takes the date and targets from the journal; "
                          "drop --at/--target")
    done = set(run.targets_with("applied"))
    started = [t for t in run.touched if t not in done]
    OUT.info(f"Resuming run {run.run} of {run.start.get('who', '?')} "
             f"({run.start.get('ts', '?')}): it finished {', '.join(sorted(done)) or 'nothing'}"
             f"; it was changing {', '.join(started) or 'nothing'} when it stopped.")
    return str(run.start.get("at")), list(run.start.get("targets", [])), run.run


def plan_sites(plan: Plan) -> set[str]:
    return {t.spec.site for t in plan.targets if t.changes}
