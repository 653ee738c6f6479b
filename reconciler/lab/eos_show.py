"""Outputs of the emulated `show` commands, in eAPI JSON and in CLI text.

JSON shapes follow real captures (`show vlan` from NAPALM's EOS fixtures, `show interfaces
status` from a physical switch, `show interfaces switchport` from fake-switches).
"""

from __future__ import annotations

import difflib
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from reconciler.lab.eos_cli import MAX_PENDING_SESSIONS, Session
from reconciler.lab.eos_config import EosConfig, Interface
from reconciler.lab.eos_names import (
    default_vlan_name,
    format_vlan_list,
    short_name,
    sort_key,
)
from reconciler.lab.eos_quiet import address_entry, interface_counters, interface_statistics
from reconciler.lab.eos_render import render_body

Json = dict[str, Any]
STATUS_IFTYPES = ("Ethernet", "Port-Channel", "Management")


@dataclass
class Platform:
    """Fixed facts of the emulated box (what `show version` reports)."""

    name: str
    model: str = "vEOS-lab"
    version: str = "4.32.2F"
    serial: str = ""
    boot_time: float = field(default_factory=time.time)

    @property
    def mac(self) -> str:
        digest = hashlib.sha256(self.name.encode()).digest()
        return "52:54:00:" + ":".join(f"{b:02x}" for b in digest[:3])

    def header(self, command: str, hostname: str | None) -> list[str]:
        return [
            f"! Command: {command}",
            f"! device: {hostname or 'localhost'} ({self.model}, EOS-{self.version})",
            "!",
            "! boot system flash:/vEOS-lab.swi",
            "!",
        ]


def show_version(plat: Platform) -> tuple[Json, str]:
    uptime = time.time() - plat.boot_time
    data: Json = {
        "mfgName": "Arista",
        "modelName": plat.model,
        "hardwareRevision": "",
        "serialNumber": plat.serial,
        "systemMacAddress": plat.mac,
        "hwMacAddress": "00:00:00:00:00:00",
        "configMacAddress": "00:00:00:00:00:00",
        "version": plat.version,
        "architecture": "x86_64",
        "internalVersion": f"{plat.version}-lab",
        "internalBuildId": "00000000-0000-0000-0000-000000000000",
        "imageFormatVersion": "1.0",
        "imageOptimization": "None",
        "bootupTimestamp": plat.boot_time,
        "uptime": uptime,
        "memTotal": 2006240,
        "memFree": 1112432,
        "isIntlVersion": False,
    }
    text = (
        f"Arista {plat.model}\nHardware version: \nSerial number: {plat.serial}\n"
        f"Hardware MAC address: {plat.mac}\nSystem MAC address: {plat.mac}\n\n"
        f"Software image version: {plat.version}\nArchitecture: x86_64\n"
        f"Internal build version: {plat.version}-lab\n\n"
        f"Uptime: {int(uptime // 60)} minutes\nTotal memory: 2006240 kB\nFree memory: 1112432 kB\n"
    )
    return data, text


def show_hostname(cfg: EosConfig) -> tuple[Json, str]:
    name = cfg.hostname or "localhost"
    return {"hostname": name, "fqdn": name}, f"Hostname: {name}\nFQDN:     {name}\n"


# ---------------------------------------------------------------- L2 state


def lag_members(cfg: EosConfig) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for name in sorted(cfg.interfaces, key=sort_key):
        group = cfg.interfaces[name].channel_group()
        if group is not None:
            members.setdefault(f"Port-Channel{group}", []).append(name)
    return members


def is_up(cfg: EosConfig, intf: Interface, lags: dict[str, list[str]]) -> bool:
    """Links are assumed cabled; a LAG is up when one member is up."""
    if intf.shutdown:
        return False
    if intf.kind == "Port-Channel":
        return any(not cfg.interfaces[m].shutdown for m in lags.get(intf.name, []))
    return True


def port_vlans(intf: Interface, existing: set[int]) -> set[int]:
    """Existing VLANs a switchport carries, by mode (phone trunks: native and phone VLAN)."""
    if not intf.l2 or not intf.switchport or intf.channel_group() is not None:
        return set()
    if intf.mode in ("access", "dot1q-tunnel"):
        carried = {intf.access_vlan}
    elif intf.mode == "trunk":
        carried = existing if intf.allowed is None else set(intf.allowed)
    elif intf.mode == "trunk phone":
        carried = {intf.native_vlan} | ({intf.phone_vlan} if intf.phone_vlan else set())
    else:
        carried = set()
    return carried & existing


