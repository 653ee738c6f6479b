"""What a network engineer reads in each of a sample of the corpus files, written by hand
from the file (not from the readers' output): VLANs, access and trunk ports with their
VLANs, shutdown, descriptions, SVIs with addresses and DHCP helpers.

`ports` lists some ports of the file (each with every managed fact); `vlans` and `svis`,
when given, are the whole set. The views are `reconciler inspect`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EVERY_VLAN_BUT_7 = [v for v in range(1, 4095) if v != 7]
UNSTATED = "<not stated>"


def P(mode: str, vlan: int | None = None, description: str | None = None, *,
      voice: int | None = None, allowed: list[int] | None = None,
      enabled: bool = True) -> dict[str, Any]:
    return {"mode": mode, "vlan": vlan, "voice_vlan": voice, "allowed_vlans": allowed,
            "description": description, "enabled": enabled}


def S(address: str | None, *helpers: str) -> dict[str, Any]:
    return {"address": address, "helpers": list(helpers)}


@dataclass
class Facts:
    platform: str
    ports: dict[str, dict[str, Any]]
    vlans: dict[int, str | None] | None = None
    svis: dict[int, dict[str, Any]] | None = None
    hostname: str | None = UNSTATED
    port_count: int | None = None
    # Addresses of routed ports (not in the inspect view, but in the state).
    addresses: dict[str, str] = field(default_factory=dict)


IOS, EOS = "cisco_ios", "arista_eos"

FACTS: dict[str, Facts] = {
    # Bare `switchport` on some ports (Catalyst 6500 style): a port without it is routed.
    "batfish__grammar_ios_switchport_mode.cfg": Facts(IOS, {
        "Ethernet0/0": P("routed"), "Ethernet0/1": P("other", 1),
        "Ethernet0/2": P("access", 1), "Ethernet0/3": P("trunk", 1),
        # `switchport trunk allowed vlan 1, 2` without a trunk mode: DTP decides.
        "Ethernet0/4": P("other", 1), "Ethernet0/6": P("other", 1)},
        vlans={}, svis={}, hostname="ios_switchport_mode", port_count=7),
    "batfish__grammar_ios_svi.cfg": Facts(IOS, {
        "GigabitEthernet0/0": P("access", 100, enabled=False),
        "GigabitEthernet0/1": P("access", 3000, enabled=False)},
        vlans={100: None, 3000: None},
        svis={100: S("192.168.100.254/24"), 3000: S("192.168.200.254/24")}, hostname="ios_svi"),
    "batfish__grammar_ios-access-vlan.cfg": Facts(IOS, {
        "Ethernet1": P("access", 1), "Ethernet2": P("access", 3), "Ethernet3": P("routed"),
        "Ethernet4": P("trunk", 1)}, vlans={}, svis={}, hostname="ios-access-vlan", port_count=4,
        addresses={"Ethernet3": "1.1.1.1/31"}),
    "batfish__unit_switchport_range.cfg": Facts(IOS, {
        "FastEthernet0/1": P("trunk", 1, allowed=[12, 34, *range(56, 79), 99])},
        vlans={}, svis={}, hostname="switchport_range", port_count=1),
    # The one-line `vlan 396 name X` form, and a name under the header winning over it.
    "batfish__unit_cisco_vlan.cfg": Facts(IOS, {}, vlans={
        2: "myfavoritevlan", 10: None, 396: "grgrgrgrgr", 1054: "SysEng.Fusion"}, svis={},
        hostname="cisco_vlan"),
    # Banner bodies delimited by `^C` and by a raw ETX character hold no config.
    "batfish__unit_ios_banner.cfg": Facts(IOS, {}, vlans={}, svis={}, hostname="ios_banner",
                                          port_count=0),
    # A line section's `vacant-message ^C ... ^C` text is not config either.
    "batfish__unit_cisco_line.cfg": Facts(IOS, {}, vlans={}, svis={}, hostname="cisco_line",
                                          port_count=0),
    # An old file: the SVI address line is indented with a Latin-1 non-breaking space.
    "batfish__grammar_encoding_test.cfg": Facts(IOS, {"Loopback0": P("routed")},
                                                hostname="encoding_test",
                                                addresses={"Loopback0": "10.0.0.1/32"}),
    # Catalyst 9000 ports as IOS-XE 17 prints them.
    "genie__ShowRunInterface_golden_output_11_output.txt": Facts(IOS, {
        "FiveGigabitEthernet1/0/35": P("access", 19, voice=20)}, port_count=1),
    "genie__ShowRunInterface_golden_output_10_output.txt": Facts(IOS, {
        "GigabitEthernet1/0/2": P("trunk", 1, "test_of_parser",
                                  allowed=[500, 821, *range(900, 906)])}, port_count=1),
    # A prompt line first, blank lines, and 4-space indentation.
    "genie__ShowRunInterface_golden_output_9_output.txt": Facts(IOS, {
        "GigabitEthernet1/0/13": P("access", 70, "ISE Controlled Port")}, port_count=1),
    # `show running-config all`: every default written out.
    "genie__ShowRunAllSectionInterface_golden_output_output.txt": Facts(IOS, {
        "Port-channel93": P("access", 100)}, port_count=1),
    # 3-space indentation and `exit` lines.
    "ntcrosetta__docs_tutorials_data_ios_config.txt": Facts(IOS, {
        "FastEthernet1": P("other", 1, "This is Fa1", enabled=False),
        "FastEthernet1.1": P("routed", None, "This is Fa1.1"),
        "FastEthernet3": P("access", 10, "This is Fa3"),
        "FastEthernet4": P("trunk", 1, allowed=[10, 20], enabled=False)},
        vlans={10: "prod", 20: "dev"}, svis={}, port_count=5),
    # A VLAN name with a trailing blank; `descripton` (sic) is not a description.
    "hierconfig__tests_fixtures_generated_config.conf": Facts(IOS, {}, vlans={
        2: "switch_mgmt_10.0.2.0/24", 3: "switch_mgmt_10.0.3.0/24",
        4: "switch_mgmt_10.0.4.0/24"},
        svis={2: S("10.0.2.1/24"), 3: S("10.0.3.1/16"), 4: S("10.0.4.1/16")},
        hostname="aggr-example.rtr", port_count=0),
    # An IOS-XE 16.8 router: routed ports, one addressed by DHCP.
    "netimporter__hou-bb-01.conf": Facts(IOS, {
        "Loopback0": P("routed"), "GigabitEthernet1": P("routed"),
        "GigabitEthernet2": P("routed", None, "to_nyc-bb-01"),
        "GigabitEthernet6": P("routed", None, "to_nyc-rtr-01")},
        vlans={}, svis={}, hostname="hou-bb-01",
        addresses={"GigabitEthernet2": "10.255.0.81/30", "Loopback0": "10.0.0.2/32"}),

    "batfish__grammar_eos-allowed-vlans.cfg": Facts(EOS, {
        "Port-Channel1": P("trunk", 1, "fixed allowed VLANs", allowed=[1, 2]),
        "Port-Channel2": P("trunk", 1, "fixed allowed VLANs, out of order", allowed=[2, 3]),
        "Port-Channel3": P("trunk", 1, "no allowed vlans, out of order", allowed=[]),
        "Port-Channel4": P("trunk", 1, "no allowed vlans", allowed=[]),
        "Port-Channel5": P("trunk", 1, "default allowed vlans"),
        "Port-Channel6": P("trunk", 1, "fixed, add, remove vlans", allowed=[1, 3, 4]),
        "Port-Channel7": P("trunk", 1, "default and add is a no-op"),
        "Port-Channel8": P("trunk", 1, "except", allowed=EVERY_VLAN_BUT_7),
        "Port-Channel9": P("trunk", 1, "all"),
        "Port-Channel10": P("trunk", 1, "no means defaults")},
        vlans={}, svis={}, hostname="eos-allowed-vlans", port_count=10),
    # vEOS 4.21 as captured from a lab.
    "netimporter__hou-leaf-01.conf": Facts(EOS, {
        "Ethernet1": P("routed"), "Ethernet3": P("access", 121), "Ethernet4": P("access", 121),
        "Ethernet5": P("access", 1), "Ethernet19": P("access", 1), "Loopback0": P("routed"),
        "Management1": P("routed")},
        vlans={121: None}, svis={121: S("10.2.121.1/24")}, hostname="hou-leaf-01",
        addresses={"Ethernet1": "10.255.0.74/30"}),
    # Blank lines instead of `!`, no hostname.
    "napalm__test_eos_eos_initial.conf": Facts(EOS, {
        "Ethernet1": P("access", 1), "Ethernet2": P("access", 1), "Management1": P("routed")},
        vlans={}, svis={}, hostname=None, port_count=3,
        addresses={"Management1": "10.0.2.15/24"}),
    "avd__examples_l2ls-fabric_LEAF2.cfg": Facts(EOS, {
        "Port-Channel1": P("trunk", 1, "L2_SPINES_Port-Channel1", allowed=[10, 20]),
        "Port-Channel47": P("trunk", 1, "MLAG_LEAF1_Port-Channel47"),
        "Ethernet1": P("other", None, "L2_SPINE1_Ethernet2"),  # a Port-Channel member
        "Ethernet3": P("access", 20, "SERVER_HostB_Eth1"),
        "Ethernet48": P("other", None, "MLAG_LEAF1_Ethernet48"),
        "Management0": P("routed", None, "OOB_MANAGEMENT")},
        vlans={10: "BLUE-NET", 20: "GREEN-NET", 4094: "MLAG"},
        svis={4094: S("192.168.0.1/31")}, hostname="LEAF2", port_count=8),
    # Campus edge ports in `switchport mode trunk phone`: data VLAN 310, phones in 320.
    "avd__examples_campus-fabric_LEAF3A.cfg": Facts(EOS, {
        "Port-Channel971": P("trunk", 1, "L2_SPINES_Port-Channel501",
                             allowed=[10, 310, 320, 330]),
        "Port-Channel983": P("trunk", 1, "MLAG_LEAF3B_Port-Channel983"),
        "Ethernet1": P("access", 310, "IDF3 Standard Port", voice=320),
        "Ethernet49": P("access", 310, "IDF3 Standard Port", voice=320)},
        vlans={10: "INBAND_MGMT", 310: "IDF3-Data", 320: "IDF3-Voice", 330: "IDF3-Guest",
               4094: "MLAG"},
        svis={10: S("10.10.10.9/24"), 4094: S("192.168.0.10/31")}, hostname="LEAF3A"),
    # Anycast gateways (`ip address virtual`) are no primary address.
    "avd__examples_dual-dc-l3ls_dc1-leaf1a.cfg": Facts(EOS, {}, vlans={
        11: "VRF10_VLAN11", 12: "VRF10_VLAN12", 21: "VRF11_VLAN21", 22: "VRF11_VLAN22",
        3009: "MLAG_L3_VRF_VRF10", 3010: "MLAG_L3_VRF_VRF11", 3401: "L2_VLAN3401",
        3402: "L2_VLAN3402", 4093: "MLAG_L3", 4094: "MLAG"},
        svis={11: S(None), 12: S(None), 21: S(None), 22: S(None),
              3009: S("10.255.1.96/31"), 3010: S("10.255.1.96/31"),
              4093: S("10.255.1.96/31"), 4094: S("10.255.1.64/31")},
        hostname="dc1-leaf1a"),
    "avd__molecule_eos_cli_config_gen_vlan-interfaces.cfg": Facts(EOS, {
        "Management1": P("routed", None, "OOB_MANAGEMENT")}),
    "avd__molecule_eos_cli_config_gen_vlans.cfg": Facts(EOS, {
        "Management1": P("routed", None, "OOB_MANAGEMENT")}, vlans={
        110: "PR01-DMZ", 111: "PRIVATE_VLAN_COMMUNITY", 112: "PRIVATE_VLAN_ISOLATED",
        3010: "MLAG_iBGP_TENANT_A_PROJECT01", 3011: "MLAG_iBGP_TENANT_A_PROJECT02",
        3012: "MLAG_iBGP_TENANT_A_PROJECT03"}, svis={}, port_count=1),
    "avd__molecule_eos_cli_config_gen_ethernet-interfaces.cfg": Facts(EOS, {
        "Ethernet1": P("routed", None, "P2P_LINK_TO_DC1-SPINE1_Ethernet1"),
        "Ethernet2": P("trunk", 1, "SRV-POD02_Eth1", allowed=[110, 111, 210, 211]),
        "Ethernet4": P("routed", None, "Molecule IPv6", enabled=False),
        "Ethernet7": P("access", 1, "Molecule L2"),
        "Ethernet8.101": P("routed", None, "to WAN-ISP-01 Ethernet2.101 - VRF-C1")}),
    # Banner bodies full of `!` and `.` lines, up to EOF.
    "avd__molecule_eos_cli_config_gen_banners_without_eof.cfg": Facts(EOS, {
        "Management1": P("routed", None, "OOB_MANAGEMENT"),
        "Loopback1000": P("routed", None, "Interface created with eos_cli on device level")},
        vlans={}, svis={}, port_count=2),
}

# SVIs of the AVD `vlan-interfaces` example, a subset: relays, shut SVIs, anycast ones.
VLAN_INTERFACES_SVIS = {
    41: S(None, "10.10.64.150", "10.10.96.150", "10.10.96.151"),
    84: S("10.10.84.1/24"), 87: S("10.10.87.1/24"),
    89: S(None, "10.10.64.150", "10.10.96.101", "10.10.96.150", "10.10.96.151"),
    4094: S("169.254.252.0/31"),
}
