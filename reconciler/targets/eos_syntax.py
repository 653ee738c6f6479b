"""EOS CLI syntax shared by the EOS readers: interface names and the block tree.

Pure functions, no I/O. VLAN lists are in `switching.vlans`, the block reader in
`switching.blocks`.
"""

from __future__ import annotations

import re

from ..switching.blocks import Block, read_blocks

_IF_TYPES = ("Ethernet", "Management", "Loopback", "Port-Channel", "Vlan", "Vxlan", "Tunnel",
             "Recirc-Channel")
_IF_RE = re.compile(r"([A-Za-z][A-Za-z-]*)\s*([0-9]\S*)")


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


def interface_type(name: str) -> str:
    """"Ethernet1/1" -> "Ethernet"; "" when `name` is not a type word plus a number."""
    m = _IF_RE.fullmatch(name.strip())
    return m[1] if m else ""


def parse_blocks(text: str, source: str = "running-config") -> list[Block]:
    """Indentation tree of EOS config `text` (banner bodies up to `EOF` dropped)."""
    return read_blocks(text, source, banners="eos")
