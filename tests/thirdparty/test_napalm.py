"""napalm's `eos` and `ios` drivers on the lab switches: getters, and a change made,
compared, committed and rolled back the way napalm does it (config sessions and
`configure replace` on EOS; SCP, `copy` and `configure replace` on IOS)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from napalm import get_network_driver

from reconciler.lab.ios_server import LAB_CLIENT_SETTINGS
from tests.conftest import realdata
from tests.thirdparty.conftest import ThirdPartyLab

VLAN = 3901  # outside every pool of the example estate


@pytest.fixture
def eos(tp_lab: ThirdPartyLab) -> Iterator[Any]:
    sw = tp_lab.eos
    driver = get_network_driver("eos")(sw.host, sw.username, sw.password,
                                       optional_args={"transport": "http", "port": sw.port})
    driver.open()
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture
def ios(tp_lab: ThirdPartyLab) -> Iterator[Any]:
    sw = tp_lab.ios
    driver = get_network_driver("ios")(sw.host, sw.username, sw.password, optional_args={
        "port": sw.port, "secret": sw.password, "fast_cli": LAB_CLIENT_SETTINGS["fast_cli"],
        "global_delay_factor": LAB_CLIENT_SETTINGS["delay_factor"]})
    driver.open()
    try:
        yield driver
    finally:
        driver.close()


def _shape_of(vlans: dict[str, Any]) -> set[tuple[str, type]]:
    return {(k, type(v)) for entry in vlans.values() for k, v in entry.items()}


def test_eos_getters_report_the_switch(eos: Any, tp_lab: ThirdPartyLab) -> None:
    dev = tp_lab.eos.device
    facts = eos.get_facts()
    assert facts["hostname"] == dev.running.hostname
    assert facts["serial_number"] == dev.platform.serial
    assert sorted(facts["interface_list"]) == sorted(dev.running.interfaces)
    interfaces = eos.get_interfaces()
    assert set(interfaces) == set(dev.running.interfaces)
    assert all(i["is_enabled"] != dev.running.interfaces[n].shutdown
               for n, i in interfaces.items())
    vlans = eos.get_vlans()
    real = json.loads(realdata("arista_eos", "eapi_json",
                               "show_vlan__napalm.get_vlans_expected.json").read_text())
    assert _shape_of(vlans) == _shape_of(real)
    assert {int(v) for v in vlans} == set(dev.running.vlans)
    trunk = next(n for n, i in dev.running.interfaces.items() if i.mode == "trunk")
    carried = next(v for v in dev.running.vlans if v != 1)
    assert trunk in vlans[str(carried)]["interfaces"]  # EOS lists trunks as members
    config = eos.get_config(retrieve="running")["running"]
    assert config == dev.running_config()
    # A quiet switch: nothing learnt, no neighbours, counters at zero, in the real shapes.
    assert eos.get_lldp_neighbors() == {} and eos.get_mac_address_table() == []
    assert eos.get_arp_table() == []
    counters = eos.get_interfaces_counters()
    assert set(counters) == set(dev.running.interfaces)
    assert {v for c in counters.values() for v in c.values()} == {0}
    addresses = eos.get_interfaces_ip()
    routed = {n: i.ip_address for n, i in dev.running.interfaces.items() if i.ip_address}
    assert routed and {n: f"{next(iter(a['ipv4']))}/{next(iter(a['ipv4'].values()))['prefix_length']}"
                       for n, a in addresses.items() if a["ipv4"]} == routed


def test_eos_merge_compare_commit_and_rollback(eos: Any, tp_lab: ThirdPartyLab) -> None:
    dev = tp_lab.eos.device
    before = dev.running_config()
    eos.load_merge_candidate(config=f"vlan {VLAN}\n   name napalm\n")
    diff = eos.compare_config()
    assert f"+vlan {VLAN}" in diff and "+   name napalm" in diff
    assert VLAN not in dev.running.vlans  # only in the session so far
    eos.commit_config()
    assert dev.running.vlans[VLAN].name == "napalm"
    assert "flash:rollback-0" in dev.files  # the startup-config napalm saved first
    eos.rollback()
    assert VLAN not in dev.running.vlans and dev.running_config() == before
    assert dev.state()["sessions"] == {} or all(
        s == "completed" for s in dev.state()["sessions"].values())
    # Replacing the config with itself is no change at all.
    eos.load_replace_candidate(config=before)
    assert eos.compare_config() == ""
    eos.discard_config()


def test_ios_getters_report_the_switch(ios: Any, tp_lab: ThirdPartyLab) -> None:
    dev = tp_lab.ios.device
    cfg = dev.running
    facts = ios.get_facts()
    assert facts["hostname"] == cfg.hostname and facts["serial_number"] == dev.serial
    assert facts["model"] == "WS-C2960X-48FPD-L"
    assert facts["interface_list"] == list(cfg.interfaces)
    interfaces = ios.get_interfaces()
    assert set(interfaces) == set(cfg.interfaces)
    assert all(interfaces[n]["is_enabled"] != i.shutdown for n, i in cfg.interfaces.items())
    assert all(interfaces[n]["description"] == (i.description or "")
               for n, i in cfg.interfaces.items())
    vlans = ios.get_vlans()
    real = json.loads(realdata("cisco_ios", "show_vlan",
                               "show_vlan_brief__napalm.get_vlans_expected.json").read_text())
    assert _shape_of(vlans) == _shape_of(real)
    for vid, entry in vlans.items():
        if int(vid) in cfg.vlans:
            members = {n for n, i in cfg.interfaces.items() if i.switched and not i.shutdown and (
                (i.mode == "trunk" and (i.allowed is None or int(vid) in i.allowed))
                or (i.mode != "trunk" and int(vid) in {i.access_vlan or 1, i.voice_vlan}))}
            assert set(entry["interfaces"]) == members, vid
    assert any(entry["interfaces"] for v, entry in vlans.items() if int(v) in cfg.vlans)
    assert ios.get_config(retrieve="running")["running"].endswith(cfg.render().rstrip("\n"))
    addresses = ios.get_interfaces_ip()
    svi = next(i for i in cfg.interfaces.values() if i.is_svi and i.ip_address)
    assert next(iter(addresses[svi.name]["ipv4"])) == svi.ip_address.split()[0]
    assert ios.get_lldp_neighbors() == {}
    counters = ios.get_interfaces_counters()
    assert counters and all(c["rx_octets"] == 0 for c in counters.values())


def test_ios_merge_compare_commit_and_rollback(ios: Any, tp_lab: ThirdPartyLab) -> None:
    dev = tp_lab.ios.device
    ios.device.send_config_set(["ip scp server enable"])  # what napalm's SCP needs
    before = dev.running_config()
    try:
        ios.load_merge_candidate(config=f"vlan {VLAN}\n name napalm\n")
        assert dev.flash.read("flash:merge_config.txt") == f"vlan {VLAN}\n name napalm\n"
        diff = ios.compare_config()
        assert f"+vlan {VLAN}" in diff and VLAN not in dev.running.vlans
        ios.commit_config()
        assert dev.running.vlans[VLAN] == "napalm"
        assert dev.flash.read("flash:rollback_config.txt") is not None
        ios.rollback()
        assert VLAN not in dev.running.vlans
        # napalm turned `file prompt quiet` on for its file operations (and turns it off on
        # close); apart from that the switch is as before.
        assert dev.running_config().replace("file prompt quiet\n!\n", "") == before
    finally:
        ios.device.send_config_set(["no ip scp server enable"])


def _conforms(getter_results: dict[str, Any]) -> list[str]:
    """napalm's own models (what its test suite checks every driver's getters against)."""
    from napalm.base import models
    from napalm.base.test.helpers import test_model

    checks = {
        "get_facts": lambda r: [test_model(models.FactsDict, r)],
        "get_interfaces": lambda r: [test_model(models.InterfaceDict, v) for v in r.values()],
        "get_interfaces_counters": lambda r: [test_model(models.InterfaceCounterDict, v)
                                              for v in r.values()],
        "get_arp_table": lambda r: [test_model(models.ARPTableDict, v) for v in r],
        "get_mac_address_table": lambda r: [test_model(models.MACAdressTable, v) for v in r],
        "get_vlans": lambda r: [test_model(models.VlanDict, v) for v in r.values()],
    }
    return [name for name, check in checks.items()
            if not all(check(getter_results[name]))]


@pytest.mark.parametrize("platform", ["eos", "ios"])
def test_getters_conform_to_napalms_models(platform: str, request: pytest.FixtureRequest) -> None:
    driver = request.getfixturevalue(platform)
    results = {name: getattr(driver, name)() for name in (
        "get_facts", "get_interfaces", "get_interfaces_counters", "get_arp_table",
        "get_mac_address_table", "get_vlans")}
    assert all(results[n] for n in ("get_facts", "get_interfaces", "get_vlans"))
    assert _conforms(results) == []
