"""`Reconciler`: the use-cases of the product, whatever front end calls them.

Built from the estate repository, the credentials, the target registry, the clock
and an event sink; the CLI, a web page or a scheduled job call the same methods:
`desired`, `plan`, `apply`, `resume`, `drift`, `occupier_status`, `sites`. Only
`apply` (through `applying.Session`) changes a live system; `drift` classifies and
then goes through it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .. import clock as system_clock
from ..engine.credentials import CredentialStore
from ..engine.guard import MIN_LOSS
from ..engine.journal import RunRecord, unfinished_run
from ..engine.plan import Plan, TargetClass, judge_live, make_plan
from ..engine.resources import TargetSpec
from ..errors import ConfigError, StaleCommandsError
from ..gitops.drift import DriftReport
from ..gitops.offboard import check_offboarding
from ..gitops.offline import offline_plan
from ..gitops.planning import finish_plan, plan_report
from ..gitops.repo import EstateRepo
from ..gitops.report import PlanReport
from ..gitops.scope import Scope
from ..intent import DesiredState
from ..model.estate import Estate
from ..targets import TARGETS
from ..targets._render import digests
from ..templates_dir import ESTATE_TEMPLATES
from . import guarding, saved
from .applying import (
    STATE_DIR,
    ApplyOutcome,
    ApplyPolicy,
    Session,
    guard_losses,
    plan_sites,
    session,
)
from .desired import Desired, compile_for, load, pointed, read_endpoints, with_settings
from .events import Event, EventSink, ignore, progress
from .status import live_status


class Clock(Protocol):
    def today(self) -> dt.date: ...


@dataclass(frozen=True)
class PlanRequest:
    """What to plan: a day (default: the clock's today), sites/targets, changed-since."""

    at: dt.date | None = None
    sites: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    changed_since: str | None = None


DEFAULT_POLICY = ApplyPolicy()
EVERYTHING = PlanRequest()  # every target, today


class Reconciler:
    def __init__(self, repo: Path, creds: CredentialStore, *,
                 registry: Mapping[str, TargetClass] = TARGETS,
                 clock: Clock = system_clock, events: EventSink = ignore,
                 endpoints: Path | None = None, journal: Path | None = None) -> None:
        self.repo = repo.resolve()
        self.creds = creds
        self.registry = registry
        self.clock = clock
        self.events = events
        self.endpoints = read_endpoints(endpoints)
        self.journal = journal

    # -- reading the estate ------------------------------------------------------------
    @property
    def templates_dir(self) -> Path | None:
        """The estate's own templates (overrides of built-in ones), if it has any."""
        own = self.repo / ESTATE_TEMPLATES
        return own if own.is_dir() else None

    @property
    def journal_file(self) -> Path:
        return self.journal or self.repo / STATE_DIR / "journal.jsonl"

    def load(self) -> Estate:
        return load(self.repo)

    def desired(self, at: dt.date | None = None, sites: Sequence[str] = (),
                targets: Sequence[str] = (), changed_since: str | None = None) -> Desired:
        """What the estate wants on `at`, for some sites/targets or what changed since a ref."""
        return compile_for(self.repo, self.load(), at or self.clock.today(), sites, targets,
                           changed_since)

    def sites(self, at: dt.date | None = None,
              changed_since: str | None = None) -> tuple[list[str], Scope | None]:
        d = self.desired(at, changed_since=changed_since)
        return sorted({spec.site for spec in d.state.targets.values()}), d.scope

    def _spec(self, spec: TargetSpec) -> TargetSpec:
        """Where the target is reached now, and the estate's templates it renders with."""
        return pointed(spec, self.endpoints.get(spec.id, {}), self.templates_dir)

    def _pointed(self, state: DesiredState) -> DesiredState:
        """The targets where they are reached now, rendering with the estate's templates."""
        return DesiredState(state.at, with_settings(state.targets, self.endpoints,
                                                    self.templates_dir), state.resources)

    # -- plan ------------------------------------------------------------------------
    def plan(self, request: PlanRequest = EVERYTHING,
             policy: ApplyPolicy = DEFAULT_POLICY) -> Plan:
        """Read the live systems in scope and diff; the plan says what apply would refuse."""
        return self.plan_desired(self.desired(request.at, request.sites, request.targets,
                                              request.changed_since), policy)

    def plan_report(self, request: PlanRequest = EVERYTHING,
                    policy: ApplyPolicy = DEFAULT_POLICY) -> PlanReport:
        """The plan as shown to people: with a git ref, also the change's later dates."""
        desired = self.desired(request.at, request.sites, request.targets,
                               request.changed_since)
        plan = self.plan_desired(desired, policy)
        return plan_report(plan, desired.estate, desired.scope, self.registry)

    def offline_report(self, request: PlanRequest = EVERYTHING,
                       policy: ApplyPolicy = DEFAULT_POLICY) -> PlanReport:
        """The estate against itself at `changed_since`, reading no live system (a pull
        request planned without live credentials): never applicable."""
        desired = self.desired(request.at, request.sites, request.targets,
                               request.changed_since)
        plan = offline_plan(desired.state, desired.scope, self.registry)
        finish_plan(plan, self.repo, desired.estate, desired.at, desired.scope,
                    policy.allow_offboard, self.registry)
        return plan_report(plan, desired.estate, desired.scope, self.registry)

    def plan_desired(self, desired: Desired, policy: ApplyPolicy = DEFAULT_POLICY) -> Plan:
        state = self._pointed(desired.state)
        with progress(self.events, len(state.targets), "reading") as step:
            plan = make_plan(state, self.registry, self.creds, progress=step)
        finish_plan(plan, self.repo, desired.estate, desired.at, desired.scope,
                    policy.allow_offboard, self.registry)
        for tp in plan.targets:
            tp.templates = self._digests(tp.spec)
        self._judge_dates(plan, desired, desired.scope.ref if desired.scope else None)
        refused, allowed = policy.judge(guard_losses(plan, self.registry))
        plan.guard = refused
        plan.notes += [f"allowed by --allow-mass-change: {m}" for m in allowed]
        return plan

    def _digests(self, spec: TargetSpec) -> dict[str, str]:
        folders = tuple(getattr(self.registry.get(spec.platform), "template_dirs", ()))
        return digests(folders, spec.settings.get("templates_dir"))

    def _judge_dates(self, plan: Plan, desired: Desired, ref: str | None) -> None:
        """Date-driven changes (not judged again on their day) and the dates the commits
        since `ref` (default HEAD) set."""
        sites = desired.sites
        raw = [x for x in plan.live_losses(self.registry) if x.lost >= MIN_LOSS]
        base, note = guarding.load_base(self.repo, desired.estate, ref)
        if base is None:
            if raw and note:
                plan.notes.append(f"blast-radius guard: {note}")
            return
        plan.base = base.ref
        if raw:
            guarding.mark_date_driven(plan, base, desired.state, sites, self.registry)
        plan.date_losses = guarding.date_losses(plan, base, desired.estate, sites,
                                                self.registry)

    # -- apply (the one path that changes live systems) ---------------------------------
    def read_plan(self, path: Path) -> Plan:
        """A saved plan, authenticated and re-validated, each target pointed at where the
        estate, the endpoints file and the credential store say it is: never the file."""
        plan = saved.read(path, self.creds, self.registry)
        saved.trusted_specs(plan, self.desired(plan.at).state.targets, self._spec)
        return plan

    def save_plan(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
        """A plan's JSON as `plan --out` writes it, and whether it is signed."""
        return saved.save(data, self.creds)

    def _judge_saved(self, plan: Plan, policy: ApplyPolicy) -> None:
        """Refusals and guard figures of a saved plan, from a live read and git (under the
        sites' locks): nothing a plan file says of them is believed."""
        judge_live(plan, self.registry, self.creds)
        desired = self.desired(plan.at, targets=[t.target for t in plan.targets])
        check = check_offboarding(plan, desired.estate, EstateRepo.open(self.repo), plan.at,
                                  policy.allow_offboard, self.registry)
        plan.refusals += check.refusals
        self._judge_dates(plan, desired, plan.base)

    def check_templates(self, plan: Plan) -> None:
        """A saved plan's commands stay the contract only while its templates are the same."""
        for tp in plan.targets:
            if not tp.changes:
                continue
            now = self._digests(tp.spec)
            changed = sorted(n for n in set(now) | set(tp.templates)
                             if now.get(n) != tp.templates.get(n))
            if changed:
                raise StaleCommandsError(tp.target, "template " + ", ".join(changed)
                                         + " changed since the plan was made")

    def apply(self, source: Plan | PlanRequest, policy: ApplyPolicy = DEFAULT_POLICY, *,
              confirm: Callable[[Plan], bool] | None = None,
              resumes: str | None = None) -> ApplyOutcome:
        """Apply a saved plan, or plan `source` now under the sites' locks and apply that."""
        if isinstance(source, Plan):
            plan: Plan | None = source
            desired = None
            sites = plan_sites(source)
        else:
            # Files are read and compiled before the lock (they do not change under us);
            # the live systems are read after it, so a waiting run plans after the other.
            plan = None
            desired = self.desired(source.at, source.sites, source.targets,
                                   source.changed_since)
            sites = desired.sites
        with self._session(sites, policy) as s:
            if plan is None:
                assert desired is not None
                plan = self.plan_desired(desired, policy)
                self.events(Event("plan", "", {"plan": plan}))
            else:
                self._judge_saved(plan, policy)
            self.check_templates(plan)
            return s.apply(plan, policy, origin="resume" if resumes else "apply",
                           resumes=resumes, confirm=confirm)

    def _session(self, sites: set[str], policy: ApplyPolicy) -> AbstractContextManager[Session]:
        return session(self.repo, self.journal, sites, policy.wait, self.registry, self.creds,
                       self.events)

    def unfinished(self) -> RunRecord | None:
        return unfinished_run(self.journal_file)

    def resume(self, policy: ApplyPolicy = DEFAULT_POLICY, *,
               confirm: Callable[[Plan], bool] | None = None) -> ApplyOutcome | None:
        """Plan the interrupted run's targets again for its date and apply that."""
        run = self.unfinished()
        if run is None:
            return None
        done = set(run.targets_with("applied"))
        started = [t for t in run.touched if t not in done]
        self.events(Event("info", f"Resuming run {run.run} of {run.start.get('who', '?')} "
                          f"({run.start.get('ts', '?')}): it finished "
                          f"{', '.join(sorted(done)) or 'nothing'}; it was changing "
                          f"{', '.join(started) or 'nothing'} when it stopped."))
        try:
            at = dt.date.fromisoformat(str(run.start.get("at")))
        except ValueError:
            raise ConfigError(f"run {run.run} in the journal has no date") from None
        request = PlanRequest(at, targets=tuple(run.start.get("targets", [])))
        return self.apply(request, policy, confirm=confirm, resumes=run.run)

    # -- drift and reports -------------------------------------------------------------
    def drift(self, at: dt.date | None = None, sites: Sequence[str] = (),
              targets: Sequence[str] = (), *, window: int = 7, dry_run: bool = False,
              policy: ApplyPolicy = DEFAULT_POLICY) -> DriftReport:
        """Classify live differences by site policy, then correct them through apply."""
        from .drifting import drift

        desired = self.desired(at, sites, targets)
        with self._session(desired.sites, policy) as s:
            return drift(self, s, desired, window, dry_run, policy)

    def occupier_status(self, occupier: str, at: dt.date | None = None,
                        sites: Sequence[str] = ()) -> dict[str, list[dict[str, Any]]]:
        """The occupier's objects on the live systems of its sites next to git's."""
        desired = self.desired(at)
        state = self._pointed(desired.state.select(
            t for t, spec in desired.state.targets.items() if not sites or spec.site in sites))
        return live_status(state, occupier, self.registry, self.creds)
