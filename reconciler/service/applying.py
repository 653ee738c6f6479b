"""The one code path that changes a live system.

`Session.apply` is called by every use-case that changes something (`apply` of a
saved or a fresh plan, `drift` corrections, a resumed run): under the sites' locks
it refuses a plan that could not read everything, that the offboarding check
refused, or that the blast-radius guard refuses (a plan's own losses and the losses
of the dates its commit sets), journals the run, and has the engine preflight,
apply in waves, verify, persist and roll back.

The journal always gets the run's end, whatever stopped it (an unexpected exception,
Ctrl-C, SIGTERM/SIGHUP: the engine rolled back first). Mail the run queued is
journalled as it is queued; once the run has ended, the outbox is delivered when
SMTP is configured. Before a run, keys an interrupted run created but never queued
are queued now (`secrets.redeliver`).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import outbox
from ..engine.apply import RunResult, apply_plan
from ..engine.credentials import CredentialStore
from ..engine.guard import DEFAULT_SHARE, Loss, refusals
from ..engine.interrupts import RunAborted, catching, deferred, describe
from ..engine.journal import Journal, git_commit, who
from ..engine.lock import SiteLocks
from ..engine.plan import Plan, TargetClass
from ..errors import PlanError, RefusedError
from .events import Event, EventSink, progress
from .secrets import deliver_outbox, redeliver

STATE_DIR = ".reconciler"


@dataclass(frozen=True)
class ApplyPolicy:
    """How careful a run is: data only, so any front end can say it."""

    #: Seconds to wait for a site another run holds (0: refuse at once, naming the holder).
    wait: float = 0.0
    allow_mass_change: bool = False
    #: Share (0..1) of what occupiers hold that a run may take away without the override.
    mass_change_share: float = DEFAULT_SHARE
    #: Occupiers whose deleted file may be pruned although a contract is in force.
    allow_offboard: tuple[str, ...] = ()

    def judge(self, losses: list[Loss]) -> tuple[list[str], list[str]]:
        """(refused, allowed by the override) messages for these losses."""
        found = refusals(losses, self.mass_change_share)
        return ([], found) if self.allow_mass_change else (found, [])


@dataclass
class ApplyOutcome:
    plan: Plan
    run: RunResult | None = None
    allowed: list[str] = field(default_factory=list)  # guard findings let through
    declined: bool = False  # the caller's confirmation said no

    @property
    def ok(self) -> bool:
        return self.run is None or self.run.ok


def plan_sites(plan: Plan) -> set[str]:
    return {t.spec.site for t in plan.targets if t.changes}


def guard_losses(plan: Plan, registry: Mapping[str, TargetClass]) -> list[Loss]:
    """Everything the guard judges for a plan: its own losses, then its dates'."""
    return plan.live_losses(registry) + list(plan.date_losses)


