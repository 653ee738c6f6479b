"""Apply one interface-mode or vlan-mode command to the model, with EOS semantics."""

from __future__ import annotations

import ipaddress
from typing import Any

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
    Extra,
    Interface,
    NotHere,
    Vlan,
    incomplete,
    invalid,
)
from reconciler.lab.eos_names import ALL_VLANS, BadToken, parse_vlan_list

# Where new unmodelled interface lines go (longest matching prefix wins).
_EXTRA_RANKS: tuple[tuple[str, int], ...] = (
    ("load-interval", 15), ("mtu", 25), ("l2 mtu", 25), ("speed", 25), ("autostate", 25),
    ("switchport phone trunk", 65), ("switchport trunk group", 85), ("switchport", 90),
    ("mlag", 92), ("vrf", 95), ("channel-group", 95), ("ip address", 101), ("ip", 120),
    ("ipv6", 130), ("spanning-tree", 200), ("dot1x", 210),
)
# Words valid in interface mode; anything else falls back to global config mode.
IF_WORDS = frozenset(
    "description shutdown switchport ip ipv6 mtu speed channel-group spanning-tree dot1x lacp "
    "lldp load-interval logging storm-control mlag vrf autostate service-policy qos sflow "
    "flowcontrol errdisable l2 mac arp bfd pim vrrp port-channel encapsulation snmp ptp "
    "priority-flow-control tx-queue uc-tx-queue mc-tx-queue mac-address link-debounce "
    "unidirectional dcbx msrp mvrp shape evpn vxlan isis traffic-policy tcp mpls poe "
    "transceiver error-correction link-tracking hardware comment".split()
)
_IF_IP_WORDS = frozenset(
    "address helper-address ospf pim igmp proxy-arp local-proxy-arp verify dhcp "
    "virtual-router access-group mtu attached-host multicast unreachables redirects "
    "load-sharing nat arp".split()
)
# Interface lines whose value replaces the previous one (key = all words but the last).
_KEYED_WORDS = frozenset(
    "mtu speed load-interval vrf mlag l2 lacp spanning-tree dot1x storm-control".split()
)
# `no X` lines EOS keeps because X is on by default.
IF_DEFAULT_ON = frozenset({"autostate", "lldp transmit", "lldp receive", "sflow enable"})
VLAN_WORDS = frozenset({"name", "state", "trunk", "private-vlan", "comment"})
SWITCHPORT_MODES = ("access", "trunk", "dot1q-tunnel", "tap", "tool")


def _split_negation(words: list[str]) -> tuple[str | None, list[str], int]:
    if words and words[0] in ("no", "default"):
        return words[0], words[1:], 1
    return None, words, 0


def _vlan_arg(words: list[str], idx: int) -> int:
    if idx >= len(words):
        raise incomplete()
    word = words[idx]
    if not word.isdigit() or not 1 <= int(word) <= 4094:
        raise invalid(words, idx)
    return int(word)


def _extra_rank(text: str) -> int:
    words = text.split()
    if words and words[0] in ("no", "default"):
        words = words[1:]
    body = " ".join(words)
    best, rank = -1, 300
    for prefix, value in _EXTRA_RANKS:
        if (body == prefix or body.startswith(prefix + " ")) and len(prefix) > best:
            best, rank = len(prefix), value
    return rank


def _known_rank(text: str) -> int:
    rank = _extra_rank(text)
    return 0 if rank == 300 else rank


def _drop_extras(intf: Interface, pred: Any) -> bool:
    kept = [e for e in intf.extra if not pred(e.text.strip())]
    removed = len(kept) != len(intf.extra)
    intf.extra = kept
    return removed


