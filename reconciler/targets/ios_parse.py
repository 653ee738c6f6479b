"""Cisco IOS running-config text -> what the reconciler understands of a switch.

Used on live `show running-config` output and by `reconciler inspect --platform cisco_ios`.
hier_config builds the block tree (banners, indentation, IOS's header lines); this module
only reads the lines the reconciler cares about. Never raises on config text: unknown
lines are ignored. IOS defaults are applied, so the result says what the port does:

* A port without `switchport access vlan` is in VLAN 1; a trunk without `switchport trunk
  native vlan` has native VLAN 1. `vlan` is the access VLAN, or the native VLAN of a trunk.
* `switchport mode access` is "access", `switchport mode trunk` is "trunk"; no mode line
  (or `dynamic ...`) is "other": DTP may still make it a trunk, so the reconciler writes
  `switchport mode access` on the floor ports it manages.
* Trunk allowed VLANs: ``None`` means ALL (no `allowed vlan` line, or `all`); IOS wraps a
  long list over `switchport trunk allowed vlan add ...` lines, which are unioned.
* Routed: `no switchport`, an `ip address` on a physical port, Loopback/Tunnel/subinterfaces,
  and - on chassis that write a bare `switchport` on their L2 ports (Catalyst 6500) - any
  port without it.
* `interface Vlan24` and `interface VLAN24` are both the SVI of VLAN 24.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import textfsm
from hier_config import Platform, get_hconfig
from ntc_templates.parse import _get_template_dir

from .eos_syntax import expand_vlan_list

Json = dict[str, Any]
_SVI_RE = re.compile(r"vlan(\d{1,4})", re.IGNORECASE)
_ROUTED_TYPES = ("loopback", "tunnel", "null", "mgmt", "management", "bdi", "dialer")
DEFAULT_VLAN_NAMES = {1: "default", 1002: "fddi-default", 1003: "token-ring-default",
                      1004: "fddinet-default", 1005: "trnet-default"}


def _vlan_blocks(children: list[Any]) -> dict[int, Json]:
    vlans: dict[int, Json] = {}
    for block in children:
        words = block.text.split()
        if words[0] != "vlan" or len(words) != 2:
            continue
        try:
            ids = expand_vlan_list(words[1])
        except ValueError:
            continue  # `vlan internal allocation policy ...` and the like
        name = next((c.text.split(None, 1)[1] for c in block.children
                     if c.text.startswith("name ") and len(c.text.split()) == 2), None)
        for vid in ids:
            if vid not in DEFAULT_VLAN_NAMES:
                vlans[vid] = {"name": name}
    return vlans


def _allowed(lines: list[str]) -> list[int] | None:
    allowed: set[int] | None = None  # None: all
    every = set(range(1, 4095))
    for text in lines:
        arg = text.split()[4:]
        try:
            if not arg:
                continue
            if arg[0] == "add":
                allowed = None if allowed is None else allowed | expand_vlan_list(arg[1])
            elif arg[0] == "remove":
                allowed = (every if allowed is None else allowed) - expand_vlan_list(arg[1])
            elif arg[0] == "except":
                allowed = every - expand_vlan_list(arg[1])
            else:
                allowed = None if arg[0] == "all" else expand_vlan_list(arg[0])
        except (IndexError, ValueError):
            continue
    if allowed is None or allowed == every:
        return None
    return sorted(allowed)


def _int_arg(lines: list[str], prefix: str) -> int | None:
    for text in reversed(lines):
        if text.startswith(prefix):
            arg = text[len(prefix):].strip()
            return int(arg) if arg.isdigit() and 1 <= int(arg) <= 4094 else None
    return None


def _port(name: str, lines: list[str], routed_default: bool) -> Json:
    desc = next((t.split(None, 1)[1] if len(t.split(None, 1)) == 2 else None
                 for t in reversed(lines) if t.split()[0] == "description"), None)
    enabled = "shutdown" not in lines
    low = name.lower()
    has_ip = any(re.fullmatch(r"ip address \S+ \S+", t) for t in lines)
    routed = ("no switchport" in lines or has_ip or "." in name
              or low.startswith(_ROUTED_TYPES) or (routed_default and "switchport" not in lines))
    if routed:
        return {"mode": "routed", "vlan": None, "voice_vlan": None, "allowed_vlans": None,
                "description": desc, "enabled": enabled}
    mode_line = next((t for t in reversed(lines) if t.startswith("switchport mode ")), "")
    mode = {"switchport mode access": "access", "switchport mode trunk": "trunk"}.get(
        mode_line, "other")
    if mode == "trunk":
        return {"mode": "trunk", "vlan": _int_arg(lines, "switchport trunk native vlan ") or 1,
                "voice_vlan": None,
                "allowed_vlans": _allowed([t for t in lines
                                           if t.startswith("switchport trunk allowed vlan ")]),
                "description": desc, "enabled": enabled}
    return {"mode": mode, "vlan": _int_arg(lines, "switchport access vlan ") or 1,
            "voice_vlan": _int_arg(lines, "switchport voice vlan "), "allowed_vlans": None,
            "description": desc, "enabled": enabled}


def _svi_address(lines: list[str]) -> str | None:
    for t in lines:
        m = re.fullmatch(r"ip address (\S+) (\S+)", t)
        if m:
            try:
                return str(ipaddress.IPv4Interface(f"{m[1]}/{m[2]}")).replace(" ", "")
            except ValueError:
                return None
    return None


def parse_running_config(text: str) -> Json:
    """The platform-neutral inspect shape: `{"vlans", "ports", "svis"}`."""
    tree = get_hconfig(Platform.CISCO_IOS, text)
    children = list(tree.children)
    interfaces = [(c.text.split(None, 1)[1], [x.text for x in c.children]) for c in children
                  if c.text.startswith("interface ") and len(c.text.split()) == 2]
    routed_default = any("switchport" in lines for _, lines in interfaces)
    ports: Json = {}
    svis: dict[int, Json] = {}
    for name, lines in interfaces:
        m = _SVI_RE.fullmatch(name)
        if m:
            svis[int(m[1])] = {"address": _svi_address(lines)}
        else:
            ports[name] = _port(name, lines, routed_default)
    vlans = _vlan_blocks(children)
    return {"vlans": {str(v): vlans[v] for v in sorted(vlans)}, "ports": ports,
            "svis": {str(v): svis[v] for v in sorted(svis)}}


@lru_cache(maxsize=4)
def _template(name: str) -> str:
    return (Path(_get_template_dir()) / name).read_text()


def parse_show_vlan(text: str) -> list[dict[str, Any]]:
    """`show vlan brief` through ntc-templates' own template (without loading its whole
    index, which costs half a second per process)."""
    import io

    fsm = textfsm.TextFSM(io.StringIO(_template("cisco_ios_show_vlan.textfsm")))
    return [{k.lower(): v for k, v in row.items()} for row in fsm.ParseTextToDicts(text)]


def vlans_from_show_vlan(records: Sequence[Mapping[str, Any]]) -> Json:
    """ntc-templates `show vlan brief` records -> inspect VLANs (defaults and 1 left out).

    IOS names an unnamed VLAN `VLAN0120`; that reads as no name, as in the running-config.
    """
    out: dict[int, Json] = {}
    for rec in records:
        vid = int(rec["vlan_id"])
        if vid in DEFAULT_VLAN_NAMES:
            continue
        name = rec.get("vlan_name") or rec.get("name") or None
        out[vid] = {"name": None if name == f"VLAN{vid:04d}" else name}
    return {str(v): out[v] for v in sorted(out)}
