"""Apply a plan: waves, stale-plan check, verify by re-reading, persist, roll back on failure.

The plan is a contract: a target is changed only if what it reads equals what the
plan read (digest) and if its commands rendered now equal the plan's `commands`,
which are then what it sends. Persistence (startup config, config file) is a step of
its own, in the same session right after the engine verified the target, so a change
that fails verification is never saved; a rollback saves the restored state of a
target that was saved.

Rollback is the diff swapped: after a failure, each target this run changed is
read again and `diff(now, before)` is applied, so the platform-specific undo is
just another apply (EOS: a new session; IOS: reverse lines; SQL: statements).
Any failure rolls back, not only ours: an unexpected exception of a target is that
target's failure, and an interrupt (Ctrl-C, SIGTERM, SIGHUP) stops the waves, lets the
targets in flight finish, undoes everything touched and re-raises as `RunAborted`.
Secrets a target holds readably (SIP passwords, PINs) are read before the change and
handed back to the rollback, which restores them instead of inventing new ones; mail
a rolled-back target queued is withdrawn from the outbox before anyone gets it.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import outbox
from ..errors import (
    ReconcilerError,
    StaleCommandsError,
    StalePlanError,
    TargetError,
    VerifyError,
)
from .credentials import CredentialStore
from .diff import apply_changes, diff, order_changes
from .interrupts import RunAborted, deferred, describe
from .journal import redact_change
from .plan import Plan, TargetClass, TargetPlan, open_target
from .resources import Change, Resource, digest
from .runner import run_bounded
from .target import ApplyResult, Target

Event = Callable[[dict[str, Any]], None]


@dataclass
class TargetRun:
    plan: TargetPlan
    result: ApplyResult
    before: list[Resource] = field(default_factory=list)
    touched: bool = False  # something may have changed on the live system
    persisted: bool = False  # its change was saved (a rollback saves the restored state)
    #: Secrets the change replaces or removes, read before it (memory only, never logged).
    secrets: dict[Any, str] = field(default_factory=dict, repr=False)


@dataclass
class RunResult:
    results: list[ApplyResult] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    restore_failed: list[str] = field(default_factory=list)
    interrupted: str | None = None  # what stopped the waves (a signal, an unexpected error)

    @property
    def failed_targets(self) -> list[ApplyResult]:
        return [r for r in self.results if r.failed]

    @property
    def ok(self) -> bool:
        return not self.failed_targets and not self.restore_failed and not self.interrupted

    def raise_on_error(self) -> None:
        for r in self.failed_targets:
            if r.error is not None:
                raise r.error
        if self.restore_failed:
            raise ReconcilerError("rollback failed on " + ", ".join(self.restore_failed))


def _wave(tp: TargetPlan, registry: Mapping[str, TargetClass]) -> int:
    cls = registry.get(tp.spec.platform)
    return int(getattr(cls, "wave", 1))


def _changes_json(changes: list[Change], target: Target) -> list[dict[str, Any]]:
    return [redact_change(c.to_json(), target.write_only) for c in changes]


def _check_fresh(tp: TargetPlan, live: list[Resource]) -> None:
    if tp.digest is None:
        raise StalePlanError(tp.target, "the plan does not record what it read")
    if digest(live) != tp.digest:
        raise StalePlanError(tp.target, "a resource the plan relied on differs now")


def check_commands(tp: TargetPlan, target: Target) -> None:
    """The commands rendered now must be the plan's, or the reviewed plan is not what runs."""
    now = target.render(tp.changes)
    if now == tp.commands:
        return
    first = next((i for i, (a, b) in enumerate(zip(now, tp.commands, strict=False))
                  if a != b), min(len(now), len(tp.commands)))
    plan_line = tp.commands[first] if first < len(tp.commands) else "(end)"
    now_line = now[first] if first < len(now) else "(end)"
    raise StaleCommandsError(tp.target, f"rendered now, line {first + 1} is {now_line!r}, "
                             f"the plan's is {plan_line!r}")


