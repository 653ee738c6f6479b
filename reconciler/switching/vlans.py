"""VLAN lists as switches write them: "10,20-22", "none", "all". Pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable

ALL_VLANS = frozenset(range(1, 4095))
_RANGE_RE = re.compile(r"([0-9]+)(?:\s*-\s*([0-9]+))?")


def expand_vlan_list(s: str) -> set[int]:
    """"10,20-22" -> {10, 20, 21, 22}; "none" -> set(); "all" -> 1-4094. ValueError on junk."""
    text = s.strip().lower()
    if text == "none":
        return set()
    if text == "all":
        return set(ALL_VLANS)
    out: set[int] = set()
    for part in text.split(","):
        m = _RANGE_RE.fullmatch(part.strip())
        if m is None:
            raise ValueError(f"not a VLAN list: {s!r}")
        lo = int(m[1])
        hi = int(m[2]) if m[2] else lo
        if not 1 <= lo <= hi <= 4094:
            raise ValueError(f"VLAN range {part.strip()!r} is outside 1-4094 or reversed")
        out.update(range(lo, hi + 1))
    return out


def compress_vlan_list(vlans: Iterable[int]) -> str:
    """{10, 20, 21, 22} -> "10,20-22" (EOS style, also for pairs); empty -> "none"."""
    ids = sorted(set(vlans))
    for v in ids:
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 4094:
            raise ValueError(f"not a VLAN id: {v!r}")
    if not ids:
        return "none"
    parts: list[str] = []
    start = ids[0]
    for prev, nxt in zip(ids, [*ids[1:], 0], strict=True):  # 0 closes the last run
        if nxt != prev + 1:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = nxt
    return ",".join(parts)
