"""End to end on the bundled lab: plan, apply, converge; moves; scope; failures."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from reconciler.model.estate import load_estate
from reconciler.model.site import expand_port_ref

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

# Dates around Orbit Analytics' move from 2.02 to 2.05 (2027-01-15); nothing else
# in the example estate changes between these two days.
BEFORE_MOVE, MOVE_DAY = "2027-01-14", "2027-01-15"


def _blocks(config: str) -> dict[str, list[str]]:
    """Top-level blocks of a running-config: first line -> its indented lines."""
    blocks: dict[str, list[str]] = {}
    head = ""
    for line in config.splitlines():
        if not line.strip() or line.strip() == "!":
            continue
        if line[0] != " ":
            head = line
            blocks.setdefault(head, [])
        else:
            blocks[head].append(line)
    return blocks


def test_first_plan_creates_the_estate_then_apply_converges(lab_estate: LabEstate) -> None:
    rc, plan = lab_estate.plan_json()
    assert rc == 2
    assert plan["format_version"] == 3 and plan["errors"] == []
    by_target = {t["target"]: t for t in plan["targets"]
                 if t["platform"] in ("arista_eos", "cisco_ios")}
    assert set(by_target) == {"lon1/core1", "lon1/acc-2a", "lon1/acc-3a", "man1/core1",
                              "man1/acc-1a"}
    core = {(c["op"], c["kind"], c["key"]) for c in by_target["lon1/core1"]["changes"]}
    # Every current London occupier gets its VLAN and gateway on the core.
    for vlan, gw in ((100, "172.16.0.1/24"), (101, "172.16.1.1/24"), (102, "172.16.2.1/24"),
                     (103, "172.16.3.1/24")):
        assert ("create", "vlan", str(vlan)) in core
        assert ("create", "svi", f"Vlan{vlan}") in core
        svi = next(c for c in by_target["lon1/core1"]["changes"] if c["key"] == f"Vlan{vlan}")
        assert svi["after"]["address"] == gw
    # Kestrel Labs starts in 2027: nothing of it yet.
    assert not any(c["owner"] == "kestrel-labs" for t in plan["targets"] for c in t["changes"])

    res = lab_estate.cli("apply", "--yes")
    assert res.exit_code == 0, res.output
    switch_ops = [c["op"] for t in by_target.values() for c in t["changes"]]
    assert (switch_ops.count("create"), switch_ops.count("update")) == (32, 50)
    total = plan["summary"]
    assert (f"Apply complete: {total['create']} created, {total['update']} updated, "
            f"{total['delete']} deleted.") in res.output

    cfg = lab_estate.eos("lon1/acc-3a").running_config()
    assert "interface Ethernet9\n   description occ:harbour-coffee space:3.04\n" \
           "   switchport access vlan 100" in cfg
    assert re.search(r"interface Ethernet1\n(   .*\n)*   switchport phone vlan 20\n", cfg)

    rc, again = lab_estate.plan_json()
    assert rc == 0, again
    assert again["summary"] == {"create": 0, "update": 0, "delete": 0}
    assert lab_estate.cli("plan").exit_code == 0


def test_space_move_changes_exactly_the_ports_of_both_spaces(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", BEFORE_MOVE).exit_code == 0
    before = lab_estate.configs()

    rc, plan = lab_estate.plan_json("--at", MOVE_DAY)
    assert rc == 2
    site = load_estate(lab_estate.root).sites["lon1"]
    moved = {i for sp in ("2.02", "2.05") for e in site.spaces()[sp].ports
             for i in expand_port_ref(e.port)[1]}
    changed = {(c["target"], c["kind"], c["key"]) for t in plan["targets"] for c in t["changes"]}
    assert changed == {("lon1/acc-2a", "port", p) for p in moved}
    assert len(moved) == 8

    assert lab_estate.cli("apply", "--yes", "--at", MOVE_DAY).exit_code == 0
    after = lab_estate.configs()
    for name in before:
        b, a = _blocks(before[name]), _blocks(after[name])
        differ = {h for h in b.keys() | a.keys() if b.get(h) != a.get(h)}
        expected = {f"interface {p}" for p in moved} if name == "lon1/acc-2a" else set()
        assert differ == expected, name
    assert "switchport access vlan 103" in "\n".join(_blocks(after["lon1/acc-2a"])[
        "interface Ethernet13"])
    assert lab_estate.plan_json("--at", MOVE_DAY)[0] == 0


def test_config_outside_the_managed_scope_is_byte_identical(lab_estate: LabEstate) -> None:
    core = lab_estate.eos("lon1/core1")
    acc = lab_estate.eos("lon1/acc-2a")
    # Things an operator set by hand that are none of our business.
    core.run_cmds(["enable", "configure", "vlan 42", "name legacy-cctv",
                   "interface Ethernet1", "description uplink to acc-2a", "mtu 9214", "end"])
    acc.run_cmds(["enable", "configure", "interface Ethernet49", "description uplink core1",
                  "spanning-tree guard root", "interface Ethernet40",
                  "description spare - do not touch", "end"])
    before = lab_estate.configs()

    assert lab_estate.cli("apply", "--yes").exit_code == 0
    after = lab_estate.configs()
    for name in before:
        b, a = _blocks(before[name]), _blocks(after[name])
        for head, lines in b.items():
            managed = re.fullmatch(r"vlan (20|999|1\d\d)|interface Vlan1\d\d", head)
            if managed:
                continue
            if head.startswith(("interface Ethernet", "interface GigabitEthernet")) and \
                    a[head] != lines:
                # Only an access port of a space, or an uplink's allowed list, may change.
                allowed = [ln for ln in a[head] if "trunk allowed vlan" not in ln]
                old = [ln for ln in lines if "trunk allowed vlan" not in ln]
                if allowed != old:
                    assert "description occ:" in "\n".join(a[head]) or \
                        "description vacant" in "\n".join(a[head]), (name, head)
                continue
            assert a[head] == lines, (name, head)
    # The hand-made pieces survive verbatim.
    assert "vlan 42\n   name legacy-cctv\n" in after["lon1/core1"]
    core_e1 = "\n".join(_blocks(after["lon1/core1"])["interface Ethernet1"])
    assert "description uplink to acc-2a" in core_e1 and "mtu 9214" in core_e1
    assert "switchport trunk allowed vlan 10,20,100-103" in core_e1
    assert _blocks(after["lon1/acc-2a"])["interface Ethernet40"] == \
        _blocks(before["lon1/acc-2a"])["interface Ethernet40"]
    for name in before:
        for head in ("interface Management1", "vlan 10", "interface Vlan10"):
            assert _blocks(after[name]).get(head) == _blocks(before[name]).get(head)


def test_a_failing_switch_rolls_back_every_switch_touched(lab_estate: LabEstate) -> None:
    before = lab_estate.configs()
    lab_estate.eos("lon1/acc-3a").faults.set(fail_commit=True)
    res = lab_estate.cli("apply", "--yes")
    assert res.exit_code == 1
    assert "lon1/acc-3a" in res.output and "rolled back" in res.output
    assert lab_estate.configs() == before  # the IOS switch of man1 too
    lab_estate.eos("lon1/acc-3a").faults.clear()
    assert lab_estate.cli("apply", "--yes").exit_code == 0
    assert lab_estate.plan_json()[0] == 0


def test_hostile_description_never_reaches_the_switch(lab_estate: LabEstate) -> None:
    occ = lab_estate.root / "occupiers" / "harbour-coffee.yaml"
    text = occ.read_text()
    occ.write_text(text.replace("id: harbour-coffee", "id: \"harbour\\ninterface Management1\""))
    res = lab_estate.cli("plan")
    assert res.exit_code == 1
    assert "harbour-coffee.yaml:" in res.output
    assert all("Management1\n   shutdown" not in c for c in lab_estate.configs().values())
