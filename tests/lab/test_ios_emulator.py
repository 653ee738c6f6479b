"""The IOS lab switch against the real netmiko `cisco_ios` driver, and its show text
against real IOS captures (both parsed with the same ntc-templates parsers)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import ConfigInvalidException, NetmikoAuthenticationException
from ntc_templates.parse import parse_output

from reconciler.lab.ios_cli import IosDevice, Session
from reconciler.lab.ios_config import parse_config
from reconciler.lab.ios_server import IosDeviceSpec, IosLab
from reconciler.switching.view import inspect_view
from reconciler.targets.ios import IOS_ERROR
from reconciler.targets.ios_parse import parse_running_config
from tests.conftest import realdata

Connect = Callable[..., Any]


@pytest.fixture
def lab() -> Iterator[IosLab]:
    with IosLab([IosDeviceSpec("sw1", hostname="sw1", password="pw-1", ports=12)]) as lab:
        yield lab


@pytest.fixture
def connect(lab: IosLab) -> Iterator[Connect]:
    conns: list[Any] = []

    def make(password: str = "pw-1", enable: bool = True) -> Any:
        host, port = lab.address("sw1")
        conn = ConnectHandler(device_type="cisco_ios", host=host, port=port, username="admin",
                              password=password, secret="pw-1", fast_cli=True,
                              global_delay_factor=0.1, conn_timeout=10, allow_agent=False,
                              use_keys=False)
        conns.append(conn)
        if enable:
            conn.enable()
        return conn

    yield make
    for c in conns:
        c.disconnect()


def test_netmiko_logs_in_enables_and_configures(lab: IosLab, connect: Connect) -> None:
    conn = connect(enable=False)
    assert conn.find_prompt() == "sw1>"
    conn.enable()
    assert conn.find_prompt() == "sw1#"
    out = conn.send_config_set(["vlan 120", "name acme", "interface Gi1/0/3",
                                "description occ:acme space:3.01", "switchport mode access",
                                "switchport access vlan 120", "switchport voice vlan 20"],
                               error_pattern=IOS_ERROR)
    assert "sw1(config-if)#" in out and "sw1(config-vlan)#" in out
    assert "% Voice VLAN does not exist. Creating vlan 20" in out  # IOS's notice, not an error
    cfg = lab.device("sw1").running_config()
    assert ("interface GigabitEthernet1/0/3\n description occ:acme space:3.01\n"
            " switchport access vlan 120\n switchport mode access\n"
            " switchport voice vlan 20\n!\n") in cfg
    assert "vlan 120\n name acme\n!\n" in cfg and "vlan 20\n!\n" in cfg
    # State outlives the session, as on a switch.
    again = connect()
    assert "name acme" in again.send_command("show running-config")


def test_invalid_input_has_the_caret_under_the_bad_word(connect: Connect) -> None:
    conn = connect()
    with pytest.raises(ConfigInvalidException):
        conn.send_config_set(["interface GigabitEthernet1/0/2", "switchport mode acess"],
                             error_pattern=IOS_ERROR)
    conn.exit_config_mode()
    assert conn.find_prompt() == "sw1#"
    out = conn.send_command("show vlan bogus", strip_prompt=False, strip_command=False)
    lines = out.splitlines()
    caret = next(ln for ln in lines if ln.strip() == "^")
    assert caret.index("^") == len("sw1#show vlan ")
    assert "% Invalid input detected at '^' marker." in lines


def test_incomplete_and_ambiguous_commands(lab: IosLab) -> None:
    session = Session(lab.device("sw1"))
    session.mode = "priv"
    assert session.execute("show").output.startswith("% Incomplete command.")
    assert session.execute("e").output.startswith('% Ambiguous command:  "e"')
    assert session.execute("sh vl br").output.startswith("\nVLAN Name")  # IOS abbreviations


def test_wrong_password_is_refused(lab: IosLab) -> None:
    host, port = lab.address("sw1")
    with pytest.raises(NetmikoAuthenticationException):
        ConnectHandler(device_type="cisco_ios", host=host, port=port, username="admin",
                       password="wrong", fast_cli=True, conn_timeout=10, allow_agent=False,
                       use_keys=False)


def test_write_memory_saves_the_running_config(lab: IosLab, connect: Connect) -> None:
    device = lab.device("sw1")
    conn = connect()
    conn.send_config_set(["interface Gi1/0/5", "shutdown"], error_pattern=IOS_ERROR)
    assert device.startup_config() != device.running_config()
    assert "[OK]" in conn.save_config()
    assert device.startup_config() == device.running_config()


def test_long_trunk_lists_wrap_like_ios(connect: Connect, lab: IosLab) -> None:
    conn = connect()
    conn.send_config_set([
        "interface Gi1/1/1", "switchport mode trunk",
        "switchport trunk allowed vlan 11,59,67,75,77,81,100,400-408,411-413,415,418",
        "switchport trunk allowed vlan add 461,674,675,696,931,935,951,952,973,974,979",
        "switchport trunk allowed vlan add 982,986,988,993"], error_pattern=IOS_ERROR)
    cfg = lab.device("sw1").running_config()
    real = realdata("cisco_ios", "running_config",
                    "interfaces_snippet_trunk_allowed_add__ansible.cfg").read_text()
    wrapped = [ln for ln in real.splitlines() if "allowed vlan" in ln and "11,59" in ln
               or "add 461" in ln or "add 982" in ln]
    assert len(wrapped) == 3
    assert "\n".join(wrapped) + "\n" in cfg  # the same three lines, broken at the same VLANs
    port = inspect_view(parse_running_config(cfg))["ports"]["GigabitEthernet1/1/1"]
    assert port["allowed_vlans"][-1] == 993 and len(port["allowed_vlans"]) == 36


@pytest.mark.realdata
def test_show_vlan_brief_parses_like_a_real_capture(connect: Connect) -> None:
    conn = connect()
    lines = ["vlan 760", "name Vlan760"]
    for n in range(1, 7):
        lines += [f"interface Gi1/0/{n}", "switchport access vlan 760"]
    conn.send_config_set(lines, error_pattern=IOS_ERROR)
    ours = parse_output(platform="cisco_ios", command="show vlan",
                        data=conn.send_command("show vlan brief"))
    real = parse_output(platform="cisco_ios", command="show vlan", data=realdata(
        "cisco_ios", "show_vlan", "show_vlan_brief__napalm.txt").read_text())
    assert set(ours[0]) == set(real[0])
    by_id = {r["vlan_id"]: r for r in ours}
    assert by_id["760"]["interfaces"] == [f"Gi1/0/{n}" for n in range(1, 7)]
    assert by_id["1"]["interfaces"][:2] == ["Gi1/0/7", "Gi1/0/8"]  # wrapped rows joined
    assert len(by_id["1"]["interfaces"]) == 6 + 2  # Gi1/0/7-12 + two uplinks
    assert [r["status"] for r in ours if r["vlan_id"] == "1002"] == ["act/unsup"]


@pytest.mark.realdata
def test_show_interfaces_switchport_parses_like_a_real_capture(connect: Connect) -> None:
    conn = connect()
    conn.send_config_set(["interface Gi1/0/1", "switchport mode access",
                          "switchport access vlan 100", "switchport voice vlan 200",
                          "interface Gi1/1/1", "switchport mode trunk",
                          "switchport trunk allowed vlan 1,12,15,31-36,40-42,80,85,101,201,"
                          "240,410,420,602,604,900,910,920,930,940"], error_pattern=IOS_ERROR)
    ours_text = conn.send_command("show interfaces switchport")
    real_text = realdata("cisco_ios", "show_interfaces_switchport",
                         "show_interfaces_switchport_trunk_wrapped_vlanlist__ntc.raw").read_text()
    ours = {r["interface"]: r for r in parse_output(
        platform="cisco_ios", command="show interfaces switchport", data=ours_text)}
    real = {r["interface"]: r for r in parse_output(
        platform="cisco_ios", command="show interfaces switchport", data=real_text)}
    assert set(ours["Gi1/0/1"]) == set(real["Te5/0/1"])
    assert ours["Gi1/1/1"]["trunking_vlans"] == real["Te5/0/1"]["trunking_vlans"]
    # The list wraps where the real switch wraps it.
    raw = real_text.split("Name: Te5/0/2")[0]
    wrapped = raw[raw.index("Trunking VLANs Enabled"):raw.index("Pruning VLANs")]
    assert wrapped in ours_text
    assert ours["Gi1/1/1"]["mode"] == real["Te5/0/1"]["mode"] == "trunk"
    acc = ours["Gi1/0/1"]
    assert (acc["admin_mode"], acc["access_vlan"], acc["voice_vlan"]) == (
        "static access", "100", "200")
    assert len(ours) == 12 + 2


@pytest.mark.realdata
def test_seeded_from_a_real_config_reads_back_the_same() -> None:
    text = realdata("cisco_ios", "running_config",
                    "cat6500_ios12.1_access__ciscoconfparse_sample_04.ios").read_text()
    device = IosDevice("foo", seed_config=text)
    assert parse_running_config(device.running_config()) == parse_running_config(text)
    assert "banner login ^C\nThis is a private computer system" in device.running_config()
    assert "radius-server retransmit 3" in device.running_config()


def test_fault_fails_the_nth_config_line_once(lab: IosLab, connect: Connect) -> None:
    device = lab.device("sw1")
    device.faults.set(error_on_config_line=2)
    conn = connect()
    with pytest.raises(ConfigInvalidException):
        conn.send_config_set(["interface Gi1/0/4", "description one", "shutdown"],
                             error_pattern=IOS_ERROR)
    conn.send_config_set(["interface Gi1/0/4", "description two"], error_pattern=IOS_ERROR)
    iface = parse_config(device.running_config()).interfaces["GigabitEthernet1/0/4"]
    assert iface.description == "two" and not iface.shutdown
    assert device.faults.snapshot()["error_on_config_line"] is None


def test_fault_drops_the_connection(lab: IosLab, connect: Connect) -> None:
    device = lab.device("sw1")
    conn = connect()
    device.faults.set(drop_on_command=1)
    with pytest.raises((OSError, EOFError, Exception)):
        conn.send_command("show running-config", read_timeout=1)
    assert "shutdown" not in parse_config(device.running_config()).render().split(
        "interface GigabitEthernet1/0/1\n")[1].split("!")[0]
    assert device.counters.snapshot()["by_prefix"]["show running-config"] == 1


def test_one_lab_serves_many_switches_each_with_its_own_state() -> None:
    specs = [IosDeviceSpec(f"site/sw{n}", hostname=f"sw{n}", password=f"pw{n}") for n in range(3)]
    with IosLab(specs) as lab:
        ports = {lab.address(s.name)[1] for s in specs}
        assert len(ports) == 3
        host, port = lab.address("site/sw1")
        conn = ConnectHandler(device_type="cisco_ios", host=host, port=port, username="admin",
                              password="pw1", secret="pw1", fast_cli=True, conn_timeout=10,
                              allow_agent=False, use_keys=False)
        try:
            conn.enable()
            assert conn.find_prompt() == "sw1#"
            conn.send_config_set(["vlan 300", "name only-here"], error_pattern=IOS_ERROR)
        finally:
            conn.disconnect()
        assert "only-here" in lab.device("site/sw1").running_config()
        assert "only-here" not in lab.device("site/sw2").running_config()
        assert lab.endpoints()["site/sw0"] == {"host": "127.0.0.1",
                                               "port": lab.address("site/sw0")[1],
                                               "transport": "ssh", "fast_cli": True,
                                               "delay_factor": 0.1}
