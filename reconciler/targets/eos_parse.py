"""Arista EOS running-config text -> what the reconciler understands of a switch.

Used on live `show running-config` output and by `reconciler inspect --platform arista_eos`.
Pure functions, no I/O. `parse_running_config` never raises on config text: unknown lines are
ignored, so one odd line on a live switch cannot stop a plan.

EOS defaults are applied, so the result says what the switch does, not only what is written:

* VLANs: only VLANs present in the text. VLAN 1 exists implicitly on every EOS switch but is
  reported only when configured, so inspect output mirrors the config and nothing downstream
  is tempted to "delete" VLAN 1.
* Trunk allowed VLANs: ``None`` means ALL (no `switchport trunk allowed vlan` line, `all`, or a
  list covering 1-4094), an empty set means `none`. ALL is kept symbolic because it is what
  EOS itself stores and shows; expanding it would turn "no line" into a 4094-VLAN diff.
  `switchport trunk group` restrictions are kept on the port but not applied to the list.
* Port-Channel members (`channel-group N mode ...`) are mode "other" with vlan None: EOS takes
  their L2 behaviour from the Port-Channel, so reporting their own switchport lines would lie.
* `switchport mode trunk phone` (AVD campus edge ports) is EOS's access port with a voice
  VLAN: mode "access", vlan = native VLAN, voice_vlan = phone VLAN. EOS applies
  `switchport phone vlan` only in that mode, so other modes report voice_vlan None.
* Management, Loopback, Tunnel and subinterfaces (a "." in the name) are routed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, TypedDict

from reconciler.targets.eos_syntax import (
    ALL_VLANS,
    Block,
    compress_vlan_list,
    expand_vlan_list,
    interface_type,
    normalise_interface,
    parse_blocks,
)

# The VLAN-list and name helpers live in eos_syntax; they are part of this module's API.
__all__ = [
    "ALL_VLANS", "Block", "HelperAddress", "InspectJson", "InspectPort", "InspectSvi",
    "InspectVlan", "Mode", "Port", "Svi", "SwitchConfig", "Vlan", "compress_vlan_list",
    "expand_vlan_list", "interface_type", "normalise_interface", "parse_blocks",
    "parse_running_config", "to_inspect_json",
]

Mode = Literal["access", "trunk", "routed", "other"]

_ROUTED_TYPES = ("Management", "Loopback", "Tunnel")
_SWITCHED_TYPES = ("Ethernet", "Port-Channel")
_DIGITS_RE = re.compile(r"[0-9]{1,9}")


# ---------------------------------------------------------------- result types

@dataclass(frozen=True)
class Vlan:
    vlan_id: int
    name: str | None = None
    state: str = "active"
    trunk_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Port:
    """A non-SVI interface. `vlan` is the access VLAN, or the native VLAN of a trunk."""

    name: str
    mode: Mode
    vlan: int | None = None
    voice_vlan: int | None = None
    allowed_vlans: frozenset[int] | None = None  # trunks only: None = ALL, empty = none
    description: str | None = None
    enabled: bool = True
    switchport_mode: str | None = None  # the raw `switchport mode` argument, e.g. "trunk phone"
    channel_group: int | None = None
    native_vlan_tagged: bool = False
    trunk_groups: tuple[str, ...] = ()
    address: str | None = None  # primary IPv4 address of a routed port
    vrf: str | None = None


@dataclass(frozen=True)
class HelperAddress:
    address: str
    vrf: str | None = None
    source_interface: str | None = None


@dataclass(frozen=True)
class Svi:
    vlan_id: int
    address: str | None = None  # primary `ip address A/L`
    secondary_addresses: tuple[str, ...] = ()
    virtual_addresses: tuple[str, ...] = ()  # `ip address virtual` (anycast gateway)
    helper_addresses: tuple[HelperAddress, ...] = ()
    enabled: bool = True
    description: str | None = None
    vrf: str | None = None


@dataclass(frozen=True)
class SwitchConfig:
    hostname: str | None = None
    vlans: Mapping[int, Vlan] = field(default_factory=dict)
    ports: Mapping[str, Port] = field(default_factory=dict)  # config order
    svis: Mapping[int, Svi] = field(default_factory=dict)


class InspectVlan(TypedDict):
    name: str | None


class InspectPort(TypedDict):
    mode: Mode
    vlan: int | None
    voice_vlan: int | None
    allowed_vlans: list[int] | None
    description: str | None
    enabled: bool


class InspectSvi(TypedDict):
    address: str | None


class InspectJson(TypedDict):
    vlans: dict[str, InspectVlan]
    ports: dict[str, InspectPort]
    svis: dict[str, InspectSvi]


# ---------------------------------------------------------------- interface lines

@dataclass
class _If:
    """Accumulated state of one interface; each line moves it as EOS would."""

    description: str | None = None
    enabled: bool = True
    switchport: bool | None = None
    mode: str | None = None
    access_vlan: int | None = None
    native_vlan: int | None = None
    native_tagged: bool = False
    allowed: frozenset[int] | None = None
    phone_vlan: int | None = None
    channel_group: int | None = None
    trunk_groups: list[str] = field(default_factory=list)
    address: str | None = None
    secondaries: list[str] = field(default_factory=list)
    virtuals: list[str] = field(default_factory=list)
    helpers: list[HelperAddress] = field(default_factory=list)
    vrf: str | None = None


def _int(word: str) -> int | None:
    # str.isdigit() accepts "²", which int() rejects: only ASCII digits count.
    return int(word) if _DIGITS_RE.fullmatch(word) else None


def _vlan_id(word: str) -> int | None:
    v = _int(word)
    return v if v is not None and 1 <= v <= 4094 else None


def _ip(words: list[str]) -> str | None:
    """"10.0.0.1/24" or "10.0.0.1 255.255.255.0" -> "10.0.0.1/24"; None if not IPv4."""
    spec = "/".join(words[:2]) if len(words) > 1 and "/" not in words[0] else words[0]
    try:
        return str(ipaddress.IPv4Interface(spec))
    except ValueError:
        return None


def _allowed(current: frozenset[int] | None, words: list[str]) -> frozenset[int] | None:
    base = ALL_VLANS if current is None else current
    op, spec = (words[0], words[1:]) if words[0] in ("add", "remove", "except") else ("", words)
    try:
        given = frozenset(expand_vlan_list("".join(spec)))
    except ValueError:
        return current  # keep the last good value rather than invent one
    result = {"add": base | given, "remove": base - given, "except": ALL_VLANS - given}.get(
        op, given)
    return None if result == ALL_VLANS else result


def _apply_no(st: _If, words: list[str]) -> None:
    """`no X` lines reset X to the EOS default (hier_config remediation files use them)."""
    key = " ".join(words[:4])
    if words[0] == "shutdown":
        st.enabled = True
    elif words == ["switchport"]:
        st.switchport = False
    elif words[0] == "description":
        st.description = None
    elif words[0] == "channel-group":
        st.channel_group = None
    elif words[:2] == ["ip", "address"]:
        st.address, st.secondaries, st.virtuals = None, [], []
    elif words[:2] == ["ip", "helper-address"] and len(words) > 2:
        st.helpers = [h for h in st.helpers if h.address != words[2]]
    elif key.startswith("switchport mode"):
        st.mode = None
    elif key.startswith("switchport access vlan"):
        st.access_vlan = None
    elif key.startswith("switchport trunk native vlan"):
        st.native_vlan, st.native_tagged = None, False
    elif key.startswith("switchport trunk allowed vlan"):
        st.allowed = None
    elif key.startswith("switchport phone vlan"):
        st.phone_vlan = None


def _apply(st: _If, line: str) -> None:
    words = line.split()
    w = words + [""] * 4  # pad so fixed-position look-ups need no length checks
    if w[0] == "no" and len(words) > 1:
        _apply_no(st, words[1:])
    elif w[0] == "description":
        # Verbatim after the keyword and one separator; trailing blanks are file noise (CRLF).
        st.description = line[len("description"):].removeprefix(" ").rstrip() or None
    elif words == ["shutdown"]:
        st.enabled = False
    elif words == ["switchport"]:
        st.switchport = True
    elif w[:2] == ["switchport", "mode"] and len(words) > 2:
        st.mode = " ".join(words[2:]).lower()
    elif w[:3] == ["switchport", "access", "vlan"]:
        st.access_vlan = _vlan_id(w[3]) or st.access_vlan
    elif w[:4] == ["switchport", "trunk", "native", "vlan"]:
        if w[4] == "tag":
            st.native_tagged = True
        else:
            st.native_vlan = _vlan_id(w[4]) or st.native_vlan
    elif w[:4] == ["switchport", "trunk", "allowed", "vlan"] and len(words) > 4:
        st.allowed = _allowed(st.allowed, words[4:])
    elif w[:3] == ["switchport", "phone", "vlan"]:
        st.phone_vlan = _vlan_id(w[3]) or st.phone_vlan
    elif w[:3] == ["switchport", "trunk", "group"] and w[3]:
        st.trunk_groups.append(" ".join(words[3:]))
    elif w[0] == "channel-group" and _int(w[1]) is not None:
        st.channel_group = _int(w[1])
    elif w[:2] == ["ip", "address"] and w[2]:
        _apply_address(st, words[2:])
    elif w[:2] == ["ip", "helper-address"] and w[2]:
        opts = dict(zip(words[3::2], words[4::2], strict=False))
        st.helpers.append(HelperAddress(w[2], opts.get("vrf"), opts.get("source-interface")))
    elif w[0] == "vrf" and w[1]:
        st.vrf = w[2] if w[1] == "forwarding" and w[2] else w[1]  # old `vrf forwarding X` too


def _apply_address(st: _If, words: list[str]) -> None:
    virtual = words[0] == "virtual"
    words = words[1:] if virtual else words
    secondary = words[-1] == "secondary" if words else False
    addr = _ip(words[:-1] if secondary else words) if words else None
    if addr is None:
        return
    if virtual:
        st.virtuals.append(addr)
    elif secondary:
        st.secondaries.append(addr)
    else:
        st.address = addr


# ---------------------------------------------------------------- ports and SVIs

def _port(name: str, st: _If) -> Port:
    kind = interface_type(name)
    base = Port(name, "other", description=st.description, enabled=st.enabled,
                switchport_mode=st.mode, channel_group=st.channel_group,
                native_vlan_tagged=st.native_tagged, trunk_groups=tuple(st.trunk_groups),
                address=st.address, vrf=st.vrf)
    if kind in _ROUTED_TYPES or "." in name:
        return replace(base, mode="routed")
    if st.channel_group is not None and kind == "Ethernet":
        return base  # member: its L2 config lives on the Port-Channel
    if st.switchport is False:
        return replace(base, mode="routed")
    if kind not in _SWITCHED_TYPES:
        return replace(base, mode="routed") if st.address else base
    if st.switchport is None and st.mode is None and st.address:
        return replace(base, mode="routed")  # hand-written configs leave out `no switchport`
    if st.mode in (None, "access"):
        return replace(base, mode="access", vlan=st.access_vlan or 1)
    if st.mode == "trunk":
        return replace(base, mode="trunk", vlan=st.native_vlan or 1, allowed_vlans=st.allowed)
    if st.mode == "trunk phone":
        return replace(base, mode="access", vlan=st.native_vlan or 1, voice_vlan=st.phone_vlan)
    return base  # dot1q-tunnel, tap, tool, ...


def _svi(vlan_id: int, st: _If) -> Svi:
    return Svi(vlan_id, st.address, tuple(st.secondaries), tuple(st.virtuals),
               tuple(st.helpers), st.enabled, st.description, st.vrf)


def _vlan_block(vlans: dict[int, Vlan], ids: set[int], children: tuple[Block, ...]) -> None:
    for vid in sorted(ids):
        v = vlans.get(vid, Vlan(vid))
        name, state, groups = v.name, v.state, list(v.trunk_groups)
        for child in children:
            words = child.line.split()
            if words[0] == "name":
                name = child.line[len("name"):].strip() or None
            elif words[:2] == ["no", "name"]:
                name = None
            elif words[0] == "state" and len(words) > 1:
                state = words[1]
            elif words[:2] == ["trunk", "group"] and len(words) > 2:
                groups.append(" ".join(words[2:]))
        vlans[vid] = Vlan(vid, name, state, tuple(groups))


def parse_running_config(text: str) -> SwitchConfig:
    """Parse EOS running-config text (3-space or any consistent indentation). Never raises."""
    hostname: str | None = None
    vlans: dict[int, Vlan] = {}
    interfaces: dict[str, _If] = {}
    for block in parse_blocks(text):
        keyword, _, rest = block.line.partition(" ")
        if keyword == "hostname" and rest.strip():
            hostname = rest.strip()
        elif keyword == "vlan":
            try:
                ids = expand_vlan_list(rest)
            except ValueError:
                continue  # `vlan internal order ...` and friends are not VLAN blocks
            _vlan_block(vlans, ids, block.children)
        elif keyword == "interface" and rest.strip():
            # A repeated header continues the same interface, as it would on the CLI.
            st = interfaces.setdefault(normalise_interface(rest), _If())
            for child in block.children:
                _apply(st, child.line)
    ports: dict[str, Port] = {}
    svis: dict[int, Svi] = {}
    for name, st in interfaces.items():
        vid = _vlan_id(name[4:]) if interface_type(name) == "Vlan" else None
        if vid is not None:
            svis[vid] = _svi(vid, st)
        else:
            ports[name] = _port(name, st)
    return SwitchConfig(hostname, vlans, ports, svis)


def to_inspect_json(cfg: SwitchConfig) -> InspectJson:
    """The `reconciler inspect --format json` shape; VLAN and SVI keys sorted numerically."""
    return {
        "vlans": {str(v): {"name": cfg.vlans[v].name} for v in sorted(cfg.vlans)},
        "ports": {
            name: {
                "mode": p.mode,
                "vlan": p.vlan,
                "voice_vlan": p.voice_vlan,
                "allowed_vlans": None if p.allowed_vlans is None else sorted(p.allowed_vlans),
                "description": p.description,
                "enabled": p.enabled,
            }
            for name, p in cfg.ports.items()
        },
        "svis": {str(v): {"address": cfg.svis[v].address} for v in sorted(cfg.svis)},
    }
