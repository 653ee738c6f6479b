"""State of one emulated Cisco IOS access switch: VLANs, interfaces, the rest verbatim.

The model is structured where the reconciler acts (VLANs, switchport lines, description,
shutdown, SVI addresses) and verbatim everywhere else, so a running-config comes back in
IOS's own order whatever order the lines were typed in, and a seed config keeps every
line the emulator does not model.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

DEFAULT_VLANS = {1: "default", 1002: "fddi-default", 1003: "token-ring-default",
                 1004: "fddinet-default", 1005: "trnet-default"}
LINE_LIMIT = 79  # IOS wraps `switchport trunk allowed vlan` lists before 80 columns


def parse_vlan_list(text: str) -> set[int]:
    """'10,20-22' -> {10, 20, 21, 22}; ValueError on anything else."""
    out: set[int] = set()
    for part in text.split(","):
        m = re.fullmatch(r"(\d{1,4})(?:-(\d{1,4}))?", part.strip())
        if not m:
            raise ValueError(text)
        lo, hi = int(m[1]), int(m[2] or m[1])
        if not 1 <= lo <= hi <= 4094:
            raise ValueError(text)
        out.update(range(lo, hi + 1))
    return out


def vlan_items(vlans: set[int] | frozenset[int]) -> list[str]:
    """{1, 2, 3, 5} -> ['1-3', '5'] (IOS writes pairs as '5,6', runs of three as '1-3')."""
    ids = sorted(vlans)
    out: list[str] = []
    i = 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        if j - i >= 2:
            out.append(f"{ids[i]}-{ids[j]}")
        else:
            out += [str(v) for v in ids[i:j + 1]]
        i = j + 1
    return out


def wrap_items(first: str, rest: str, items: list[str], limit: int = LINE_LIMIT) -> list[str]:
    """Lines `first ITEMS`, `rest ITEMS`, ... each under `limit` columns."""
    lines: list[str] = []
    head, cur = first, ""
    for item in items:
        cand = f"{cur},{item}" if cur else item
        if cur and len(head) + len(cand) > limit:
            lines.append(head + cur)
            head, cur = rest, item
        else:
            cur = cand
    lines.append(head + cur)
    return lines


@dataclass
class Interface:
    name: str
    description: str | None = None
    routed: bool = False  # `no switchport`
    l2_line: bool = False  # a bare `switchport` kept from a seed (Catalyst 6500 style)
    mode: str | None = None  # access | trunk | dynamic auto | dynamic desirable; None: default
    access_vlan: int | None = None
    encapsulation: str | None = None
    native_vlan: int | None = None
    allowed: frozenset[int] | None = None  # None: all VLANs
    nonegotiate: bool = False
    voice_vlan: int | None = None
    ip_address: str | None = None  # "A M"
    no_ip_address: bool = False
    helpers: list[str] = field(default_factory=list)  # `ip helper-address A`, in order
    shutdown: bool = False
    extra: list[str] = field(default_factory=list)  # other sub-lines, verbatim, in order

    @property
    def is_svi(self) -> bool:
        return self.name.lower().startswith("vlan")

    @property
    def switched(self) -> bool:
        return not self.routed and not self.is_svi and not self.name.startswith(
            ("Loopback", "Tunnel"))

    def render(self) -> list[str]:
        out = [f"interface {self.name}"]
        if self.description is not None:
            out.append(f" description {self.description}")
        if self.routed:
            out.append(" no switchport")
        elif self.l2_line:
            out.append(" switchport")
        if self.access_vlan is not None:
            out.append(f" switchport access vlan {self.access_vlan}")
        if self.encapsulation:
            out.append(f" switchport trunk encapsulation {self.encapsulation}")
        if self.native_vlan is not None:
            out.append(f" switchport trunk native vlan {self.native_vlan}")
        if self.allowed is not None:
            items = vlan_items(self.allowed) or ["none"]
            out += wrap_items(" switchport trunk allowed vlan ",
                              " switchport trunk allowed vlan add ", items)
        if self.mode:
            out.append(f" switchport mode {self.mode}")
        if self.nonegotiate:
            out.append(" switchport nonegotiate")
        if self.voice_vlan is not None:
            out.append(f" switchport voice vlan {self.voice_vlan}")
        if self.ip_address:
            out.append(f" ip address {self.ip_address}")
        elif self.no_ip_address:
            out.append(" no ip address")
        out += [f" ip helper-address {h}" for h in self.helpers]
        if self.shutdown:
            out.append(" shutdown")
        out += [f" {x}" for x in self.extra]
        return out


@dataclass
class IosConfig:
    """What `show running-config` prints, as state."""

    hostname: str = "Switch"
    vlans: dict[int, str | None] = field(default_factory=dict)  # configured VLANs (not 1)
    interfaces: dict[str, Interface] = field(default_factory=dict)
    # Top-level items in order: ("text", lines) | ("hostname",) | ("vlans",) | ("interfaces",)
    items: list[tuple[str, list[str]]] = field(default_factory=list)

    def copy(self) -> IosConfig:
        return copy.deepcopy(self)

    def vlan_exists(self, vid: int) -> bool:
        return vid in self.vlans or vid in DEFAULT_VLANS

    def interface(self, name: str) -> Interface:
        if name not in self.interfaces:
            self.interfaces[name] = Interface(name)
        return self.interfaces[name]

    def render(self) -> str:
        out: list[str] = []
        for kind, lines in self.items:
            if kind == "text":
                out += lines
            elif kind == "hostname":
                out += [f"hostname {self.hostname}"]
            elif kind == "vlans":
                for vid in sorted(self.vlans):
                    out.append(f"vlan {vid}")
                    if self.vlans[vid] is not None:
                        out.append(f" name {self.vlans[vid]}")
                    out.append("!")
            elif kind == "interfaces":
                ports = [i for i in self.interfaces.values() if not i.is_svi]
                svis = sorted((i for i in self.interfaces.values() if i.is_svi),
                              key=lambda i: int(re.sub(r"\D", "", i.name) or 0))
                for iface in [*ports, *svis]:
                    out += [*iface.render(), "!"]
        return "\n".join(out) + "\n"


# ------------------------------------------------------------------ seed parsing

def _blocks(text: str) -> list[list[str]]:
    """Top-level lines with their indented children (banners kept whole)."""
    blocks: list[list[str]] = []
    lines = text.replace("\r", "").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        if not line or line.startswith(("Building configuration", "Current configuration")):
            continue
        m = re.match(r"banner \S+ (\^C|\S)", line)
        if m:  # delimited text up to the closing delimiter
            block, delim = [line], m.group(1)
            done = delim in line[m.end():]
            while not done and i < len(lines):
                block.append(lines[i].rstrip())
                done = delim in lines[i]
                i += 1
            blocks.append(block)
            continue
        if line[0] == " " and blocks and blocks[-1][0] != "!":
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _apply_sub(iface: Interface, line: str) -> None:
    words = line.split()
    text = " ".join(words)
    try:
        if words[0] == "description":
            iface.description = line.strip()[len("description "):]
        elif text == "no switchport":
            iface.routed = True
        elif text == "switchport":
            iface.routed, iface.l2_line = False, True
        elif text.startswith("switchport access vlan "):
            iface.access_vlan = int(words[3])
        elif text.startswith("switchport trunk encapsulation "):
            iface.encapsulation = words[3]
        elif text.startswith("switchport trunk native vlan "):
            iface.native_vlan = int(words[4])
        elif text.startswith("switchport trunk allowed vlan add "):
            iface.allowed = frozenset((iface.allowed or set()) | parse_vlan_list(words[5]))
        elif text.startswith("switchport trunk allowed vlan "):
            arg = words[4]
            iface.allowed = (None if arg == "all" else frozenset() if arg == "none"
                             else frozenset(parse_vlan_list(arg)))
        elif text.startswith("switchport mode "):
            iface.mode = " ".join(words[2:])
        elif text == "switchport nonegotiate":
            iface.nonegotiate = True
        elif text.startswith("switchport voice vlan "):
            iface.voice_vlan = int(words[3])
        elif text.startswith("ip address ") and len(words) == 4:
            iface.ip_address = f"{words[2]} {words[3]}"
        elif text == "no ip address":
            iface.no_ip_address = True
        elif text.startswith("ip helper-address ") and len(words) == 3:
            iface.helpers.append(words[2])
        elif text == "shutdown":
            iface.shutdown = True
        else:
            iface.extra.append(line.strip())
    except (IndexError, ValueError):
        iface.extra.append(line.strip())


def parse_config(text: str) -> IosConfig:
    """A saved running-config -> state (unmodelled lines kept verbatim, in order)."""
    cfg = IosConfig(items=[])
    seen: set[str] = set()

    def mark(kind: str) -> None:
        if kind not in seen:
            seen.add(kind)
            cfg.items.append((kind, []))

    prev = ""
    for block in _blocks(text):
        head = block[0]
        words = head.split()
        if head == "end":
            break
        if head == "!" and prev in ("vlans", "interfaces"):
            prev = ""  # the separator IOS prints after each block; rendered again
            continue
        if words[0] == "hostname" and len(words) == 2:
            cfg.hostname = words[1]
            mark("hostname")
            prev = "hostname"
        elif words[0] == "vlan" and len(words) == 2 and re.fullmatch(r"[\d,-]+", words[1]):
            mark("vlans")
            name = next((ln.split(None, 1)[1] for ln in block[1:]
                         if ln.split()[0] == "name" and len(ln.split()) == 2), None)
            for vid in parse_vlan_list(words[1]):
                if vid not in DEFAULT_VLANS:
                    cfg.vlans[vid] = name
            prev = "vlans"
        elif words[0] == "interface" and len(words) == 2:
            mark("interfaces")
            iface = cfg.interface(words[1])
            for ln in block[1:]:
                _apply_sub(iface, ln)
            prev = "interfaces"
        else:
            prev = "text"
            if cfg.items and cfg.items[-1][0] == "text":
                cfg.items[-1][1].extend(block)
            else:
                cfg.items.append(("text", list(block)))
    # A seed without them still gets a place for them, where IOS prints them.
    if "interfaces" not in seen:
        cfg.items.append(("interfaces", []))
    if "vlans" not in seen:
        at = next(k for k, (kind, _) in enumerate(cfg.items) if kind == "interfaces")
        cfg.items.insert(at, ("vlans", []))
    if "hostname" not in seen:
        cfg.items.insert(0, ("hostname", []))
    cfg.items.append(("text", ["end"]))
    return cfg
