"""IOS command matching: keyword prefixes, typed arguments, IOS's own error texts.

A command is a pattern of words: keywords (any unique prefix is accepted, as on IOS:
`sh vl br`, `conf t`, `wr mem`) and typed placeholders. Errors carry the column of the
offending word so the CLI can print the caret line IOS prints.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from reconciler.lab.ios_config import parse_vlan_list

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."

IF_TYPES = ("FastEthernet", "GigabitEthernet", "TwoGigabitEthernet", "FiveGigabitEthernet",
            "TenGigabitEthernet", "TwentyFiveGigE", "FortyGigabitEthernet", "HundredGigE",
            "Port-channel", "Vlan", "Loopback")
_IF_RE = re.compile(r"([A-Za-z-]+)(\d+(?:/\d+){0,2})")


class CliError(Exception):
    """A refused command: `text` is what IOS prints; `col` places the caret (or None)."""

    def __init__(self, text: str, col: int | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.col = col


def normalise_interface(token: str) -> str | None:
    """'gi1/0/1', 'Gi1/0/1', 'GigabitEthernet1/0/1' -> 'GigabitEthernet1/0/1'."""
    m = _IF_RE.fullmatch(token)
    if not m:
        return None
    word = m.group(1).lower()
    hits = [t for t in IF_TYPES if t.lower().startswith(word)]
    exact = [t for t in hits if t.lower() == word]
    if exact:
        hits = exact
    elif word in ("gi", "g"):  # IOS resolves these to GigabitEthernet, not TwoGigabit...
        hits = ["GigabitEthernet"]
    elif word in ("te", "t"):
        hits = ["TenGigabitEthernet"]
    elif word == "tw":
        hits = ["TwoGigabitEthernet"]
    elif word in ("f", "fa"):
        hits = ["FastEthernet"]
    if len(hits) != 1:
        return None
    return hits[0] + m.group(2)


def _value(kind: str, tok: str) -> Any:
    if kind == "<num>":
        return int(tok) if tok.isdigit() and int(tok) <= 512 else None
    if kind == "<vlan>":
        return int(tok) if tok.isdigit() and 1 <= int(tok) <= 4094 else None
    if kind == "<vlist>":
        try:
            return parse_vlan_list(tok)
        except ValueError:
            return None
    if kind == "<if>":
        return normalise_interface(tok)
    if kind == "<ip>":
        try:
            return str(ipaddress.IPv4Address(tok))
        except ValueError:
            return None
    if kind == "<word>":
        return tok
    raise AssertionError(kind)


Pattern = tuple[str, ...]


def patterns(*specs: str) -> list[Pattern]:
    return [tuple(s.split()) for s in specs]


def match(cmds: list[Pattern], line: str) -> tuple[str, list[Any]]:
    """The pattern `line` selects (as its text) and its argument values."""
    toks = [(m.group(), m.start()) for m in re.finditer(r"\S+", line)]
    alive: list[tuple[Pattern, list[Any]]] = [(p, []) for p in cmds]
    texted: list[tuple[Pattern, list[Any]]] = []
    for idx, (tok, col) in enumerate(toks):
        low = tok.lower()
        kept: list[tuple[Pattern, list[Any]]] = []
        keywords: set[str] = set()
        for p, args in alive:
            if idx >= len(p):
                continue
            el = p[idx]
            if el == "<text>":
                texted.append((p, [*args, line[col:].rstrip()]))
            elif el.startswith("<"):
                v = _value(el, tok)
                if v is not None:
                    kept.append((p, [*args, v]))
            elif el.startswith(low):
                keywords.add(el)
                kept.append((p, args))
        if low in keywords:
            kept = [(p, a) for p, a in kept if p[idx] == low or p[idx].startswith("<")]
        elif len(keywords) > 1:
            raise CliError(f'% Ambiguous command:  "{line.strip()}"')
        if not kept:
            if texted:
                break
            raise CliError(INVALID, col)
        alive = kept
    else:
        done = [(p, a) for p, a in alive if len(p) == len(toks)]
        if done:
            return " ".join(done[0][0]), done[0][1]
    if texted:
        return " ".join(texted[0][0]), texted[0][1]
    if not toks:
        return "", []
    raise CliError(INCOMPLETE)


EXEC = patterns(
    "enable", "exit", "logout", "terminal length <num>", "terminal width <num>",
    "show version", "show vlan brief", "show vlan", "show interfaces switchport",
    "show interfaces <if> switchport",
)
PRIV = EXEC + patterns(
    "disable", "configure terminal", "write memory", "show running-config",
    "show startup-config", "show running-config interface <if>",
)
GLOBAL = patterns(
    "hostname <word>", "vlan <vlist>", "no vlan <vlist>", "interface <if>", "no interface <if>",
    "end", "exit", "do <text>",
)
INTERFACE = patterns(
    "description <text>", "no description", "no description <text>",
    "switchport", "no switchport",
    "switchport mode access", "switchport mode trunk", "switchport mode dynamic auto",
    "switchport mode dynamic desirable", "no switchport mode",
    "switchport access vlan <vlan>", "no switchport access vlan",
    "no switchport access vlan <vlan>",
    "switchport voice vlan <vlan>", "no switchport voice vlan", "no switchport voice vlan <vlan>",
    "switchport trunk allowed vlan <vlist>", "switchport trunk allowed vlan all",
    "switchport trunk allowed vlan none", "switchport trunk allowed vlan add <vlist>",
    "switchport trunk allowed vlan remove <vlist>",
    "switchport trunk allowed vlan except <vlist>", "no switchport trunk allowed vlan",
    "switchport trunk native vlan <vlan>", "no switchport trunk native vlan",
    "switchport trunk encapsulation dot1q", "switchport trunk encapsulation negotiate",
    "no switchport trunk encapsulation",
    "switchport nonegotiate", "no switchport nonegotiate",
    "shutdown", "no shutdown", "ip address <ip> <ip>", "no ip address",
    "ip helper-address <ip>", "no ip helper-address <ip>", "no ip helper-address",
    "spanning-tree portfast", "spanning-tree portfast edge", "no spanning-tree portfast",
    "spanning-tree bpduguard enable", "no spanning-tree bpduguard",
    "exit", "end", "do <text>",
)
VLAN = patterns("name <word>", "no name", "exit", "end", "do <text>")


def interface_range(text: str, existing: set[str]) -> list[str] | None:
    """`Gi1/0/1 - 4 , Gi1/0/7` -> existing interface names (None if any part is invalid)."""
    names: list[str] = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*([A-Za-z-]+\s*[\d/]*?)(\d+)\s*(?:-\s*(\d+))?\s*", part)
        if not m:
            return None
        first = normalise_interface((m[1] + m[2]).replace(" ", ""))
        if first is None:
            return None
        stem = first[: len(first) - len(m[2])]
        for n in range(int(m[2]), int(m[3] or m[2]) + 1):
            if f"{stem}{n}" not in existing:
                return None
            names.append(f"{stem}{n}")
    return names or None
