"""Edge cases of the EOS running-config parser, on small hand-written configs."""

from __future__ import annotations

import json

import pytest

from reconciler.errors import ParseError
from reconciler.switching.state import HelperAddress, Port
from reconciler.switching.view import inspect_view as to_inspect_json
from reconciler.switching.vlans import ALL_VLANS
from reconciler.targets.eos_parse import parse_running_config


def _one(body: str, name: str = "Ethernet1") -> Port:
    text = f"interface {name}\n" + "".join(f"   {line}\n" for line in body.splitlines())
    return parse_running_config(text).ports[name]


def test_port_with_only_shutdown_is_disabled_access_vlan_1() -> None:
    p = _one("shutdown")
    assert (p.mode, p.vlan, p.enabled, p.description, p.allowed_vlans) == (
        "access", 1, False, None, None)


def test_bare_interface_is_enabled_access_vlan_1() -> None:
    p = parse_running_config("interface Ethernet7\n!\n").ports["Ethernet7"]
    assert (p.mode, p.vlan, p.enabled) == ("access", 1, True)


def test_empty_description_is_null() -> None:
    assert _one("description").description is None
    assert _one("description   ").description is None


def test_description_kept_verbatim() -> None:
    assert _one("description  Desk 4  (Acme, Ltd.) !x").description == " Desk 4  (Acme, Ltd.) !x"
    assert _one("description a\nno description").description is None


def test_trunk_allowed_none_is_empty_list() -> None:
    p = _one("switchport mode trunk\nswitchport trunk allowed vlan none")
    assert p.allowed_vlans == frozenset()
    assert to_inspect_json(parse_running_config(
        "interface Ethernet1\n   switchport mode trunk\n   switchport trunk allowed vlan none\n"
    ))["ports"]["Ethernet1"]["allowed_vlans"] == []


def test_trunk_allowed_add_remove_except_all() -> None:
    p = _one("switchport mode trunk\nswitchport trunk allowed vlan 10,20\n"
             "switchport trunk allowed vlan add 30-32\nswitchport trunk allowed vlan remove 20")
    assert p.allowed_vlans == frozenset({10, 30, 31, 32})
    # `add` to ALL stays ALL; `remove` from ALL makes it explicit.
    assert _one("switchport mode trunk\nswitchport trunk allowed vlan add 5").allowed_vlans is None
    p = _one("switchport mode trunk\nswitchport trunk allowed vlan remove 1")
    assert p.allowed_vlans == ALL_VLANS - {1}
    assert _one("switchport mode trunk\nswitchport trunk allowed vlan except 2-4094"
                ).allowed_vlans == frozenset({1})
    assert _one("switchport mode trunk\nswitchport trunk allowed vlan none\n"
                "switchport trunk allowed vlan all").allowed_vlans is None
    assert _one("switchport mode trunk\nswitchport trunk allowed vlan 1-4094").allowed_vlans is None
    # Junk is never read as a value: the line is named instead.
    with pytest.raises(ParseError) as err:
        _one("switchport mode trunk\nswitchport trunk allowed vlan 10\n"
             "switchport trunk allowed vlan 10-x")
    assert (err.value.issue.line, err.value.issue.rule) == (4, "config-value")


def test_trunk_native_vlan_and_tag() -> None:
    p = _one("switchport mode trunk\nswitchport trunk native vlan 99")
    assert (p.mode, p.vlan, p.native_vlan_tagged) == ("trunk", 99, False)
    p = _one("switchport mode trunk\nswitchport trunk native vlan tag")
    assert (p.vlan, p.native_vlan_tagged) == (1, True)


def test_access_port_ignores_trunk_lines_and_phone_vlan() -> None:
    p = _one("switchport access vlan 30\nswitchport trunk allowed vlan 10\n"
             "switchport phone vlan 120")
    assert (p.mode, p.vlan, p.voice_vlan, p.allowed_vlans) == ("access", 30, None, None)


