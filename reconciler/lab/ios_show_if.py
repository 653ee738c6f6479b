"""Interface-level show commands of an emulated Catalyst, as a quiet real switch answers.

Layouts are those of real captures (ntc-templates' test data, parsed by the same
templates in the third-party test suite). The lab's links are cabled and idle: a port
that is not shut down is up, and every counter is zero. Tables a switch fills from its
neighbours (MAC addresses, ARP, CDP, LLDP) hold only what the switch itself puts there.
"""

from __future__ import annotations

import hashlib
import ipaddress

from reconciler.lab.ios_config import DEFAULT_VLANS, Interface, IosConfig
from reconciler.lab.ios_show import short_name, vlan_name


def base_mac(serial: str) -> str:
    digest = hashlib.sha256(serial.encode()).hexdigest()
    return f"{digest[0:4]}.{digest[4:8]}.{digest[8:10]}"  # + two digits per interface


def _mac(serial: str, index: int) -> str:
    return f"{base_mac(serial)}{(index + 1) % 256:02x}"


def is_up(cfg: IosConfig, i: Interface) -> bool:
    if i.shutdown:
        return False
    if i.is_svi:
        vid = int(i.name[4:]) if i.name[4:].isdigit() else 0
        return cfg.vlan_exists(vid)
    return True


def _states(cfg: IosConfig, i: Interface) -> tuple[str, str, str]:
    """(status, protocol, the `(connected)` note of a switch port)."""
    if i.shutdown:
        return "administratively down", "down", "disabled"
    if is_up(cfg, i):
        return "up", "up", "connected"
    return "down", "down", "notconnect"


def _prefix(i: Interface) -> str | None:
    if not i.ip_address:
        return None
    addr, mask = i.ip_address.split()
    return str(ipaddress.IPv4Interface(f"{addr}/{mask}"))


_ZERO_COUNTERS = [
    "  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0",
    "  Queueing strategy: fifo",
    "  Output queue: 0/40 (size/max)",
    "  5 minute input rate 0 bits/sec, 0 packets/sec",
    "  5 minute output rate 0 bits/sec, 0 packets/sec",
    "     0 packets input, 0 bytes, 0 no buffer",
    "     Received 0 broadcasts (0 multicasts)",
    "     0 runts, 0 giants, 0 throttles",
    "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
]


def show_interfaces(cfg: IosConfig, serial: str, only: str | None = None) -> str:
    out: list[str] = []
    for idx, i in enumerate(cfg.interfaces.values()):
        if only is not None and i.name != only:
            continue
        status, proto, note = _states(cfg, i)
        mac = _mac(serial, idx)
        head = f"{i.name} is {status}, line protocol is {proto}"
        if i.is_svi or i.name.startswith("Loopback"):
            out.append(head)
            out.append(f"  Hardware is EtherSVI, address is {mac} (bia {mac})")
        else:
            out.append(f"{head} ({note})")
            out.append(f"  Hardware is Gigabit Ethernet, address is {mac} (bia {mac})")
        if i.description is not None:
            out.append(f"  Description: {i.description}")
        prefix = _prefix(i)
        if prefix:
            out.append(f"  Internet address is {prefix}")
        bw, dly = ("1000000 Kbit/sec", "10 usec") if i.is_svi else ("1000000 Kbit/sec",
                                                                      "10 usec")
        out += [f"  MTU 1500 bytes, BW {bw}, DLY {dly},",
                "     reliability 255/255, txload 1/255, rxload 1/255",
                "  Encapsulation ARPA, loopback not set"]
        if i.is_svi:
            out += ["  Keepalive not supported", "  ARP type: ARPA, ARP Timeout 04:00:00",
                    "  Last input never, output never, output hang never"]
        else:
            speed = "Full-duplex, 1000Mb/s" if status == "up" else "Auto-duplex, Auto-speed"
            out += ["  Keepalive set (10 sec)",
                    f"  {speed}, media type is 10/100/1000BaseTX",
                    "  input flow-control is off, output flow-control is unsupported",
                    "  ARP type: ARPA, ARP Timeout 04:00:00",
                    "  Last input never, output 00:00:01, output hang never"]
        out.append('  Last clearing of "show interface" counters never')
        out += _ZERO_COUNTERS
        if not i.is_svi:
            out += ["     0 watchdog, 0 multicast, 0 pause input",
                    "     0 input packets with dribble condition detected"]
        out += ["     0 packets output, 0 bytes, 0 underruns",
                "     0 output errors, 0 collisions, 0 interface resets" if not i.is_svi
                else "     0 output errors, 0 interface resets"]
        if not i.is_svi:
            out += ["     0 unknown protocol drops",
                    "     0 babbles, 0 late collision, 0 deferred",
                    "     0 lost carrier, 0 no carrier, 0 pause output"]
        out.append("     0 output buffer failures, 0 output buffers swapped out")
    return "\n".join(out) + "\n"


