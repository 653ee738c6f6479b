"""A change's effect on each later date it brings: head vs base on the same day.

Each case commits the example estate, makes a change in a throwaway git repository
and builds the report of a plan made on the story day (no live system is read: the
previews come from the estate alone).
"""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel

from reconciler.engine.plan import Plan
from reconciler.gitops.effective import change_days, previews
from reconciler.gitops.events import Event, changed_dates, pr_events
from reconciler.gitops.planning import plan_report, scoped
from reconciler.gitops.report import PlanReport
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from reconciler.targets import TARGETS
from tests.gitops.conftest import AT, ZEPHYR_DAY, ZEPHYR_MAN1, EstateGit

D = dt.date


def report_of(g: EstateGit, message: str, at: dt.date = AT) -> PlanReport:
    g.commit(message)
    head = load_estate(g.root)
    desired, scope = scoped(g.root, compile_estate(head, at), "HEAD~1")
    return plan_report(Plan(at), head, scope, TARGETS)


def owners(report: PlanReport, i: int) -> set[str | None]:
    return {c.owner for c in report.previews[i].changes}


def test_an_onboarding_on_a_later_day_is_previewed_on_that_day_alone(
        estate_git: EstateGit) -> None:
    estate_git.write("occupiers/zephyr.yaml", ZEPHYR_MAN1)
    report = report_of(estate_git, "onboard zephyr")
    lead_day = ZEPHYR_DAY - dt.timedelta(days=7)  # man1's Wi-Fi lead time
    assert [p.day for p in report.previews] == [lead_day, ZEPHYR_DAY]
    lead, p = report.previews
    assert [e.text() for e in lead.events] == [
        "zephyr: Wi-Fi Secure accounts at man1 and their invitations go out (they work from "
        "2027-02-01)"]
    assert {(c.kind, c.key) for c in lead.changes} == {("radius_user", "ana@zephyr.example")}
    assert [e.text() for e in p.events] == ["zephyr: contract at man1 starts",
                                           "zephyr: moves into 1.04 at man1"]
    assert owners(report, 1) == {"zephyr", None}
    kinds = {c.kind for c in p.changes}
    assert {"port", "vlan", "svi", "trunk", "radius_group", "radius_user", "radius_mac",
            "wifi_policy", "wifi_client", "dhcp_subnet", "pbx_did", "pbx_endpoint"} <= kinds
    # The shared uplinks gain zephyr's VLAN only, although kestrel-labs moves in that day.
    trunks = [c for c in p.changes if c.kind == "trunk"]
    assert trunks and all(set((c.after or {})["vlans"]) - set((c.before or {})["vlans"])
                          == {103} for c in trunks)
    # ...which it does: the estate's own plan for that day holds kestrel-labs' move-in.
    head = load_estate(estate_git.root)
    before = compile_estate(head, ZEPHYR_DAY - dt.timedelta(days=1)).resources
    on_day = compile_estate(head, ZEPHYR_DAY).resources
    assert any(r.owner == "kestrel-labs" and r not in before["man1/acc-1a"]
               for r in on_day["man1/acc-1a"])
    assert report.previews[1].changes and not report.live.changes


def test_moving_a_date_shows_both_days_against_main(estate_git: EstateGit) -> None:
    estate_git.edit("occupiers/kestrel-labs.yaml", "start: 2027-02-01", "start: 2027-03-01")
    estate_git.edit("occupiers/kestrel-labs.yaml", "move_in: 2027-02-01", "move_in: 2027-03-01")
    report = report_of(estate_git, "kestrel-labs a month later")
    # kestrel-labs has Wi-Fi Secure: its accounts' lead day moves with the start
    assert [p.day for p in report.previews] == [D(2027, 1, 25), D(2027, 2, 1), D(2027, 2, 22),
                                                D(2027, 3, 1)]
    jan, feb, lead, mar = report.previews
    assert all(e.removed for e in jan.events) and not any(e.removed for e in lead.events)
    assert {c.kind for c in jan.changes} == {"radius_user"}  # main's accounts, not this one's
    assert all(e.removed for e in feb.events) and not any(e.removed for e in mar.events)
    assert "(no longer on this day)" in feb.events[0].text()
    # On 1 February main moves kestrel-labs in and this change does not: its ports stay vacant.
    ports = [c for c in feb.changes if c.kind == "port"]
    assert len(ports) == 4 and all((c.after or {})["enabled"] is False for c in ports)
    assert owners(report, 1) == {"kestrel-labs", None}
    assert mar.changes == []  # from 1 March both agree