def test_trunk_phone_defaults() -> None:
    p = _one("switchport mode trunk phone")
    assert (p.mode, p.vlan, p.voice_vlan, p.allowed_vlans) == ("access", 1, None, None)


@pytest.mark.parametrize("mode", ["dot1q-tunnel", "tap", "tool", "tap-tool"])
def test_other_switchport_modes(mode: str) -> None:
    p = _one(f"switchport mode {mode}\nswitchport access vlan 10")
    assert (p.mode, p.vlan, p.switchport_mode) == ("other", None, mode)


def test_routed_ports() -> None:
    p = _one("no switchport\nip address 10.0.0.1/30")
    assert (p.mode, p.vlan, p.address) == ("routed", None, "10.0.0.1/30")
    assert _one("no switchport").mode == "routed"
    assert _one("ip address 10.0.0.1/30").mode == "routed"  # hand-written, no `no switchport`
    assert _one("ip address 10.0.0.1 255.255.255.252", "Loopback0").address == "10.0.0.1/30"
    assert _one("", "Loopback0").mode == "routed"
    assert _one("encapsulation dot1q vlan 100", "Ethernet1/1.100").mode == "routed"
    assert _one("no switchport\nswitchport").mode == "access"  # last line wins


def test_port_channel_member_is_other_even_with_switchport_lines() -> None:
    p = _one("switchport access vlan 10\nchannel-group 5 mode active")
    assert (p.mode, p.vlan, p.channel_group) == ("other", None, 5)
    assert _one("channel-group 5 mode active\nno channel-group").mode == "access"


def test_unknown_interface_types_are_other() -> None:
    cfg = parse_running_config("interface Vxlan1\n   vxlan source-interface Loopback1\n"
                               "interface Recirc-Channel1\ninterface Dps1\n")
    assert {n: p.mode for n, p in cfg.ports.items()} == {
        "Vxlan1": "other", "Recirc-Channel1": "other", "Dps1": "other"}


def test_svi_details_kept_outside_inspect_json() -> None:
    cfg = parse_running_config(
        "interface Vlan110\n"
        "   description Desks\n"
        "   shutdown\n"
        "   vrf TENANT\n"
        "   ip address 10.1.10.1/24\n"
        "   ip address 10.1.11.1/24 secondary\n"
        "   ip address virtual 10.1.12.1/24\n"
        "   ip helper-address 10.0.0.5\n"
        "   ip helper-address 10.0.0.6 vrf MGMT source-interface Loopback0\n"
        "   ip address dhcp\n"
    )
    svi = cfg.svis[110]
    assert svi.address == "10.1.10.1/24"
    assert svi.secondary_addresses == ("10.1.11.1/24",)
    assert svi.virtual_addresses == ("10.1.12.1/24",)
    assert svi.helper_addresses == (HelperAddress("10.0.0.5"),
                                    HelperAddress("10.0.0.6", "MGMT", "Loopback0"))
    assert (svi.enabled, svi.description, svi.vrf) == (False, "Desks", "TENANT")
    expected = {"vlans": {}, "ports": {},
                "svis": {"110": {"address": "10.1.10.1/24", "helpers": ["10.0.0.5", "10.0.0.6"]}}}
    assert to_inspect_json(cfg) == expected
    removed = parse_running_config("interface Vlan5\n   ip helper-address 1.1.1.1\n"
                                   "   ip helper-address 2.2.2.2\n   no ip helper-address 1.1.1.1\n"
                                   "   ip address 1.2.3.4/24\n   no ip address\n")
    assert removed.svis[5].helper_addresses == (HelperAddress("2.2.2.2"),)
    assert removed.svis[5].address is None


def test_vlan_blocks() -> None:
    cfg = parse_running_config(
        "vlan 10,20-22\n   name SHARED\n   state suspend\n!\n"
        "vlan 30\n!\nvlan 20\n   name OWN NAME\n"
        "vlan internal order ascending range 1006 1199\nno vlan 40\n")
    assert {v: (x.name, x.state) for v, x in cfg.vlans.items()} == {
        10: ("SHARED", "suspend"), 20: ("OWN NAME", "suspend"), 21: ("SHARED", "suspend"),
        22: ("SHARED", "suspend"), 30: (None, "active")}
    assert list(to_inspect_json(cfg)["vlans"]) == ["10", "20", "21", "22", "30"]