def show_interfaces_status(cfg: IosConfig, only: str | None = None) -> str:
    rows = ["", "Port      Name               Status       Vlan       Duplex  Speed Type"]
    for i in cfg.interfaces.values():
        if i.is_svi or i.name.startswith(("Loopback", "Tunnel")):
            continue
        if only is not None and i.name != only:
            continue
        _, _, note = _states(cfg, i)
        if i.routed:
            vlan = "routed"
        elif i.mode == "trunk":
            vlan = "trunk"
        else:
            vlan = str(i.access_vlan or 1)
        up = note == "connected"
        duplex, speed = ("a-full", "a-1000") if up else ("auto", "auto")
        name = (i.description or "")[:18]
        rows.append(f"{short_name(i.name):<10}{name:<19}{note:<13}{vlan:<11}{duplex:>6} "
                    f"{speed:>6} 10/100/1000BaseTX")
    return "\n".join(rows) + "\n"


def show_ip_interface_brief(cfg: IosConfig) -> str:
    rows = ["Interface              IP-Address      OK? Method Status                Protocol"]
    for i in cfg.interfaces.values():
        status, proto, _ = _states(cfg, i)
        addr = i.ip_address.split()[0] if i.ip_address else "unassigned"
        method = "NVRAM" if i.ip_address else "unset"
        rows.append(f"{i.name:<23}{addr:<16}YES {method:<7}{status:<22}{proto}")
    return "\n".join(rows) + "\n"


def show_ip_interface(cfg: IosConfig) -> str:
    out: list[str] = []
    for i in cfg.interfaces.values():
        status, proto, _ = _states(cfg, i)
        out.append(f"{i.name} is {status}, line protocol is {proto}")
        prefix = _prefix(i)
        if prefix is None:
            out.append("  Internet protocol processing disabled")
            continue
        out += [f"  Internet address is {prefix}",
                "  Broadcast address is 255.255.255.255",
                "  Address determined by non-volatile memory", "  MTU is 1500 bytes"]
        helpers = [x.split()[-1] for x in i.extra if x.startswith("ip helper-address ")]
        if helpers:
            out.append("  Helper addresses are " + helpers[0])
            out += [f"                       {h}" for h in helpers[1:]]
        else:
            out.append("  Helper address is not set")
        out += ["  Directed broadcast forwarding is disabled",
                "  Outgoing access list is not set", "  Inbound  access list is not set",
                "  Proxy ARP is enabled", "  Local Proxy ARP is disabled",
                "  Security level is default", "  Split horizon is enabled",
                "  ICMP redirects are always sent", "  ICMP unreachables are always sent",
                "  ICMP mask replies are never sent", "  IP fast switching is enabled"]
    return "\n".join(out) + "\n"