def _trunk_groups(lines: list[str], prefix: str) -> set[str]:
    return {t.split()[-1] for t in lines if t.startswith(prefix)}


def vlan_members(cfg: EosConfig, configured: bool = False) -> dict[int, list[str]]:
    """Ports per VLAN as `show vlan` lists them: only ports that are up unless `configured`.

    A VLAN placed in a trunk group is carried only by trunks in that group (MLAG peer links).
    """
    lags = lag_members(cfg)
    members: dict[int, list[str]] = {vid: [] for vid in cfg.vlans}
    vlan_groups = {vid: _trunk_groups(v.extra, "trunk group ") for vid, v in cfg.vlans.items()}
    existing = set(cfg.vlans)
    for name in sorted(cfg.interfaces, key=sort_key):
        intf = cfg.interfaces[name]
        if not configured and not is_up(cfg, intf, lags):
            continue
        port_groups = _trunk_groups(intf.extras_in_order(), "switchport trunk group ")
        for vid in sorted(port_vlans(intf, existing)):
            vlan = cfg.vlans.get(vid)
            if vlan is None or not (configured or vlan.state == "active"):
                continue
            if intf.mode.startswith("trunk") and vlan_groups[vid] and not (
                vlan_groups[vid] & port_groups
            ):
                continue
            members[vid].append(name)
    return members


def show_vlan(cfg: EosConfig, vids: list[int] | None = None,
              configured: bool = False) -> tuple[Json, str]:
    members = vlan_members(cfg, configured)
    shown = [v for v in sorted(cfg.vlans) if vids is None or v in vids]
    data: Json = {"vlans": {}, "sourceDetail": ""}
    rows = ["VLAN  Name                             Status    Ports",
            "----- -------------------------------- --------- -------------------------------"]
    for vid in shown:
        vlan = cfg.vlans[vid]
        name = vlan.name if vlan.name is not None else default_vlan_name(vid)
        status = "active" if vlan.state == "active" else "suspended"
        data["vlans"][str(vid)] = {
            "status": status,
            "name": name,
            "interfaces": {m: {"privatePromoted": False} for m in members[vid]},
            "dynamic": False,
        }
        chunks: list[str] = []  # the Ports column wraps at 31 characters
        for port in (short_name(m) for m in members[vid]):
            if chunks and len(chunks[-1]) + len(port) + 3 <= 31:
                chunks[-1] += f", {port}"
            else:
                chunks.append(port)
        chunks = [c + "," for c in chunks[:-1]] + chunks[-1:]
        first = f"{vid:<5} {name:<32} {status:<9} {chunks[0] if chunks else ''}".rstrip()
        rows.append(first)
        rows.extend(" " * 49 + chunk for chunk in chunks[1:])
    return data, "\n".join(rows) + "\n"


def _vlan_label(cfg: EosConfig, vid: int) -> str:
    vlan = cfg.vlans.get(vid)
    if vlan is None:
        return "inactive"
    return vlan.name if vlan.name is not None else default_vlan_name(vid)