def _apply_one(run: TargetRun, target: Target, emit: Event) -> None:
    tp = run.plan
    live = target.read()
    run.before = live
    _check_fresh(tp, live)
    check_commands(tp, target)
    # Announced (and journalled) before the target is touched.
    emit({"event": "apply", "target": tp.target, "changes": _changes_json(tp.changes, target),
          "commands": list(tp.commands)})
    keep = getattr(target, "previous_secrets", None)
    if keep is not None:
        run.secrets = keep(tp.changes)
    run.touched = True
    res = target.apply(tp.changes, tp.commands)
    run.result.commands = res.commands
    run.result.changed = res.changed
    after = target.read()
    expected = apply_changes(live, tp.changes)
    left = diff(after, expected, target.write_only)
    if left:
        sample = ", ".join(f"{c.kind} {c.key} ({', '.join(c.fields) or c.op})" for c in left[:5])
        raise VerifyError(tp.target, f"after apply the live state differs from the plan: {sample}")
    run.result.verified = True


def restore(run: TargetRun, registry: Mapping[str, TargetClass], creds: CredentialStore,
            emit: Event) -> bool:
    """Put one target back to the state read before this run touched it."""
    tp = run.plan
    try:
        with open_target(tp.spec, registry, creds) as target:
            now = target.read()
            back = order_changes(diff(now, run.before, target.write_only), target.kind_order)
            if back:
                emit({"event": "rollback", "target": tp.target,
                      "changes": _changes_json(back, target)})
                if run.secrets:  # the old SIP password/PIN, not a new one
                    target.reuse_secrets(run.secrets)  # type: ignore[attr-defined]
                target.apply(back)
                again = target.read()
                if diff(again, run.before, target.write_only):
                    raise VerifyError(tp.target, "rollback did not restore the earlier state")
            if run.persisted:  # the change was saved: save the restored state over it
                target.persist()
        run.result.rolled_back = True
        outbox.withdraw(tp.target)  # its secrets are gone again: nobody gets their mail
        emit({"event": "rolled-back", "target": tp.target})
        return True
    except Exception as exc:  # noqa: BLE001 - any failure of the undo is reported as one
        emit({"event": "rollback-failed", "target": tp.target, "error": _error_text(exc)})
        return False


def _error_text(exc: BaseException) -> str:
    """Our errors say what to do; anything else is named by type only (its text may carry
    what a device or a mail relay echoed, a secret included)."""
    if isinstance(exc, ReconcilerError):
        return str(exc)
    if os.environ.get("RECONCILER_DEBUG"):
        traceback.print_exception(exc)
    return f"unexpected {type(exc).__name__} (RECONCILER_DEBUG=1 shows the traceback)"


def preflight(plan: Plan, registry: Mapping[str, TargetClass], creds: CredentialStore, *,
              emit: Event | None = None, max_workers: int = 32) -> list[ApplyResult]:
    """Read every target the plan changes before touching any; failures as results.

    A stale or unreachable target stops the run while nothing has changed yet
    (each target is checked again right before it is changed, too).
    """
    say: Event = emit or (lambda _e: None)
    pending = [tp for tp in plan.targets if tp.changes]
    limits = {p: getattr(c, "max_concurrency", 8) for p, c in registry.items()}

    def one(tp: TargetPlan) -> ApplyResult:
        res = ApplyResult(tp.target, list(tp.changes))
        try:
            with open_target(tp.spec, registry, creds) as target:
                _check_fresh(tp, target.read())
                check_commands(tp, target)
        except Exception as exc:  # noqa: BLE001 - nothing changed yet: any failure stops here
            res.failed = True
            res.error = exc if isinstance(exc, ReconcilerError) else \
                TargetError(tp.target, _error_text(exc))
            say({"event": "preflight-failed", "target": tp.target, "error": _error_text(exc)})
        return res

    results = run_bounded(pending, one, lambda t: t.spec.platform, limits, max_workers)
    return [r for r in results if r.failed]


