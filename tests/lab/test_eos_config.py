"""The emulated switch's config model: parse, render, apply (no HTTP)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.lab.eos_config import Raw
from reconciler.lab.eos_device import EosDevice
from reconciler.lab.eos_names import expand_interfaces, format_vlan_list, sort_key
from reconciler.lab.eos_parse import parse_config
from reconciler.lab.eos_render import apply_filters, render_body, render_config

REALDATA_FILES = [
    "running_config/avd_l2ls_LEAF1.cfg",
    "running_config/avd_campus_LEAF1A.cfg",
    "intended_vs_running/eos_running.conf",
    "intended_vs_running/eos_intended.conf",
    "intended_vs_running/eos_remediation_expected.conf",
    "intended_vs_running/eos_rollback_expected.conf",
]


def run(device: EosDevice, cmds: list[str], fmt: str = "json") -> list[Any]:
    reply = device.run_cmds(["enable", *cmds], fmt)
    assert "error" not in reply, reply
    return list(reply["result"][1:])


def text(device: EosDevice, cmd: str) -> str:
    return str(run(device, [cmd], "text")[0]["output"])


# ---------------------------------------------------------------- realdata round trips


def test_every_realdata_config_file_is_covered(realdata: Path) -> None:
    on_disk = {str(p.relative_to(realdata)) for p in realdata.glob("running_config/*")}
    on_disk |= {str(p.relative_to(realdata)) for p in realdata.glob("intended_vs_running/*.conf")}
    assert on_disk == set(REALDATA_FILES)


@pytest.mark.parametrize("name", REALDATA_FILES)
def test_parse_render_parse_gives_the_same_state(realdata: Path, name: str) -> None:
    first = parse_config((realdata / name).read_text())
    rendered = render_config(first, [])
    second = parse_config(rendered)
    assert second.snapshot() == first.snapshot()
    assert render_config(second, []) == rendered  # rendering is a fixed point


@pytest.mark.parametrize("name", REALDATA_FILES)
def test_render_keeps_every_unmodelled_line(realdata: Path, name: str) -> None:
    source = (realdata / name).read_text().splitlines()
    cfg = parse_config("\n".join(source))
    rendered = render_body(cfg)
    raw_lines = [line for item in cfg.items if isinstance(item, Raw) for line in item.lines]
    # unmodelled top-level lines come back byte-identical and in the same order
    positions = [rendered.index(line) for line in raw_lines]
    assert positions == sorted(positions)
    for line in raw_lines:
        assert line in source
    # unmodelled interface lines too (3-space EOS indentation)
    for intf in cfg.interfaces.values():
        block = rendered[rendered.index(f"interface {intf.name}"):]
        for extra in intf.extras_in_order():
            assert "   " + extra in block


def test_avd_leaf1_model(realdata: Path) -> None:
    cfg = parse_config((realdata / "running_config/avd_l2ls_LEAF1.cfg").read_text())
    assert cfg.hostname == "LEAF1"
    assert {v: cfg.vlans[v].name for v in cfg.vlans} == {
        1: None, 10: "BLUE-NET", 20: "GREEN-NET", 4094: "MLAG"}
    eth3 = cfg.interfaces["Ethernet3"]
    assert (eth3.mode, eth3.access_vlan, eth3.description) == ("access", 10, "SERVER_HostA_Eth1")
    assert eth3.extras_in_order() == ["spanning-tree portfast"]
    po1 = cfg.interfaces["Port-Channel1"]
    assert po1.mode == "trunk" and po1.allowed == frozenset({10, 20})
    assert cfg.interfaces["Ethernet1"].channel_group() == 1
    svi = cfg.interfaces["Vlan4094"]
    assert svi.ip_address == "192.168.0.0/31" and "no autostate" in svi.extras_in_order()
    # the Vlan4094 block ends at `no ip routing vrf MGMT` although no `!` separates them
    assert Raw(("no ip routing vrf MGMT",)) in cfg.items
    assert "no ip routing vrf MGMT" not in svi.extras_in_order()


def test_avd_campus_phone_trunks(realdata: Path) -> None:
    cfg = parse_config((realdata / "running_config/avd_campus_LEAF1A.cfg").read_text())
    edge = [cfg.interfaces[f"Ethernet{n}"] for n in range(1, 49)]
    assert {(i.mode, i.native_vlan, i.phone_vlan) for i in edge} == {("trunk phone", 110, 120)}
    assert all("dot1x authentication failure action traffic allow vlan 130"
               in i.extras_in_order() for i in edge)


def test_show_vlan_of_avd_leaf1(realdata: Path) -> None:
    device = EosDevice("leaf1", seed_config=(realdata / "running_config/avd_l2ls_LEAF1.cfg")
                       .read_text())
    vlans = run(device, ["show vlan"])[0]["vlans"]
    assert {k: v["name"] for k, v in vlans.items()} == {
        "1": "default", "10": "BLUE-NET", "20": "GREEN-NET", "4094": "MLAG"}
    assert vlans["10"]["interfaces"]["Ethernet3"] == {"privatePromoted": False}
    assert list(vlans["10"]["interfaces"]) == ["Port-Channel1", "Port-Channel47", "Ethernet3"]
    assert "Ethernet1" not in vlans["10"]["interfaces"]  # LAG members show as the LAG
    assert list(vlans["4094"]["interfaces"]) == ["Port-Channel47"]  # trunk group MLAG only
    assert vlans["20"]["status"] == "active" and vlans["20"]["dynamic"] is False


def test_show_vlan_of_campus_phone_ports(realdata: Path) -> None:
    seed = (realdata / "running_config/avd_campus_LEAF1A.cfg").read_text()
    vlans = run(EosDevice("c", seed_config=seed), ["show vlan"])[0]["vlans"]
    for vid in ("110", "120"):
        ethernets = [n for n in vlans[vid]["interfaces"] if n.startswith("Ethernet")]
        assert len(ethernets) == 48
    assert "Ethernet1" not in vlans["130"]["interfaces"]


def _configured(cfg_snapshot: dict[str, Any]) -> dict[str, Any]:
    """Modelled state without interfaces left at defaults (they still exist in hardware)."""
    blank = parse_config("interface Ethernet99\n").interfaces["Ethernet99"].as_dict()
    return {
        "hostname": cfg_snapshot["hostname"],
        "vlans": cfg_snapshot["vlans"],
        "interfaces": {n: i for n, i in cfg_snapshot["interfaces"].items() if i != blank},
    }


def test_hier_config_remediation_turns_running_into_intended(realdata: Path) -> None:
    folder = realdata / "intended_vs_running"
    device = EosDevice("sw", seed_config=(folder / "eos_running.conf").read_text())
    run(device, ["configure", *(folder / "eos_remediation_expected.conf").read_text()
                 .splitlines(), "end"])
    intended = parse_config((folder / "eos_intended.conf").read_text())
    assert _configured(device.running.snapshot()) == _configured(intended.snapshot())
    assert "ntp server 10.0.0.21" in device.running_config()

    run(device, ["configure", *(folder / "eos_rollback_expected.conf").read_text()
                 .splitlines(), "end"])
    original = parse_config((folder / "eos_running.conf").read_text())
    assert _configured(device.running.snapshot()) == _configured(original.snapshot())
    assert "ntp server 10.0.0.21" not in device.running_config()


# ---------------------------------------------------------------- rendering rules


def test_default_lines_are_hidden_and_lists_compressed() -> None:
    device = EosDevice("sw", ports=4)
    run(device, [
        "configure",
        "interface Ethernet1", "switchport mode access", "no shutdown", "switchport",
        "interface Ethernet2", "switchport mode trunk",
        "switchport trunk allowed vlan 10,20,30,31,32",
        "interface Ethernet3", "switchport mode trunk", "switchport trunk allowed vlan none",
        "interface Ethernet4", "switchport mode trunk", "switchport trunk allowed vlan 1-4094",
    ])
    lines = render_body(device.running)
    first, last = lines.index("interface Ethernet1"), lines.index("interface Management1")
    block = "\n".join(lines[first:last])
    assert block == (
        "interface Ethernet1\n!\n"
        "interface Ethernet2\n   switchport trunk allowed vlan 10,20,30-32\n"
        "   switchport mode trunk\n!\n"
        "interface Ethernet3\n   switchport trunk allowed vlan none\n"
        "   switchport mode trunk\n!\n"
        "interface Ethernet4\n   switchport mode trunk\n!"
    )


def test_interface_order_is_eos_order() -> None:
    names = ["Vlan10", "Ethernet10", "Management1", "Ethernet49/1", "Port-Channel2",
             "Ethernet2", "Loopback0", "Ethernet1"]
    assert sorted(names, key=sort_key) == [
        "Port-Channel2", "Ethernet1", "Ethernet2", "Ethernet10", "Ethernet49/1", "Loopback0",
        "Management1", "Vlan10"]
    device = EosDevice("sw", ports=2)
    run(device, ["configure", "interface Vlan5", "interface Loopback1", "interface Po3"])
    order = [line for line in render_body(device.running) if line.startswith("interface ")]
    assert order == ["interface Port-Channel3", "interface Ethernet1", "interface Ethernet2",
                     "interface Loopback1", "interface Management1", "interface Vlan5"]


def test_names_and_lists() -> None:
    assert expand_interfaces("Et1-3, 7") == ["Ethernet1", "Ethernet2", "Ethernet3", "Ethernet7"]
    assert expand_interfaces("ethernet 49/1-2") == ["Ethernet49/1", "Ethernet49/2"]
    assert expand_interfaces("po10") == ["Port-Channel10"]
    assert format_vlan_list([1, 2, 3, 7, 9, 10]) == "1-3,7,9-10"


def test_running_config_all_has_vlan_defaults_for_pyeapi() -> None:
    device = EosDevice("sw", ports=1)
    run(device, ["configure", "vlan 10", "vlan 20", "name voice"])
    full = text(device, "show running-config all")
    assert full.startswith("! Command: show running-config all\n! device: sw (")
    for vid, name in ((1, "default"), (10, "VLAN0010"), (20, "voice")):
        assert f"vlan {vid}\n   name {name}\n   state active\n" in full
    assert "   switchport trunk allowed vlan 1-4094\n   switchport mode access\n" in full
    plain = text(device, "show running-config")
    assert "vlan 10\n!\nvlan 20\n   name voice\n!" in plain and "state active" not in plain


def test_section_and_include_filters() -> None:
    device = EosDevice("sw", ports=2)
    run(device, ["configure", "vlan 10", "name users", "interface Ethernet2",
                 "description uplink", "switchport access vlan 10"])
    assert text(device, "show running-config | section ^vlan") == "vlan 10\n   name users\n!\n"
    # a block matches on a child line too, and comes back whole
    assert text(device, "show running-config | section uplink") == (
        "interface Ethernet2\n   description uplink\n   switchport access vlan 10\n!\n")
    assert text(device, "show running-config | include access vlan") == (
        "   switchport access vlan 10\n")
    assert apply_filters("a\nb\nc\n", [("begin", "b")]) == "b\nc\n"


def test_unmodelled_global_and_block_config_is_stored() -> None:
    device = EosDevice("sw", ports=1)
    run(device, ["configure", "ntp server 10.0.0.1", "ntp server 10.0.0.2",
                 "spanning-tree mode rstp", "router bgp 65000", "router-id 1.1.1.1",
                 "neighbor 10.0.0.9 remote-as 65001", "vlan 5", "interface Ethernet1",
                 "spanning-tree portfast", "mtu 9000", "mtu 9214"])
    body = render_body(device.running)
    assert "spanning-tree mode rstp" in body and "spanning-tree mode mstp" not in body
    assert body.index("ntp server 10.0.0.1") + 1 == body.index("ntp server 10.0.0.2")
    bgp = body.index("router bgp 65000")
    assert body[bgp + 1:bgp + 3] == ["   router-id 1.1.1.1", "   neighbor 10.0.0.9 remote-as 65001"]
    assert 5 in device.running.vlans  # `vlan 5` left the bgp block
    assert device.running.interfaces["Ethernet1"].extras_in_order() == [
        "mtu 9214", "spanning-tree portfast"]
    run(device, ["configure", "no ntp server 10.0.0.1", "no router bgp 65000",
                 "interface Ethernet1", "no spanning-tree portfast"])
    body = render_body(device.running)
    assert "ntp server 10.0.0.1" not in body and "router bgp 65000" not in body
    assert device.running.interfaces["Ethernet1"].extras_in_order() == ["mtu 9214"]


@pytest.mark.parametrize("name", REALDATA_FILES[:2])
def test_napalm_style_replace_accepts_a_whole_running_config(realdata: Path, name: str) -> None:
    source = (realdata / name).read_text()
    device = EosDevice("sw", ports=4)
    run(device, ["configure session napalm_1", "rollback clean-config", *source.splitlines(),
                 "end"])
    diff = text(device, "show session-config named napalm_1 diffs")
    assert diff.startswith("--- system:/running-config\n+++ session:/napalm_1-session-config\n")
    assert "+interface Port-Channel" in diff and "-hostname sw\n" in diff
    run(device, ["configure session napalm_1 commit"])
    want, got = parse_config(source).snapshot(), device.running.snapshot()
    assert (got["hostname"], got["vlans"], got["raw"]) == (
        want["hostname"], want["vlans"], want["raw"])  # same unmodelled lines, same order
    for intf, state in want["interfaces"].items():
        assert got["interfaces"][intf] == state
    blank = parse_config("interface Ethernet99\n").interfaces["Ethernet99"].as_dict()
    extra_ports = set(got["interfaces"]) - set(want["interfaces"])
    assert all(got["interfaces"][n] == blank for n in extra_ports)  # this box's own ports


def test_text_outputs_parse_with_ntc_templates(realdata: Path) -> None:
    parse = pytest.importorskip("ntc_templates.parse").parse_output
    seed = (realdata / "running_config/avd_campus_LEAF1A.cfg").read_text()
    device = EosDevice("c", seed_config=seed)
    run(device, ["configure", "vlan 30", "state suspend", "interface Ethernet5", "shutdown"])
    vlans = {row["vlan_id"]: row for row in parse(
        platform="arista_eos", command="show vlan", data=text(device, "show vlan"))}
    assert vlans["30"] == {"vlan_id": "30", "vlan_name": "VLAN0030", "status": "suspended",
                           "interfaces": []}
    assert len(vlans["110"]["interfaces"]) == 2 + 47  # wrapped continuation lines, Et5 down
    status = {row["port"]: row for row in parse(
        platform="arista_eos", command="show interfaces status",
        data=text(device, "show interfaces status"))}
    assert status["Et5"]["status"] == "disabled" and status["Et1"]["vlan_id"] == "trunk"
    assert status["Et51"]["vlan_id"] == "Po51" and status["Ma0"]["vlan_id"] == "routed"


def test_json_shapes_match_real_captures(realdata: Path) -> None:
    import json

    captures = realdata / "eapi_json"
    device = EosDevice("sw", ports=4)
    run(device, ["configure", "vlan 10", "interface Ethernet1", "switchport mode trunk",
                 "interface Ethernet2", "channel-group 5 mode active",
                 "interface Ethernet3", "no switchport", "ip address 10.0.0.1/31"])

    real_vlan = json.loads((captures / "show_vlan__napalm.json").read_text())
    ours_vlan = run(device, ["show vlan"])[0]
    assert set(ours_vlan) == set(real_vlan)
    assert set(ours_vlan["vlans"]["10"]) == set(real_vlan["vlans"]["10"])

    real_sw = json.loads((captures / "show_interfaces_switchport__fakeswitches.json").read_text())
    ours_sw = run(device, ["show interfaces switchport"])[0]
    assert set(ours_sw) == set(real_sw)
    assert set(ours_sw["switchports"]["Ethernet1"]["switchportInfo"]) == set(
        real_sw["switchports"]["Ethernet1"]["switchportInfo"])

    real_st = json.loads(
        (captures / "show_interfaces_status__realhw_ZGR1-CoreSwitch-2.json").read_text()
    )["interfaceStatuses"]
    ours_st = run(device, ["show interfaces status"])[0]["interfaceStatuses"]
    for ours, real in (("Ethernet4", "Ethernet8"), ("Ethernet2", "Ethernet21"),
                       ("Port-Channel5", "Port-Channel18"), ("Ethernet1", "Port-Channel23"),
                       ("Management1", "Management1")):
        assert set(ours_st[ours]) == set(real_st[real])
        assert set(ours_st[ours]["vlanInformation"]) == set(real_st[real]["vlanInformation"])
    assert ours_st["Ethernet3"]["vlanInformation"]["interfaceMode"] == "routed"
