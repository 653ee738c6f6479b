"""The pull-request comment: users' terms first, detail folded, cut cleanly to the limit."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from reconciler.engine.plan import Plan, TargetPlan
from reconciler.engine.resources import Change, TargetSpec
from reconciler.gitops.markdown import COMMENT_LIMIT, MARKER, render_markdown
from reconciler.gitops.summary import summarise

AT = dt.date(2026, 11, 26)


def port(target: str, iface: str, occ: str | None, space: str, vlan: int,
         before_occ: str | None = None) -> Change:
    def attrs(o: str | None, v: int) -> dict[str, object]:
        desc = f"occ:{o} space:{space}" if o else f"vacant space:{space}"
        return {"mode": "access", "vlan": v, "description": desc, "enabled": o is not None}
    return Change("update", target, "port", iface, attrs(before_occ, 999), attrs(occ, vlan),
                  occ or before_occ, ("description", "enabled", "vlan"))


def spec(tid: str, site: str) -> TargetSpec:
    return TargetSpec(tid, "arista_eos", site)


def test_summary_speaks_in_spaces_users_and_devices() -> None:
    changes = [
        port("lon1/acc-3a", "Ethernet5", "acme", "3.02", 120),
        port("lon1/acc-3a", "Ethernet6", "acme", "3.02", 120),
        port("lon1/acc-3a", "Ethernet1", None, "3.01", 999, before_occ="acme"),
        Change("create", "lon1/radius", "radius_user", "jane@acme.example", None, {}, "acme"),
        Change("create", "lon1/radius", "radius_user", "raj@acme.example", None, {}, "acme"),
        Change("create", "lon1/radius", "radius_user", "li@acme.example", None, {}, "acme"),
        Change("create", "lon1/radius", "radius_user", "ann@acme.example", None, {}, "acme"),
        Change("delete", "lon1/wifi", "wifi_psk", "printer-3f", {}, None, "acme"),
        Change("create", "lon1/core1", "vlan", "120", None, {"name": "acme"}, "acme"),
        Change("update", "lon1/core1", "trunk", "Ethernet1", {"vlans": [20]},
               {"vlans": [20, 120]}, None, ("vlans",)),
        Change("create", "lon1/pbx", "sip_trunk", "t1", None, {}, "acme"),  # unknown kind
    ]
    site_of = {"lon1/acc-3a": "lon1", "lon1/radius": "lon1", "lon1/wifi": "lon1",
               "lon1/core1": "lon1", "lon1/pbx": "lon1"}
    lines = summarise(changes, site_of)
    assert [(ln.owner, ln.site) for ln in lines] == [("acme", "lon1"), ("(site)", "lon1")]
    acme = lines[0].phrases
    assert "+ space 3.02 → 2 ports to VLAN 120" in acme
    assert "− space 3.01 (1 port back to vacant)" in acme
    assert "+ 4 Wi-Fi users" in acme
    assert "− Wi-Fi device printer-3f" in acme
    assert "+ VLAN 120" in acme
    assert "+ sip trunk t1" in acme
    assert lines[1].phrases == ["~ uplink trunk Ethernet1 (+ VLAN 120)"]


def test_small_plan_keeps_everything_and_folds_detail() -> None:
    tp = TargetPlan(spec("lon1/acc-3a", "lon1"), [port("lon1/acc-3a", "Ethernet5", "acme",
                                                       "3.02", 120)],
                    ["interface Ethernet5", "   switchport access vlan 120"])
    md = render_markdown(Plan(AT, [tp], commit="0123456789abcdef"))
    assert md.startswith(MARKER + "\n")
    assert "`0123456789`" in md
    assert "**Plan: 0 to create, 1 to update, 0 to delete**" in md
    assert md.index("What changes, by occupier") < md.index("<details>")
    assert "- **acme** at lon1: + space 3.02 → 1 port to VLAN 120" in md
    assert "switchport access vlan 120" in md and "Cut to fit" not in md


def _huge_plan(n_targets: int, per_target: int) -> Plan:
    targets = []
    for t in range(n_targets):
        tid = f"site{t % 40}/acc-{t}"
        changes = [port(tid, f"Ethernet{i}", f"occ-{(t * per_target + i) % 900}", f"{t}.{i}",
                        100 + i % 700) for i in range(per_target)]
        cmds = [ln for i in range(per_target)
                for ln in (f"interface Ethernet{i}", f"   switchport access vlan {100 + i % 700}")]
        targets.append(TargetPlan(spec(tid, f"site{t % 40}"), changes, cmds))
    return Plan(AT, targets, refusals=["ghost: occupiers/ghost.yaml was deleted"])


@pytest.mark.parametrize("limit", [COMMENT_LIMIT, 20_000, 3_000])
def test_thousands_of_changes_are_cut_cleanly_to_the_limit(limit: int) -> None:
    plan = _huge_plan(n_targets=120, per_target=48)  # 5,760 changes
    assert len(plan.changes) == 5760
    md = render_markdown(plan, limit=limit)
    assert len(md) <= limit
    # Clean cut: every fold and code block that opens also closes.
    assert md.count("<details>") == md.count("</details>")
    assert md.count("```") % 2 == 0
    assert "**Refused**" in md  # what matters most survives the cut
    m = re.search(r"Cut to fit a comment: (.*) not shown", md)
    assert m, md[-500:]
    shown = len(re.findall(r"^~ port ", md, flags=re.M))
    cut = re.search(r"the detail of (\d+) change\(s\)", m.group(1))
    assert cut and shown + int(cut.group(1)) == 5760


def test_summary_lines_are_cut_too_when_they_alone_overflow() -> None:
    plan = _huge_plan(n_targets=400, per_target=10)
    md = render_markdown(plan, limit=5_000)
    assert len(md) <= 5_000
    assert re.search(r"\d+ summary line\(s\)", md)


def test_no_changes() -> None:
    md = render_markdown(Plan(AT, [TargetPlan(spec("lon1/core1", "lon1"))]))
    assert "**No changes.**" in md and "<details>" not in md


def test_backticks_in_values_cannot_break_the_code_block() -> None:
    c = Change("update", "x/y", "port", "Ethernet1", {"description": "a"},
               {"description": "```evil"}, None, ("description",))
    md = render_markdown(Plan(AT, [TargetPlan(spec("x/y", "x"), [c])]))
    assert md.count("```") % 2 == 0


def test_a_shared_target_puts_each_change_at_its_own_site() -> None:
    """One RADIUS server serves lon1 and man1; its own site is lon1 (where it is run)."""
    from reconciler.gitops.attribution import site_attribution

    radius = TargetSpec("radius", "freeradius", "lon1", {}, {"sites": ["lon1", "man1"]})
    specs = {"radius": radius, "man1/core1": spec("man1/core1", "man1")}
    owners = {"kestrel-labs": {"man1"}, "acme": {"lon1", "man1"}}
    site_of = site_attribution(specs, owners)
    group = Change("create", "radius", "radius_group", "rcl-kestrel-labs@man1", None, {},
                   "kestrel-labs")
    user = Change("create", "radius", "radius_user", "amara@kestrel.example", None,
                  {"groups": {"rcl-kestrel-labs@man1": 10, "rcl-deny": 1000}}, "kestrel-labs")
    acme_man1 = Change("delete", "radius", "radius_group", "rcl-acme@man1", {}, None, "acme")
    acme_user = Change("update", "radius", "radius_user", "jane@acme.example", {},
                       {"groups": {"rcl-acme@lon1": 10, "rcl-acme@man1": 10}}, "acme")
    vlan = Change("create", "man1/core1", "vlan", "102", None, {}, "kestrel-labs")
    assert [site_of(c) for c in (group, user, acme_man1, acme_user, vlan)] == \
        ["man1", "man1", "man1", "lon1, man1", "man1"]
    lines = summarise([group, user, vlan], site_of)
    assert [(ln.owner, ln.site) for ln in lines] == [("kestrel-labs", "man1")]
    # Without the estate (a saved plan), the resource's own values still tell.
    md = render_markdown(Plan(AT, [TargetPlan(radius, [group, user])]))
    assert "**kestrel-labs** at man1" in md and "at lon1" not in md


def _dated(live: Plan, previews: list[tuple[dt.date, Plan]]) -> object:
    from reconciler.gitops.effective import Preview
    from reconciler.gitops.events import Event
    from reconciler.gitops.report import PlanReport

    return PlanReport(live, [Preview(d, [Event(d, "occ-1", "site1", "moves into 1.1 at site1")],
                                     p.targets) for d, p in previews],
                      dated=True, base="origin/main")


@pytest.mark.parametrize("limit", [COMMENT_LIMIT, 8_000])
def test_a_plan_with_later_dates_is_cut_cleanly_to_the_limit(limit: int) -> None:
    live = _huge_plan(n_targets=60, per_target=48)
    later = [(dt.date(2027, m, 1), _huge_plan(n_targets=40, per_target=30)) for m in (2, 3)]
    md = render_markdown(_dated(live, later), limit=limit)  # type: ignore[arg-type]
    assert len(md) <= limit
    assert md.count("<details>") == md.count("</details>") and md.count("```") % 2 == 0
    assert "**Refused**" in md and "Cut to fit a comment" in md
    # A long today cannot push the later dates out: each keeps its heading and first
    # summary lines, all before any folded detail.
    first_fold = md.find("<details>")
    first_fold = len(md) if first_fold < 0 else first_fold
    today, feb, mar = (md.index("#### Today, 2026-11-26"),
                       md.index("##### 2027-02-01: occ-1: moves into 1.1 at site1"),
                       md.index("##### 2027-03-01"))
    assert today < feb < mar < first_fold
    assert re.search(r"##### 2027-03-01.*\n\n\*\*Compared with `origin/main`.*\n- \*\*occ-",
                     md)


def test_later_dates_in_every_format() -> None:
    from reconciler.gitops.report import render_report_text

    live = Plan(AT, [TargetPlan(spec("lon1/acc-3a", "lon1"))])
    later = Plan(AT, [TargetPlan(spec("lon1/acc-3a", "lon1"),
                                 [port("lon1/acc-3a", "Ethernet7", "occ-1", "3.03", 104)])])
    report = _dated(live, [(dt.date(2027, 3, 1), later), (dt.date(2028, 1, 1), Plan(AT))])
    md = render_markdown(report)  # type: ignore[arg-type]
    assert "**No changes.**" in md
    assert "##### 2027-03-01: occ-1: moves into 1.1 at site1" in md
    assert "- **occ-1** at lon1: + space 3.03 → 1 port to VLAN 104" in md
    assert "Compared with `origin/main` on this day: 0 to create, 1 to update" in md
    assert "_The same as without this change on this day._" in md  # 2028-01-01
    assert "#### Detail for 2027-03-01 (preview, no device commands)" in md
    text = render_report_text(report)  # type: ignore[arg-type]
    assert "2027-03-01: occ-1: moves into 1.1 at site1" in text
    assert "  occ-1 at lon1: + space 3.03 → 1 port to VLAN 104" in text
    data = report.to_json()  # type: ignore[attr-defined]
    eff = data["effective_dates"]
    assert eff["format_version"] == 1 and eff["base"] == "origin/main"
    assert [d["date"] for d in eff["dates"]] == ["2027-03-01", "2028-01-01"]
    day = eff["dates"][0]
    assert day["by_occupier"] == [{"occupier": "occ-1", "site": "lon1",
                                   "changes": ["+ space 3.03 → 1 port to VLAN 104"]}]
    assert day["targets"][0]["changes"][0]["site"] == "lon1"
    assert Plan.from_json(data).at == AT  # still the plan apply reads


def test_machine_paths_are_taken_out_of_text_and_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import tempfile
    from pathlib import Path

    from reconciler.gitops.machine_paths import MachinePaths

    repo = tmp_path / "estate"
    paths = MachinePaths(repo)
    home = str(Path.home())
    text = (f"write {repo}/.lab/provisioning/lon1/x.cfg; db {home}/lab.sqlite; "
            f"ref at {tempfile.gettempdir()}/reconciler-ref-abc; keep {repo}-other and "
            "provisioning/lon1 and http://10.0.0.1/tmp")
    out = paths.scrub(text)
    assert "write ./.lab/provisioning/lon1/x.cfg" in out and "db ~/lab.sqlite" in out
    assert "$TMPDIR/reconciler-ref-abc" in out
    assert str(repo) not in out.replace(f"{repo}-other", "") and home + "/" not in out
    assert "provisioning/lon1 and http://10.0.0.1/tmp" in out
    assert paths.scrub_data({"a": [f"{repo}/x", 3]}) == {"a": ["./x", 3]}
