"""Fault suite: break every step of an apply on each lab target kind.

Afterwards every device of the lab is exactly in its before-state (full state,
compared whole) and a rerun without the fault converges.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.fault_kinds import KINDS, REQUIRED_STEPS, FaultKind

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

#: Steps that stop the run before any target is touched.
NOTHING_TOUCHED = {"before-first-change", "preflight"}
CASES = [pytest.param(k, step, id=f"{k.kind}-{step}") for k in KINDS for step in k.steps]


def full_state(le: LabEstate) -> dict[tuple[str, str], str]:
    out = {}
    for k in KINDS:
        try:
            h = le.lab.handle(k.kind)
        except KeyError:
            continue
        for name in k.names(h):
            out[(k.kind, name)] = k.state(h, name)
    return out


def journal(le: LabEstate) -> list[dict[str, Any]]:
    path = le.root / ".reconciler" / "journal.jsonl"
    if not path.exists():
        return []  # the run stopped before it started (e.g. the plan could not read)
    return [json.loads(line) for line in path.read_text().splitlines()]


def handle(le: LabEstate, k: FaultKind) -> Any:
    try:
        return le.lab.handle(k.kind)
    except KeyError:
        pytest.skip(reason=f"the example estate's lab has no {k.kind} component")


def test_every_kind_breaks_every_required_step() -> None:
    for k in KINDS:
        assert set(REQUIRED_STEPS) <= set(k.steps), k.kind


@pytest.mark.parametrize(("k", "step"), CASES)
def test_fault_restores_every_target_and_rerun_converges(lab_estate: LabEstate, k: FaultKind,
                                                          step: str) -> None:
    h = handle(lab_estate, k)
    before = full_state(lab_estate)
    assert k.victim_device in k.names(h)
    k.faults(h, k.victim_device).update(k.steps[step])

    res = lab_estate.cli("apply", "--yes")
    assert res.exit_code == 1, res.output
    assert k.victim in res.output
    assert "Traceback" not in res.output
    after = full_state(lab_estate)
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], f"{key} differs from its before-state after {step}"

    records = journal(lab_estate)
    touched = {r["target"] for r in records if r["event"] == "apply"}
    restored = {r["target"] for r in records if r["event"] == "rolled-back"}
    assert not any(r["event"] == "rollback-failed" for r in records)
    assert touched <= restored  # every target the run started changing was put back
    assert not touched or records[-1]["event"] == "run-end"
    if step in NOTHING_TOUCHED:
        assert not touched
    else:  # the other targets had applied in parallel and were put back
        assert restored - {k.victim}, [(r["event"], r.get("target"), r.get("error")) for r in records]

    k.faults(h, k.victim_device).clear()
    res = lab_estate.cli("apply", "--yes")
    assert res.exit_code == 0, res.output
    assert lab_estate.plan_json()[0] == 0
    assert full_state(lab_estate) != before  # the rerun really changed the lab
