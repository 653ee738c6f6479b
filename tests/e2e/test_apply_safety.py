"""Saved plans and stale plans, the journal, resume, and the blast-radius guard on the lab."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import git
import pytest

from reconciler.engine.journal import unfinished_run

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab


def journal(le: LabEstate) -> list[dict[str, Any]]:
    path = le.root / ".reconciler" / "journal.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_saved_plan_is_applied_exactly_even_if_the_estate_moved_on(
        lab_estate: LabEstate) -> None:
    out = lab_estate.root / "plan.json"
    assert lab_estate.cli("plan", "--out", str(out)).exit_code == 2
    saved = json.loads(out.read_text())
    # The estate changes after the plan: the saved plan, not the estate, is applied.
    (lab_estate.root / "occupiers" / "northwind-legal.yaml").unlink()
    res = lab_estate.cli("apply", str(out), "--yes")
    assert res.exit_code == 0, res.output
    s = saved["summary"]
    assert f"Apply complete: {s['create']} created, {s['update']} updated" in res.output
    assert "occ:northwind-legal" in lab_estate.ios("man1/acc-1a").running_config()
    # Applying the same plan twice is refused: what it read is gone.
    again = lab_estate.cli("apply", str(out), "--yes")
    assert again.exit_code == 1 and "live state changed since the plan was made" in again.output


def test_a_device_changed_between_plan_and_apply_refuses_and_changes_nothing(
        lab_estate: LabEstate) -> None:
    out = lab_estate.root / "plan.json"
    assert lab_estate.cli("plan", "--out", str(out)).exit_code == 2
    # Someone edits a managed port by hand after the plan was made.
    lab_estate.eos("lon1/acc-2a").run_cmds(["enable", "configure", "interface Ethernet3",
                                           "description patched by hand", "end"])
    before = lab_estate.configs()
    res = lab_estate.cli("apply", str(out), "--yes")
    assert res.exit_code == 1
    assert "lon1/acc-2a: live state changed since the plan was made" in res.output
    assert lab_estate.configs() == before  # no switch was touched, not even the fresh ones
    records = journal(lab_estate)
    assert not [r for r in records if r["event"] == "apply"]
    assert [r["target"] for r in records if r["event"] == "preflight-failed"] == ["lon1/acc-2a"]
    assert records[-1]["event"] == "run-end" and records[-1]["result"] == "failed"


def test_a_tampered_or_foreign_plan_file_is_refused(lab_estate: LabEstate) -> None:
    out = lab_estate.root / "plan.json"
    lab_estate.cli("plan", "--out", str(out))
    data = json.loads(out.read_text())
    data["targets"][0]["site"] = "../../etc"
    lab_estate.write_plan(out, data)
    before = lab_estate.configs()
    res = lab_estate.cli("apply", str(out), "--yes")
    assert res.exit_code == 1 and "not a valid site id" in res.output
    del data["targets"][0]["live_digest"]
    data["targets"][0]["site"] = "lon1"
    lab_estate.write_plan(out, data)
    res = lab_estate.cli("apply", str(out), "--yes")
    assert res.exit_code == 1 and "does not record what it read" in res.output
    out.write_text("{not json")
    res = lab_estate.cli("apply", str(out), "--yes")
    assert res.exit_code == 1 and "cannot read plan" in res.output
    assert lab_estate.configs() == before


def test_journal_records_who_commit_and_every_change_before_it_is_made(
        lab_estate: LabEstate) -> None:
    repo = git.Repo.init(lab_estate.root)
    repo.index.add(["sites", "occupiers"])
    sha = repo.index.commit("estate").hexsha
    assert lab_estate.cli("apply", "--yes").exit_code == 0
    records = journal(lab_estate)
    start, end = records[0], records[-1]
    assert start["event"] == "run-start" and start["commit"] == sha
    assert start["who"] and start["pid"] and start["at"]
    assert {"lon1/core1", "lon1/acc-2a", "lon1/acc-3a", "man1/core1",
            "man1/acc-1a"} <= set(start["targets"])
    assert end["event"] == "run-end" and end["result"] == "ok"
    assert {r["run"] for r in records} == {start["run"]}
    for t in start["targets"]:
        events = [r["event"] for r in records if r.get("target") == t]
        # Announced before; saved once verified, in a step of its own; then confirmed.
        assert events == ["apply", "persisted", "applied"], t
    change = next(c for r in records if r["event"] == "apply" for c in r["changes"]
                  if c["kind"] == "port" and c["key"] == "Ethernet9" and c["target"] ==
                  "lon1/acc-3a")
    assert change["before"]["description"] is None
    assert change["after"]["description"] == "occ:harbour-coffee space:3.04"
    secrets = lab_estate.credentials.read_text()
    password = next(ln.split(":", 1)[1].strip() for ln in secrets.splitlines()
                    if "password" in ln)
    assert password and password not in (lab_estate.root / ".reconciler" /
                                         "journal.jsonl").read_text()


def test_journal_path_option(lab_estate: LabEstate) -> None:
    path = lab_estate.root / "elsewhere" / "j.jsonl"
    assert lab_estate.cli("apply", "--yes", "--journal", str(path)).exit_code == 0
    assert json.loads(path.read_text().splitlines()[-1])["result"] == "ok"
    assert not (lab_estate.root / ".reconciler" / "journal.jsonl").exists()


def test_resume_with_nothing_interrupted_says_so(lab_estate: LabEstate) -> None:
    res = lab_estate.cli("apply", "--resume", "--yes")
    assert res.exit_code == 0 and "nothing to resume" in res.output


def test_blast_radius_guard_refuses_a_mass_disable(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes").exit_code == 0
    # Northwind leaves man1 at once: 6 of its 13 managed ports go dark (46% > 20%).
    (lab_estate.root / "occupiers" / "northwind-legal.yaml").unlink()
    before = lab_estate.configs()
    # `plan` says what apply will refuse, with the same numbers (exit 1).
    code, plan = lab_estate.plan_json()
    assert code == 1 and plan["guard_refusals"] == [
        "site man1: 7 of 7 phone numbers would be lost (100% > 20%)",
        "site man1: 6 of 8 occupied ports would be lost (75% > 20%)"]
    res = lab_estate.cli("apply", "--yes")
    assert res.exit_code == 1
    # Occupied ports count, vacant ones never: 8 of man1's 13 floor ports were occupied.
    assert "site man1: 6 of 8 occupied ports would be lost (75% > 20%)" in res.output
    assert "site man1: 7 of 7 phone numbers would be lost" in res.output
    assert lab_estate.configs() == before
    # A looser share lets it through, so does the explicit override.
    assert lab_estate.cli("apply", "--yes", "--mass-change-share", "100").exit_code == 0
    assert lab_estate.plan_json()[0] == 0


def test_blast_radius_guard_lets_a_small_move_out_through_and_can_be_overridden(
        lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes").exit_code == 0
    occ = lab_estate.root / "occupiers" / "northwind-legal.yaml"
    occ.unlink()
    assert lab_estate.cli("apply", "--yes", "--allow-mass-change").exit_code == 0
    assert "occ:northwind-legal" not in lab_estate.ios("man1/acc-1a").running_config()
    # Acme leaving man1 takes 2 of 13 ports (15%): no override needed.
    acme = lab_estate.root / "occupiers" / "acme.yaml"
    text = acme.read_text()
    acme.write_text(text.replace('{space: "1.02", move_in: 2026-06-01}',
                                 '{space: "1.02", move_in: 2026-06-01, move_out: 2026-06-30}'))
    res = lab_estate.cli("apply", "--yes")
    assert res.exit_code == 0, res.output
    assert lab_estate.plan_json()[0] == 0


def test_unfinished_run_is_none_for_an_empty_journal(tmp_path: Any) -> None:
    assert unfinished_run(tmp_path / "none.jsonl") is None
