"""Tests of the IOS running-config parser, on real configs and on edge cases.

Expectations on real files were written by hand from reading each file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from ntc_templates.parse import parse_output

from reconciler.errors import ParseError
from reconciler.switching.view import inspect_view
from reconciler.targets.ios_parse import parse_running_config as parse_state
from reconciler.targets.ios_parse import (
    parse_show_vlan,
    vlans_from_show_vlan,
)
from tests.conftest import realdata


def parse_running_config(text: str) -> dict[str, Any]:
    """The inspect view of IOS config text (what `reconciler inspect` prints)."""
    return inspect_view(parse_state(text))



def _port(mode: str, vlan: int | None = None, description: str | None = None, *,
          voice: int | None = None, allowed: list[int] | None = None,
          enabled: bool = True) -> dict[str, Any]:
    return {"mode": mode, "vlan": vlan, "voice_vlan": voice, "allowed_vlans": allowed,
            "description": description, "enabled": enabled}


@pytest.mark.realdata
def test_catalyst_6500_access_config() -> None:
    cfg = parse_running_config(realdata(
        "cisco_ios", "running_config",
        "cat6500_ios12.1_access__ciscoconfparse_sample_04.ios").read_text())
    ports = cfg["ports"]
    # Bare `switchport` marks L2 ports on this chassis; no mode line is DTP's default.
    assert ports["GigabitEthernet3/1"] == _port("other", 100)
    assert ports["GigabitEthernet3/5"] == _port("other", 101)
    assert ports["GigabitEthernet4/6"] == _port("other", 105, enabled=False)
    assert ports["GigabitEthernet3/3"]["enabled"] is False
    # A switchport without an access line is in VLAN 1.
    assert ports["GigabitEthernet4/16"] == _port("other", 1, enabled=False)
    assert ports["GigabitEthernet1/1"] == _port("other", 1)
    # Without `switchport` a 6500 port is routed.
    assert ports["GigabitEthernet1/2"] == _port("routed", enabled=False)
    assert ports["GigabitEthernet2/2"]["mode"] == "routed"
    assert ports["Loopback0"]["mode"] == "routed"
    access = sorted({p["vlan"] for p in ports.values() if p["mode"] == "other"})
    assert access == [1, 100, 101, 102, 103, 105]
    assert len([n for n in ports if n.startswith("GigabitEthernet")]) == 36
    assert cfg["svis"] == {"1": {"address": "172.24.8.2/24", "helpers": []}}
    assert cfg["vlans"] == {}  # VTP server: the VLANs live in vlan.dat, not in the config


@pytest.mark.realdata
def test_wrapped_allowed_vlan_add_lines_are_one_list() -> None:
    cfg = parse_running_config(realdata(
        "cisco_ios", "running_config",
        "interfaces_snippet_trunk_allowed_add__ansible.cfg").read_text())
    ports = cfg["ports"]
    assert ports["GigabitEthernet0/3"] == _port("trunk", 1, allowed=[
        11, 59, 67, 75, 77, 81, 100, *range(400, 409), 411, 412, 413, 415, 418,
        461, 674, 675, 696, 931, 935, 951, 952, 973, 974, 979, 982, 986, 988, 993])
    assert ports["GigabitEthernet0/2"] == _port("trunk", 10, allowed=[*range(10, 21), 40])
    assert ports["GigabitEthernet0/1"] == _port("access", 10)
    assert ports["TwoGigabitEthernet1/0/1"] == _port("access", 20)


@pytest.mark.realdata
def test_router_config_has_routed_ports_with_descriptions() -> None:
    cfg = parse_running_config(realdata("cisco_ios", "intended_vs_running",
                                        "ios_running.conf").read_text())
    assert cfg["ports"] == {
        "GigabitEthernet0/0": _port("routed", description="WAN Link"),
        "GigabitEthernet0/1": _port("routed", description="LAN Link"),
        "GigabitEthernet0/2": _port("routed", description="To be removed", enabled=False),
    }


@pytest.mark.realdata
def test_show_vlan_brief_gives_the_vlan_database() -> None:
    text = realdata("cisco_ios", "show_vlan", "show_vlan_brief__napalm.txt").read_text()
    records = parse_show_vlan(text)
    assert records == parse_output(platform="cisco_ios", command="show vlan", data=text)
    vlans = vlans_from_show_vlan(records)
    expected = json.loads(realdata("cisco_ios", "show_vlan",
                                   "show_vlan_brief__napalm.get_vlans_expected.json").read_text())
    # VLAN 1 and the 1002-1005 legacy VLANs exist on every IOS switch: never ours.
    assert {str(v) for v in vlans} == {k for k in expected
                                       if int(k) not in (1, 1002, 1003, 1004, 1005)}
    assert vlans[760].name == "Vlan760"


EDGE = """\
Building configuration...

