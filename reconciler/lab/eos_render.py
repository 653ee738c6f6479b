"""Render an `EosConfig` as EOS `show running-config [all]` text, and its output filters."""

from __future__ import annotations

import re

from reconciler.lab.eos_config import (
    R_ACCESS,
    R_ALLOWED,
    R_DESC,
    R_HELPER,
    R_IP,
    R_MODE,
    R_NATIVE,
    R_NOSW,
    R_PHONE,
    R_SHUT,
    R_SW,
    EosConfig,
    Interface,
    Item,
    Marker,
    Raw,
    Vlan,
)
from reconciler.lab.eos_global import MARKER_ORDER, group_of, order_key
from reconciler.lab.eos_names import default_vlan_name, format_vlan_list, sort_key

INDENT = "   "
# What `show running-config all` prints for MLAG on a switch that has none configured.
MLAG_DEFAULTS = Raw(("mlag configuration", "   no domain-id", "   heartbeat-interval 4000",
                     "   no local-interface", "   no peer-address", "   no peer-address heartbeat",
                     "   no peer-link", "   reload-delay mode lacp standby", "   no shutdown"))


def interface_lines(intf: Interface, all_defaults: bool = False) -> list[str]:
    """Child lines of one interface block, defaults hidden unless `all_defaults`."""
    slots: list[tuple[int, int, int, str]] = []

    def add(rank: int, text: str) -> None:
        slots.append((rank, 0, len(slots), text))

    if intf.description is not None:
        add(R_DESC, f"description {intf.description}")
    elif all_defaults:
        add(R_DESC, "no description")
    if intf.shutdown:
        add(R_SHUT, "shutdown")
    elif all_defaults:
        add(R_SHUT, "no shutdown")
    if intf.l2:
        if not intf.switchport:
            add(R_NOSW, "no switchport")
        if intf.access_vlan != 1 or all_defaults:
            add(R_ACCESS, f"switchport access vlan {intf.access_vlan}")
        if intf.native_vlan != 1 or all_defaults:
            add(R_NATIVE, f"switchport trunk native vlan {intf.native_vlan}")
        if intf.phone_vlan is not None:
            add(R_PHONE, f"switchport phone vlan {intf.phone_vlan}")
        if intf.allowed is not None:
            allowed = format_vlan_list(intf.allowed) if intf.allowed else "none"
            add(R_ALLOWED, f"switchport trunk allowed vlan {allowed}")
        elif all_defaults:
            add(R_ALLOWED, "switchport trunk allowed vlan 1-4094")
        if intf.mode != "access" or all_defaults:
            add(R_MODE, f"switchport mode {intf.mode}")
        if intf.switchport and all_defaults:
            add(R_SW, "switchport")
    if intf.ip_address is not None:
        add(R_IP, f"ip address {intf.ip_address}")
    for helper in intf.helpers:
        add(R_HELPER, f"ip helper-address {helper}")
    for extra in intf.extra:
        slots.append((extra.rank, 1, extra.seq, extra.text))
    if all_defaults and intf.l2:  # spanning-tree edge settings, as `all` prints them
        extras = [e.text for e in intf.extra]
        for line, rank in (("no spanning-tree portfast", 200),
                           ("no spanning-tree bpduguard", 201)):
            if not any(t.startswith(line[3:]) for t in extras):
                slots.append((rank, 2, 0, line))
    return [INDENT + text for *_, text in sorted(slots)]


def vlan_lines(vlan: Vlan, all_defaults: bool = False) -> list[str]:
    lines: list[str] = []
    if vlan.name is not None or all_defaults:
        lines.append(f"name {vlan.name if vlan.name is not None else default_vlan_name(vlan.vid)}")
    if vlan.state != "active" or all_defaults:
        lines.append(f"state {vlan.state}")
    lines.extend(vlan.extra)
    return [INDENT + text for text in lines]


def _vlan_blocks(cfg: EosConfig, all_defaults: bool) -> list[list[str]]:
    blocks: list[list[str]] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            blocks.append([f"vlan {format_vlan_list(run)}"])
            run.clear()

    for vid in sorted(cfg.vlans):
        vlan = cfg.vlans[vid]
        if not all_defaults and vlan.is_bare():
            if vid == 1:
                continue
            if run and run[-1] != vid - 1:
                flush()
            run.append(vid)  # EOS collapses consecutive plain VLANs into `vlan 20-22`
            continue
        flush()
        blocks.append([f"vlan {vid}", *vlan_lines(vlan, all_defaults)])
    flush()
    return blocks


