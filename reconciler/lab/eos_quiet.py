"""What a quiet real EOS switch answers where clients ask for traffic and neighbours.

The lab's links carry no traffic and see no neighbours, so counters are zero and the MAC,
ARP and LLDP tables are empty, in the shapes a physical switch returns (a real
`runCmds` capture in the shared test data: `show interfaces`, `show interfaces counters`,
`show mac address-table`). Clients such as napalm's `get_interfaces_counters` and
Ansible's `eos_facts` read these without a special case.
"""

from __future__ import annotations

import time
from typing import Any

from reconciler.lab.eos_config import EosConfig, Interface
from reconciler.lab.eos_names import short_name, sort_key

Json = dict[str, Any]
_COUNTERS = ("inOctets", "inUcastPkts", "inMulticastPkts", "inBroadcastPkts", "inDiscards",
             "outOctets", "outUcastPkts", "outMulticastPkts", "outBroadcastPkts", "outDiscards")


def interface_counters(since: float) -> Json:
    """`interfaceCounters` of one interface in `show interfaces`: nothing since boot."""
    data: Json = {name: 0 for name in _COUNTERS}
    data.update({
        "linkStatusChanges": 1, "totalInErrors": 0, "totalOutErrors": 0,
        "counterRefreshTime": since,
        "inputErrorsDetail": {"runtFrames": 0, "rxPause": 0, "fcsErrors": 0,
                              "alignmentErrors": 0, "giantFrames": 0, "symbolErrors": 0},
        "outputErrorsDetail": {"deferredTransmissions": 0, "txPause": 0, "collisions": 0,
                               "lateCollisions": 0},
    })
    return data


def interface_statistics() -> Json:
    return {"inBitsRate": 0.0, "inPktsRate": 0.0, "outBitsRate": 0.0, "outPktsRate": 0.0,
            "updateInterval": 300}


def address_entry(prefix: str) -> Json:
    """One `interfaceAddress` entry, as EOS lists it for a routed interface."""
    addr, _, length = prefix.partition("/")
    return {"primaryIp": {"address": addr, "maskLen": int(length)}, "secondaryIps": {},
            "secondaryIpsOrderedList": [], "virtualIp": {"address": "0.0.0.0", "maskLen": 0},
            "virtualSecondaryIps": {}, "virtualSecondaryIpsOrderedList": [],
            "broadcastAddress": "255.255.255.255", "dhcp": False}


def show_interfaces_counters(cfg: EosConfig) -> tuple[Json, str]:
    data: Json = {"interfaces": {}}
    rows = ["Port             InOctets    InUcastPkts    InMcastPkts    InBcastPkts",
            ""]
    out = ["Port            OutOctets   OutUcastPkts   OutMcastPkts   OutBcastPkts"]
    for name in sorted(cfg.interfaces, key=sort_key):
        if cfg.interfaces[name].kind not in ("Ethernet", "Port-Channel", "Management"):
            continue
        data["interfaces"][name] = {k: 0 for k in _COUNTERS}
        rows.insert(-1, f"{short_name(name):<14} {0:>10} {0:>14} {0:>14} {0:>14}")
        out.append(f"{short_name(name):<14} {0:>10} {0:>14} {0:>14} {0:>14}")
    return data, "\n".join(rows + out) + "\n"


def show_interfaces_counters_errors(cfg: EosConfig) -> tuple[Json, str]:
    fields = ("fcsErrors", "alignmentErrors", "symbolErrors", "inErrors", "frameTooShorts",
              "frameTooLongs", "outErrors")
    data: Json = {"interfaceErrorCounters": {}}
    rows = ["Port             FCS      Align     Symbol    Rx     Runts    Giants     Tx"]
    for name in sorted(cfg.interfaces, key=sort_key):
        if cfg.interfaces[name].kind not in ("Ethernet", "Port-Channel", "Management"):
            continue
        data["interfaceErrorCounters"][name] = {k: 0 for k in fields}
        rows.append(f"{short_name(name):<14} " + " ".join(f"{0:>8}" for _ in fields))
    return data, "\n".join(rows) + "\n"