def _set_extra(intf: Interface, words: list[str], neg: str | None, anchor: int | None,
               raw: str) -> None:
    """Store/remove an unmodelled interface line with EOS-like replace semantics."""
    if anchor is not None:  # parsing: file order, but never before EOS's own slot for it
        intf.extra.append(Extra(max(anchor, _known_rank(raw)), intf.next_seq(), raw))
        return
    body = " ".join(words[1:] if neg else words)
    bwords = body.split()
    if neg:

        def match(text: str) -> bool:
            if text == body or text.startswith(body + " "):
                return True
            # `no mtu 9000` also clears `mtu 1500`: keyed lines differ only in the value
            twords = text.split()
            return (bwords[0] in _KEYED_WORDS and len(bwords) > 1
                    and len(twords) == len(bwords) and twords[:-1] == bwords[:-1])

        removed = _drop_extras(intf, match)
        if bwords[0] == "channel-group":
            removed |= _drop_extras(intf, lambda t: t.startswith("channel-group "))
        if neg == "no" and not removed and body in IF_DEFAULT_ON:
            if f"no {body}" not in intf.extras_in_order():
                intf.extra.append(Extra(_extra_rank(body), intf.next_seq(), f"no {body}"))
        elif neg == "default":
            _drop_extras(intf, lambda t: t == f"no {body}")
        return
    _drop_extras(intf, lambda t: t == f"no {body}")
    if body in IF_DEFAULT_ON or body in intf.extras_in_order():
        return  # the default needs no line; an identical line is already there
    if bwords[0] == "channel-group":
        _drop_extras(intf, lambda t: t.startswith("channel-group "))
    elif bwords[0] in _KEYED_WORDS and len(bwords) > 1:
        _drop_extras(intf, lambda t: len(t.split()) == len(bwords)
                     and t.split()[:-1] == bwords[:-1])
    intf.extra.append(Extra(_extra_rank(body), intf.next_seq(), body))


def _parse_ip(words: list[str], idx: int) -> str:
    """`A.B.C.D/LEN` or `A.B.C.D M.M.M.M` -> `A.B.C.D/LEN`."""
    if idx >= len(words):
        raise incomplete()
    text = words[idx]
    try:
        if "/" in text:
            ipaddress.IPv4Interface(text)
            return text
        if idx + 1 >= len(words):
            raise incomplete()
        ipaddress.IPv4Address(text)
    except ValueError as exc:
        raise invalid(words, idx) from exc
    try:
        mask = ipaddress.IPv4Network(f"0.0.0.0/{words[idx + 1]}").prefixlen
    except ValueError as exc:
        raise invalid(words, idx + 1) from exc
    return f"{text}/{mask}"


def _check_addr(words: list[str], idx: int) -> None:
    if idx >= len(words):
        raise incomplete()
    try:
        ipaddress.IPv4Address(words[idx])
    except ValueError as exc:
        raise invalid(words, idx) from exc


def _apply_allowed(intf: Interface, words: list[str], idx: int) -> None:
    if idx >= len(words):
        raise incomplete()
    op = words[idx]
    if op in ("all", "none"):
        intf.allowed = None if op == "all" else frozenset()
        return
    verb = op if op in ("add", "remove", "except") else "set"
    list_idx = idx + 1 if verb != "set" else idx
    if list_idx >= len(words):
        raise incomplete()
    try:
        vids = frozenset(parse_vlan_list(words[list_idx]))
    except BadToken as exc:
        raise invalid(words, list_idx) from exc
    current = ALL_VLANS if intf.allowed is None else intf.allowed
    new = {"set": vids, "add": current | vids, "remove": current - vids,
           "except": ALL_VLANS - vids}[verb]
    intf.allowed = None if new == ALL_VLANS else frozenset(new)


def _apply_switchport(intf: Interface, words: list[str], neg: str | None, off: int,
                      anchor: int | None, raw: str) -> int | None:
    base = words[off:]
    if not intf.l2:
        raise invalid(words, off)
    if len(base) == 1:
        intf.switchport = neg != "no"
        return R_SW if intf.switchport else R_NOSW
    sub = base[1]
    if sub == "mode":
        if neg:
            intf.mode = "access"
        elif len(base) < 3:
            raise incomplete()
        elif base[2] == "trunk" and len(base) == 4 and base[3] == "phone":
            intf.mode = "trunk phone"
        elif base[2] in SWITCHPORT_MODES and len(base) == 3:
            intf.mode = base[2]
        else:
            raise invalid(words, off + (2 if base[2] not in SWITCHPORT_MODES else 3))
        return R_MODE
    if sub == "access" and len(base) >= 3 and base[2] == "vlan":
        intf.access_vlan = 1 if neg else _vlan_arg(words, off + 3)
        return R_ACCESS
    if sub == "trunk" and len(base) >= 4 and base[2] == "native" and base[3] == "vlan" and (
        len(base) == 4 or base[4] != "tag"
    ):
        intf.native_vlan = 1 if neg else _vlan_arg(words, off + 4)
        return R_NATIVE
    if sub == "trunk" and len(base) >= 4 and base[2] == "allowed" and base[3] == "vlan":
        if neg:
            intf.allowed = None
        else:
            _apply_allowed(intf, words, off + 4)
        return R_ALLOWED
    if sub == "phone" and len(base) >= 3 and base[2] == "vlan":
        intf.phone_vlan = None if neg else _vlan_arg(words, off + 3)
        return R_PHONE
    if sub in ("access", "trunk", "phone") and len(base) == 2 and not neg:
        raise incomplete()
    _set_extra(intf, words, neg, anchor, raw)
    return None