def test_vlan_1_only_when_configured() -> None:
    assert parse_running_config("interface Ethernet1\n").vlans == {}
    assert to_inspect_json(parse_running_config("vlan 1\n   name default\n"))["vlans"] == {
        "1": {"name": "default"}}


def test_repeated_interface_header_continues_the_interface() -> None:
    cfg = parse_running_config("interface Ethernet1\n   switchport access vlan 10\n"
                               "interface ethernet1\n   description later\n")
    assert list(cfg.ports) == ["Ethernet1"]
    assert (cfg.ports["Ethernet1"].vlan, cfg.ports["Ethernet1"].description) == (10, "later")


def test_crlf_tabs_and_comments() -> None:
    text = ("! Command: show running-config\r\ninterface Ethernet1\r\n"
            "   !! a comment at any depth\r\n   description Desk 1 \r\n"
            "\tswitchport access vlan 20\r\n!\r\nend\r\n")
    p = parse_running_config(text).ports["Ethernet1"]
    assert (p.description, p.vlan) == ("Desk 1", 20)


def test_banner_body_is_not_config() -> None:
    text = ("banner motd\ninterface Ethernet9\nHands off this switch\nEOF\n"
            "interface Ethernet1\n   shutdown\n")
    assert list(parse_running_config(text).ports) == ["Ethernet1"]


@pytest.mark.parametrize("text", [
    "", "\n\n", "!", "interface", "interface \n   shutdown", "vlan", "vlan \n   name x",
    "hostname", "   indented first line\ninterface Ethernet1", "interface Ethernet1\n   no",
    "interface Ethernet1\n   ip address", "interface Ethernet1\n   ip address virtual",
    "interface Ethernet1\n   ip address 1.2.3.4/24 secondary extra",
    "interface Ethernet1\n   ip address dhcp",
    "interface Ethernet1\n   channel-group x mode active",
    "interface Vlan0\n", "interface Vlan99999\n", "interface Ethernet1\n   vrf\n   ip helper-address",
])
def test_odd_text_that_is_still_config_parses(text: str) -> None:
    json.dumps(to_inspect_json(parse_running_config(text)))


@pytest.mark.parametrize(("text", "line", "rule"), [
    ("interface Ethernet1\n   switchport trunk allowed vlan", 2, "config-value"),
    ("interface Ethernet1\n   switchport trunk allowed vlan add", 2, "config-value"),
    ("interface Ethernet1\n   switchport access vlan \u00b2", 2, "config-value"),
    ("interface Ethernet1\n   switchport access vlan 4095", 2, "config-value"),
    ("interface Ethernet1\n   switchport phone vlan x", 2, "config-value"),
    ("interface Vlan5\n   ip address 10.0.0.300/24", 2, "config-value"),
    ("hostname x\nvlan 5000\n   name BAD", 2, "config-value"),
    ("hostname x\n\nbanner login\nnever ends", 3, "banner"),
    ("\x00\x01 garbage \ufffd", 1, "config-text"),
    ("hostname x\n{\"vlans\": []}", 2, "config-syntax"),
    ("hostname x\n% Invalid input detected at '^' marker.", 2, "config-syntax"),
])
def test_text_it_cannot_read_names_the_line(text: str, line: int, rule: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_running_config(text, "sw1.cfg")
    issue = err.value.issue
    assert (issue.file, issue.line, issue.rule) == ("sw1.cfg", line, rule)
    assert str(err.value).startswith(f"sw1.cfg:{line}:")


def test_empty_config() -> None:
    empty: dict[str, dict[str, object]] = {"vlans": {}, "ports": {}, "svis": {}}
    assert to_inspect_json(parse_running_config("")) == empty
