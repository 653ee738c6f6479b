"""The emulated switch's configuration model and the CLI error type.

The model keeps what a reconciler manages (hostname, VLANs, interface L2/L3 basics) as
typed fields, and everything else verbatim so that unmodelled config survives a round trip.
Parsing is in `eos_parse`, per-line commands in `eos_lines`, text output in `eos_render`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any

from reconciler.lab.eos_names import L2_TYPES, if_type

# Slot ranks: where each modelled line sits inside an interface block (EOS order).
R_DESC, R_SHUT, R_NOSW, R_ACCESS, R_NATIVE, R_PHONE, R_ALLOWED, R_MODE, R_SW = (
    10, 20, 30, 40, 50, 60, 70, 80, 90,
)
R_IP, R_HELPER = 100, 110


class CliError(Exception):
    """A command EOS would reject; `text` is the eAPI `errors` entry.

    `code`/`reason` form the JSON-RPC error: 1002 "invalid command" for bad input,
    1000 "could not run command" for a valid command that failed.
    """

    def __init__(self, text: str, code: int = 1002, reason: str = "invalid command") -> None:
        super().__init__(text)
        self.text = text
        self.code = code
        self.reason = reason


class NotHere(Exception):
    """The command is not valid in the current sub-mode (EOS then tries the parent mode)."""


def invalid(words: list[str], idx: int) -> CliError:
    idx = min(idx, len(words) - 1)
    return CliError(f"Invalid input (at token {idx}: '{words[idx]}')")


def incomplete() -> CliError:
    return CliError("Incomplete command")


class Marker(enum.Enum):
    """Placeholders in the top-level item list for the modelled sections."""

    SEP = "!"
    HOSTNAME = "hostname"
    VLANS = "vlans"
    INTERFACES = "interfaces"


@dataclass(frozen=True)
class Raw:
    """An unmodelled top-level line or block, kept byte for byte."""

    lines: tuple[str, ...]

    @property
    def header(self) -> str:
        return self.lines[0]


Item = Marker | Raw


@dataclass(frozen=True)
class Extra:
    """An unmodelled line inside an interface: `rank` anchors it among modelled slots."""

    rank: int
    seq: int
    text: str


@dataclass
class Vlan:
    vid: int
    name: str | None = None
    state: str = "active"
    extra: list[str] = field(default_factory=list)

    def is_bare(self) -> bool:
        return self.name is None and self.state == "active" and not self.extra

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "state": self.state, "extra": list(self.extra)}


@dataclass
class Interface:
    name: str
    description: str | None = None
    shutdown: bool = False
    switchport: bool = True
    mode: str = "access"
    access_vlan: int = 1
    native_vlan: int = 1
    allowed: frozenset[int] | None = None  # None = ALL
    phone_vlan: int | None = None
    ip_address: str | None = None
    helpers: list[str] = field(default_factory=list)
    extra: list[Extra] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return if_type(self.name)

    @property
    def l2(self) -> bool:
        return self.kind in L2_TYPES

    def extras_in_order(self) -> list[str]:
        return [e.text for e in sorted(self.extra, key=lambda e: (e.rank, e.seq))]

    def next_seq(self) -> int:
        return max((e.seq for e in self.extra), default=-1) + 1

    def channel_group(self) -> int | None:
        for text in self.extras_in_order():
            words = text.split()
            if len(words) >= 2 and words[0] == "channel-group" and words[1].isdigit():
                return int(words[1])
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "shutdown": self.shutdown,
            "switchport": self.switchport,
            "mode": self.mode,
            "access_vlan": self.access_vlan,
            "native_vlan": self.native_vlan,
            "allowed_vlans": None if self.allowed is None else sorted(self.allowed),
            "phone_vlan": self.phone_vlan,
            "ip_address": self.ip_address,
            "helpers": list(self.helpers),
            "extra": self.extras_in_order(),
        }


@dataclass
class EosConfig:
    hostname: str | None = None
    vlans: dict[int, Vlan] = field(default_factory=lambda: {1: Vlan(1)})
    interfaces: dict[str, Interface] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)

    def copy(self) -> EosConfig:
        """Cheap deep copy: Raw and Extra are immutable, so only containers are copied."""
        return EosConfig(
            hostname=self.hostname,
            vlans={k: replace(v, extra=list(v.extra)) for k, v in self.vlans.items()},
            interfaces={
                k: replace(i, helpers=list(i.helpers), extra=list(i.extra))
                for k, i in self.interfaces.items()
            },
            items=list(self.items),
        )

    def ensure_marker(self, marker: Marker) -> None:
        if marker in self.items:
            return
        if marker is Marker.HOSTNAME:
            self.items.insert(0, marker)
        elif marker is Marker.VLANS and Marker.INTERFACES in self.items:
            self.items.insert(self.items.index(Marker.INTERFACES), marker)
        elif marker is Marker.INTERFACES and Marker.VLANS in self.items:
            self.items.insert(self.items.index(Marker.VLANS) + 1, marker)
        else:
            self.items.append(marker)

    def interface(self, name: str) -> Interface:
        """Get or create; a new Port-Channel/Vlan/Loopback appears in running-config."""
        intf = self.interfaces.get(name)
        if intf is None:
            intf = self.interfaces[name] = Interface(name)
            self.ensure_marker(Marker.INTERFACES)
        return intf

    def vlan(self, vid: int) -> Vlan:
        vlan = self.vlans.get(vid)
        if vlan is None:
            vlan = self.vlans[vid] = Vlan(vid)
            self.ensure_marker(Marker.VLANS)
        return vlan

    def snapshot(self) -> dict[str, Any]:
        """Comparable state (ignores line anchors), also served by /_lab/state."""
        return {
            "hostname": self.hostname,
            "vlans": {v: self.vlans[v].as_dict() for v in sorted(self.vlans)},
            "interfaces": {n: i.as_dict() for n, i in sorted(self.interfaces.items())},
            "raw": [list(i.lines) for i in self.items if isinstance(i, Raw)],
        }
