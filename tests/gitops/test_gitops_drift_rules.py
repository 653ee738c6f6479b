"""Drift classification: scheduled (the date moved on) vs drift (changed by hand), per policy."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from reconciler.engine.plan import make_plan
from reconciler.engine.resources import Resource
from reconciler.gitops.drift import classify, correction_plan, earlier_variants, record_results
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from tests.conftest import REPO_ROOT
from tests.gitops.conftest import EstateGit, MemoryLive

END = dt.date(2027, 1, 4)  # acme's London contract ends, with deprovision
AFTER = END + dt.timedelta(days=1)


def _report(memory_live: MemoryLive, no_creds: Callable[[], object], day: dt.date,
            window: int, policy: dict[str, str]):  # type: ignore[no-untyped-def]
    estate = load_estate(REPO_ROOT)
    desired = compile_estate(estate, day)
    platforms = {s.platform for s in desired.targets.values()}
    plan = make_plan(desired, memory_live.registry(platforms), no_creds())  # type: ignore[arg-type]
    earlier = [compile_estate(estate, day - dt.timedelta(days=n)).resources
               for n in range(1, window + 1)]
    return plan, classify(plan, lambda site, kind: policy.get(kind, policy["default"]),
                          earlier_variants(earlier), window)


def test_ended_contract_teardown_is_scheduled_and_a_hand_edit_is_drift(
        memory_live: MemoryLive, no_creds: Callable[[], object]) -> None:
    estate = load_estate(REPO_ROOT)
    memory_live.load(compile_estate(estate, END).resources)  # applied on the last day
    # ... and someone retagged a port of Greenleaf's by hand.
    port = memory_live.state["lon1/acc-2a"][("port", "Ethernet2")]
    memory_live.state["lon1/acc-2a"][("port", "Ethernet2")] = Resource(
        port.target, "port", port.key, {**port.attrs, "vlan": 555}, port.owner)

    plan, report = _report(memory_live, no_creds, AFTER, 7, {"default": "report"})
    by_action: dict[str, set[tuple[str, str, str]]] = {}
    for i in report.items:
        by_action.setdefault(i.action, set()).add((i.change.op, i.change.kind, i.change.key))
    assert by_action["report"] == {("update", "port", "Ethernet2")}
    scheduled = by_action["scheduled"]
    assert ("delete", "vlan", "102") in scheduled and ("delete", "svi", "Vlan102") in scheduled
    assert ("update", "port", "Ethernet1") in scheduled  # acme's 3.01 back to vacant
    assert {i.change.owner for i in report.items if i.action == "scheduled"} == {"acme", "(site)"}

    fix = correction_plan(plan, report)
    assert {c.id for c in fix.changes} == {i.change.id for i in report.items
                                           if i.action == "scheduled"}
    record_results(report, set(), applied=True)
    assert report.exit_code() == 2 and [i.change.key for i in report.left] == ["Ethernet2"]
    assert json.loads(json.dumps(report.to_json()))["summary"]["report"] == 1


WRITE_ONLY = {"radius_user": {"invite"}, "pbx_endpoint": {"notify"}, "pbx_voicemail": {"notify"},
              "wifi_psk": {"passphrase"}}


def _as_read_back(resources: dict[str, list[Resource]]) -> dict[str, list[Resource]]:
    """What live systems return: write-only fields (invitations, notify) are never read."""
    return {t: [Resource(r.target, r.kind, r.key,
                         {k: v for k, v in r.attrs.items()
                          if k not in WRITE_ONLY.get(r.kind, set())}, r.owner) for r in rs]
            for t, rs in resources.items()}


def test_a_date_driven_teardown_is_scheduled_even_with_write_only_fields(
        memory_live: MemoryLive, no_creds: Callable[[], object]) -> None:
    """The operator's case: users (invite) and phones (notify) of an ended contract."""
    memory_live.load(_as_read_back(compile_estate(load_estate(REPO_ROOT), END).resources))
    policy = {"default": "report", "radius_user": "report", "pbx_endpoint": "ignore"}
    _, report = _report(memory_live, no_creds, AFTER, 7, policy)
    acme = {(i.change.kind, i.change.key): i.action for i in report.items
            if i.change.owner == "acme"}
    assert acme[("radius_group", "rcl-acme@lon1")] == "scheduled"
    # Jane, Raj and Li keep their accounts for Manchester: only the London membership goes.
    assert acme[("radius_user", "jane@acme.example")] == "scheduled"
    assert acme[("pbx_endpoint", "442079460121")] == "scheduled"
    assert set(acme.values()) == {"scheduled"}
    assert [i for i in report.items if i.action != "scheduled"] == []


