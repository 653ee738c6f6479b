"""netmiko with TextFSM (ntc-templates) on the lab's IOS switch, beside real captures.

The same template parses the lab's answer and a capture from a real Catalyst; both must
give records with the same fields, filled the same way, and the lab's must say what the
switch holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from netmiko import ConnectHandler
from ntc_templates.parse import parse_output

from reconciler.lab.ios_server import LAB_CLIENT_SETTINGS
from tests.conftest import realdata
from tests.thirdparty.conftest import CAPTURES, ThirdPartyLab, same_shape

REAL = {
    "show version": lambda: CAPTURES / "cisco_ios" / "show_version__ntc_cat4500.raw",
    "show interfaces": lambda: CAPTURES / "cisco_ios" / "show_interfaces__ntc.raw",
    "show interfaces status": lambda: realdata(
        "cisco_ios", "show_interfaces_status", "show_interfaces_status__ntc.raw"),
    "show ip interface brief": lambda: CAPTURES / "cisco_ios" / "show_ip_interface_brief__ntc.raw",
    "show vlan brief": lambda: realdata("cisco_ios", "show_vlan", "show_vlan_brief__napalm.txt"),
    "show interfaces switchport": lambda: realdata(
        "cisco_ios", "show_interfaces_switchport", "show_interfaces_switchport__ntc.raw"),
}


@pytest.fixture(scope="module")
def conn(tp_lab: ThirdPartyLab) -> Iterator[Any]:
    sw = tp_lab.ios
    handle = ConnectHandler(device_type="cisco_ios", host=sw.host, port=sw.port,
                            username=sw.username, password=sw.password, secret=sw.password,
                            fast_cli=LAB_CLIENT_SETTINGS["fast_cli"],
                            global_delay_factor=LAB_CLIENT_SETTINGS["delay_factor"])
    handle.enable()
    try:
        yield handle
    finally:
        handle.disconnect()


@pytest.mark.parametrize("command", list(REAL))
def test_textfsm_parses_the_lab_like_a_real_catalyst(conn: Any, command: str) -> None:
    ours = conn.send_command(command, use_textfsm=True)
    assert isinstance(ours, list), f"TextFSM could not parse {command!r}: {ours!r}"[:300]
    real_text = Path(REAL[command]()).read_text()
    same_shape(ours, parse_output(platform="cisco_ios", command=command, data=real_text),
               varies=frozenset({"uptime_years"}))


def test_parsed_output_is_the_switch_state(conn: Any, tp_lab: ThirdPartyLab) -> None:
    cfg = tp_lab.ios.device.running
    vlans = {int(r["vlan_id"]) for r in conn.send_command("show vlan brief", use_textfsm=True)}
    assert vlans == {*cfg.vlans, 1, 1002, 1003, 1004, 1005}
    status = {r["port"]: r for r in conn.send_command("show interfaces status",
                                                      use_textfsm=True)}
    ports = [i for i in cfg.interfaces.values() if not i.is_svi]
    assert len(status) == len(ports)
    for i in ports:
        row = status[i.name.replace("GigabitEthernet", "Gi")]
        want = "trunk" if i.mode == "trunk" else str(i.access_vlan or 1)
        assert row["vlan_id"] == want
        assert row["status"] == ("disabled" if i.shutdown else "connected")
    brief = {r["interface"]: r for r in conn.send_command("show ip interface brief",
                                                          use_textfsm=True)}
    svis = [i for i in cfg.interfaces.values() if i.is_svi and i.ip_address]
    assert svis and all(brief[i.name]["ip_address"] == i.ip_address.split()[0] for i in svis)
    version = conn.send_command("show version", use_textfsm=True)[0]
    assert version["hostname"] == cfg.hostname and version["serial"] == [tp_lab.ios.device.serial]


def test_pipes_ranges_privilege_and_saving(conn: Any, tp_lab: ThirdPartyLab) -> None:
    dev = tp_lab.ios.device
    assert conn.send_command("show privilege").strip() == "Current privilege level is 15"
    assert conn.send_command("show running-config | include ^hostname").strip() == \
        f"hostname {dev.running.hostname}"
    section = conn.send_command("show running-config | section ^interface Vlan")
    assert section.startswith("interface Vlan") and "ip address" in section
    assert "Invalid input" in conn.send_command("show running-config | frobnicate x")
    free = [i.name for i in dev.running.interfaces.values()
            if i.name.startswith("GigabitEthernet1/0/") and i.description is None][-3:]
    first, last = free[0], free[-1]
    out = conn.send_config_set([f"interface range {first} - {last.rsplit('/', 1)[1]}",
                                "description range-test"])
    assert "Invalid" not in out and "(config-if-range)#" in out
    assert [dev.running.interfaces[n].description for n in free] == ["range-test"] * 3
    conn.send_config_set([f"interface range {first} - {last.rsplit('/', 1)[1]}",
                          "no description"])
    # IOS asks for the destination; Enter confirms it.
    out = conn.send_command_timing("copy running-config startup-config")
    assert "Destination filename [startup-config]?" in out
    out += conn.send_command_timing("\n")
    assert "[OK]" in out and dev.state()["saved"]