@pytest.mark.parametrize("teardown", [True, False])
def test_ending_a_contract_is_previewed_the_day_after_its_end(
        estate_git: EstateGit, teardown: bool) -> None:
    estate_git.edit("occupiers/northwind-legal.yaml", "    start: 2025-09-01\n",
                    "    start: 2025-09-01\n    end: 2027-06-30\n"
                    f"    deprovision_on_end: {'true' if teardown else 'false'}\n")
    report = report_of(estate_git, "northwind-legal leaves")
    assert [p.day for p in report.previews] == [D(2027, 7, 1)]
    p = report.previews[0]
    assert p.events[0].what.startswith("contract at man1 ends on 2027-06-30")
    assert owners(report, 0) <= {"northwind-legal", None}
    kinds = {c.kind for c in p.changes}
    if teardown:
        assert {"port", "dhcp_subnet", "pbx_endpoint", "radius_group"} <= kinds
        assert all(c.op != "create" for c in p.changes)
    else:  # services stay; Wi-Fi access follows the contract itself
        assert kinds <= {"radius_group", "radius_user", "radius_mac"} and kinds


def test_an_onboarding_that_ends_is_as_main_after_its_end(estate_git: EstateGit) -> None:
    estate_git.write("occupiers/zephyr.yaml", ZEPHYR_MAN1.replace(
        "    start: 2027-02-01\n",
        "    start: 2027-02-01\n    end: 2027-12-31\n    deprovision_on_end: true\n"))
    report = report_of(estate_git, "zephyr for a year")
    assert [p.day for p in report.previews] == [ZEPHYR_DAY - dt.timedelta(days=7), ZEPHYR_DAY,
                                                D(2028, 1, 1)]
    assert report.previews[1].changes and report.previews[2].changes == []
    assert "services are torn down" in report.previews[2].events[0].what


def test_a_day_the_effect_ends_is_listed_with_the_estate_date_that_ends_it(
        estate_git: EstateGit) -> None:
    # A desk phone for Raj: nothing of it is dated, but acme's lon1 contract (already
    # ending on 2027-01-04 with teardown) takes it away with everything else.
    estate_git.edit("occupiers/acme.yaml", "        label: Raj Patel\n",
                    '        label: Raj Patel\n        handset: {mac: "80:5e:c0:12:34:99", '
                    "model: yealink-t46u}\n")
    report = report_of(estate_git, "desk phone")
    assert [p.day for p in report.previews] == [D(2027, 1, 5)]
    (p,) = report.previews
    assert [e.text() for e in p.events] == [
        "acme: contract at lon1 ends on 2027-01-04: its services are torn down "
        "(already in the estate)"]
    assert p.changes == []  # from that day on, as without the change
    # acme's other later date (3.02 from 2026-12-01) does not touch the phone: not listed.


def test_dates_up_to_today_are_the_live_plan_not_previews(estate_git: EstateGit) -> None:
    estate_git.write("occupiers/zephyr.yaml", ZEPHYR_MAN1)
    report = report_of(estate_git, "onboard zephyr", at=ZEPHYR_DAY)
    assert report.dated and report.previews == []


def test_a_site_change_brings_no_dates(estate_git: EstateGit) -> None:
    estate_git.edit("sites/man1.yaml", "vlan: 999, enabled: false", "vlan: 998, enabled: false")
    report = report_of(estate_git, "new vacant VLAN")
    assert report.dated and report.previews == []


