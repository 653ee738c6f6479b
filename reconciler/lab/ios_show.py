"""IOS show-command text for the emulated switch, in the layout real Catalysts print.

Checked against real captures by parsing both with the same ntc-templates parsers
(tests/lab/test_ios_emulator.py).
"""

from __future__ import annotations

from reconciler.lab.ios_config import DEFAULT_VLANS, Interface, IosConfig, vlan_items
from reconciler.switching.hardware import SwitchModel

SHORT = (("TwentyFiveGigE", "Twe"), ("TwoGigabitEthernet", "Tw"), ("FiveGigabitEthernet", "Fi"),
         ("TenGigabitEthernet", "Te"), ("FortyGigabitEthernet", "Fo"), ("HundredGigE", "Hu"),
         ("GigabitEthernet", "Gi"), ("FastEthernet", "Fa"), ("Port-channel", "Po"))
LONG_PREFIXES = tuple(long for long, _ in SHORT)


def short_name(name: str) -> str:
    for long, short in SHORT:
        if name.startswith(long):
            return short + name[len(long):]
    return name


def vlan_name(cfg: IosConfig, vid: int) -> str:
    name = cfg.vlans.get(vid) or DEFAULT_VLANS.get(vid)
    return name if name else f"VLAN{vid:04d}"


def _access_like(i: Interface) -> bool:
    return i.switched and i.mode != "trunk"


def show_vlan_brief(cfg: IosConfig) -> str:
    members: dict[int, list[str]] = {}
    for i in cfg.interfaces.values():
        if not _access_like(i):
            continue
        for vid in {i.access_vlan or 1, *([i.voice_vlan] if i.voice_vlan else [])}:
            if cfg.vlan_exists(vid):
                members.setdefault(vid, []).append(short_name(i.name))
    lines = ["", "VLAN Name                             Status    Ports",
             "---- -------------------------------- --------- -------------------------------"]
    for vid in sorted({*cfg.vlans, *DEFAULT_VLANS}):
        status = "act/unsup" if 1002 <= vid <= 1005 else "active"
        ports = members.get(vid, [])
        head = f"{vid:<4} {vlan_name(cfg, vid):<32} {status:<9} "
        chunks = [ports[k:k + 4] for k in range(0, len(ports), 4)] or [[]]
        lines.append((head + ", ".join(chunks[0])).rstrip() if ports else head)
        lines += [" " * 48 + ", ".join(c) for c in chunks[1:]]
    return "\n".join(lines) + "\n"


def _wrap_list(head: str, items: list[str], indent: str = "     ", limit: int = 80) -> list[str]:
    """IOS's show wrap: a trailing comma, the rest on indented lines, under `limit`."""
    lines, cur, fresh = [], head, True
    for k, item in enumerate(items):
        piece = item + ("," if k < len(items) - 1 else "")
        if len(cur) + len(piece) > limit and not fresh:
            lines.append(cur)
            cur = indent
        cur += piece
        fresh = False
    lines.append(cur)
    return lines


def _vlan_label(cfg: IosConfig, vid: int) -> str:
    return f"{vid} ({vlan_name(cfg, vid) if cfg.vlan_exists(vid) else 'Inactive'})"


def _switchport(cfg: IosConfig, i: Interface) -> list[str]:
    admin = {"access": "static access", "trunk": "trunk"}.get(i.mode or "", i.mode or
                                                              "dynamic auto")
    if i.shutdown:
        oper = "down"
    elif i.mode == "trunk":
        oper = "trunk"
    else:
        oper = "static access"
    enc = i.encapsulation or ("dot1q" if i.mode == "trunk" else "negotiate")
    trunk_vlans = (["ALL"] if i.allowed is None else vlan_items(i.allowed) or ["NONE"])
    return [
        f"Name: {short_name(i.name)}",
        "Switchport: Enabled",
        f"Administrative Mode: {admin}",
        f"Operational Mode: {oper}",
        f"Administrative Trunking Encapsulation: {enc}",
        f"Operational Trunking Encapsulation: {'dot1q' if oper == 'trunk' else 'native'}",
        f"Negotiation of Trunking: {'Off' if i.nonegotiate or i.mode == 'access' else 'On'}",
        f"Access Mode VLAN: {_vlan_label(cfg, i.access_vlan or 1)}",
        f"Trunking Native Mode VLAN: {_vlan_label(cfg, i.native_vlan or 1)}",
        "Administrative Native VLAN tagging: enabled",
        "Voice VLAN: " + (_vlan_label(cfg, i.voice_vlan) if i.voice_vlan else "none"),
        "Administrative private-vlan host-association: none ",
        "Administrative private-vlan mapping: none ",
        "Administrative private-vlan trunk native VLAN: none",
        "Administrative private-vlan trunk Native VLAN tagging: enabled",
        "Administrative private-vlan trunk encapsulation: dot1q",
        "Administrative private-vlan trunk normal VLANs: none",
        "Administrative private-vlan trunk associations: none",
        "Administrative private-vlan trunk mappings: none",
        "Operational private-vlan: none",
        *_wrap_list("Trunking VLANs Enabled: ", trunk_vlans),
        "Pruning VLANs Enabled: 2-1001",
        "Capture Mode Disabled",
        "Capture VLANs Allowed: ALL",
        "",
        "Protected: false",
        "Unknown unicast blocked: disabled",
        "Unknown multicast blocked: disabled",
        "Appliance trust: none",
        "",
    ]


def show_interfaces_switchport(cfg: IosConfig, only: str | None = None) -> str:
    lines: list[str] = []
    for i in cfg.interfaces.values():
        if i.switched and (only is None or i.name == only):
            lines += _switchport(cfg, i)
    return "\n".join(lines) + "\n"


def show_running_config(cfg: IosConfig) -> str:
    body = "!\n" + cfg.render()
    return f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n{body}"


def show_startup_config(cfg: IosConfig) -> str:
    body = "!\n" + cfg.render()
    return f"Using {len(body)} out of 524288 bytes\n{body}"


def show_version(cfg: IosConfig, serial: str, model: SwitchModel) -> str:
    """The model's own identity (its software and hardware lines come from the catalogue)."""
    sv = model.show_version
    return (
        f"{sv['banner']}\n"
        "Technical Support: http://www.cisco.com/techsupport\n"
        "Copyright (c) 1986-2023 by Cisco Systems, Inc.\n\n"
        f"ROM: {sv['rom']}\n"
        f"{cfg.hostname} uptime is 4 weeks, 2 days, 3 hours, 12 minutes\n"
        "System returned to ROM by power-on\n"
        "System restarted at 08:47:50 UTC Mon Nov 2 2026\n"
        f"System image file is \"{sv['image']}\"\n"
        "Last reload reason: power-on\n\n"
        f"cisco {model.name} ({sv['processor']}) processor (revision V06) with 524288K bytes "
        "of memory.\n"
        f"Processor board ID {serial}\n"
        "Configuration register is 0xF\n"
    )
