"""Engine safety pieces without a lab: waves and rollback on an in-memory target, the
preflight stale check, journal redaction and reading, site locks, the blast-radius guard."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from reconciler.engine.apply import apply_plan
from reconciler.engine.credentials import CredentialStore
from reconciler.engine.diff import diff
from reconciler.engine.guard import entry_owners, held, net_effect, refusals
from reconciler.engine.journal import Journal, read_runs, redact_change, unfinished_run
from reconciler.engine.lock import SiteLocks, holder_of
from reconciler.engine.plan import Plan, plan_target
from reconciler.engine.resources import Change, Resource, TargetSpec
from reconciler.engine.target import ApplyResult, BaseTarget
from reconciler.errors import LockHeldError, PlanError, TargetRejected

STORES: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
FAIL_ON: set[str] = set()
RAISE_ON: dict[str, BaseException] = {}  # not our errors: a bug, Ctrl-C


class MemoryTarget(BaseTarget):
    """A platform that keeps resources in a dict; fails when its id is in FAIL_ON."""

    platform: ClassVar[str] = "memory"
    wave: ClassVar[int] = 1
    kind_order: ClassVar[tuple[str, ...]] = ("user",)
    write_only = {"user": frozenset({"secret"})}
    guarded_kinds: ClassVar[tuple[str, ...]] = ("user",)

    def read(self) -> list[Resource]:
        return [Resource(self.spec.id, k, key, dict(a), a.get("owner"))
                for (k, key), a in sorted(STORES[self.spec.id].items())]

    def render(self, changes: Sequence[Change]) -> list[str]:
        return [f"{c.op} {c.key}" for c in changes]

    def apply(self, changes: Sequence[Change],
              commands: Sequence[str] | None = None) -> ApplyResult:
        if self.spec.id in FAIL_ON:
            raise TargetRejected(self.spec.id, "refused by the test")
        if self.spec.id in RAISE_ON:
            self._apply(changes)  # half done, then the surprise (once)
            raise RAISE_ON.pop(self.spec.id)
        return self._apply(changes)

    def _apply(self, changes: Sequence[Change]) -> ApplyResult:
        store = STORES[self.spec.id]
        for c in changes:
            if c.op == "delete":
                store.pop((c.kind, c.key), None)
            else:
                store[(c.kind, c.key)] = dict(c.after or {})
        return ApplyResult(self.spec.id, list(changes), self.render(changes), changed=True)


class LateMemoryTarget(MemoryTarget):
    platform: ClassVar[str] = "memory-late"
    wave: ClassVar[int] = 2


REGISTRY = {"memory": MemoryTarget, "memory-late": LateMemoryTarget}
CREDS = CredentialStore(environ={})


def user(tid: str, key: str, **attrs: Any) -> Resource:
    return Resource(tid, "user", key, {"secret": "s3cr3t-" + key, "enabled": True, **attrs},
                    attrs.get("owner"))


@pytest.fixture(autouse=True)
def stores() -> None:
    STORES.clear()
    FAIL_ON.clear()
    RAISE_ON.clear()
    STORES["a"] = {("user", "u1"): {"enabled": True, "owner": "acme", "secret": "old"}}
    STORES["b"] = {}


def make_plan(desired: dict[str, list[Resource]]) -> Plan:
    specs = {"a": TargetSpec("a", "memory", "lon1"), "b": TargetSpec("b", "memory-late", "lon1")}
    return Plan(dt.date(2027, 1, 1), [plan_target(specs[t], desired[t], REGISTRY, CREDS)
                                      for t in sorted(desired)])


def snapshot() -> str:
    return repr(sorted((t, sorted(s.items())) for t, s in STORES.items()))


def test_failure_in_a_later_wave_rolls_back_the_earlier_one() -> None:
    before = snapshot()
    plan = make_plan({"a": [user("a", "u1", owner="acme"), user("a", "u2", owner="acme")],
                      "b": [user("b", "u9", owner="acme")]})
    FAIL_ON.add("b")
    events: list[dict[str, Any]] = []
    run = apply_plan(plan, REGISTRY, CREDS, emit=events.append)
    assert not run.ok
    assert [e["target"] for e in events if e["event"] == "apply"] == ["a", "b"]  # wave order
    assert run.restored == ["b", "a"]  # latest first
    assert snapshot() == before
    # Secrets never reach the events (and so never the journal).
    assert "s3cr3t" not in json.dumps(events)
    FAIL_ON.clear()
    assert apply_plan(make_plan({"a": [user("a", "u1", owner="acme")],
                                 "b": [user("b", "u9", owner="acme")]}), REGISTRY, CREDS).ok


def test_preflight_refuses_a_stale_target_before_touching_any() -> None:
    plan = make_plan({"a": [user("a", "u1", owner="acme"), user("a", "u2")],
                      "b": [user("b", "u9")]})
    STORES["b"][("user", "x")] = {"enabled": True}  # changed behind the plan's back
    events: list[dict[str, Any]] = []
    run = apply_plan(plan, REGISTRY, CREDS, emit=events.append)
    assert not run.ok and [r.target for r in run.failed_targets] == ["b"]
    assert "live state changed since the plan was made" in str(run.failed_targets[0].error)
    assert not [e for e in events if e["event"] == "apply"]
    assert ("user", "u2") not in STORES["a"]


def test_redact_change_hides_write_only_values_only() -> None:
    c = Change("update", "a", "user", "u1", {"secret": "x", "name": "A"},
               {"secret": "y", "name": "B"}, "acme", ("name", "secret")).to_json()
    r = redact_change(c, {"user": frozenset({"secret"})})
    assert r["before"] == {"name": "A", "secret": "***"} and r["after"]["secret"] == "***"
    assert redact_change(c, {})["after"]["secret"] == "y"


def test_journal_runs_and_unfinished_detection(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    j1 = Journal(path, "r1")
    j1.write({"event": "run-start", "targets": ["t1", "t2"], "scope": ["t1", "t2"]})
    j1({"event": "apply", "target": "t1"})
    with open(path, "a") as fh:
        fh.write('{"run": "r1", "event": "appl')  # a torn last write from a crash
    assert unfinished_run(path) is not None and unfinished_run(path).touched == ["t1"]
    j2 = Journal(path, "r2")
    j2.write({"event": "run-start", "targets": [], "scope": ["t1"]})
    j2.write({"event": "run-end", "result": "ok"})
    assert unfinished_run(path).run == "r1"  # r2 did not cover t2
    j3 = Journal(path, "r3")
    j3.write({"event": "run-start", "targets": ["t2"], "scope": ["t1", "t2"]})
    j3.write({"event": "run-end", "result": "failed"})
    assert unfinished_run(path).run == "r1"  # a failed run finishes nothing
    j4 = Journal(path, "r4")
    j4.write({"event": "run-start", "targets": ["t2"], "scope": ["t1", "t2"], "resumes": "r1"})
    j4.write({"event": "run-end", "result": "ok"})
    assert unfinished_run(path) is None
    assert [r.run for r in read_runs(path)] == ["r1", "r2", "r3", "r4"]


def test_site_lock_refuses_then_waits(tmp_path: Path) -> None:
    first = SiteLocks(tmp_path, ["lon1", "man1"], run_id="one").acquire()
    with pytest.raises(LockHeldError, match=r"site lon1 is locked by another apply \(pid \d+"):
        SiteLocks(tmp_path, ["lon1"]).acquire()
    assert SiteLocks(tmp_path, ["bri1"]).acquire()  # other sites are free
    assert holder_of(tmp_path / "man1.lock")["run"] == "one"
    released = threading.Event()

    def release_soon() -> None:
        released.wait()
        first.release()

    t = threading.Thread(target=release_soon)
    t.start()
    waiting = SiteLocks(tmp_path, ["man1"], wait=30, run_id="two")
    released.set()
    with waiting:
        assert holder_of(tmp_path / "man1.lock")["run"] == "two"
    t.join()


@pytest.mark.parametrize("site", ["../etc", "LON1", "lon1/../x", "", "a" * 40])
def test_site_lock_refuses_ids_that_are_not_file_names(tmp_path: Path, site: str) -> None:
    with pytest.raises(PlanError, match="not a valid site id"):
        SiteLocks(tmp_path, [site])


def mass_changes(plan: Plan, registry: dict[str, Any], share: float = 0.2) -> list[str]:
    return refusals(plan.live_losses(registry), share)


def test_blast_radius_counts_what_occupiers_lose_per_site_and_kind() -> None:
    owners = ["acme"] * 5 + ["beta"] * 3 + [None] * 2  # 8 users of occupiers, 2 of nobody
    STORES["a"] = {("user", f"u{i}"): {"enabled": True, "owner": o} for i, o in enumerate(owners)}
    keep = [user("a", f"u{i}", owner=o) for i, o in enumerate(owners)]
    # 1 of 8 occupiers' users goes, and both unowned leftovers: no mass change.
    plan = make_plan({"a": [r for r in keep if r.key not in ("u0", "u8", "u9")]})
    assert mass_changes(plan, REGISTRY) == []
    # 3 of 8 (two of acme deleted, one of beta disabled): refused, with the numbers.
    disabled = Resource("a", "user", "u5", {**keep[5].attrs, "enabled": False}, "beta")
    plan = make_plan({"a": [disabled, *[r for r in keep if r.key not in ("u0", "u1", "u5")]]})
    found = mass_changes(plan, REGISTRY)
    assert found == ["site lon1: 3 of 8 occupier user resources would be lost (38% > 20%)"]
    assert mass_changes(plan, REGISTRY, 0.5) == []
    assert mass_changes(plan, {"memory": BaseTarget}) == []  # kinds not guarded by the target
    # Replacing keys (delete v1, create v2 of the same owner) is no loss at all.
    rotated = [Resource("a", "user", f"{r.key}.v2", r.attrs, r.owner) if r.owner != "(site)"
               else r for r in keep]
    plan = make_plan({"a": rotated})
    assert len(plan.changes) == 16 and mass_changes(plan, REGISTRY, 0.0) == []
    # A saved plan carries what the guard needs: the same numbers after a round trip.
    plan = make_plan({"a": [disabled, *[r for r in keep if r.key not in ("u0", "u1", "u5")]]})
    assert mass_changes(Plan.from_json(json.loads(json.dumps(plan.to_json()))), REGISTRY) \
        == found


def test_blast_radius_needs_a_minimum_loss() -> None:
    STORES["a"] = {("user", f"u{i}"): {"enabled": True, "owner": "acme"} for i in range(2)}
    plan = make_plan({"a": []})  # 2 of 2 users gone: 100%, but only two
    assert len(plan.changes) == 2 and mass_changes(plan, REGISTRY) == []


def test_guard_counts_trunk_entries_of_occupier_vlans_and_never_vacant_ports() -> None:
    kinds, entries = ("port", "vlan"), {"trunk": ("vlans", "vlan")}
    live = [Resource("sw", "vlan", "100", {"name": "acme"}, "acme"),
            Resource("sw", "vlan", "200", {"name": "beta"}, "beta"),
            Resource("sw", "vlan", "20", {"name": "voice"}),  # the site's own
            Resource("sw", "trunk", "Et1", {"vlans": [20, 100, 200]}),
            Resource("sw", "port", "Et2", {"enabled": True}, "acme"),
            Resource("sw", "port", "Et3", {"enabled": False})]  # vacant: nobody's
    assert held(live, kinds, entries) == Counter({("vlan", "acme"): 1, ("vlan", "beta"): 1,
                                                  ("trunk", "acme"): 1, ("trunk", "beta"): 1,
                                                  ("port", "acme"): 1})
    acme_leaves = [Resource("sw", "vlan", "200", {"name": "beta"}, "beta"),
                   Resource("sw", "vlan", "20", {"name": "voice"}),
                   Resource("sw", "trunk", "Et1", {"vlans": [20, 200]}),
                   Resource("sw", "port", "Et2", {"enabled": False}),
                   Resource("sw", "port", "Et3", {"enabled": True}, "beta")]
    changes = diff(live, acme_leaves)
    net = net_effect(changes, kinds, entries, entry_owners(live, entries))
    assert {k: n for k, n in net.items() if n} == {
        ("vlan", "acme"): -1, ("trunk", "acme"): -1, ("port", "acme"): -1, ("port", "beta"): 1}
    trunk = next(c for c in changes if c.kind == "trunk")
    assert trunk.owner == "(site)" and trunk.live_owner == "(site)"
    port = next(c for c in changes if c.key == "Et2")  # vacated: the change names its occupier
    assert (port.owner, port.live_owner) == ("acme", "acme")


def test_an_unexpected_exception_rolls_back_like_our_own_errors() -> None:
    before = snapshot()
    plan = make_plan({"a": [user("a", "u1", owner="acme"), user("a", "u2", owner="acme")],
                      "b": [user("b", "u9", owner="acme")]})
    RAISE_ON["b"] = RuntimeError("relay said: s3cr3t-u9")  # a library's surprise
    events: list[dict[str, Any]] = []
    run = apply_plan(plan, REGISTRY, CREDS, emit=events.append)
    assert not run.ok and run.restored == ["b", "a"] and snapshot() == before
    failed = next(e for e in events if e["event"] == "failed")
    assert failed["target"] == "b" and "unexpected RuntimeError" in failed["error"]
    assert "s3cr3t" not in json.dumps(events)  # its text may echo a secret: never kept


def test_an_interrupt_mid_apply_rolls_back_and_the_journal_says_so(tmp_path: Path) -> None:
    from reconciler.engine.interrupts import RunAborted
    from reconciler.service.applying import ApplyPolicy, session
    from reconciler.service.events import ignore

    before = snapshot()
    plan = make_plan({"a": [user("a", "u1", owner="acme"), user("a", "u2", owner="acme")],
                      "b": [user("b", "u9", owner="acme")]})
    RAISE_ON["b"] = KeyboardInterrupt()
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(RunAborted) as caught, \
            session(tmp_path, journal, {"lon1"}, 0, REGISTRY, CREDS, ignore) as s:
        s.apply(plan, ApplyPolicy())
    assert caught.value.exit_code == 130 and "SIGINT" in caught.value.reason
    assert snapshot() == before  # b's half-done change and a's wave are both undone
    end = [json.loads(line) for line in journal.read_text().splitlines()][-1]
    assert end["event"] == "run-end" and end["result"] == "interrupted"
    assert end["restored"] == ["b", "a"] and "SIGINT" in end["reason"]
    assert unfinished_run(journal) is None  # rolled back whole: nothing to resume


def test_a_run_whose_rollback_failed_is_left_for_resume(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    j1 = Journal(path, "r1")
    j1.write({"event": "run-start", "targets": ["t1", "t2"], "scope": ["t1", "t2"]})
    j1.write({"event": "apply", "target": "t1"})
    j1.write({"event": "run-end", "result": "failed", "restore_failed": ["t1"]})
    assert unfinished_run(path) is not None and unfinished_run(path).run == "r1"
    j2 = Journal(path, "r2")
    j2.write({"event": "run-start", "targets": ["t1"], "scope": ["t1", "t2"], "resumes": "r1"})
    j2.write({"event": "run-end", "result": "ok", "restore_failed": []})
    assert unfinished_run(path) is None


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_become_an_exception_only_while_a_run_catches_them(sig: str) -> None:
    import os
    import signal

    from reconciler.engine.interrupts import Interrupted, catching, deferred, describe

    signum = getattr(signal, sig)
    before = signal.getsignal(signum)
    with pytest.raises(Interrupted) as caught, catching():
        os.kill(os.getpid(), signum)  # the handler runs before the next line
        pytest.fail("not raised")
    assert describe(caught.value) == (f"interrupted by {sig}", 128 + signum)
    with catching(), deferred() as seen:  # during a rollback: noted, not raised
        os.kill(os.getpid(), signum)
    assert seen == [signum]
    assert signal.getsignal(signum) == before  # put back as it was