def _units(cfg: EosConfig, all_defaults: bool) -> list[tuple[int, int, Item]]:
    """Top-level items in EOS's own section order, whatever order they were typed in."""
    units: list[tuple[int, int, Item]] = []
    for idx, item in enumerate(cfg.items):
        if isinstance(item, Raw):
            units.append((order_key(item.header)[0], idx, item))
        elif item is not Marker.SEP:
            units.append((MARKER_ORDER[item], idx, item))
    if all_defaults and not any(isinstance(i, Raw) and i.header == "mlag configuration"
                                for i in cfg.items):
        units.append((order_key("mlag configuration")[0], len(cfg.items), MLAG_DEFAULTS))
    return sorted(units, key=lambda u: (u[0], u[1]))


def render_body(cfg: EosConfig, all_defaults: bool = False) -> list[str]:
    """Config lines after the `! Command:` header, ending with `end`.

    Sections come in EOS's order (not the order they were configured in); one-liners of
    one group stay together, anything else is separated by `!` as EOS prints it.
    """
    out: list[str] = []
    last_group: tuple[int, str] | None = None

    def sep() -> None:
        if out and out[-1] != "!":
            out.append("!")

    for rank, _, item in _units(cfg, all_defaults):
        if isinstance(item, Raw):
            group = group_of(rank, order_key(item.header)[1])
            if len(item.lines) > 1 or group != last_group:
                sep()
            out.extend(item.lines)
            last_group = None if len(item.lines) > 1 else group
            continue
        last_group = None
        if item is Marker.HOSTNAME:
            if cfg.hostname is not None:
                sep()
                out.append(f"hostname {cfg.hostname}")
                last_group = group_of(rank, "hostname")
        elif item is Marker.VLANS:
            for block in _vlan_blocks(cfg, all_defaults):
                sep()
                out.extend(block)
                out.append("!")
        elif item is Marker.INTERFACES:
            for name in sorted(cfg.interfaces, key=sort_key):
                sep()
                out.append(f"interface {name}")
                out.extend(interface_lines(cfg.interfaces[name], all_defaults))
                out.append("!")
    sep()
    out.append("end")
    return out


def render_config(cfg: EosConfig, header: list[str], all_defaults: bool = False) -> str:
    return "\n".join([*header, *render_body(cfg, all_defaults)]) + "\n"


# ---------------------------------------------------------------- output filters


def _blocks(lines: list[str]) -> list[list[str]]:
    """Top-level blocks: a header plus its indented children plus a trailing `!`."""
    blocks: list[list[str]] = []
    for line in lines:
        if line[:1] == " " or (line == "!" and blocks and blocks[-1][-1] != "!"):
            if blocks:
                blocks[-1].append(line)
            continue
        if line.startswith("!") or line == "end":
            continue
        blocks.append([line])
    return blocks


def section(lines: list[str], pattern: str) -> list[str]:
    """EOS `| section`: whole top-level blocks whose header or any child matches."""
    regex = re.compile(pattern)
    out: list[str] = []
    for block in _blocks(lines):
        if any(regex.search(line) for line in block if line != "!"):
            out.extend(block)
    return out


def apply_filters(text: str, filters: list[tuple[str, str]]) -> str:
    """Apply `| section|include|exclude|begin REGEX` filters in order."""
    if not filters or not text:
        return text
    lines = text.rstrip("\n").split("\n")
    for kind, pattern in filters:
        if kind == "section":
            lines = section(lines, pattern)
            continue
        regex = re.compile(pattern)
        if kind == "include":
            lines = [line for line in lines if regex.search(line)]
        elif kind == "exclude":
            lines = [line for line in lines if not regex.search(line)]
        elif kind == "begin":
            starts = [i for i, line in enumerate(lines) if regex.search(line)]
            lines = lines[starts[0]:] if starts else []
    return "\n".join(lines) + "\n" if lines else ""
