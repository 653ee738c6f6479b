"""A plan in the users' terms: per occupier and site, what it gains and loses.

"acme at lon1: + space 3.02 → 2 ports to VLAN 120; + 3 Wi-Fi users; − 1 Wi-Fi device".
Kinds are named through `TERMS` (data: a new platform adds its kinds here, or
gets its kind name spelled out); switch ports are grouped by the space their
description names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..engine.resources import Change

SHARED = "(site)"
SYMBOL = {"create": "+", "update": "~", "delete": "−"}
# kind -> (singular, plural, attribute that names it better than the key)
TERMS: Mapping[str, tuple[str, str, str | None]] = {
    "vlan": ("VLAN", "VLANs", None),
    "svi": ("gateway", "gateways", "address"),
    "trunk": ("uplink trunk", "uplink trunks", None),
    "port": ("port", "ports", None),
    "radius_user": ("Wi-Fi user", "Wi-Fi users", None),
    "radius_group": ("Wi-Fi access group", "Wi-Fi access groups", None),
    "radius_mac": ("Wi-Fi device (MAC)", "Wi-Fi devices (MAC)", None),
    "wifi_policy": ("Wi-Fi policy", "Wi-Fi policies", None),
    "wifi_psk": ("Wi-Fi device", "Wi-Fi devices", None),
    "wifi_client": ("Wi-Fi client", "Wi-Fi clients", None),
    "pbx_endpoint": ("SIP line", "SIP lines", "callerid"),
    "pbx_extension": ("extension dial plan", "extension dial plans", None),
    "pbx_did": ("phone number", "phone numbers", None),
    "pbx_hunt_group": ("hunt group", "hunt groups", None),
    "pbx_voicemail": ("voicemail box", "voicemail boxes", None),
    "pbx_main_number": ("main-number routing step", "main-number routing steps", None),
    "pbx_policy": ("calling policy", "calling policies", None),
    "pbx_site_route": ("site dial plan", "site dial plans", None),
    "handset": ("desk phone", "desk phones", None),
    "dhcp_subnet": ("DHCP range", "DHCP ranges", None),
}
# kind -> (list attribute, what its items are): an update says which items come and go
# ("~ uplink trunk Ethernet1 (+ VLAN 103)"), the part of a shared resource a change is about.
DELTAS: Mapping[str, tuple[str, str]] = {"trunk": ("vlans", "VLAN")}
PORT_OWNER_SPACE = re.compile(r"^occ:(?P<occ>[a-z0-9-]+) space:(?P<space>\S+)")
MAX_KEYS = 3


def term(kind: str, n: int) -> str:
    one, many, _ = TERMS.get(kind, (kind.replace("_", " "), kind.replace("_", " ") + "s", None))
    return one if n == 1 else many


def _label(c: Change) -> str:
    attr = TERMS.get(c.kind, ("", "", None))[2]
    attrs: Mapping[str, Any] = (c.after if c.op != "delete" else c.before) or {}
    value = attrs.get(attr) if attr else None
    return str(value) if value else c.key


def _space(attrs: Mapping[str, Any] | None, owner: str) -> str | None:
    m = PORT_OWNER_SPACE.match(str((attrs or {}).get("description") or ""))
    return m.group("space") if m and m.group("occ") == owner else None


@dataclass
class Line:
    owner: str
    site: str
    phrases: list[str]

    def text(self) -> str:
        return f"{self.owner} at {self.site}: " + "; ".join(self.phrases)


def _port_phrases(changes: list[Change], owner: str) -> list[str]:
    moved_in: dict[tuple[str, Any], int] = defaultdict(int)
    moved_out: dict[str, int] = defaultdict(int)
    other: dict[str, int] = defaultdict(int)
    for c in changes:
        new, old = _space(c.after, owner), _space(c.before, owner)
        if new and c.op != "delete" and (old is None or c.op == "create"):
            moved_in[(new, (c.after or {}).get("vlan"))] += 1
        elif old and not new:
            moved_out[old] += 1
        else:
            other[c.op] += 1
    out = [f"+ space {sp} → {n} {term('port', n)} to VLAN {vlan}"
           for (sp, vlan), n in sorted(moved_in.items(), key=lambda kv: str(kv[0]))]
    out += [f"− space {sp} ({n} {term('port', n)} back to vacant)"
            for sp, n in sorted(moved_out.items())]
    out += [f"{SYMBOL[op]} {n} {term('port', n)}" for op, n in sorted(other.items())]
    return out


def _items(attrs: Mapping[str, Any] | None, attr: str) -> set[str]:
    value = (attrs or {}).get(attr)
    return {str(v) for v in value} if isinstance(value, list | tuple | set | frozenset) else set()


def _delta(kind: str, cs: list[Change]) -> str:
    """' (+ VLAN 103; − VLAN 102)' for updates of a list attribute named in DELTAS."""
    if kind not in DELTAS or any(c.op != "update" for c in cs):
        return ""
    attr, noun = DELTAS[kind]
    added: set[str] = set()
    removed: set[str] = set()
    for c in cs:
        before, after = _items(c.before, attr), _items(c.after, attr)
        added |= after - before
        removed |= before - after
    parts = [f"{sign} {noun} {', '.join(sorted(vals, key=lambda v: (len(v), v)))}"
             for sign, vals in (("+", added), ("−", removed)) if vals]
    return f" ({'; '.join(parts)})" if parts else ""


def _kind_phrases(changes: list[Change]) -> list[str]:
    by: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for c in changes:
        by[(c.kind, c.op)].append(c)
    out = []
    for (kind, op), cs in sorted(by.items()):
        labels = sorted({_label(c) for c in cs})
        targets = len({c.target for c in cs})
        where = f" on {targets} targets" if targets > 1 else ""
        delta = _delta(kind, cs)
        if len(labels) <= MAX_KEYS:
            out.append(f"{SYMBOL[op]} {term(kind, len(labels))} {', '.join(labels)}{where}"
                       f"{delta}")
        else:
            out.append(f"{SYMBOL[op]} {len(labels)} {term(kind, len(labels))}{where}{delta}")
    return out


def summarise(changes: Iterable[Change],
              site_of: Mapping[str, str] | Callable[[Change], str]) -> list[Line]:
    """One line per (occupier, site), occupiers first, site-wide changes last.

    `site_of` names the site of a change (`attribution.site_attribution`), or maps a
    target to its site when every target serves one site.
    """
    if callable(site_of):
        where = site_of
    else:
        by_target = site_of

        def where(c: Change) -> str:
            return by_target.get(c.target, "?")
    groups: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for c in changes:
        groups[(c.owner or SHARED, where(c))].append(c)
    lines = []
    for (owner, site), cs in sorted(groups.items(), key=lambda kv: (kv[0][0] == SHARED, kv[0])):
        ports = [c for c in cs if c.kind == "port"]
        rest = [c for c in cs if c.kind != "port"]
        phrases = (_port_phrases(ports, owner) if owner != SHARED else _kind_phrases(ports)) \
            + _kind_phrases(rest)
        lines.append(Line(owner, site, phrases))
    return lines
