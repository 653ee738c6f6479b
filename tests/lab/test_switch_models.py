"""The lab switches play the model they are: its ports, and a refusal for what it lacks.

The rules come from the same catalogue the targets check their commands against
(reconciler/switching/hardware.yaml), so the lab cannot accept a line the real model would
refuse while the reconciler believes it works.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import ConfigInvalidException

from reconciler.lab.eos_device import EosDevice
from reconciler.lab.ios_cli import IosDevice, Session
from reconciler.lab.ios_server import IosDeviceSpec, IosLab
from reconciler.targets.ios import IOS_ERROR


def _ios(model: str | None) -> Session:
    session = Session(IosDevice("sw", model=model, ports=4))
    session.mode = "priv"
    assert session.execute("configure terminal").output.startswith("Enter configuration")
    assert session.execute("interface GigabitEthernet1/0/1").output == ""
    return session


@pytest.mark.parametrize(("model", "no_switchport", "encapsulation"), [
    (None, False, False),  # the lab default: the WS-C2960X-48FPD-L it reports
    ("WS-C2960X-48FPD-L", False, False),
    ("C9200-48P", True, False),
    ("C9300-48P", True, False),
])
def test_ios_models_accept_what_the_real_switch_accepts(
        model: str | None, no_switchport: bool, encapsulation: bool) -> None:
    session = _ios(model)
    out = session.execute("no switchport").output
    assert (out == "") is no_switchport, out
    out = session.execute("switchport trunk encapsulation dot1q").output
    assert ("% Invalid input detected at '^' marker." in out) is not encapsulation
    # What every one of them has: the lines the reconciler sends to an access port.
    for line in ("switchport mode access", "switchport access vlan 120",
                 "switchport voice vlan 20", "description occ:acme space:3.01", "no shutdown"):
        assert session.execute(line).output in ("", "% Access VLAN does not exist. Creating "
                                                "vlan 120\n", "% Voice VLAN does not exist. "
                                                "Creating vlan 20\n"), line


def test_the_refusal_caret_marks_the_word_ios_stops_at() -> None:
    out = _ios("WS-C2960X-48FPD-L").execute("switchport trunk encapsulation dot1q").output
    caret, message = out.splitlines()[:2]
    assert caret.index("^") == len("sw(config-if)#switchport trunk ")
    assert message == "% Invalid input detected at '^' marker."


def test_show_version_names_the_model() -> None:
    for model, software in (("WS-C2960X-48FPD-L", "C2960X Software"),
                            ("C9300-48P", "Cisco IOS XE Software, Version 17.09.04a")):
        session = _ios(model)
        session.execute("end")
        text = session.execute("show version").output
        assert software in text and f"cisco {model} (" in text


@pytest.fixture(scope="module")
def c2960x() -> Iterator[IosLab]:
    with IosLab([IosDeviceSpec("sw", hostname="sw", password="pw", model="WS-C2960X-48FPD-L",
                               ports=4)]) as lab:
        yield lab


def test_netmiko_sees_the_2960x_refuse_a_routed_port(c2960x: IosLab) -> None:
    host, port = c2960x.address("sw")
    conn = ConnectHandler(device_type="cisco_ios", host=host, port=port, username="admin",
                          password="pw", secret="pw", fast_cli=True, global_delay_factor=0.1,
                          conn_timeout=10, allow_agent=False, use_keys=False)
    try:
        conn.enable()
        with pytest.raises(ConfigInvalidException, match="Invalid input"):
            conn.send_config_set(["interface GigabitEthernet1/0/2", "no switchport"],
                                 error_pattern=IOS_ERROR)
    finally:
        conn.disconnect()
    assert " no switchport" not in c2960x.device("sw").running_config()


def _eos(model: str) -> EosDevice:
    return EosDevice("sw", model=model, ports=8)


def _errors(reply: dict[str, object]) -> str:
    return str(reply.get("error", ""))


@pytest.mark.parametrize(("model", "poe"), [
    ("CCS-720XP-48ZC2", True), ("DCS-7050SX3-48YC8", False), ("vEOS-lab", True)])
def test_eos_poe_lines_only_where_there_is_poe(model: str, poe: bool) -> None:
    reply = _eos(model).run_cmds(["configure", "interface Ethernet1", "poe disabled"])
    assert ("Invalid input" not in _errors(reply)) is poe, reply


@pytest.mark.parametrize(("model", "port", "exists"), [
    ("CCS-720XP-48ZC2", "Ethernet52", True), ("CCS-720XP-48ZC2", "Ethernet49/1", False),
    ("CCS-720XP-48ZC2", "Ethernet60", False), ("DCS-7050SX3-48YC8", "Ethernet49/1", True),
    ("DCS-7050SX3-48YC8", "Ethernet49", False), ("DCS-7050SX3-48YC8", "Port-Channel10", True),
])
def test_eos_models_have_their_own_front_panel(model: str, port: str, exists: bool) -> None:
    device = _eos(model)
    reply = device.run_cmds(["configure", f"interface {port}", "description x"])
    assert ("Invalid input" not in _errors(reply)) is exists, reply
    assert (f"interface {port}\n" in device.running_config()) is exists
    assert device.run_cmds(["show version"])["result"][0]["modelName"] == model  # type: ignore[index]
