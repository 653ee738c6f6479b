"""End to end on the lab's Cisco IOS access switch (man1/acc-1a, netmiko over SSH):
onboarding, a space move, voice added and removed, a contract's end, refused and dropped
lines, and `write memory`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from reconciler.switching.view import inspect_view
from reconciler.targets.ios_parse import parse_running_config

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

SW = "man1/acc-1a"
ONLY = ("--target", SW)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def apply(lab: LabEstate, at: str, *extra: str) -> Any:
    res = lab.cli("apply", "--yes", "--at", at, *ONLY, *extra)
    assert res.exit_code == 0, res.output
    return res


def ports(lab: LabEstate) -> dict[str, Any]:
    return dict(inspect_view(parse_running_config(lab.ios(SW).running_config()))["ports"])


def block(config: str, iface: str) -> list[str]:
    lines = config.split(f"\ninterface {iface}\n", 1)[1].split("\n!\n", 1)[0]
    return lines.splitlines()


def target_plan(lab: LabEstate, at: str) -> tuple[int, dict[str, Any]]:
    rc, plan = lab.plan_json("--at", at, *ONLY)
    return rc, next(t for t in plan["targets"] if t["target"] == SW)


def test_onboarding_on_the_contract_start_day(lab_estate: LabEstate, tmp_path: Path) -> None:
    apply(lab_estate, "2027-01-31")
    rc, tp = target_plan(lab_estate, "2027-02-01")  # Kestrel Labs moves into 1.03
    assert rc == 2
    assert {(c["op"], c["kind"], c["key"]) for c in tp["changes"]} == {
        ("create", "vlan", "102"), ("update", "trunk", "GigabitEthernet1/1/1"),
        *(("update", "port", f"GigabitEthernet1/0/{n}") for n in range(9, 13))}
    assert tp["commands"][:3] == ["vlan 102", "name kestrel-labs", "interface GigabitEthernet1/1/1"]
    assert "switchport trunk allowed vlan add 102" in tp["commands"]
    apply(lab_estate, "2027-02-01")
    cfg = lab_estate.ios(SW).running_config()
    assert block(cfg, "GigabitEthernet1/0/9") == [
        " description occ:kestrel-labs space:1.03", " switchport access vlan 102",
        " switchport mode access", " spanning-tree portfast"]
    assert "vlan 102\n name kestrel-labs\n!" in cfg
    assert " switchport trunk allowed vlan 10,20,100-102" in block(cfg, "GigabitEthernet1/1/1")
    assert target_plan(lab_estate, "2027-02-01")[0] == 0
    # `reconciler inspect` reads the lab switch's config through the same parser.
    saved = tmp_path / "acc-1a.cfg"
    saved.write_text(cfg)
    out = json.loads(lab_estate.run_cli("inspect", "--platform", "cisco_ios",
                                        "--running-config", saved).stdout)
    assert out["ports"]["GigabitEthernet1/0/1"] == {
        "mode": "access", "vlan": 100, "voice_vlan": 20, "allowed_vlans": None,
        "description": "occ:northwind-legal space:1.01", "enabled": True}


def test_space_move_sends_only_the_changed_lines(lab_estate: LabEstate) -> None:
    edit(lab_estate.root / "occupiers" / "acme.yaml", '{space: "1.02", move_in: 2026-06-01}',
         '{space: "1.02", move_in: 2026-06-01, move_out: 2026-12-31}\n'
         '      - {space: "1.04", move_in: 2027-01-01}')
    apply(lab_estate, "2026-12-31")
    device = lab_estate.ios(SW)
    before = device.running_config()
    device.config_lines.clear()
    apply(lab_estate, "2027-01-01")
    # Exactly the lines that differ, on the three ports of the two spaces, then `end`.
    assert device.config_lines == [
        "interface GigabitEthernet1/0/7", "switchport access vlan 999",
        "description vacant space:1.02", "shutdown",
        "interface GigabitEthernet1/0/8", "switchport access vlan 999",
        "description vacant space:1.02", "shutdown",
        "interface GigabitEthernet1/0/13", "switchport access vlan 101",
        "description occ:acme space:1.04", "no shutdown",
        "end"]
    after = device.running_config()
    differ = {n for n in range(1, 49) if block(before, f"GigabitEthernet1/0/{n}")
              != block(after, f"GigabitEthernet1/0/{n}")}
    assert differ == {7, 8, 13}
    assert before.replace("\n", "").count("!") == after.replace("\n", "").count("!")
    assert ports(lab_estate)["GigabitEthernet1/0/13"]["enabled"] is True
    assert target_plan(lab_estate, "2027-01-01")[0] == 0


def test_voice_service_added_then_removed(lab_estate: LabEstate) -> None:
    apply(lab_estate, "2026-12-01")
    acme = lab_estate.root / "occupiers" / "acme.yaml"
    plain = acme.read_text()
    edit(acme, "      internet: {bandwidth_mbps: 200}\n",
         "      internet: {bandwidth_mbps: 200}\n      voice: {lines: 2, tariff: standard}\n")
    # Voice lines come with numbers from the site's ranges, as a real change would.
    assert lab_estate.run_cli("allocate", "--repo", lab_estate.root).exit_code == 0
    rc, tp = target_plan(lab_estate, "2026-12-01")
    assert rc == 2
    assert tp["commands"] == ["interface GigabitEthernet1/0/7", "switchport voice vlan 20",
                              "interface GigabitEthernet1/0/8", "switchport voice vlan 20"]
    apply(lab_estate, "2026-12-01")
    assert ports(lab_estate)["GigabitEthernet1/0/8"]["voice_vlan"] == 20
    acme.write_text(plain)
    rc, tp = target_plan(lab_estate, "2026-12-01")
    assert tp["commands"] == ["interface GigabitEthernet1/0/7", "no switchport voice vlan",
                              "interface GigabitEthernet1/0/8", "no switchport voice vlan"]
    apply(lab_estate, "2026-12-01")
    assert "voice" not in "\n".join(block(lab_estate.ios(SW).running_config(),
                                          "GigabitEthernet1/0/7"))
    assert target_plan(lab_estate, "2026-12-01")[0] == 0


def test_contract_end_returns_ports_to_vacant_and_removes_the_vlan(
        lab_estate: LabEstate) -> None:
    edit(lab_estate.root / "occupiers" / "northwind-legal.yaml",
         "    start: 2025-09-01\n",
         "    start: 2025-09-01\n    end: 2026-12-31\n    deprovision_on_end: true\n")
    apply(lab_estate, "2026-12-31")
    assert ports(lab_estate)["GigabitEthernet1/0/3"]["vlan"] == 100
    # 6 of the switch's 13 floor ports go dark at once: the blast-radius guard wants a yes.
    assert lab_estate.cli("apply", "--yes", "--at", "2027-01-01", *ONLY).exit_code == 1
    apply(lab_estate, "2027-01-01", "--allow-mass-change")
    cfg = lab_estate.ios(SW).running_config()
    for n in range(1, 7):
        assert ports(lab_estate)[f"GigabitEthernet1/0/{n}"] == {
            "mode": "access", "vlan": 999, "voice_vlan": None, "allowed_vlans": None,
            "description": "vacant space:1.01", "enabled": False}
    assert "\nvlan 100\n" not in cfg
    assert " switchport trunk allowed vlan 10,20,101" in block(cfg, "GigabitEthernet1/1/1")
    assert target_plan(lab_estate, "2027-01-01")[0] == 0


@pytest.mark.parametrize("line", [1, 9, 40])
def test_a_refused_nth_line_leaves_the_running_config_identical(
        lab_estate: LabEstate, line: int) -> None:
    device = lab_estate.ios(SW)
    before, startup = device.running_config(), device.startup_config()
    device.faults.set(error_on_config_line=line)
    res = lab_estate.cli("apply", "--yes", "--at", "2026-12-01", *ONLY)
    assert res.exit_code == 1, res.output
    assert "Invalid input detected at command" in res.output, res.output
    assert "rolled back" in res.output, res.output
    assert device.running_config() == before
    assert device.startup_config() == startup  # nothing half-done was saved
    assert device.faults.snapshot()["error_on_config_line"] is None  # it did fire
    apply(lab_estate, "2026-12-01")
    assert target_plan(lab_estate, "2026-12-01")[0] == 0


def test_a_dropped_session_mid_change_is_restored(lab_estate: LabEstate) -> None:
    # netmiko notices a closed channel only when its read times out: keep that short.
    endpoints = lab_estate.endpoints.read_text()
    lab_estate.endpoints.write_text(endpoints.replace("  man1/acc-1a:\n",
                                                      "  man1/acc-1a:\n    timeout: 2\n"))
    assert "timeout: 2" in lab_estate.endpoints.read_text()
    device = lab_estate.ios(SW)
    before = device.running_config()
    # About 20 commands in: past both reads, inside the configuration lines.
    device.faults.set(drop_on_command=20)
    res = lab_estate.cli("apply", "--yes", "--at", "2026-12-01", *ONLY)
    assert res.exit_code == 1, res.output
    assert device.faults.snapshot()["drop_on_command"] is None  # it did fire
    assert device.running_config() == before


def test_write_memory_after_a_verified_change(lab_estate: LabEstate) -> None:
    device = lab_estate.ios(SW)
    seed = device.startup_config()
    apply(lab_estate, "2026-12-01")
    assert device.startup_config() == device.running_config() != seed
    assert device.counters.snapshot()["by_prefix"]["write mem"] == 1  # netmiko's spelling


def test_a_site_can_turn_saving_off(lab_estate: LabEstate) -> None:
    edit(lab_estate.root / "sites" / "man1.yaml",
         "uplinks: [GigabitEthernet1/1/1], credentials: man1-net}",
         "uplinks: [GigabitEthernet1/1/1], credentials: man1-net, save_config: false}")
    device = lab_estate.ios(SW)
    seed = device.startup_config()
    apply(lab_estate, "2026-12-01")
    assert device.running_config() != seed
    assert device.startup_config() == seed