def show_vlan_id(cfg: IosConfig, vid: int) -> str | None:
    """`show vlan id N`: unlike `show vlan brief` it lists the trunks carrying N too."""
    if not cfg.vlan_exists(vid):
        return None
    ports = []
    for i in cfg.interfaces.values():
        if not i.switched or i.shutdown:
            continue
        if i.mode == "trunk":
            carried = i.allowed is None or vid in i.allowed
        else:
            carried = vid in {i.access_vlan or 1, i.voice_vlan}
        if carried:
            ports.append(short_name(i.name))
    status = "act/unsup" if vid in DEFAULT_VLANS and vid != 1 else "active"
    chunks = [", ".join(ports[k:k + 4]) for k in range(0, len(ports), 4)] or [""]
    rows = ["", "VLAN Name                             Status    Ports",
            "---- -------------------------------- --------- -------------------------------",
            f"{vid:<4} {vlan_name(cfg, vid):<32} {status:<9} {chunks[0]}".rstrip()]
    rows += [" " * 48 + c + ("," if n < len(chunks) - 1 else "")
             for n, c in enumerate(chunks[1:], 1)]
    if len(chunks) > 1:
        rows[3] += ","
    rows += ["", "VLAN Type  SAID       MTU   Parent RingNo BridgeNo Stp  BrdgMode Trans1 Trans2",
             "---- ----- ---------- ----- ------ ------ -------- ---- -------- ------ ------",
             f"{vid:<4} enet  {100000 + vid:<10} 1500  -      -      -        -    -        0"
             "      0", ""]
    return "\n".join(rows) + "\n"


def show_mac_address_table(serial: str) -> str:
    """A quiet switch learns nothing: only the static entries of its CPU."""
    statics = ["0100.0ccc.cccc", "0100.0ccc.cccd", *(f"0180.c200.00{n:02x}" for n in range(16)),
               "ffff.ffff.ffff"]
    rows = ["          Mac Address Table", "-------------------------------------------", "",
            "Vlan    Mac Address       Type        Ports",
            "----    -----------       --------    -----"]
    rows += [f" All    {m}    STATIC      CPU" for m in statics]
    rows.append(f"Total Mac Addresses for this criterion: {len(statics)}")
    return "\n".join(rows) + "\n"


def show_arp(cfg: IosConfig, serial: str) -> str:
    """Only the switch's own addresses (no neighbour has spoken yet)."""
    rows = ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"]
    for idx, i in enumerate(cfg.interfaces.values()):
        prefix = _prefix(i)
        if prefix and is_up(cfg, i):
            addr = prefix.split("/")[0]
            rows.append(f"Internet  {addr:<16}        -   {_mac(serial, idx)}  ARPA   {i.name}")
    return "\n".join(rows) + "\n"


CDP_EMPTY = (
    "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge\n"
    "                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone, \n"
    "                  D - Remote, C - CVTA, M - Two-port Mac Relay \n\n"
    "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID\n\n"
    "Total cdp entries displayed : 0\n")
LLDP_OFF = "% LLDP is not enabled\n"  # a Catalyst's default
PRIVILEGE = "Current privilege level is {level}\n"
HOSTS = ("Default domain is not set\nName/address lookup uses static mappings\n\n"
         "Codes: UN - unknown, EX - expired, OK - OK, ?? - revalidate\n"
         "       temp - temporary, perm - permanent\n       NA - Not Applicable None - Not defined\n\n"
         "Host                      Port  Flags      Age Type   Address(es)\n")


_TYPE_ROWS = {1002: "fddi  101002     1500  -      -      -        -    -        0      0",
              1003: "tr    101003     1500  -      -      -        -    -        0      0",
              1004: "fdnet 101004     1500  -      -      -        ieee -        0      0",
              1005: "trnet 101005     1500  -      -      -        ibm  -        0      0"}


def show_vlan(cfg: IosConfig, brief: str) -> str:
    """`show vlan`: the brief table, then each VLAN's type and MTU, then RSPAN and PVLANs."""
    rows = [brief.rstrip("\n"), "",
            "VLAN Type  SAID       MTU   Parent RingNo BridgeNo Stp  BrdgMode Trans1 Trans2",
            "---- ----- ---------- ----- ------ ------ -------- ---- -------- ------ ------"]
    for vid in sorted({*cfg.vlans, *DEFAULT_VLANS}):
        rows.append(f"{vid:<4} " + _TYPE_ROWS.get(
            vid, f"enet  {100000 + vid:<10} 1500  -      -      -        -    -        0"
                 "      0"))
    rows += ["", "Remote SPAN VLANs",
             "------------------------------------------------------------------------------",
             "", "", "Primary Secondary Type              Ports",
             "------- --------- ----------------- ------------------------------------------",
             ""]
    return "\n".join(rows) + "\n"
