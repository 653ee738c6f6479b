"""Generated secrets around a run: re-queue what an interrupted run made, deliver the outbox.

A run killed between a Dashboard call that made a key and the queueing of its mail
leaves a key nobody was told. Before the next run (a resume or a plain apply whose
scope holds the target) every target the interrupted run touched without finishing
or rolling back is asked to `redeliver` the changes it journalled: a target that can
read its secrets back (Meraki) queues the mail of each key it holds now; names derived
from the key and its value make that idempotent, so each key is mailed exactly once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import mail, outbox
from ..engine.journal import unfinished_run
from ..engine.plan import Plan, open_target
from ..engine.resources import Change
from ..errors import ReconcilerError

if TYPE_CHECKING:
    from .applying import Session


def redeliver(session: Session, plan: Plan) -> None:
    run = unfinished_run(session.journal.path)
    if run is None:
        return
    finished = set(run.targets_with("applied")) | set(run.targets_with("rolled-back"))
    todo = [t for t in dict.fromkeys(run.touched) if t not in finished]
    specs = {tp.target: tp.spec for tp in plan.targets}
    for tid in todo:
        spec = specs.get(tid)
        cls = session.registry.get(spec.platform) if spec else None
        if spec is None or cls is None or not hasattr(cls, "redeliver"):
            continue
        changes = [Change.from_json(c) for e in run.events
                   if e.get("event") == "apply" and e.get("target") == tid
                   for c in e.get("changes", [])]
        try:
            with outbox.recording(session._record), \
                    open_target(spec, session.registry, session.creds) as target:
                n = target.redeliver(changes)  # type: ignore[attr-defined]
        except ReconcilerError as exc:  # the run itself may still converge; say it, go on
            session.say(f"warning: {tid}: the keys of the interrupted run {run.run} could "
                        f"not be checked for mail ({exc}); the next run tries again")
            continue
        session._record({"event": "redelivered", "resumes": run.run, "target": tid,
                         "keys": n})
        if n:
            session.say(f"{tid}: {n} key(s) made by the interrupted run {run.run} are "
                        "queued for delivery (each once)")


def deliver_outbox(session: Session) -> None:
    """After a run: send the queue by SMTP if configured; else say what waits."""
    settings = mail.smtp_settings(session.creds)
    try:
        waiting = outbox.queued()
    except OSError as exc:  # a link where the outbox should be: refused, said, not fatal
        session.say(f"warning: the outbox {outbox.outbox_dir()} cannot be read "
                    f"({exc.strerror or type(exc).__name__})")
        return
    if not waiting:
        return
    if settings is None:
        session.say(f"{len(waiting)} message(s) with new secrets wait in "
                    f"{outbox.outbox_dir()}; `reconciler outbox deliver` sends them")
        return
    done = mail.deliver(settings, record=session._record)
    if done.error:
        session.say(f"warning: {done.error}: {len(done.left)} message(s) stay queued; "
                    "`reconciler outbox deliver` (or the next apply) sends them")