def test_a_hand_edit_of_what_the_date_already_changed_stays_drift(
        memory_live: MemoryLive, no_creds: Callable[[], object]) -> None:
    # Applied on the end day + 1, then someone puts acme's VLAN back on the port by hand.
    memory_live.load(_as_read_back(compile_estate(load_estate(REPO_ROOT), AFTER).resources))
    port = memory_live.state["lon1/acc-3a"][("port", "Ethernet1")]
    memory_live.state["lon1/acc-3a"][("port", "Ethernet1")] = Resource(
        port.target, "port", port.key, {**port.attrs, "vlan": 777}, port.owner)
    _, report = _report(memory_live, no_creds, AFTER + dt.timedelta(days=2), 7,
                        {"default": "report"})
    [item] = report.items
    assert (item.change.key, item.action) == ("Ethernet1", "report")


def test_a_date_driven_delete_of_a_resource_also_changed_by_hand_is_scheduled(
        memory_live: MemoryLive, no_creds: Callable[[], object]) -> None:
    live = _as_read_back(compile_estate(load_estate(REPO_ROOT), END).resources)
    memory_live.load(live)
    jane = memory_live.state["radius"][("radius_user", "jane@acme.example")]
    memory_live.state["radius"][("radius_user", "jane@acme.example")] = Resource(
        jane.target, jane.kind, jane.key, {**jane.attrs, "credential_version": 9}, jane.owner)
    group = memory_live.state["radius"][("radius_group", "rcl-acme@lon1")]
    memory_live.state["radius"][("radius_group", "rcl-acme@lon1")] = Resource(
        group.target, group.kind, group.key, {**group.attrs, "reply": ["Session-Timeout := 1"]},
        group.owner)
    _, report = _report(memory_live, no_creds, AFTER, 7, {"default": "report"})
    actions = {(i.change.kind, i.change.key): i.action for i in report.items}
    assert actions[("radius_group", "rcl-acme@lon1")] == "scheduled"  # deleted: its end came
    # Jane's London membership goes by date; her hand-changed version is drift on its own
    assert actions[("radius_user", "jane@acme.example")] == "scheduled"


def test_without_a_window_every_difference_is_drift(
        memory_live: MemoryLive, no_creds: Callable[[], object]) -> None:
    memory_live.load(compile_estate(load_estate(REPO_ROOT), END).resources)
    _, report = _report(memory_live, no_creds, AFTER, 0, {"default": "correct", "svi": "ignore"})
    assert report.items and "scheduled" not in {i.action for i in report.items}
    assert {i.action for i in report.items if i.change.kind == "svi"} == {"ignore"}
    record_results(report, set(), applied=True)
    assert report.exit_code() == 0


def test_failed_correction_exits_1(memory_live: MemoryLive,
                                   no_creds: Callable[[], object]) -> None:
    memory_live.load({})
    _, report = _report(memory_live, no_creds, AFTER, 0, {"default": "correct"})
    record_results(report, {"lon1/core1"}, applied=True)
    assert report.exit_code() == 1
    assert {i.result for i in report.items if i.change.target == "lon1/core1"} == {"failed"}


def test_sites_command_lists_all_or_the_changed(estate_git: EstateGit, cli) -> None:  # type: ignore[no-untyped-def]
    root = str(estate_git.root)
    res = cli("sites", "--repo", root, "--format", "json")
    assert res.exit_code == 0 and json.loads(res.stdout) == ["lon1", "man1"]
    res = cli("sites", "--repo", root, "--changed-since", "HEAD", "--format", "json")
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    estate_git.edit("sites/man1.yaml", "vlan: 999, enabled: false", "vlan: 998, enabled: false")
    estate_git.commit("man1 vacant VLAN")
    res = cli("sites", "--repo", root, "--changed-since", "HEAD~1", "--format", "json")
    assert json.loads(res.stdout) == ["man1"]
    res = cli("sites", "--repo", root, "--changed-since", "HEAD~1")
    assert res.stdout == "man1\n"
    res = cli("sites", "--repo", root, "--changed-since", "no-such-ref")
    assert res.exit_code == 1 and "cannot resolve" in res.output
    res = cli("sites", "--repo", root, "--batches", "--format", "json")
    assert res.exit_code == 0
    assert sorted(s for b in json.loads(res.stdout) for s in b["sites"].split()) == ["lon1", "man1"]
    res = cli("sites", "--repo", root, "--batches", "--max-jobs", "1", "--format", "json")
    assert json.loads(res.stdout) == [{"batch": "000", "sites": "lon1 man1"}]
    res = cli("sites", "--repo", root, "--batches", "--max-jobs", "257")
    assert res.exit_code == 2 and "--max-jobs" in res.output


