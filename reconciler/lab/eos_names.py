"""EOS interface names and VLAN lists: parsing, canonical form, ordering, ranges.

Pure functions, shared by the config model, the CLI and the show commands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

VLAN_MIN = 1
VLAN_MAX = 4094
ALL_VLANS = frozenset(range(VLAN_MIN, VLAN_MAX + 1))

# Order in which EOS prints interface blocks (seen in AVD output and real
# `show running-config all` captures): port-channels before ethernets.
IF_TYPES: tuple[str, ...] = (
    "Port-Channel",
    "Ethernet",
    "Loopback",
    "Management",
    "Tunnel",
    "Vlan",
    "Vxlan",
)
# Types that can carry switchport (layer-2) configuration.
L2_TYPES = frozenset({"Ethernet", "Port-Channel"})
# Types that exist as hardware: `no interface` only resets them.
PHYSICAL_TYPES = frozenset({"Ethernet", "Management"})

_SHORT = {
    "Port-Channel": "Po",
    "Ethernet": "Et",
    "Loopback": "Lo",
    "Management": "Ma",
    "Tunnel": "Tu",
    "Vlan": "Vl",
    "Vxlan": "Vx",
}
_NUMBER_RE = {
    "Ethernet": re.compile(r"^\d+(/\d+){0,2}(\.\d+)?$"),
    "Port-Channel": re.compile(r"^\d+(\.\d+)?$"),
    "Management": re.compile(r"^\d+(/\d+)?$"),
}
_SIMPLE_NUMBER = re.compile(r"^\d+$")
_SPLIT_RE = re.compile(r"^([A-Za-z][A-Za-z-]*?)-?\s*(\d.*)$")


class BadToken(ValueError):
    """A name or list the CLI must reject; `token` is the offending word."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def if_type(name: str) -> str:
    """Type part of a canonical interface name ("Ethernet1/1" -> "Ethernet")."""
    match = re.match(r"^([A-Za-z-]+?)(?=\d)", name)
    return match.group(1) if match else name


def resolve_type(word: str) -> str | None:
    """Expand an abbreviation the way EOS does (unique case-insensitive prefix)."""
    low = word.lower()
    if low in ("mgmt",):
        return "Management"
    hits = [t for t in IF_TYPES if t.lower().startswith(low)]
    if len(hits) == 1:
        return hits[0]
    exact = [t for t in IF_TYPES if t.lower() == low]
    return exact[0] if exact else None


def _valid_number(kind: str, number: str) -> bool:
    pattern = _NUMBER_RE.get(kind, _SIMPLE_NUMBER)
    if not pattern.match(number):
        return False
    if kind == "Vlan":
        return VLAN_MIN <= int(number) <= VLAN_MAX
    return True


def canonical_name(text: str) -> str:
    """`et1`, `Ethernet 1`, `po10` -> canonical names; raises BadToken if invalid."""
    compact = text.strip()
    match = _SPLIT_RE.match(compact)
    if not match:
        raise BadToken(text.strip())
    kind = resolve_type(match.group(1))
    number = match.group(2).replace(" ", "")
    if kind is None or not _valid_number(kind, number):
        raise BadToken(text.strip())
    return f"{kind}{number}"


def expand_interfaces(spec: str) -> list[str]:
    """Expand `Ethernet1-4`, `Et1,3,5`, `Ethernet1/1-4, Vlan10` into canonical names."""
    names: list[str] = []
    last_kind: str | None = None
    for raw_part in spec.split(","):
        part = raw_part.strip()
        if not part:
            raise BadToken(spec.strip())
        if part[0].isdigit():
            if last_kind is None:
                raise BadToken(part)
            part = last_kind + part
        match = _SPLIT_RE.match(part)
        if not match:
            raise BadToken(part)
        kind = resolve_type(match.group(1))
        if kind is None:
            raise BadToken(part)
        last_kind = kind
        number = match.group(2).replace(" ", "")
        head, _, last = number.rpartition("/")
        if "-" in last:
            low_s, _, high_s = last.partition("-")
            if not (low_s.isdigit() and high_s.isdigit()) or int(low_s) > int(high_s):
                raise BadToken(part)
            prefix = head + "/" if head else ""
            for idx in range(int(low_s), int(high_s) + 1):
                names.append(canonical_name(f"{kind}{prefix}{idx}"))
        else:
            names.append(canonical_name(f"{kind}{number}"))
    return names


def sort_key(name: str) -> tuple[int, tuple[int, ...], str]:
    """Natural EOS order: by type rank, then numerically (Ethernet2 < Ethernet10 < 49/1)."""
    kind = if_type(name)
    rank = IF_TYPES.index(kind) if kind in IF_TYPES else len(IF_TYPES)
    numbers = tuple(int(n) for n in re.findall(r"\d+", name[len(kind):]))
    return rank, numbers, name


def short_name(name: str) -> str:
    """`Ethernet49/1` -> `Et49/1` as in `show vlan` and `show interfaces status`."""
    kind = if_type(name)
    return _SHORT.get(kind, kind[:2]) + name[len(kind):]


def parse_vlan_list(text: str) -> list[int]:
    """`10,20-22` -> [10, 20, 21, 22]; raises BadToken naming the bad element."""
    result: list[int] = []
    if not text:
        raise BadToken(text)
    for part in text.split(","):
        low_s, dash, high_s = part.partition("-")
        if not low_s.isdigit() or (dash and not high_s.isdigit()):
            raise BadToken(text)
        low = int(low_s)
        high = int(high_s) if dash else low
        if not (VLAN_MIN <= low <= high <= VLAN_MAX):
            raise BadToken(text)
        result.extend(range(low, high + 1))
    return sorted(set(result))


def format_vlan_list(vids: Iterable[int]) -> str:
    """[10, 20, 21, 22] -> `10,20-22` (every run of consecutive ids becomes a range)."""
    ordered = sorted(set(vids))
    parts: list[str] = []
    idx = 0
    while idx < len(ordered):
        start = ordered[idx]
        end = start
        while idx + 1 < len(ordered) and ordered[idx + 1] == end + 1:
            idx += 1
            end = ordered[idx]
        parts.append(str(start) if start == end else f"{start}-{end}")
        idx += 1
    return ",".join(parts)


def default_vlan_name(vid: int) -> str:
    return "default" if vid == 1 else f"VLAN{vid:04d}"