@dataclass
class Session:
    """The sites' locks held and a journal open: the only place `apply_plan` is called."""

    repo: Path
    journal: Journal
    registry: Mapping[str, TargetClass]
    creds: CredentialStore
    events: EventSink

    def say(self, text: str) -> None:
        self.events(Event("info", text))

    def _record(self, record: Mapping[str, Any]) -> None:
        self.journal.write(record)
        self.events(Event("journal", str(record.get("event", "")), dict(record)))

    def reasons(self, plan: Plan, policy: ApplyPolicy) -> tuple[list[str], list[str]]:
        """(why this plan must not be applied, guard findings the override lets through)."""
        if plan.errors:
            return ["the plan has targets that could not be read; nothing was applied"], []
        refused, allowed = policy.judge(guard_losses(plan, self.registry))
        return list(plan.refusals) + refused, allowed

    def refuse(self, plan: Plan, policy: ApplyPolicy, origin: str) -> list[str]:
        """Why this plan must not be applied (empty: it may), journalled; overrides are said."""
        reasons, allowed = self.reasons(plan, policy)
        for msg in allowed:
            self.say(f"allowed by --allow-mass-change: {msg}")
        if reasons:
            self._record({"event": "refused", "origin": origin, "at": plan.at.isoformat(),
                          "reasons": reasons})
        return reasons

    def apply(self, plan: Plan, policy: ApplyPolicy, *, origin: str = "apply",
              resumes: str | None = None,
              confirm: Callable[[Plan], bool] | None = None) -> ApplyOutcome:
        """Check, journal and apply `plan`; raise RefusedError/PlanError when it may not."""
        outcome = ApplyOutcome(plan)
        redeliver(self, plan)
        reasons = self.refuse(plan, policy, origin)
        if reasons:
            if plan.errors:
                raise PlanError(reasons[0])
            raise RefusedError("the plan was refused: " + "; ".join(reasons), reasons)
        if not plan.has_changes:
            if resumes:  # the interrupted run got everything done: record that it finished
                outcome.run = self._run(plan, origin, resumes)
            deliver_outbox(self)  # what an earlier run left queued goes out now
            return outcome
        if confirm is not None and not confirm(plan):
            outcome.declined = True
            return outcome
        outcome.run = self._run(plan, origin, resumes)
        deliver_outbox(self)
        return outcome

    def _run(self, plan: Plan, origin: str, resumes: str | None) -> RunResult:
        changed = [t.target for t in plan.targets if t.changes]
        self._record({
            "event": "run-start", "origin": origin, "who": who(), "host": socket.gethostname(),
            "pid": os.getpid(), "commit": git_commit(self.repo), "at": plan.at.isoformat(),
            "plan_created_at": plan.created_at, "plan_commit": plan.commit,
            "sites": sorted({t.spec.site for t in plan.targets}),
            "scope": [t.target for t in plan.targets], "targets": changed,
            "summary": plan.summary(), "resumes": resumes})
        try:
            with catching(), outbox.recording(self._record), \
                    progress(self.events, len(changed), "applying") as step:
                result = apply_plan(plan, self.registry, self.creds, emit=self._record,
                                    progress=step)
        except BaseException as exc:
            # Whatever stopped it, the journal says how the run ended (the engine rolled
            # back what it had touched before this is reached).
            reason, code = describe(exc)
            done = exc.result if isinstance(exc, RunAborted) and exc.result else RunResult()
            done.interrupted = done.interrupted or reason
            with deferred():  # the end is written whatever arrives meanwhile
                self._end(done)
            if isinstance(exc, RunAborted):
                raise
            raise RunAborted(reason, code, done) from exc
        with deferred():
            self._end(result)
        self.events(Event("run", "", {"run": result}))
        return result

    def _end(self, result: RunResult) -> None:
        self._record({
            "event": "run-end",
            "result": "ok" if result.ok else ("interrupted" if result.interrupted else "failed"),
            "applied": [r.target for r in result.results if not r.failed and not r.rolled_back],
            "failed": {r.target: r.error_text for r in result.failed_targets},
            "restored": result.restored, "restore_failed": result.restore_failed,
            **({"reason": result.interrupted} if result.interrupted else {})})


@contextmanager
def session(repo: Path, journal_path: Path | None, sites: set[str], wait: float,
            registry: Mapping[str, TargetClass], creds: CredentialStore,
            events: EventSink) -> Iterator[Session]:
    """Hold every site's lock (waiting up to `wait` seconds); yields the run's session."""
    state = repo.resolve() / STATE_DIR
    journal = Journal(journal_path or state / "journal.jsonl")

    def waiting(site: str, holder: str) -> None:
        events(Event("info", f"waiting up to {wait:g}s for site {site}, locked by another "
                     f"run ({holder})"))

    with SiteLocks(state / "locks", sites, wait=wait, run_id=journal.run_id, on_wait=waiting):
        yield Session(repo, journal, registry, creds, events)
