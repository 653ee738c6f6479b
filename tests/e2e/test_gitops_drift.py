"""Drift, scheduled changes and offboarding on the bundled lab, through the CLI."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from tests.gitops.conftest import EstateGit

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

AT = "2026-11-26"
HAND_EDIT = ["enable", "configure", "interface Ethernet2", "switchport access vlan 555",
             "description patched by hand"]


def _drift(lab: LabEstate, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    res = lab.cli("drift", "--at", AT, "--format", "json", *args)
    return res.exit_code, json.loads(res.stdout)


def _set_policy(lab: LabEstate, policy: str) -> None:
    site = lab.root / "sites" / "lon1.yaml"
    text = site.read_text()
    new, n = re.subn(r"(?m)^drift: .*$", f"drift: {policy}", text)
    assert n == 1
    site.write_text(new)


def test_drift_is_reported_with_its_occupier_and_corrected(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    rc, clean = _drift(lab_estate)
    assert rc == 0 and clean["items"] == []

    acc = lab_estate.eos("lon1/acc-2a")
    acc.run_cmds(HAND_EDIT)
    assert "switchport access vlan 555" in acc.running_config()
    rc, report = _drift(lab_estate)
    assert rc == 0, report
    [item] = report["items"]
    assert (item["target"], item["kind"], item["key"]) == ("lon1/acc-2a", "port", "Ethernet2")
    assert item["owner"] == "greenleaf-studio"  # space 2.01 is theirs
    assert item["live"]["vlan"] == 555 and item["desired"]["vlan"] == 101
    assert (item["action"], item["result"]) == ("correct", "corrected")
    cfg = acc.running_config()
    assert "switchport access vlan 555" not in cfg and "patched by hand" not in cfg
    assert _drift(lab_estate)[0] == 0

    # The text report names target, occupier and what was done.
    acc.run_cmds(HAND_EDIT)
    text = lab_estate.cli("drift", "--at", AT).stdout
    assert "lon1/acc-2a" in text and "[greenleaf-studio]" in text
    assert "vlan: 555 -> 101" in text and "corrected" in text


def test_report_only_policy_reports_and_changes_nothing(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    _set_policy(lab_estate, "{default: correct, port: report}")
    acc = lab_estate.eos("lon1/acc-2a")
    acc.run_cmds(HAND_EDIT)
    before = lab_estate.configs()

    rc, report = _drift(lab_estate)
    assert rc == 2, report
    [item] = report["items"]
    assert item["owner"] == "greenleaf-studio"
    assert (item["action"], item["result"]) == ("report", "left")
    assert report["summary"]["left"] == 1
    assert lab_estate.configs() == before  # nothing changed on any switch

    md = lab_estate.cli("drift", "--at", AT, "--format", "markdown")
    assert md.exit_code == 2
    assert "| lon1 | lon1/acc-2a | greenleaf-studio |" in md.stdout

    # --dry-run reports what the default policy would correct, and corrects nothing.
    _set_policy(lab_estate, "{default: correct}")
    rc, report = _drift(lab_estate, "--dry-run")
    assert rc == 2 and report["items"][0]["result"] == "left"
    assert lab_estate.configs() == before

    _set_policy(lab_estate, "{default: ignore}")
    rc, report = _drift(lab_estate)
    assert rc == 0 and report["items"][0]["result"] == "ignored"
    assert lab_estate.configs() == before


def test_scheduled_move_in_is_applied_whatever_the_policy(lab_estate: LabEstate) -> None:
    # Acme adds space 3.02 on 2026-12-01: the scheduled run applies it that day.
    assert lab_estate.cli("apply", "--yes", "--at", "2026-11-30").exit_code == 0
    _set_policy(lab_estate, "{default: report}")
    res = lab_estate.cli("drift", "--at", "2026-12-01", "--format", "json")
    report = json.loads(res.stdout)
    assert res.exit_code == 0, report
    items = report["items"]
    assert items and {i["action"] for i in items} == {"scheduled"}
    assert {i["key"] for i in items if i["kind"] == "port"} == {"Ethernet5", "Ethernet6"}
    assert all(i["result"] == "applied" for i in items)
    cfg = lab_estate.eos("lon1/acc-3a").running_config()
    assert "description occ:acme space:3.02" in cfg


def test_deleting_an_active_occupier_is_refused_until_allowed(lab_estate: LabEstate) -> None:
    g = EstateGit(lab_estate.root)
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    g.delete("occupiers/orbit-analytics.yaml")
    g.commit("orbit-analytics leaves (the wrong way)")
    before = lab_estate.configs()

    res = lab_estate.cli("plan", "--at", AT, "--changed-since", "HEAD~1", "--format", "json")
    assert res.exit_code == 1
    plan = json.loads(res.stdout)
    assert len(plan["refusals"]) == 1 and plan["refusals"][0].startswith("orbit-analytics:")
    assert "--allow-offboard orbit-analytics" in plan["refusals"][0]
    assert {t["site"] for t in plan["targets"]} == {"lon1"}  # scoped: man1 untouched

    md = lab_estate.cli("plan", "--at", AT, "--changed-since", "HEAD~1", "--format", "markdown")
    assert "**Refused**" in md.stdout
    assert "orbit-analytics** at lon1: − space 2.02 (2 ports back to vacant)" in md.stdout

    res = lab_estate.cli("apply", "--yes", "--at", AT)
    assert res.exit_code == 1 and "refused" in res.output
    assert lab_estate.configs() == before
    assert lab_estate.cli("drift", "--at", AT).exit_code == 1
    assert lab_estate.configs() == before

    res = lab_estate.cli("apply", "--yes", "--at", AT, "--allow-offboard", "orbit-analytics")
    assert res.exit_code == 0, res.output
    cfg = lab_estate.eos("lon1/acc-2a").running_config()
    assert "occ:orbit-analytics" not in cfg
    assert lab_estate.eos("lon1/core1").running_config().count("vlan 103") == 0
    assert lab_estate.cli("plan", "--at", AT).exit_code == 0


def test_ending_the_contract_is_the_clean_way_out(lab_estate: LabEstate) -> None:
    g = EstateGit(lab_estate.root)
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    g.edit("occupiers/orbit-analytics.yaml", "    start: 2026-03-01\n",
           "    start: 2026-03-01\n    end: 2026-11-20\n    deprovision_on_end: true\n")
    g.edit("occupiers/orbit-analytics.yaml",
           '{space: "2.02", move_in: 2026-03-01, move_out: 2027-01-14}',
           '{space: "2.02", move_in: 2026-03-01, move_out: 2026-11-20}')
    g.edit("occupiers/orbit-analytics.yaml", '      - {space: "2.05", move_in: 2027-01-15}\n', "")
    g.commit("orbit-analytics contract ends")
    g.delete("occupiers/orbit-analytics.yaml")  # and later the file goes: no refusal
    g.commit("remove orbit-analytics")
    res = lab_estate.cli("plan", "--at", AT, "--changed-since", "HEAD~2", "--format", "json")
    plan = json.loads(res.stdout)
    assert res.exit_code == 2 and plan["refusals"] == []
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