def apply_plan(plan: Plan, registry: Mapping[str, TargetClass], creds: CredentialStore, *,
               emit: Event | None = None, progress: Callable[[str, str], None] | None = None,
               max_workers: int = 32, check_first: bool = True) -> RunResult:
    """Apply every target's changes in waves; all-or-nothing across the run."""
    say: Event = emit or (lambda _e: None)
    result = RunResult()
    if check_first:
        result.results = preflight(plan, registry, creds, emit=say, max_workers=max_workers)
        if result.results:
            return result
    pending = [tp for tp in plan.targets if tp.changes]
    done: list[TargetRun] = []
    limits = {p: getattr(c, "max_concurrency", 8) for p, c in registry.items()}
    stop = threading.Event()  # set on an interrupt: targets not started yet are left alone

    def interrupted(exc: BaseException) -> None:
        if not stop.is_set():  # said at once, before the targets in flight are waited for
            stop.set()
            result.interrupted = describe(exc)[0]
            say({"event": "interrupted", "reason": result.interrupted})

    def one(run: TargetRun) -> TargetRun:
        if stop.is_set():
            return run
        try:
            with open_target(run.plan.spec, registry, creds) as target:
                _apply_one(run, target, say)
                _persist(run, target, say)
            say({"event": "applied", "target": run.plan.target,
                 "verified": run.result.verified, "persisted": run.persisted})
        except Exception as exc:  # noqa: BLE001 - any failure of a target rolls the run back
            run.result.failed = True
            run.result.error = exc if isinstance(exc, ReconcilerError) else \
                TargetError(run.plan.target, _error_text(exc))
            say({"event": "failed", "target": run.plan.target,
                 "error": _error_text(exc), "touched": run.touched})
        if progress:
            progress(run.plan.target, "failed" if run.result.failed else "applied")
        return run

    current: list[TargetRun] = []
    try:
        for wave in sorted({_wave(tp, registry) for tp in pending}):
            current = [TargetRun(tp, ApplyResult(tp.target, list(tp.changes)))
                       for tp in pending if _wave(tp, registry) == wave]
            run_bounded(current, one, lambda r: r.plan.spec.platform, limits, max_workers,
                        on_interrupt=interrupted)
            result.results += [r.result for r in current]
            done += current
            current = []
            if result.failed_targets:
                break
    except BaseException as exc:  # Ctrl-C, SIGTERM, SIGHUP: roll back, then stop
        reason, code = describe(exc)
        with deferred():  # a second signal must not cut the rollback short
            interrupted(exc)
            result.results += [r.result for r in current if r.touched or r.result.failed]
            done += current
            _undo(done, result, registry, creds, say)
        raise RunAborted(reason, code, result) from exc
    if result.failed_targets:
        with deferred():
            _undo(done, result, registry, creds, say)
    return result


def _persist(run: TargetRun, target: Target, say: Event) -> None:
    """Save a verified change (startup config, config file), as a step of its own."""
    if not run.result.changed:
        return
    try:
        target.persist()
    except ReconcilerError as exc:
        say({"event": "persist-failed", "target": run.plan.target, "error": str(exc)})
        raise
    run.persisted = True
    say({"event": "persisted", "target": run.plan.target})


def _undo(done: list[TargetRun], result: RunResult, registry: Mapping[str, TargetClass],
          creds: CredentialStore, say: Event) -> None:
    """All or nothing: undo every target this run touched, latest first."""
    for run in reversed(done):
        if not run.touched:
            continue
        if restore(run, registry, creds, say):
            result.restored.append(run.plan.target)
        else:
            result.restore_failed.append(run.plan.target)


def rollback_changes(changes: list[Change]) -> list[Change]:
    """The reverse of a list of applied changes, in reverse order."""
    return [c.reversed() for c in reversed(changes)]