Current configuration : 900 bytes
!
version 15.2
hostname acc
!
vlan 20
 name voice
!
vlan 30-31
!
vlan 120
 name acme
!
interface GigabitEthernet1/0/1
 description occ:acme space:3.01
 switchport access vlan 120
 switchport mode access
 switchport voice vlan 20
 spanning-tree portfast
!
interface GigabitEthernet1/0/2
 description
 switchport mode access
 shutdown
!
interface GigabitEthernet1/0/3
 switchport trunk allowed vlan none
 switchport mode trunk
!
interface GigabitEthernet1/0/4
 switchport trunk allowed vlan 10-20
 switchport trunk allowed vlan remove 15
 switchport mode trunk
!
interface GigabitEthernet1/0/5
 switchport trunk allowed vlan except 2-4094
 switchport mode trunk
!
interface GigabitEthernet1/0/6
 switchport mode trunk
!
interface GigabitEthernet1/0/7
 no switchport
 ip address 192.0.2.1 255.255.255.252
!
interface GigabitEthernet1/0/8.10
 encapsulation dot1Q 10
!
interface VLAN24
 ip address 172.24.24.101 255.255.254.0
!
interface Vlan30
 no ip address
!
banner motd ^C
interface GigabitEthernet9/9
 shutdown
^C
end
"""


@pytest.fixture(scope="module")
def edge() -> dict[str, Any]:
    return parse_running_config(EDGE)


def test_vlan_blocks_names_and_ranges(edge: dict[str, Any]) -> None:
    assert edge["vlans"] == {"20": {"name": "voice"}, "30": {"name": None},
                             "31": {"name": None}, "120": {"name": "acme"}}


def test_access_port_with_voice_vlan(edge: dict[str, Any]) -> None:
    assert edge["ports"]["GigabitEthernet1/0/1"] == _port(
        "access", 120, "occ:acme space:3.01", voice=20)


def test_empty_description_and_shutdown(edge: dict[str, Any]) -> None:
    assert edge["ports"]["GigabitEthernet1/0/2"] == _port("access", 1, enabled=False)


@pytest.mark.parametrize(("port", "allowed"), [
    ("GigabitEthernet1/0/3", []),
    ("GigabitEthernet1/0/4", [*range(10, 15), *range(16, 21)]),
    ("GigabitEthernet1/0/5", [1]),
    ("GigabitEthernet1/0/6", None),  # no allowed line: all VLANs
])
def test_trunk_allowed_forms(edge: dict[str, Any], port: str, allowed: list[int] | None) -> None:
    assert edge["ports"][port] == _port("trunk", 1, allowed=allowed)


def test_routed_ports_svis_and_banner_text(edge: dict[str, Any]) -> None:
    assert edge["ports"]["GigabitEthernet1/0/7"]["mode"] == "routed"
    assert edge["ports"]["GigabitEthernet1/0/8.10"]["mode"] == "routed"
    assert edge["svis"] == {"24": {"address": "172.24.24.101/23", "helpers": []},
                            "30": {"address": None, "helpers": []}}
    assert "GigabitEthernet9/9" not in edge["ports"]  # inside the banner, not config


@pytest.mark.parametrize(("line", "number"), [
    (" switchport access vlan banana", 2), (" switchport trunk allowed vlan add", 2),
    (" switchport voice vlan 99999", 2), (" switchport trunk native vlan 0", 2),
    (" ip helper-address 10.0.0.256", 2), (" ip address 10.1.1.1 255.255.0.255", 2),
])
def test_a_managed_line_it_cannot_read_is_named_not_guessed(line: str, number: int) -> None:
    with pytest.raises(ParseError) as err:
        parse_state(f"interface GigabitEthernet1/0/1\n{line}\n", "acc.cfg")
    assert (err.value.issue.file, err.value.issue.line) == ("acc.cfg", number)
    assert line.strip() in err.value.issue.message


def test_lines_it_does_not_manage_are_ignored() -> None:
    text = ("vlan internal allocation policy ascending\nvlan access-map VACL 10\n"
            " action forward\nvlan dot1q tag native\ninterface GigabitEthernet1/0/1\n"
            " switchport access vlan dynamic\n switchport voice vlan dot1p\n"
            " switchport trunk native vlan tag\n")
    cfg = parse_running_config(text)
    assert cfg["vlans"] == {}
    # VMPS assigns this port's VLAN: not stated, so not ours to read.
    assert cfg["ports"]["GigabitEthernet1/0/1"] == _port("other")


@pytest.mark.realdata
def test_inspect_cli_reads_every_real_ios_config(cli: Callable[..., Any]) -> None:
    files = sorted(realdata("cisco_ios", "running_config").glob("*")) + \
        sorted(realdata("cisco_ios", "intended_vs_running").glob("ios_running.conf"))
    assert len(files) == 3
    for path in files:
        res = cli("inspect", "--platform", "cisco_ios", "--running-config", path,
                  "--format", "json")
        assert res.exit_code == 0, (path, res.output)
        out = json.loads(res.stdout)
        assert set(out) == {"vlans", "ports", "svis"}
        assert out == json.loads(json.dumps(parse_running_config(path.read_text())))
    snippet = json.loads(cli("inspect", "--platform", "cisco_ios", "--running-config",
                             files[1], "--format", "json").stdout)
    assert 993 in snippet["ports"]["GigabitEthernet0/3"]["allowed_vlans"]


# The shape of a public Catalyst 2950 running-config (IOS 12.0) that made the previous,
# hier_config-based reader end in `DuplicateChildError: Found a duplicate section:
# ('interface FastEthernet0/5', 'description')`, with the other quirks real IOS prints.
CATALYST_2950 = """\
Building configuration...