def test_the_effect_is_found_on_the_day_it_changes_not_only_the_written_one() -> None:
    # A compiler may act before the written date (a lead time): the day is found between.
    start, lead = D(2027, 3, 1), D(2027, 2, 22)

    def effect(d: dt.date) -> tuple[bool, bool]:
        return (d >= lead, d >= start)

    assert change_days(AT, [start], effect) == [lead, start]
    assert change_days(AT, [start], lambda d: d >= start) == [start]
    # Out of budget: the later sample is taken as the day, never an endless search.
    assert change_days(AT, [start], effect, lambda: False) == [start - dt.timedelta(days=1),
                                                               start]


def test_more_days_than_the_limit_are_named_not_previewed(estate_git: EstateGit) -> None:
    head = load_estate(estate_git.root)
    days = [D(2027, m, 1) for m in range(1, 13)]
    events = [Event(d, "acme", "lon1", "something") for d in days]
    found = previews(head, head, AT, events, TARGETS, max_days=5)
    assert [p.day for p in found.days] == days[:5] and found.left_out == days[5:]
    assert all(p.changes == [] for p in found.days)  # same estate on both sides


class _Pass(BaseModel):
    email: str
    valid_from: dt.date


class _Holder(BaseModel):
    passes: list[_Pass]


def test_any_other_date_in_a_file_is_an_event_too() -> None:
    before = _Holder(passes=[_Pass(email="a@x.example", valid_from=D(2027, 1, 1))])
    after = _Holder(passes=[_Pass(email="b@x.example", valid_from=D(2027, 5, 1)),
                            _Pass(email="a@x.example", valid_from=D(2027, 1, 1))])
    assert [(e.day, e.what) for e in changed_dates("acme", before, after)] == \
        [(D(2027, 5, 1), "passes.b@x.example.valid_from: 2027-05-01")]


def test_events_of_a_new_and_a_deleted_file(estate_git: EstateGit) -> None:
    estate_git.write("occupiers/zephyr.yaml", ZEPHYR_MAN1)
    estate_git.commit("zephyr")
    head = load_estate(estate_git.root)
    assert [e.text() for e in pr_events(None, head, {"zephyr"}, set())] == [
        "zephyr: Wi-Fi Secure accounts at man1 and their invitations go out (they work from "
        "2027-02-01)", "zephyr: contract at man1 starts", "zephyr: moves into 1.04 at man1"]
    gone = pr_events(head, load_estate(estate_git.root), {"nobody"}, set())
    assert gone == []


@pytest.mark.parametrize("edit", ["onboard", "end", "user"])
def test_previews_of_the_affected_sites_equal_those_of_the_whole_estate(
        estate_git: EstateGit, edit: str) -> None:
    import json

    from reconciler.gitops.effective import Effect, affected_sites, part_of

    base = load_estate(estate_git.root)
    if edit == "onboard":
        estate_git.write("occupiers/zephyr.yaml", ZEPHYR_MAN1)
        changed = {"zephyr"}
    elif edit == "end":
        estate_git.edit("occupiers/northwind-legal.yaml", "    start: 2025-09-01\n",
                        "    start: 2025-09-01\n    end: 2027-06-30\n"
                        "    deprovision_on_end: true\n")
        changed = {"northwind-legal"}
    else:  # a user at both of acme's sites, home at man1
        estate_git.edit("occupiers/acme.yaml", "users:\n", "users:\n  - {email: kim@acme.example, "
                        "name: Kim Lee, wifi_secure: true, home_site: man1}\n")
        changed = {"acme"}
    head = load_estate(estate_git.root)
    sites = affected_sites(base, head, changed, set())
    assert sites == ({"lon1", "man1"} if edit == "user" else {"man1"})
    whole, part = Effect(base, head, TARGETS), Effect(part_of(base, sites),
                                                      part_of(head, sites), TARGETS)
    seen = 0
    for day in (AT, ZEPHYR_DAY, D(2027, 7, 1)):
        full = {json.dumps(c.to_json(), sort_keys=True) for t in whole.on(day) for c in t.changes}
        assert full == {json.dumps(c.to_json(), sort_keys=True)
                        for t in part.on(day) for c in t.changes}, (edit, day)
        seen += len(full)
    assert seen  # there was an effect to compare