def show_mac_address_table() -> tuple[Json, str]:
    text = ("          Mac Address Table\n------------------------------------------------------"
            "------------\n\nVlan    Mac Address       Type        Ports      Moves   Last Move\n"
            "----    -----------       ----        -----      -----   ---------\n"
            "Total Mac Addresses for this criterion: 0\n\n          Multicast Mac Address Table\n"
            "------------------------------------------------------------------\n\n"
            "Vlan    Mac Address       Type        Ports\n"
            "----    -----------       ----        -----\n"
            "Total Mac Addresses for this criterion: 0\n")
    return {"multicastTable": {"tableEntries": []}, "unicastTable": {"tableEntries": []}}, text


def show_arp(vrf_all: bool) -> tuple[Json, str]:
    table: Json = {"ipV4Neighbors": [], "dynamicEntries": 0, "staticEntries": 0,
                   "totalEntries": 0, "notLearnedEntries": 0}
    text = "Address         Age (sec)  Hardware Addr   Interface\n"
    if vrf_all:
        return {"vrfs": {"default": table}}, "VRF: default\n" + text
    return table, text


def show_lldp_neighbors(cfg: EosConfig, detail: bool, boot: float) -> tuple[Json, str]:
    if detail:
        data: Json = {"lldpNeighbors": {
            name: {"lldpNeighborInfo": []} for name in sorted(cfg.interfaces, key=sort_key)
            if cfg.interfaces[name].kind in ("Ethernet", "Management")}}
        return data, ""
    data = {"tablesLastChangeTime": boot, "tablesAgeOuts": 0, "tablesInserts": 0,
            "tablesDeletes": 0, "tablesDrops": 0, "lldpNeighbors": []}
    text = (f"Last table change time   : {_ago(boot)}\nNumber of table inserts  : 0\n"
            "Number of table deletes  : 0\nNumber of table drops    : 0\n"
            "Number of table age-outs : 0\n\n"
            "Port          Neighbor Device ID       Neighbor Port ID    TTL\n"
            "------------- ------------------------ ------------------- ---\n")
    return data, text


def _ago(since: float) -> str:
    seconds = int(time.time() - since)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d} ago"


def show_ip_interface(cfg: EosConfig, up: Any, names: list[str] | None) -> tuple[Json, str]:
    """Routed interfaces with their addresses (`show ip interface`)."""
    data: Json = {"interfaces": {}}
    text: list[str] = []
    for name in sorted(cfg.interfaces, key=sort_key):
        intf: Interface = cfg.interfaces[name]
        if (intf.l2 and intf.switchport) or (names is not None and name not in names):
            continue
        state = "up" if up(intf) else "down"
        entry = address_entry(intf.ip_address) if intf.ip_address else {
            **address_entry("0.0.0.0/0"), "broadcastAddress": "255.255.255.255"}
        data["interfaces"][name] = {
            "name": name, "lineProtocolStatus": state,
            "interfaceStatus": "connected" if state == "up" else "disabled",
            "mtu": 1500, "interfaceAddressBrief": entry["primaryIp"],
            "interfaceAddress": entry, "ipv4Routable240": False, "ipv4Routable0": False,
            "enabled": not intf.shutdown, "description": intf.description or "",
            "proxyArp": False, "localProxyArp": False, "gratuitousArp": False,
            "urpf": "disable", "directedBroadcastEnabled": False, "maxMssIngress": 0,
            "maxMssEgress": 0}
        text += [f"{name} is {state}, line protocol is {state} (connected)",
                 f"  Internet address is {intf.ip_address or 'unassigned'}",
                 "  Broadcast address is 255.255.255.255", "  IP MTU 1500 bytes"]
    return data, "\n".join(text) + "\n"


NO_IPV6 = "No IPv6 configured interfaces"


def dir_text(files: dict[str, str]) -> str:
    rows = ["Directory of flash:/", ""]
    rows += [f"       -rwx {len(text):>12}           Jan  1 00:00  {name}"
             for name, text in sorted(files.items())]
    rows += ["", "4025892864 bytes total (3225395200 bytes free)"]
    return "\n".join(rows) + "\n"
