"""pyeapi's API modules (which read `show running-config all` and write config) on the lab
EOS switch: what they read is the switch's state, what they write lands as EOS keeps it."""

from __future__ import annotations

from typing import Any

import pyeapi

from tests.thirdparty.conftest import ThirdPartyLab

VLAN = 3902


def _node(tp_lab: ThirdPartyLab) -> Any:
    sw = tp_lab.eos
    return pyeapi.client.Node(pyeapi.connect(transport="http", host=sw.host, port=sw.port,
                                             username=sw.username, password=sw.password))


def test_read_modules_see_the_switch(tp_lab: ThirdPartyLab) -> None:
    node, cfg = _node(tp_lab), tp_lab.eos.device.running
    vlans = node.api("vlans").getall()
    assert {int(v) for v in vlans} == set(cfg.vlans)
    assert all(vlans[str(v)]["name"] == (cfg.vlans[v].name or ("default" if v == 1 else
                                                                 f"VLAN{v:04d}"))
               for v in cfg.vlans)
    ports = node.api("switchports").getall()
    assert set(ports) == {n for n, i in cfg.interfaces.items() if i.l2 and i.switchport}
    for name, port in ports.items():
        intf = cfg.interfaces[name]
        assert port["mode"] == intf.mode and port["access_vlan"] == str(intf.access_vlan)
    interfaces = node.api("interfaces").getall()
    assert set(interfaces) == set(cfg.interfaces)
    assert all(interfaces[n]["description"] == i.description for n, i in cfg.interfaces.items())
    routed = node.api("ipinterfaces").getall()
    assert {n: r["address"] for n, r in routed.items() if r["address"]} == {
        n: i.ip_address for n, i in cfg.interfaces.items() if i.ip_address}
    assert node.api("system").get()["hostname"] == cfg.hostname
    assert node.api("mlag").get()["config"]["domain_id"] is None  # no MLAG, defaults shown
    assert "admin" in node.api("users").getall()
    stp = node.api("stp").get()["interfaces"]
    assert all(stp[n]["portfast"] == ("spanning-tree portfast" in i.extras_in_order())
               for n, i in cfg.interfaces.items() if n in stp)


def test_write_modules_change_the_switch_and_read_back(tp_lab: ThirdPartyLab) -> None:
    node, dev = _node(tp_lab), tp_lab.eos.device
    vlans, ports = node.api("vlans"), node.api("switchports")
    port = next(n for n, i in dev.running.interfaces.items()
                if i.kind == "Ethernet" and i.mode == "access" and i.access_vlan == 1
                and i.description is None)
    assert vlans.create(VLAN) and vlans.set_name(VLAN, "pyeapi")
    assert ports.set_access_vlan(port, VLAN)
    assert vlans.get(VLAN)["name"] == "pyeapi"
    assert ports.get(port)["access_vlan"] == str(VLAN)
    assert dev.running.interfaces[port].access_vlan == VLAN
    assert ports.set_access_vlan(port, disable=True) and vlans.delete(VLAN)
    assert vlans.get(VLAN) is None and dev.running.interfaces[port].access_vlan == 1
    # A configuration session through the node: diff, then abort leaves no trace.
    node.configure_session()
    node.config([f"vlan {VLAN}", "name in-session"])
    assert f"+vlan {VLAN}" in node.diff()
    node.abort()
    assert VLAN not in dev.running.vlans
