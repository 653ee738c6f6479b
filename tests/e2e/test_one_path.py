"""Drift goes through apply: same refusals, same site locks, same journal (issue 16)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from reconciler.engine.credentials import CredentialStore
from reconciler.engine.lock import SiteLocks
from reconciler.service import ApplyPolicy, Collect, Event, Reconciler

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

AT = "2026-11-26"
HAND_EDIT = ["enable", "configure", "interface Ethernet2", "switchport access vlan 555",
             "description patched by hand"]


def journal(le: LabEstate) -> list[dict[str, Any]]:
    path = le.root / ".reconciler" / "journal.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def refusal_reasons(output: str) -> list[str]:
    line = next(ln for ln in output.splitlines() if "the plan was refused: " in ln)
    return line.split("the plan was refused: ", 1)[1].split("; ")


def test_drift_refuses_what_apply_refuses_with_the_same_reasons(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    # Northwind's file goes (outside git): 6 of man1's 8 occupied ports and every number.
    (lab_estate.root / "occupiers" / "northwind-legal.yaml").unlink()
    before = lab_estate.configs()
    applied = lab_estate.cli("apply", "--yes", "--at", AT)
    assert applied.exit_code == 1
    reasons = refusal_reasons(applied.output)
    assert "site man1: 6 of 8 occupied ports would be lost (75% > 20%)" in reasons

    res = lab_estate.cli("drift", "--at", AT, "--format", "json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert report["refusals"] == reasons  # the same guard, the same numbers
    assert {i["result"] for i in report["items"]} <= {"left", "ignored"}
    assert lab_estate.configs() == before  # nothing corrected
    refused = [r for r in journal(lab_estate) if r["event"] == "refused"]
    assert [r["origin"] for r in refused] == ["apply", "drift"]
    assert refused[0]["reasons"] == refused[1]["reasons"] == reasons
    assert not [r for r in journal(lab_estate) if r["event"] == "run-start"
                and r["origin"] == "drift"]

    # The override is the same too, and then drift corrects through apply.
    res = lab_estate.cli("drift", "--at", AT, "--format", "json", "--allow-mass-change")
    report = json.loads(res.stdout)
    assert report["refusals"] == [] and report["summary"]["correct"] > 30
    assert res.exit_code == (2 if report["summary"]["report"] else 0)  # per site policy
    assert "occ:northwind-legal" not in lab_estate.ios("man1/acc-1a").running_config()


def test_drift_refuses_naming_the_holder_of_the_site_lock_or_waits_and_journals(
        lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    acc = lab_estate.eos("lon1/acc-2a")
    acc.run_cmds(HAND_EDIT)
    locks = lab_estate.root / ".reconciler" / "locks"
    holder = SiteLocks(locks, ["lon1"], run_id="someone-elses-apply").acquire()
    try:
        res = lab_estate.cli("drift", "--at", AT, "--site", "lon1")
        assert res.exit_code == 1
        assert "site lon1 is locked by another apply" in res.output
        assert f"pid {os.getpid()}" in res.output
        assert "switchport access vlan 555" in acc.running_config()  # not corrected

        # With --wait it waits for the holder, then plans and corrects after it.
        creds = CredentialStore(lab_estate.credentials)
        events = Collect()

        def sink(event: Event) -> None:
            events(event)
            if event.kind == "info" and event.message.startswith("waiting up to"):
                holder.release()  # the other run finishes while drift waits

        rec = Reconciler(lab_estate.root, creds, events=sink, endpoints=lab_estate.endpoints)
        start = len(journal(lab_estate))
        report = rec.drift(dt.date.fromisoformat(AT), ["lon1"],
                           policy=ApplyPolicy(wait=60))
    finally:
        holder.release()
    assert any("waiting up to 60s for site lon1" in m for m in events.messages())
    assert [(i.change.key, i.result) for i in report.items] == [("Ethernet2", "corrected")]
    assert "switchport access vlan 555" not in acc.running_config()

    # Every correction is in the journal, announced with its before and after.
    records = journal(lab_estate)[start:]
    assert [r["event"] for r in records] == ["run-start", "apply", "persisted", "applied",
                                             "run-end"]
    run_start, apply = records[0], records[1]
    assert run_start["origin"] == "drift" and run_start["targets"] == ["lon1/acc-2a"]
    [change] = apply["changes"]
    assert (change["kind"], change["key"], change["owner"]) == (
        "port", "Ethernet2", "greenleaf-studio")
    assert change["before"]["vlan"] == 555 and change["after"]["vlan"] == 101
    assert change["before"]["description"] == "patched by hand"
    assert apply["commands"] == ["interface Ethernet2", "switchport access vlan 101",
                                 "description occ:greenleaf-studio space:2.01"]
    assert records[-1]["result"] == "ok"
    assert [e.data["event"] for e in events.events if e.kind == "journal"] == [
        r["event"] for r in records]  # the same records reach the caller's event sink


def test_only_the_service_changes_live_systems() -> None:
    """One module calls the engine's apply; the engine alone calls a target's apply."""
    root = Path(__file__).resolve().parents[2] / "reconciler"
    callers = {p.relative_to(root).as_posix() for p in root.rglob("*.py")
               if "apply_plan(" in p.read_text() and p.name != "apply.py"}
    assert callers == {"service/applying.py"}
    target_apply = {p.relative_to(root).as_posix() for p in root.rglob("*.py")
                    if "target.apply(" in p.read_text()}
    assert target_apply == {"engine/apply.py"}
