"""Two real processes applying one site; a crashed apply; resume.

The lab runs in this test process; each apply is a separate `python -m reconciler`
process, so the site lock is exercised across processes and across a SIGKILL.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from reconciler.engine.journal import unfinished_run
from tests.conftest import REPO_ROOT

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

BEFORE_MOVE, MOVE_DAY = "2027-01-14", "2027-01-15"
DEADLINE = 60.0  # a safety net against a hung test, not an assertion on speed


def spawn(le: LabEstate, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args, "--repo", str(le.root),
         "--endpoints", str(le.endpoints), "--credentials", str(le.credentials)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def records(le: LabEstate) -> list[dict[str, Any]]:
    path = le.root / ".reconciler" / "journal.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def wait_for(cond: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    """Until cond(); the process's output is read meanwhile, or a plan longer than the pipe's
    buffer would block the apply on its own print."""
    assert proc.stdout is not None
    seen = b""
    end = time.monotonic() + DEADLINE
    while not cond():
        if proc.poll() is not None:
            rest = proc.stdout.read()
            pytest.fail(f"the first apply ended early: {seen.decode(errors='replace')}{rest}")
        if time.monotonic() > end:
            pytest.fail("timed out waiting for the first apply")
        ready, _, _ = select.select([proc.stdout], [], [], 0.01)
        if ready:
            seen += os.read(proc.stdout.fileno(), 65536)


def lock_held(le: LabEstate, site: str) -> bool:
    path = le.root / ".reconciler" / "locks" / f"{site}.lock"
    if not path.exists():
        return False
    with open(path) as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


def read_until(proc: subprocess.Popen[str], needle: str) -> str:
    """Output of a running process up to the line holding `needle`."""
    assert proc.stdout is not None
    seen = ""
    end = time.monotonic() + DEADLINE
    while needle not in seen:
        if time.monotonic() > end or proc.poll() is not None:
            pytest.fail(f"{needle!r} never came: {seen}")
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            seen += proc.stdout.readline()
    return seen


def test_second_apply_refuses_while_the_first_holds_the_site(lab_estate: LabEstate) -> None:
    core = lab_estate.eos("lon1/core1").faults
    core.set(stall_regex=r"^show running-config$")  # the first apply hangs holding the lock
    first = spawn(lab_estate, "apply", "--yes")
    wait_for(lambda: lock_held(lab_estate, "lon1"), first)
    second = spawn(lab_estate, "apply", "--yes")
    out2, _ = second.communicate(timeout=DEADLINE)
    core.clear()
    out1, _ = first.communicate(timeout=DEADLINE)
    assert second.returncode == 1, out2
    assert "is locked by another apply" in out2 and f"pid {first.pid}" in out2
    assert "--wait" in out2 and "Traceback" not in out2
    assert first.returncode == 0, out1
    runs = {r["run"] for r in records(lab_estate)}
    assert len(runs) == 1  # the refused apply never started a run
    assert lab_estate.plan_json()[0] == 0


def test_second_apply_waits_and_never_interleaves(lab_estate: LabEstate) -> None:
    acc = lab_estate.eos("lon1/acc-2a").faults
    acc.set(stall_regex=r"^show running-config$")
    first = spawn(lab_estate, "apply", "--yes", "--at", BEFORE_MOVE)
    wait_for(lambda: lock_held(lab_estate, "lon1"), first)
    second = spawn(lab_estate, "apply", "--yes", "--at", MOVE_DAY, "--wait", "120")
    said = read_until(second, "waiting up to 120s for site")
    assert f"pid {first.pid}" in said
    acc.clear()
    out1, _ = first.communicate(timeout=DEADLINE)
    out2, _ = second.communicate(timeout=DEADLINE)
    assert first.returncode == 0, out1
    assert second.returncode == 0, out2
    recs = records(lab_estate)
    order = [r["run"] for r in recs]
    a, b = order[0], order[-1]
    assert a != b
    # Every record of the first run comes before any of the second: no interleaving.
    assert order == [a] * order.count(a) + [b] * order.count(b)
    assert recs[order.count(a) - 1]["event"] == "run-end"
    # The waiting apply planned after the first one finished: only the move is left to it.
    moved = [c for r in recs if r["run"] == b and r["event"] == "apply" for c in r["changes"]]
    assert {c["target"] for c in moved} == {"lon1/acc-2a"} and len(moved) == 8
    assert lab_estate.plan_json("--at", MOVE_DAY)[0] == 0


def test_killed_apply_leaves_no_stale_lock_and_resume_finishes_it(lab_estate: LabEstate) -> None:
    device = lab_estate.eos("lon1/core1")
    core = device.faults
    core.set(stall_regex=r"^commit$")  # the first apply dies while core1 is mid-session
    first = spawn(lab_estate, "apply", "--yes")

    def counted(word: str) -> int:
        return int(device.counters.snapshot()["by_word"].get(word, 0))

    wait_for(lambda: counted("commit") > 0, first)  # core1 holds its commit, stalled
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=DEADLINE)
    errors = device.counters.snapshot()["errors"]
    core.set(error_regex=r"^commit$")  # the orphaned session must not commit after the crash
    core.set(stall_regex=None)
    end = time.monotonic() + DEADLINE
    while device.counters.snapshot()["errors"] == errors and time.monotonic() < end:
        time.sleep(0.01)  # until the orphaned request has failed
    journal = lab_estate.root / ".reconciler" / "journal.jsonl"
    interrupted = unfinished_run(journal)
    assert interrupted is not None and "lon1/core1" in interrupted.touched
    lock = Path(lab_estate.root / ".reconciler" / "locks" / "lon1.lock")
    assert json.loads(lock.read_text())["pid"] == first.pid  # the dead holder's note stays
    assert not lock_held(lab_estate, "lon1")  # but the kernel released its lock
    core.clear()

    res = lab_estate.cli("apply", "--resume", "--yes")
    assert res.exit_code == 0, res.output
    assert f"Resuming run {interrupted.run}" in res.output
    resumed = [r for r in records(lab_estate) if r["event"] == "run-start"][-1]
    assert resumed["resumes"] == interrupted.run
    assert "lon1/core1" in resumed["targets"]
    assert unfinished_run(journal) is None
    assert lab_estate.plan_json()[0] == 0
    assert "nothing to resume" in lab_estate.cli("apply", "--resume", "--yes").output
