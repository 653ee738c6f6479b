"""EOS configuration sessions never stay pending: a run whose abort failed is cleaned up
by the next one, before five pile up and the switch refuses every apply."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine.diff import diff, order_changes
from reconciler.errors import TargetError
from reconciler.targets.eos import EosTarget, pending_sessions
from tests.targets.contract import ContractEnv
from tests.targets.lab_switch import lab_switch_env

TARGET = "lon1/acc-3a"


@pytest.fixture
def switch(tmp_path: Path) -> Iterator[tuple[ContractEnv, Any]]:
    """The lab switch of the example estate, and its emulated device."""
    seen: list[Any] = []
    with lab_switch_env(tmp_path, "eos", TARGET, ("host", "port", "transport"),
                        seen.append) as env:
        env.inject_failure()  # hands over the device
        yield env, seen[0]


def _pending(device: Any) -> list[str]:
    return sorted(n for n, s in device.sessions.items() if s.state == "pending")


def _apply(env: ContractEnv) -> None:
    with EosTarget(env.spec, env.credential) as target:
        changes = order_changes(diff(target.read(), env.desired, target.write_only),
                                target.kind_order)
        assert changes
        target.apply(changes)


def test_a_session_whose_abort_failed_is_aborted_by_the_next_run(
        switch: tuple[ContractEnv, Any]) -> None:
    env, device = switch
    # A refused line, and the abort refused too (the connection was going away).
    device.faults.set(error_regex=r"^(description occ:acme.*|abort)$")
    with pytest.raises(TargetError):
        _apply(env)
    (left,) = _pending(device)
    assert left.startswith("rcl-")
    device.faults.clear()
    _apply(env)  # the next run
    assert _pending(device) == []
    assert "occ:acme" in device.running_config()


def test_five_pending_sessions_do_not_block_the_next_apply(
        switch: tuple[ContractEnv, Any]) -> None:
    env, device = switch
    for n in range(4):  # four runs left theirs behind ...
        assert "result" in device.run_cmds([f"configure session rcl-00000000000{n}", "vlan 5"])
    device.run_cmds(["configure session ops-maintenance", "vlan 6"])  # ... and an operator's
    assert "Maximum number" in str(device.run_cmds(["configure session x"]))  # at the limit
    _apply(env)
    assert _pending(device) == ["ops-maintenance"]  # ours cleaned, theirs untouched
    assert "occ:acme" in device.running_config()


def test_session_table_text_is_read_as_eos_prints_it() -> None:
    text = ("Maximum number of completed sessions: 1\nMaximum number of pending sessions: 5\n\n"
            "  Name                      State           User       Terminal\n"
            "  ---------------------- --------------- ---------- --------------\n"
            "* sess-2174--797967552-1    completed                 \n"
            "  rcl-0123456789ab          pending         admin      vty5\n"
            "  pending                   completed\n")
    assert pending_sessions(text) == ["rcl-0123456789ab"]