def show_switchport(cfg: EosConfig, names: list[str] | None = None) -> tuple[Json, str]:
    data: Json = {"switchports": {}, "sourceDetail": ""}
    text = ["Default switchport mode: access", ""]
    for name in sorted(cfg.interfaces, key=sort_key):
        intf = cfg.interfaces[name]
        if not intf.l2 or not intf.switchport or (names is not None and name not in names):
            continue
        allowed = ("ALL" if intf.allowed is None else
                   format_vlan_list(intf.allowed) if intf.allowed else "NONE")
        mode = "trunk" if intf.mode == "trunk phone" else intf.mode
        info: Json = {
            "accessVlanId": intf.access_vlan,
            "accessVlanName": _vlan_label(cfg, intf.access_vlan),
            "dot1qVlanTagRequired": False,
            "dot1qVlanTagRequiredStatus": False,
            "dynamicAllowedVlans": {},
            "dynamicTrunkGroups": [],
            "macLearning": True,
            "mode": mode,
            "sourceportFilterMode": "enabled",
            "staticTrunkGroups": [t.split()[-1] for t in intf.extras_in_order()
                                  if t.startswith("switchport trunk group ")],
            "tpid": "0x8100",
            "tpidStatus": True,
            "trunkAllowedVlans": allowed,
            "trunkingNativeVlanId": intf.native_vlan,
            "trunkingNativeVlanName": _vlan_label(cfg, intf.native_vlan),
        }
        if intf.mode == "trunk phone" or intf.phone_vlan is not None:
            info["phoneTrunk"] = intf.mode == "trunk phone"
            info["phoneVlan"] = intf.phone_vlan or 0
        data["switchports"][name] = {"enabled": True, "switchportInfo": info}
        admin = "static access" if intf.mode == "access" else intf.mode
        text += [
            f"Name: {short_name(name)}", "Switchport: Enabled",
            f"Administrative Mode: {admin}", f"Operational Mode: {admin}",
            "MAC Address Learning: enabled", "Dot1q ethertype/TPID: 0x8100 (active)",
            "Dot1q Vlan Tag Required (Administrative/Operational): No/No",
            f"Access Mode VLAN: {intf.access_vlan} ({info['accessVlanName']})",
            f"Trunking Native Mode VLAN: {intf.native_vlan} ({info['trunkingNativeVlanName']})",
            "Administrative Native VLAN tagging: disabled",
            f"Trunking VLANs Enabled: {allowed}",
            "Static Trunk Groups: " + ", ".join(info["staticTrunkGroups"]),
            "Dynamic Trunk Groups:", "Source interface filtering: enabled", "",
        ]
    return data, "\n".join(line.rstrip() for line in text) + "\n"


def show_interfaces_status(cfg: EosConfig, names: list[str] | None = None) -> tuple[Json, str]:
    lags = lag_members(cfg)
    data: Json = {"interfaceStatuses": {}}
    rows = ["Port       Name                   Status       Vlan        Duplex  Speed Type"]
    for name in sorted(cfg.interfaces, key=sort_key):
        intf = cfg.interfaces[name]
        if intf.kind not in STATUS_IFTYPES or (names is not None and name not in names):
            continue
        up = is_up(cfg, intf, lags)
        link = "disabled" if intf.shutdown else "connected" if up else "notconnect"
        group = intf.channel_group()
        vinfo: Json
        if group is not None:
            vinfo = {"vlanExplanation": f"in Po{group}", "interfaceForwardingModel": "dataLink"}
            column = f"in Po{group}"
        elif not intf.l2 or not intf.switchport:
            vinfo = {"interfaceMode": "routed", "interfaceForwardingModel": "routed"}
            column = "routed"
        elif intf.mode.startswith("trunk"):
            vinfo = {"interfaceMode": "trunk", "interfaceForwardingModel": "bridged"}
            column = "trunk"
        else:
            vinfo = {"interfaceMode": "bridged", "vlanId": intf.access_vlan,
                     "interfaceForwardingModel": "bridged"}
            column = str(intf.access_vlan)
        kind = {"Ethernet": "10GBASE-T", "Port-Channel": "N/A"}.get(intf.kind, "10/100/1000")
        if intf.kind == "Management":
            bandwidth = 1_000_000_000
        elif intf.kind == "Port-Channel":  # sum of 10G members
            bandwidth = 10_000_000_000 * len(lags.get(name, []))
        else:
            bandwidth = 10_000_000_000
        data["interfaceStatuses"][name] = {
            "vlanInformation": vinfo,
            "bandwidth": bandwidth if up else 0,
            "interfaceType": kind,
            "description": intf.description or "",
            "autoNegotiateActive": False,
            "autoNegotigateActive": False,  # sic: real EOS sends both spellings
            "duplex": "duplexFull",
            "linkStatus": link,
            "lineProtocolStatus": "up" if up else "down",
        }
        speed = "1G" if intf.kind == "Management" else "10G"
        desc = (intf.description or "")[:22]
        rows.append(f"{short_name(name):<10} {desc:<22} {link:<12} {column:<11} "
                    f"{'full':<7} {speed:<5} {kind}")
    return data, "\n".join(rows) + "\n"