def test_changed_since_outside_git_is_a_clear_error(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import copy_estate
    root = copy_estate(tmp_path / "e")
    res = cli("sites", "--repo", str(root), "--changed-since", "HEAD")
    assert res.exit_code == 1 and "git repository" in res.output


def test_a_site_with_nothing_changed_plans_nothing(estate_git: EstateGit, cli) -> None:  # type: ignore[no-untyped-def]
    """apply.yml runs `plan --site S --changed-since TAG`: no change there is no error."""
    estate_git.edit("sites/man1.yaml", "vlan: 999, enabled: false", "vlan: 998, enabled: false")
    res = cli("plan", "--repo", str(estate_git.root), "--site", "lon1", "--changed-since",
              "HEAD", "--format", "json")
    assert res.exit_code == 0, res.output
    plan = json.loads(res.stdout)
    assert plan["targets"] == [] and "scoped to 0 target(s)" in plan["notes"][0]
    assert len(plan["commit"]) == 40


def test_offboarding_check_needs_the_history_of_the_file(
        estate_git: EstateGit, memory_live: MemoryLive, no_creds: Callable[[], object]) -> None:
    from reconciler.gitops.offboard import check_offboarding
    from reconciler.gitops.repo import EstateRepo

    at = dt.date(2026, 11, 26)
    root = estate_git.root
    memory_live.load(compile_estate(load_estate(root), at).resources)
    # A port naming an occupier that never existed is drift, not an offboarding; a VLAN
    # whose only mark is such a name was made by hand: deleting it is refused.
    core = memory_live.state["lon1/core1"]
    core[("port", "Ethernet40")] = Resource("lon1/core1", "port", "Ethernet40",
                                            {"description": "occ:phantom space:9"}, "phantom")
    core[("vlan", "555")] = Resource("lon1/core1", "vlan", "555", {"name": "ghost"}, "ghost")
    estate_git.delete("occupiers/orbit-analytics.yaml")  # not even committed yet
    estate = load_estate(root)
    plan = make_plan(compile_estate(estate, at), memory_live.registry(["arista_eos", "kea"]),
                     no_creds())  # type: ignore[arg-type]
    check = check_offboarding(plan, estate, EstateRepo.open(root), at)
    assert [r.split(":")[0] for r in check.refusals] == ["ghost", "orbit-analytics"]
    assert "lon1/core1 vlan 555 carry the name 'ghost'" in check.refusals[0]
    assert any("'phantom', which was never in git" in n for n in check.notes)
    allowed = check_offboarding(plan, estate, EstateRepo.open(root), at,
                                ["orbit-analytics", "ghost"])
    assert allowed.refusals == [] and allowed.allowed == ["orbit-analytics"]
    # An open-ended contract: still refused months later.
    later = check_offboarding(plan, estate, EstateRepo.open(root), dt.date(2027, 6, 1))
    assert later.refusals
    outside = check_offboarding(plan, estate, None, at)
    assert outside.refusals == [] and len(outside.notes) == 3


def test_reports_never_carry_a_write_only_value() -> None:
    """A key made by hand on the Wi-Fi controller is drift; its passphrase is not printed."""
    from reconciler.engine.plan import Plan, TargetPlan
    from reconciler.engine.resources import Change, TargetSpec
    from reconciler.gitops.drift_render import render_drift_markdown, render_drift_text
    from reconciler.targets import TARGETS

    key = "Sup3r-s3cret-passphrase"
    stray = Change("delete", "lon1/wifi", "wifi_psk", "rcl-acme.kit.v1",
                   {"name": "rcl-acme.kit.v1", "passphrase": key, "policy": "rcl-acme"}, None,
                   "acme")
    spec = TargetSpec("lon1/wifi", "meraki", "lon1", {}, {}, None)
    plan = Plan(dt.date(2026, 11, 26), [TargetPlan(spec, [stray])])
    report = classify(plan, lambda site, kind: "report", {}, 0,
                      lambda tid: TARGETS["meraki"].write_only)
    text = json.dumps(report.to_json()) + render_drift_text(report) + \
        render_drift_markdown(report)
    assert key not in text and "passphrase" in text and "rcl-acme.kit.v1" in text
    fix = correction_plan(plan, report)  # the plan itself keeps what an apply needs
    assert fix.targets[0].changes == [] and plan.targets[0].changes[0].before["passphrase"] == key
