"""The hardware catalogue: every model's ports, what it refuses, where the CLI's caret goes."""

from __future__ import annotations

import pytest

from reconciler.switching.hardware import catalogue, check_lines, lookup, models


def test_every_model_has_ports_a_platform_and_well_formed_rules() -> None:
    cat = catalogue()
    assert {m.family for m in cat.values()} >= {"catalyst-2960x", "catalyst-9200",
                                                "catalyst-9300", "arista-720xp", "arista-7050x3"}
    for name, model in cat.items():
        assert model.platform in ("cisco_ios", "arista_eos"), name
        ports = model.member_ports()
        assert len(ports) == len(set(ports)) >= 10, name
        assert all(model.has_interface(p) for p in ports), name
        for rule in model.refuses:
            assert rule.mode in ("global", "interface", "vlan") and rule.why, name


def test_stack_members_and_logical_interfaces() -> None:
    c2960 = lookup("cisco_ios", "WS-C2960X-48FPD-L")
    assert c2960.member_ports()[:2] == ["GigabitEthernet1/0/1", "GigabitEthernet1/0/2"]
    assert c2960.has_interface("GigabitEthernet8/0/48")  # a stack of 8
    assert c2960.has_interface("TenGigabitEthernet2/0/2")
    assert not c2960.has_interface("GigabitEthernet9/0/1")
    assert not c2960.has_interface("GigabitEthernet1/0/49")
    assert not c2960.has_interface("GigabitEthernet1/1/1")  # a 9300 network-module port
    assert c2960.has_interface("Vlan102") and c2960.has_interface("Port-channel1")
    assert lookup("cisco_ios", "C9300-48P").has_interface("GigabitEthernet1/1/1")
    xp = lookup("arista_eos", "CCS-720XP-48ZC2")
    assert xp.has_interface("Ethernet52") and xp.has_interface("Ethernet54/4")
    assert not xp.has_interface("Ethernet49/1") and not xp.has_interface("Ethernet2/0/1")
    dc = lookup("arista_eos", "DCS-7050SX3-48YC8")
    assert dc.has_interface("Ethernet49/1") and not dc.has_interface("Ethernet49")


@pytest.mark.parametrize(("model", "line", "refused"), [
    ("WS-C2960X-48FPD-L", "no switchport", True),
    ("WS-C2960X-48FPD-L", "switchport trunk encapsulation dot1q", True),
    ("WS-C2960X-48FPD-L", "switchport mode access", False),
    ("WS-C2960X-48FPD-L", "no switchport access vlan", False),
    ("C9200-48P", "no switchport", False),
    ("C9200-48P", "switchport trunk encapsulation dot1q", True),
    ("C9300-48P", "no switchport", False),
    ("C9300-48P", "switchport  trunk encapsulation   isl", True),
    ("DCS-7050SX3-48YC8", "poe disabled", True),
    ("DCS-7050SX3-48YC8", "no poe", True),
    ("CCS-720XP-48ZC2", "poe disabled", False),
    ("CCS-720XP-48ZC2", "switchport mode trunk phone", False),
])
def test_refusals_are_per_model(model: str, line: str, refused: bool) -> None:
    platform = catalogue()[model].platform
    assert (lookup(platform, model).refusal("interface", line) is not None) is refused
    # The same line at the global level is another command: not refused by interface rules.
    assert lookup(platform, model).refusal("global", line) is None


def test_rendered_commands_are_checked_in_their_mode() -> None:
    c2960 = lookup("cisco_ios", "WS-C2960X-48FPD-L")
    ok = ["vlan 102", "name acme", "interface GigabitEthernet1/0/1", "switchport mode access",
          "no shutdown", "interface Vlan102", "ip address 10.0.0.1 255.255.255.0"]
    assert check_lines(c2960, ok) is None
    assert check_lines(c2960, [*ok, "interface GigabitEthernet1/0/2", " no switchport"]) == (
        "a WS-C2960X-48FPD-L refuses 'no switchport' (layer-2 only: it has no routed ports)")
    assert check_lines(None, ["no switchport"]) is None  # no model named: any IOS switch


def test_caret_sits_under_the_word_the_switch_stops_at() -> None:
    rule = lookup("cisco_ios", "WS-C2960X-48FPD-L").refusal("interface", "no switchport")
    assert rule is not None and rule.caret(" no switchport") == 4
    enc = lookup("cisco_ios", "C9300-48P").refusal(
        "interface", "switchport trunk encapsulation dot1q")
    assert enc is not None and enc.caret("switchport trunk encapsulation dot1q") == 17


def test_unknown_model_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="WS-C2960X-48FPD-L") as err:
        lookup("cisco_ios", "WS-C3850-48P")
    assert "CCS-720XP" not in str(err.value)  # only the platform's own models
    with pytest.raises(ValueError):
        lookup("arista_eos", "C9300-48P")  # a Catalyst is not an EOS switch
    assert "CCS-720XP-48ZC2" in models("arista_eos")
