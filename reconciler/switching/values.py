"""Arguments of the config lines the readers manage; a malformed one is a `ParseError`.

The readers never guess a managed value: `switchport access vlan banana` on a port we may
change stops the read with the line named, rather than reading as VLAN 1.
"""

from __future__ import annotations

import ipaddress
import re

from ..errors import ParseError
from .blocks import Block
from .vlans import ALL_VLANS, expand_vlan_list

_DIGITS_RE = re.compile(r"[0-9]{1,9}")
_DOTTED_RE = re.compile(r"[0-9.]+(?:/[0-9]+)?")


class LineReader:
    """Raises `ParseError`s that name `source` and the line being read."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, line: Block, message: str, rule: str = "config-value") -> ParseError:
        return ParseError(self.source, line.number, 1, rule, f"{line.line!r}: {message}")

    def vlan_id(self, line: Block, word: str) -> int:
        """A VLAN id 1-4094 (ASCII digits only: "²" is not a number here)."""
        if _DIGITS_RE.fullmatch(word) and 1 <= int(word) <= 4094:
            return int(word)
        raise self.fail(line, f"{word!r} is not a VLAN id (1-4094)")

    def vlan_list(self, line: Block, text: str) -> set[int]:
        try:
            return expand_vlan_list(text)
        except ValueError as exc:
            raise self.fail(line, str(exc)) from None

    def allowed(self, line: Block, current: frozenset[int] | None,
                words: list[str]) -> frozenset[int] | None:
        """A trunk's allowed VLANs after `switchport trunk allowed vlan <words>`.

        `10,20`, `add 30`, `remove 20`, `except 1`, `all`, `none`; None means ALL, which is
        what both platforms store when no list is written.
        """
        if not words:
            raise self.fail(line, "no VLAN list")
        base = ALL_VLANS if current is None else current
        op, spec = (words[0], words[1:]) if words[0] in ("add", "remove", "except") else (
            "", words)
        given = frozenset(self.vlan_list(line, "".join(spec)))
        result = {"add": base | given, "remove": base - given, "except": ALL_VLANS - given}.get(
            op, given)
        return None if result == ALL_VLANS else result

    def ipv4(self, line: Block, words: list[str]) -> str | None:
        """"10.0.0.1/24" or "10.0.0.1 255.255.255.0" -> "10.0.0.1/24".

        None for the keyword forms (`dhcp`, `negotiated`, `unnumbered ...`, `pool ...`):
        they hold no static address. A malformed address is an error.
        """
        if not words or not _DOTTED_RE.fullmatch(words[0]):
            return None
        spec = words[0] if "/" in words[0] or len(words) < 2 else f"{words[0]}/{words[1]}"
        try:
            return str(ipaddress.IPv4Interface(spec))
        except ValueError:
            raise self.fail(line, f"{spec!r} is not an IPv4 address and mask") from None