Current configuration : 1894 bytes
!
version 12.0
no service pad
service timestamps debug uptime
service timestamps log uptime
no service password-encryption
!
hostname sw-2950
!
ip subnet-zero
!
vlan 20
 name reception
vlan 30
!
interface FastEthernet0/1
 description Reception PC
 switchport access vlan 20
 !
 spanning-tree portfast
!
interface FastEthernet0/5
 description
 switchport access vlan 30
 description
 switchport mode access
!
 interface FastEthernet0/6
 description printer room
 switchport access vlan 30
 switchport mode access
 shutdown
!
interface GigabitEthernet0/1
 switchport trunk allowed vlan 1,20,30,101-109,201,203,205,207,209,211,213,215,217
 switchport trunk allowed vlan add 219,221,223
 switchport mode trunk
!
interface VLAN1
 ip address 10.0.0.2 255.255.255.0
 ip helper-address 10.0.0.5
 no ip route-cache
!
ip default-gateway 10.0.0.1
banner motd ^C
interface FastEthernet0/9
 description NOT CONFIG: text of the banner
 shutdown
^C
!
line con 0
line vty 0 4
 login
line vty 5 15
 login
!
end
"""


def test_catalyst_2950_ios_12_0_quirks() -> None:
    state = parse_state(CATALYST_2950, "sw-2950.cfg")
    cfg = inspect_view(state)
    assert state.hostname == "sw-2950"
    assert cfg["vlans"] == {"20": {"name": "reception"}, "30": {"name": None}}
    assert cfg["ports"] == {
        # `!` inside the section does not end it.
        "FastEthernet0/1": _port("other", 20, "Reception PC"),
        # Bare `description` lines, twice: no description.
        "FastEthernet0/5": _port("access", 30),
        # A header indented by one space is still its own interface.
        "FastEthernet0/6": _port("access", 30, "printer room", enabled=False),
        # A wrapped allowed list is one list.
        "GigabitEthernet0/1": _port("trunk", 1, allowed=[
            1, 20, 30, *range(101, 110), *range(201, 224, 2)]),
    }  # and the banner's `interface FastEthernet0/9` is text, not an interface
    assert cfg["svis"] == {"1": {"address": "10.0.0.2/24", "helpers": ["10.0.0.5"]}}
