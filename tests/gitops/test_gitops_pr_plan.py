"""Acceptance: the plan of a pull request that onboards an occupier on a later day.

A git repository with the example estate (base) and a commit adding zephyr at man1
from 2027-02-01 (head), planned on the story day as plan.yml does. kestrel-labs, already
in the estate, moves into man1's 1.03 on that same day: it must not appear. No live
system is read: nothing of the change takes effect today, so no target is in today's
scope.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.gitops.markdown import COMMENT_LIMIT, MARKER
from tests.gitops.conftest import ZEPHYR_MAN1, EstateGit

OTHERS = ("acme", "bluefin", "greenleaf", "harbour", "kestrel", "northwind", "orbit",
          "quayside")


@pytest.fixture
def onboarding_pr(estate_git: EstateGit, story_day: str) -> EstateGit:
    estate_git.write("occupiers/zephyr.yaml", ZEPHYR_MAN1)
    estate_git.commit("Onboard Zephyr Design at man1 from 1 February")
    return estate_git


def plan(cli: Callable[..., Any], g: EstateGit, fmt: str) -> str:
    res = cli("plan", "--repo", str(g.root), "--changed-since", "HEAD~1", "--format", fmt)
    assert res.exit_code == 0, res.output  # nothing to change today
    out: str = res.stdout
    return out


def test_the_comment_says_what_happens_on_the_move_in_day_and_nothing_else(
        onboarding_pr: EstateGit, cli: Callable[..., Any]) -> None:
    md = plan(cli, onboarding_pr, "markdown")
    assert md.startswith(MARKER) and len(md) <= COMMENT_LIMIT
    assert "**No change today.** Nothing in this change affects a live system on 2026-11-26." \
        in md
    # A week ahead (man1's radius.invite_lead_days), Ana's Wi-Fi account and invitation.
    lead = md[md.index("##### 2027-01-25: zephyr: Wi-Fi Secure accounts at man1 and their "
                       "invitations go out (they work from 2027-02-01)"):md.index("##### 2027-02-01")]
    assert "- **zephyr** at man1: + Wi-Fi user ana@zephyr.example\n" in lead
    assert "##### 2027-02-01: zephyr: contract at man1 starts; zephyr: moves into 1.04 at man1" \
        in md
    feb = md[md.index("##### 2027-02-01"):]
    line = next(ln for ln in feb.splitlines() if ln.startswith("- **zephyr** at man1: "))
    for phrase in ("+ space 1.04 → 1 port to VLAN 103", "+ VLAN 103 on 2 targets",
                   "+ gateway 172.17.3.1/24", "+ Wi-Fi access group rcl-zephyr@man1",
                   "+ Wi-Fi user ana@zephyr.example", "+ Wi-Fi policy rcl-zephyr",
                   "+ phone numbers +441614960020, +441614960021",
                   "+ DHCP range 172.17.3.0/24"):
        assert phrase in line, phrase
    assert "- **(site)** at man1: ~ uplink trunks Ethernet1, GigabitEthernet1/1/1 on 2 " \
        "targets (+ VLAN 103)" in md
    # The detail names the port itself, folded under the date.
    assert "#### Detail for 2027-02-01 (preview, no device commands)" in md
    assert re.search(r"~ port GigabitEthernet1/0/13: .*vlan: 999 -> 103.*\[zephyr\]", md)
    # kestrel-labs moves into 1.03 on that very day; neither it nor any other occupier
    # appears, and nothing is put at lon1 (the RADIUS server's own site).
    for other in OTHERS:
        assert other not in md, other
    assert "GigabitEthernet1/0/9" not in md and " at lon1" not in md


def test_text_and_json_carry_the_same_dates_and_attribution(
        onboarding_pr: EstateGit, cli: Callable[..., Any]) -> None:
    text = plan(cli, onboarding_pr, "text")
    assert "2027-02-01: zephyr: contract at man1 starts; zephyr: moves into 1.04 at man1" \
        in text
    assert "  zephyr at man1: + space 1.04 → 1 port to VLAN 103" in text
    data = json.loads(plan(cli, onboarding_pr, "json"))
    assert data["format_version"] == 3 and data["targets"] == [] and data["at"] == "2026-11-26"
    eff = data["effective_dates"]
    assert eff["format_version"] == 1 and eff["today"] == "2026-11-26"
    assert eff["base"] == "HEAD~1" and eff["base_commit"] == \
        onboarding_pr.repo.commit("HEAD~1").hexsha
    lead, day = eff["dates"]
    assert lead["date"] == "2027-01-25"
    assert [e["what"] for e in lead["events"]] == [
        "Wi-Fi Secure accounts at man1 and their invitations go out (they work from 2027-02-01)"]
    assert [(c["kind"], c["key"]) for t in lead["targets"] for c in t["changes"]] == [
        ("radius_user", "ana@zephyr.example")]
    assert day["date"] == "2027-02-01"
    assert [e["what"] for e in day["events"]] == ["contract at man1 starts",
                                                  "moves into 1.04 at man1"]
    changes = [c for t in day["targets"] for c in t["changes"]]
    assert {c["owner"] for c in changes} == {"zephyr", "(site)"}
    assert {c["site"] for c in changes} == {"man1"}
    assert {ln["occupier"] for ln in day["by_occupier"]} == {"zephyr", None}
    for other in OTHERS:
        assert other not in json.dumps(day), other


def test_the_date_comes_from_the_products_clock(
        onboarding_pr: EstateGit, cli: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # "Today" is RECONCILER_TODAY (the default of --at): the day before the first effect
    # (Ana's Wi-Fi account, a week ahead of the move-in) the same plan still previews both
    # days, and --at moves today the same way.
    monkeypatch.setenv("RECONCILER_TODAY", "2027-01-24")
    data = json.loads(plan(cli, onboarding_pr, "json"))
    assert data["at"] == "2027-01-24"
    assert [d["date"] for d in data["effective_dates"]["dates"]] == ["2027-01-25", "2027-02-01"]
    res = cli("plan", "--repo", str(onboarding_pr.root), "--changed-since", "HEAD~1",
              "--format", "json", "--at", "2026-12-24")
    data = json.loads(res.stdout)
    assert data["effective_dates"]["today"] == "2026-12-24"
    assert [d["date"] for d in data["effective_dates"]["dates"]] == ["2027-01-25", "2027-02-01"]
