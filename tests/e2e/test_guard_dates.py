"""The blast-radius guard judges a commit by what it does on every date it changes, and does
not judge a date-driven change again on its day (issue 16, guards that agree)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests.gitops.conftest import EstateGit

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

AT, TOMORROW = "2026-11-26", "2026-11-27"
END = "    deprovision_on_end: true\n    end: " + AT + "\n"


def end_every_man1_contract_today(g: EstateGit) -> None:
    g.edit("occupiers/acme.yaml", "  - site: man1\n    start: 2026-06-01\n",
           "  - site: man1\n    start: 2026-06-01\n" + END)
    g.edit("occupiers/northwind-legal.yaml", "  - site: man1\n    start: 2025-09-01\n",
           "  - site: man1\n    start: 2025-09-01\n" + END)
    g.commit("end every contract at man1 today")


def test_a_commit_ending_a_sites_contracts_tomorrow_is_refused_on_merge(
        lab_estate: LabEstate) -> None:
    g = EstateGit(lab_estate.root)
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    end_every_man1_contract_today(g)
    assert lab_estate.run_cli("validate", "--repo", str(lab_estate.root)).exit_code == 0
    before = lab_estate.configs()

    # The pull request's plan: nothing changes today, but tomorrow man1 goes dark.
    code, plan = lab_estate.plan_json("--at", AT, "--changed-since", "HEAD~1")
    assert code == 1 and plan["base"] == "HEAD~1"
    assert f"site man1: 8 of 8 occupied ports would be lost on {TOMORROW} (a date this " \
        "change sets) (100% > 20%)" in plan["guard_refusals"]
    md = lab_estate.cli("plan", "--at", AT, "--changed-since", "HEAD~1", "--format", "markdown")
    assert "blast-radius guard: site man1: 8 of 8 occupied ports" in md.stdout
    # Applied on merge (as the workflow does, against the last applied commit): refused.
    res = lab_estate.cli("apply", "--yes", "--at", AT, "--changed-since", "HEAD~1")
    assert res.exit_code == 1 and f"would be lost on {TOMORROW}" in res.output
    assert lab_estate.configs() == before

    # The same commit judged again the day after, as if never applied: still refused.
    code, plan = lab_estate.plan_json("--at", TOMORROW, "--changed-since", "HEAD~1")
    assert code == 1 and "site man1: 8 of 8 occupied ports would be lost (100% > 20%)" \
        in plan["guard_refusals"]


def test_a_reviewed_date_passes_on_its_day_without_an_override(lab_estate: LabEstate) -> None:
    g = EstateGit(lab_estate.root)
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    end_every_man1_contract_today(g)
    # Reviewed and merged on purpose: the merge's apply says so explicitly.
    res = lab_estate.cli("apply", "--yes", "--at", AT, "--changed-since", "HEAD~1",
                         "--allow-mass-change")
    assert res.exit_code == 0, res.output
    assert "allowed by --allow-mass-change" in res.output

    # On the day, the teardown is what the date brings: judged with its commit, passed.
    code, plan = lab_estate.plan_json("--at", TOMORROW)
    assert code == 2 and plan["guard_refusals"] == [] and plan["base"] == "HEAD"
    assert sum(len(t["date_driven"]) for t in plan["targets"]) > 20
    res = lab_estate.cli("drift", "--at", TOMORROW, "--format", "json")
    report = json.loads(res.stdout)
    assert report["refusals"] == [], report
    ports = {i["key"]: i["action"] for i in report["items"] if i["kind"] == "port"}
    assert len(ports) == 8 and set(ports.values()) == {"scheduled"}
    assert res.exit_code == (2 if report["summary"]["left"] else 0)  # as the site policy says
    assert "occ:northwind-legal" not in lab_estate.ios("man1/acc-1a").running_config()
    assert "occ:acme" not in lab_estate.ios("man1/acc-1a").running_config()
    # Left by policy at most (a drift report), never refused.
    assert not lab_estate.plan_json("--at", TOMORROW)[1]["guard_refusals"]
