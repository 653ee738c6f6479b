"""Cisco IOS / IOS-XE running-config text -> `SwitchState`.

Used on live `show running-config` output and by `reconciler inspect --platform cisco_ios`.
The shared block reader (`switching.blocks`) drops what is not configuration (banners with
any delimiter, macros, `!` lines inside sections, the preamble); repeated lines and repeated
interface headers are merged as IOS itself would. Lines the reconciler does not manage are
ignored; a managed line it cannot read raises `ParseError` naming the line. IOS defaults are
applied, so the result says what the port does:

* A port without `switchport access vlan` is in VLAN 1; a trunk without `switchport trunk
  native vlan` has native VLAN 1. `vlan` is the access VLAN, or the native VLAN of a trunk.
* `switchport mode access` is "access", `switchport mode trunk` is "trunk"; no mode line
  (or `dynamic ...`) is "other": DTP may still make it a trunk, so the reconciler writes
  `switchport mode access` on the floor ports it manages. A VMPS port (`switchport access
  vlan dynamic`) is "other" with no VLAN. `switchport voice vlan dot1p|untagged|none` is no
  voice VLAN.
* Trunk allowed VLANs: ``None`` means ALL (no `allowed vlan` line, or `all`); IOS wraps a
  long list over `switchport trunk allowed vlan add ...` lines, which are unioned.
* Routed: `no switchport`, an `ip address` on a physical port, Loopback/Tunnel/subinterfaces,
  and - on chassis that write a bare `switchport` on their L2 ports (Catalyst 6500) - any
  port without it.
* `interface Vlan24` and `interface VLAN24` are both the SVI of VLAN 24; its `ip helper-address`
  lines (`vrf X` and `global` forms too) are its DHCP relay targets.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..switching.blocks import Block, read_blocks
from ..switching.state import HelperAddress, Mode, Port, Svi, SwitchState, Vlan
from ..switching.values import LineReader

_SVI_RE = re.compile(r"vlan(\d{1,4})", re.IGNORECASE)
_ROUTED_TYPES = ("loopback", "tunnel", "null", "mgmt", "management", "bdi", "dialer",
                 "virtual-template", "bvi", "nve", "vasi")
_NO_VOICE = ("dot1p", "untagged", "none")
_DYNAMIC = ("dhcp", "negotiated", "pool")
DEFAULT_VLAN_NAMES = {1: "default", 1002: "fddi-default", 1003: "token-ring-default",
                      1004: "fddinet-default", 1005: "trnet-default"}


@dataclass
class _If:
    """Accumulated state of one interface; each line moves it as IOS would."""

    description: str | None = None
    enabled: bool = True
    switchport: bool | None = None  # True: bare `switchport`; False: `no switchport`
    mode: str | None = None
    access_vlan: int | None = None
    vmps: bool = False  # `switchport access vlan dynamic`
    native_vlan: int | None = None
    allowed: frozenset[int] | None = None
    voice_vlan: int | None = None
    channel_group: int | None = None
    address: str | None = None
    dynamic_address: bool = False  # `ip address dhcp|negotiated|pool ...`: routed, no static IP
    secondaries: list[str] = field(default_factory=list)
    helpers: list[HelperAddress] = field(default_factory=list)
    vrf: str | None = None


class _Reader(LineReader):
    def line(self, st: _If, line: Block) -> None:
        text = line.line
        words = text.split()
        w = words + [""] * 5  # pad so fixed-position look-ups need no length checks
        if w[0] == "description":
            st.description = text[len("description"):].removeprefix(" ").rstrip() or None
        elif w[:2] == ["no", "description"]:
            st.description = None
        elif words == ["shutdown"]:
            st.enabled = False
        elif words == ["no", "shutdown"]:
            st.enabled = True
        elif words == ["switchport"]:
            st.switchport = True
        elif words == ["no", "switchport"]:
            st.switchport = False
        elif w[:2] == ["switchport", "mode"] and w[2]:
            st.mode = " ".join(words[2:]).lower()
        elif w[:3] == ["switchport", "access", "vlan"]:
            st.vmps = w[3] == "dynamic"
            st.access_vlan = None if st.vmps else self.vlan_id(line, w[3])
        elif w[:3] == ["switchport", "voice", "vlan"]:
            st.voice_vlan = None if w[3] in _NO_VOICE else self.vlan_id(line, w[3])
        elif w[:4] == ["switchport", "trunk", "native", "vlan"] and w[4] != "tag":
            st.native_vlan = self.vlan_id(line, w[4])
        elif w[:4] == ["switchport", "trunk", "allowed", "vlan"]:
            st.allowed = self.allowed(line, st.allowed, words[4:])
        elif w[:4] == ["no", "switchport", "trunk", "allowed"]:
            st.allowed = None
        elif w[0] == "channel-group" and w[1].isascii() and w[1].isdigit():
            st.channel_group = int(w[1])
        elif w[:2] == ["ip", "address"] and w[2]:
            self.address(st, line, words[2:])
        elif w[:3] == ["no", "ip", "address"]:
            st.address, st.secondaries, st.dynamic_address = None, [], False
        elif w[:2] == ["ip", "helper-address"] and w[2]:
            st.helpers.append(self.helper(line, words[2:]))
        elif w[:2] == ["vrf", "forwarding"] and w[2]:
            st.vrf = w[2]
        elif w[:3] == ["ip", "vrf", "forwarding"] and w[3]:
            st.vrf = w[3]

    def address(self, st: _If, line: Block, words: list[str]) -> None:
        secondary = words[-1] == "secondary"
        addr = self.ipv4(line, words[:-1] if secondary else words)
        if addr is None:
            # dhcp, negotiated, pool: routed, no static address (anything else: not ours)
            st.dynamic_address = st.dynamic_address or words[0] in _DYNAMIC
            return
        if secondary:
            st.secondaries.append(addr)
        else:
            st.address = addr

    def helper(self, line: Block, words: list[str]) -> HelperAddress:
        """`[vrf NAME | global] ADDRESS [redundancy NAME]`."""
        vrf = None
        if words[0] == "vrf" and len(words) > 2:
            vrf, words = words[1], words[2:]
        elif words[0] == "global" and len(words) > 1:
            words = words[1:]
        if self.ipv4(line, [f"{words[0]}/32"]) is None:
            raise self.fail(line, f"{words[0]!r} is not an IPv4 address")
        return HelperAddress(words[0], vrf)

    def vlans(self, out: dict[int, Vlan], block: Block, spec: str) -> None:
        """`vlan 10,20-22` with ` name X` below, or the one-line `vlan 10 name X`."""
        words = spec.split()
        ids = self.vlan_list(block, words[0])
        name = " ".join(words[2:]) or None if words[1:2] == ["name"] else None
        for child in block.children:
            words = child.line.split()
            if words[0] == "name" and len(words) > 1:
                name = child.line[len("name"):].strip()
            elif words[:2] == ["no", "name"]:
                name = None
        for vid in sorted(ids):
            if vid not in DEFAULT_VLAN_NAMES:
                out[vid] = Vlan(vid, name)


def _interface_name(rest: str) -> str:
    """`GigabitEthernet1/0/1 point-to-point` -> the name; `GigabitEthernet 1/0/1` joined."""
    words = rest.split()
    if len(words) > 1 and words[1][:1].isdigit():
        return words[0] + words[1]
    return words[0]


def _port(name: str, st: _If, routed_default: bool) -> Port:
    low = name.lower()
    base = Port(name, "other", description=st.description, enabled=st.enabled,
                switchport_mode=st.mode, channel_group=st.channel_group, address=st.address,
                vrf=st.vrf)
    routed = (st.switchport is False or st.address is not None or st.dynamic_address
              or "." in name
              or low.startswith(_ROUTED_TYPES) or (routed_default and st.switchport is None))
    if routed:
        return Port(name, "routed", description=st.description, enabled=st.enabled,
                    channel_group=st.channel_group, address=st.address, vrf=st.vrf)
    mode: Mode = "access" if st.mode == "access" else "other"
    if st.mode == "trunk":
        return Port(name, "trunk", st.native_vlan or 1, None, st.allowed, st.description,
                    st.enabled, st.mode, st.channel_group)
    if st.vmps:
        return base
    return Port(name, mode, st.access_vlan or 1, st.voice_vlan, None, st.description,
                st.enabled, st.mode, st.channel_group)


def parse_running_config(text: str, source: str = "running-config") -> SwitchState:
    """Read IOS 12 to IOS-XE 17 running-config text; ParseError names a line it cannot read."""
    reader = _Reader(source)
    hostname: str | None = None
    vlans: dict[int, Vlan] = {}
    interfaces: dict[str, _If] = {}
    for block in read_blocks(text, source, banners="ios", sections=("interface",)):
        keyword, _, rest = block.line.partition(" ")
        rest = rest.strip()
        if keyword == "hostname" and rest:
            hostname = rest.split()[0]
        elif keyword == "vlan" and rest[:1].isdigit():
            # `vlan internal allocation policy`, `vlan access-map`, ... are not VLAN blocks.
            reader.vlans(vlans, block, rest)
        elif keyword == "interface" and rest:
            # A repeated header continues the same interface, as it would on the CLI.
            st = interfaces.setdefault(_interface_name(rest), _If())
            for child in block.children:
                reader.line(st, child)
    routed_default = any(st.switchport is True for st in interfaces.values())
    ports: dict[str, Port] = {}
    svis: dict[int, Svi] = {}
    for name, st in interfaces.items():
        m = _SVI_RE.fullmatch(name)
        if m and 1 <= int(m[1]) <= 4094:
            svis[int(m[1])] = Svi(int(m[1]), st.address, tuple(st.secondaries), (),
                                  tuple(st.helpers), st.enabled, st.description, st.vrf)
        else:
            ports[name] = _port(name, st, routed_default)
    return SwitchState(hostname, vlans, ports, svis)


@lru_cache(maxsize=4)
def _template(name: str) -> str:
    from ntc_templates.parse import _get_template_dir

    return (Path(_get_template_dir()) / name).read_text()


def parse_show_vlan(text: str) -> list[dict[str, Any]]:
    """`show vlan brief` through ntc-templates' own template (without loading its whole
    index, which costs half a second per process)."""
    import textfsm

    fsm = textfsm.TextFSM(io.StringIO(_template("cisco_ios_show_vlan.textfsm")))
    return [{k.lower(): v for k, v in row.items()} for row in fsm.ParseTextToDicts(text)]


def vlans_from_show_vlan(records: Sequence[Mapping[str, Any]]) -> dict[int, Vlan]:
    """ntc-templates `show vlan brief` records -> VLANs (defaults and 1 left out).

    IOS names an unnamed VLAN `VLAN0120`; that reads as no name, as in the running-config.
    """
    out: dict[int, Vlan] = {}
    for rec in records:
        vid = int(rec["vlan_id"])
        if vid in DEFAULT_VLAN_NAMES:
            continue
        name = rec.get("vlan_name") or rec.get("name") or None
        out[vid] = Vlan(vid, None if name == f"VLAN{vid:04d}" else name)
    return dict(sorted(out.items()))