def show_interfaces(cfg: EosConfig, plat: Platform,
                    names: list[str] | None = None) -> tuple[Json, str]:
    lags = lag_members(cfg)
    data: Json = {"interfaces": {}}
    text: list[str] = []
    for idx, name in enumerate(sorted(cfg.interfaces, key=sort_key)):
        if names is not None and name not in names:
            continue
        intf = cfg.interfaces[name]
        up = is_up(cfg, intf, lags)
        addrs = [address_entry(intf.ip_address)] if intf.ip_address else []
        mac = plat.mac[:-2] + f"{(idx + 1) % 256:02x}"
        data["interfaces"][name] = {
            "name": name,
            "description": intf.description or "",
            "interfaceStatus": "disabled" if intf.shutdown else "connected" if up else "notconnect",
            "lineProtocolStatus": "up" if up else "down",
            "forwardingModel": ("dataLink" if intf.channel_group() is not None else
                                "bridged" if intf.l2 and intf.switchport else "routed"),
            "hardware": {"Port-Channel": "portChannel", "Vlan": "vlan",
                         "Loopback": "loopback"}.get(intf.kind, "ethernet"),
            "mtu": 1500,
            "bandwidth": 10_000_000_000 if up else 0,
            "physicalAddress": mac,
            "burnedInAddress": mac,
            "interfaceAddress": addrs,
            "lastStatusChangeTimestamp": plat.boot_time,
            "duplex": "duplexFull", "autoNegotiate": "unknown", "loopbackMode": "loopbackNone",
            "interfaceCounters": interface_counters(plat.boot_time),
            "interfaceStatistics": interface_statistics(),
        }
        state = "up" if up else "down"
        text += [f"{name} is {state}, line protocol is {state}",
                 f"  Description: {intf.description or ''}"]
    return data, "\n".join(text) + "\n"


def show_ip_interface_brief(cfg: EosConfig) -> tuple[Json, str]:
    lags = lag_members(cfg)
    data: Json = {"interfaces": {}}
    rows = ["Interface         IP Address            Status      Protocol          MTU",
            "----------------- --------------------- ----------- ------------- ---------"]
    for name in sorted(cfg.interfaces, key=sort_key):
        intf = cfg.interfaces[name]
        if intf.l2 and intf.switchport:
            continue
        up = is_up(cfg, intf, lags)
        addr, _, length = (intf.ip_address or "0.0.0.0/0").partition("/")
        data["interfaces"][name] = {
            "name": name,
            "interfaceStatus": "connected" if up else "disabled",
            "lineProtocolStatus": "up" if up else "down",
            "mtu": 1500,
            "interfaceAddress": {"ipAddr": {"address": addr, "maskLen": int(length)}},
        }
        shown = intf.ip_address or "unassigned"
        state = "up" if up else "down"
        rows.append(f"{name:<17} {shown:<21} {state:<11} {state:<13} {1500:>9}")
    return data, "\n".join(rows) + "\n"


def show_port_channel(cfg: EosConfig, group: int | None) -> str:
    lags = lag_members(cfg)
    out: list[str] = []
    for name in sorted(lags, key=sort_key):
        if group is not None and name != f"Port-Channel{group}":
            continue
        out += [f"Port Channel {name}:", "  Active Ports: " + " ".join(lags[name])]
    return "\n".join(out) + "\n"


def session_diff(running: EosConfig, session: EosConfig, name: str) -> str:
    lines = difflib.unified_diff(
        render_body(running), render_body(session),
        fromfile="system:/running-config", tofile=f"session:/{name}-session-config",
        lineterm="",
    )
    text = "\n".join(lines)
    return text + "\n" if text else ""


def show_sessions(sessions: dict[str, Session], limit: int = MAX_PENDING_SESSIONS
                  ) -> tuple[Json, str]:
    data: Json = {"maxSavedSessions": 1, "maxOpenSessions": limit, "sessions": {}}
    rows = ["Maximum number of completed sessions: 1",
            f"Maximum number of pending sessions: {limit}", "",
            "  Name                 State         User    Terminal",
            "  -------------------- ------------- ------- --------"]
    for name, session in sorted(sessions.items()):
        data["sessions"][name] = {"state": session.state, "completedTime": 0,
                                  "commitUser": "", "description": "", "instances": {}}
        rows.append(f"  {name:<20} {session.state:<13}")
    return data, "\n".join(row.rstrip() for row in rows) + "\n"
