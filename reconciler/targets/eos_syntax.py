"""EOS CLI syntax shared by the EOS parsers: VLAN lists, interface names, indented blocks.

Pure functions, no I/O, nothing imported from the rest of the reconciler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

ALL_VLANS = frozenset(range(1, 4095))
_IF_TYPES = ("Ethernet", "Management", "Loopback", "Port-Channel", "Vlan", "Vxlan", "Tunnel",
             "Recirc-Channel")
_IF_RE = re.compile(r"([A-Za-z][A-Za-z-]*)\s*([0-9]\S*)")
_RANGE_RE = re.compile(r"([0-9]+)(?:\s*-\s*([0-9]+))?")
_BANNER_RE = re.compile(r"banner\s+(login|motd)\s*")


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


def normalise_interface(name: str) -> str:
    """EOS accepts any unambiguous prefix: "et1" -> "Ethernet1", "po1" -> "Port-Channel1".

    Names that are not a known EOS type plus a number come back stripped but unchanged, so
    the parser keeps interfaces it does not know. ValueError only for an empty name.
    """
    text = name.strip()
    if not text:
        raise ValueError("empty interface name")
    m = _IF_RE.fullmatch(text)
    if m is None:
        return text
    prefix = m[1].lower().replace("-", "")
    hits = [t for t in _IF_TYPES if t.lower().replace("-", "").startswith(prefix)]
    exact = [t for t in hits if t.lower().replace("-", "") == prefix]
    if exact or len(hits) == 1:
        return (exact or hits)[0] + m[2]
    return text


@dataclass(frozen=True)
class Block:
    """One config line (stripped) and the lines indented under it."""

    line: str
    children: tuple[Block, ...] = ()


def interface_type(name: str) -> str:
    """"Ethernet1/1" -> "Ethernet"; "" when `name` is not a type word plus a number."""
    m = _IF_RE.fullmatch(name.strip())
    return m[1] if m else ""


def parse_blocks(text: str) -> list[Block]:
    """Indentation tree of `text`; blank lines, `!` comments and banner bodies are dropped.

    A block ends at the next line indented no deeper than its header, `!` or not: AVD writes
    `no ip routing vrf MGMT` straight after the last SVI. Banner bodies (up to `EOF`) are
    unindented free text that could look like config, so they are skipped.
    """
    roots: list[Block] = []
    # Open headers: (indent, line, finished children). A header is frozen when it is closed,
    # so deep nesting costs no recursion.
    stack: list[tuple[int, str, list[Block]]] = []

    def close() -> None:
        _, line, children = stack.pop()
        (stack[-1][2] if stack else roots).append(Block(line, tuple(children)))

    in_banner = False
    for raw in text.splitlines():
        stripped = raw.strip()
        if in_banner:
            in_banner = stripped != "EOF"
            continue
        if not stripped or stripped.startswith("!"):
            continue
        indent = len(raw) - len(raw.lstrip())
        while stack and stack[-1][0] >= indent:
            close()
        stack.append((indent, stripped, []))
        in_banner = indent == 0 and _BANNER_RE.fullmatch(stripped) is not None
    while stack:
        close()
    return roots