def _apply_ip(intf: Interface, words: list[str], neg: str | None, off: int,
              anchor: int | None, raw: str) -> int | None:
    base = words[off:]
    if len(base) < 2:
        raise incomplete()
    if base[1] not in _IF_IP_WORDS:
        raise NotHere()
    if base[1] == "address":
        if neg:
            intf.ip_address = None
            _drop_extras(intf, lambda t: t.startswith("ip address "))
            return R_IP
        if len(base) >= 3 and (base[2] == "dhcp" or base[-1] == "secondary"):
            _set_extra(intf, words, neg, anchor, raw)
            return None
        intf.ip_address = _parse_ip(words, off + 2)
        return R_IP
    if base[1] == "helper-address":
        if neg:
            target = " ".join(base[2:])
            intf.helpers = [h for h in intf.helpers if target and not h.startswith(target)]
            return R_HELPER
        _check_addr(words, off + 2)
        value = " ".join(base[2:])
        if value not in intf.helpers:
            intf.helpers.append(value)
        return R_HELPER
    _set_extra(intf, words, neg, anchor, raw)
    return None


def apply_interface_line(intf: Interface, line: str, anchor: int | None = None) -> int | None:
    """Apply one interface-mode command. Returns the slot rank it set (None for extras).

    `anchor` is given when parsing a file: unmodelled lines are then kept verbatim at
    that rank. Raises NotHere when the word belongs to another mode, CliError if invalid.
    """
    words = line.split()
    neg, base, off = _split_negation(words)
    if not base:
        raise incomplete()
    head = base[0]
    if head not in IF_WORDS:
        raise NotHere()
    if head == "description":
        if neg:
            intf.description = None
        elif len(base) < 2:
            raise incomplete()
        else:
            intf.description = line.strip().split(None, 1)[1]
        return R_DESC
    if head == "shutdown" and len(base) == 1:
        intf.shutdown = neg is None
        return R_SHUT
    if head == "switchport":
        return _apply_switchport(intf, words, neg, off, anchor, line)
    if head == "ip":
        return _apply_ip(intf, words, neg, off, anchor, line)
    if len(base) == 1 and head in ("mtu", "speed", "vrf", "channel-group") and not neg:
        raise incomplete()
    _set_extra(intf, words, neg, anchor, line)
    return None


def apply_vlan_line(vlan: Vlan, line: str, parsing: bool = False) -> None:
    """Apply one vlan-mode command (name/state; other known words kept verbatim)."""
    words = line.split()
    neg, base, off = _split_negation(words)
    if not base:
        raise incomplete()
    head = base[0]
    if head not in VLAN_WORDS:
        raise NotHere()
    if head == "name":
        if neg:
            vlan.name = None
        elif len(base) < 2:
            raise incomplete()
        elif parsing:
            vlan.name = line.strip().split(None, 1)[1]
        elif len(base) > 2 or len(base[1]) > 32:
            raise invalid(words, off + (2 if len(base) > 2 else 1))
        else:
            vlan.name = base[1]
        return
    if head == "state":
        if neg:
            vlan.state = "active"
        elif len(base) == 2 and base[1] in ("active", "suspend"):
            vlan.state = base[1]
        else:
            raise incomplete() if len(base) < 2 else invalid(words, off + 1)
        return
    body = " ".join(base)
    if parsing:
        vlan.extra.append(line.strip())
    elif neg:
        vlan.extra = [e for e in vlan.extra if e != body and not e.startswith(body + " ")]
    elif body not in vlan.extra:
        vlan.extra.append(body)


def append_nested(intf: Interface, text: str) -> None:
    """A pasted line nested below an interface sub-block (e.g. under `tx-queue 0`)."""
    rank = intf.extra[-1].rank if intf.extra else 300
    intf.extra.append(Extra(rank, intf.next_seq(), text))
