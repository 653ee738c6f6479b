"""The EOS emulator as EOS behaves where third-party clients look: section order, filters,
configure replace and checkpoints, quiet counters and tables."""

from __future__ import annotations

from typing import Any

from reconciler.lab.eos_device import EosDevice


def _ok(dev: EosDevice, cmds: list[Any], fmt: str = "json") -> list[Any]:
    reply = dev.run_cmds(cmds, fmt)
    assert "error" not in reply, reply
    return list(reply["result"])


def _body(dev: EosDevice) -> list[str]:
    return [ln for ln in dev.running_config().splitlines() if not ln.startswith("!")]


def test_sections_render_in_eos_order_whatever_the_typed_order() -> None:
    typed, reverse = EosDevice("a", ports=2), EosDevice("b", ports=2, hostname="a")
    lines = ["ntp server 192.0.2.1", "ip route 0.0.0.0/0 192.0.2.254", "ip routing",
             "vlan 20", "name twenty", "exit", "ip name-server 192.0.2.53"]
    _ok(typed, ["configure", *lines, "end"])
    _ok(reverse, ["configure", "ip name-server 192.0.2.53", "ip routing", "vlan 20",
                  "name twenty", "exit", "ip route 0.0.0.0/0 192.0.2.254",
                  "ntp server 192.0.2.1", "end"])
    assert _body(typed) == _body(reverse)
    body = _body(typed)
    order = [body.index(x) for x in ("hostname a", "ip name-server 192.0.2.53", "vlan 20",
                                     "interface Ethernet1", "ip routing",
                                     "ip route 0.0.0.0/0 192.0.2.254", "ntp server 192.0.2.1")]
    assert order == sorted(order)


def test_filters_are_honoured() -> None:
    dev = EosDevice("s", ports=4)
    _ok(dev, ["configure", "vlan 10,20", "interface Ethernet2", "switchport access vlan 20",
              "end"])
    status = _ok(dev, ["show interfaces Ethernet2 status"])[0]["interfaceStatuses"]
    assert list(status) == ["Ethernet2"] and status["Ethernet2"]["vlanInformation"]["vlanId"] == 20
    assert list(_ok(dev, ["show vlan 20"])[0]["vlans"]) == ["20"]
    assert list(_ok(dev, ["show vlan id 10-20"])[0]["vlans"]) == ["10", "20"]
    assert list(_ok(dev, ["show interfaces Ethernet1-2"])[0]["interfaces"]) == [
        "Ethernet1", "Ethernet2"]
    assert "error" in dev.run_cmds(["show vlan 5000"])


def test_configure_replace_and_checkpoints() -> None:
    dev = EosDevice("s", ports=2)
    before = dev.running_config()
    _ok(dev, ["configure checkpoint save before-change", "copy running-config flash:base.cfg",
              "configure", "vlan 30", "end"], "text")
    assert 30 in dev.running.vlans
    names = _ok(dev, ["show configuration checkpoints"])[0]["checkpoints"]
    assert list(names) == ["before-change"]
    _ok(dev, ["configure replace checkpoint:before-change"], "text")
    assert 30 not in dev.running.vlans and dev.running_config() == before
    _ok(dev, ["configure", "vlan 31", "end", "configure replace flash:base.cfg force"], "text")
    assert dev.running_config() == before
    listing = _ok(dev, ["dir flash:"], "text")[0]["output"]
    assert listing.startswith("Directory of flash:/") and "base.cfg" in listing
    error = dev.run_cmds(["configure replace flash:missing.cfg"], "text")["error"]
    assert "No such file" in error["data"][-1]["errors"][0]


def test_a_quiet_switch_has_zero_counters_and_empty_tables() -> None:
    dev = EosDevice("s", ports=2)
    intf = _ok(dev, ["show interfaces Ethernet1"])[0]["interfaces"]["Ethernet1"]
    assert intf["interfaceCounters"]["inOctets"] == 0
    assert intf["interfaceCounters"]["inputErrorsDetail"]["fcsErrors"] == 0
    counters = _ok(dev, ["show interfaces counters"])[0]["interfaces"]
    assert set(counters) == {"Ethernet1", "Ethernet2", "Management1"}
    assert _ok(dev, ["show lldp neighbors"])[0]["lldpNeighbors"] == []
    assert _ok(dev, ["show mac address-table"])[0]["unicastTable"]["tableEntries"] == []
    assert _ok(dev, ["show arp vrf all"])[0]["vrfs"]["default"]["ipV4Neighbors"] == []
    assert "No IPv6" in dev.run_cmds(["show ipv6 interface"])["error"]["data"][-1]["errors"][0]
