"""Switch models as data (`hardware.yaml`): which ports a model has and what it refuses.

One source for three readers: the site checks (a site may name a switch's `model`; its
ports must exist on it), the switch targets (a rendered line the model refuses stops the
plan, so it never reaches the switch) and the lab emulators (they refuse what the model
refuses, as the real switch would). Platform and model quirks live in the data file, in
hier_config's spirit, never as `if model == ...` in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

CliMode = Literal["global", "interface", "vlan"]
DATA = Path(__file__).with_name("hardware.yaml")
_RANGE_RE = re.compile(r"(.*?)(\d+)-(\d+)")
_MEMBER_RE = re.compile(r"^([A-Za-z-]+)1/")
# Interfaces that exist on every model of a platform (created by configuring them).
_LOGICAL = {
    "cisco_ios": re.compile(r"(?i)(?:Port-channel|Vlan|Loopback|Tunnel|Null)\d+(?:\.\d+)?"),
    "arista_eos": re.compile(r"(?:Port-Channel|Vlan|Loopback|Tunnel|Vxlan)\d+(?:\.\d+)?"),
}


@dataclass(frozen=True)
class Refusal:
    mode: CliMode
    line: re.Pattern[str]
    why: str
    at: int = 1  # the word the CLI stops at (1-based): where its error caret goes

    def caret(self, line: str) -> int:
        """The column of word `at` in `line` (0-based), for the CLI's `^` marker."""
        words = list(re.finditer(r"\S+", line))
        return words[min(self.at, len(words)) - 1].start() if words else 0


@dataclass(frozen=True, eq=False)  # one instance per model: identity is equality
class SwitchModel:
    name: str
    family: str
    platform: str
    description: str
    ports: tuple[str, ...]  # stack member 1, "PrefixA-B" ranges
    stack: int
    features: Mapping[str, bool]
    refuses: tuple[Refusal, ...]
    show_version: Mapping[str, str]

    def supports(self, feature: str) -> bool:
        return self.features.get(feature, True)

    def refusal(self, mode: CliMode, line: str) -> Refusal | None:
        """The rule that refuses `line` (one command, in `mode`), if any."""
        text = " ".join(line.split())
        return next((r for r in self.refuses if r.mode == mode and r.line.fullmatch(text)), None)

    def first_refused(self, lines: Iterable[str]) -> tuple[str, Refusal] | None:
        """The first refused line of rendered commands (headers switch the mode)."""
        mode: CliMode = "global"
        for raw in lines:
            words = raw.split()
            if not words:
                continue
            if words[0] == "interface":
                mode = "interface"
            elif words[0] == "vlan" and len(words) == 2:
                mode = "vlan"
            elif words[0] == "no" and words[1:2] in (["interface"], ["vlan"]):
                mode = "global"
            else:
                rule = self.refusal(mode, raw)
                if rule is not None:
                    return raw.strip(), rule
        return None

    def member_ports(self, member: int = 1) -> list[str]:
        """The physical ports of one stack member, in front-panel order."""
        out: list[str] = []
        for spec in self.ports:
            if member != 1:
                m = _MEMBER_RE.match(spec)
                if m is None:
                    continue  # a management port belongs to the stack, not a member
                spec = f"{m[1]}{member}/" + spec[m.end():]
            r = _RANGE_RE.fullmatch(spec)
            out += [f"{r[1]}{n}" for n in range(int(r[2]), int(r[3]) + 1)] if r else [spec]
        return out

    @property
    def physical_ports(self) -> frozenset[str]:
        return _physical(self)

    def has_interface(self, name: str) -> bool:
        """A port of this model (any stack member), or a logical interface."""
        return name in self.physical_ports or bool(_LOGICAL[self.platform].fullmatch(name))

    def describe_ports(self) -> str:
        """"GigabitEthernet1/0/1-48, TenGigabitEthernet1/0/1-2" (member 1)."""
        return ", ".join(self.ports)


@cache
def _physical(model: SwitchModel) -> frozenset[str]:
    return frozenset(p for m in range(1, model.stack + 1) for p in model.member_ports(m))


@cache
def catalogue() -> dict[str, SwitchModel]:
    """Every known model by name (the data file is read once)."""
    from ruamel.yaml import YAML

    data: dict[str, Any] = YAML(typ="safe").load(DATA.read_text())
    out: dict[str, SwitchModel] = {}
    for family, spec in data.items():
        refuses = tuple(Refusal(r["mode"], re.compile(r["line"]), r["why"], int(r.get("at", 1)))
                        for r in spec.get("refuses", []))
        for name, ports in spec["models"].items():
            out[name] = SwitchModel(name, family, spec["platform"], spec["description"],
                                    tuple(ports), int(spec.get("stack", 1)),
                                    dict(spec.get("features", {})), refuses,
                                    dict(spec.get("show_version", {})))
    return out


def models(platform: str) -> list[str]:
    return sorted(n for n, m in catalogue().items() if m.platform == platform)


def lookup(platform: str, name: str) -> SwitchModel:
    """The model `name` of `platform`; ValueError naming the known ones otherwise."""
    model = catalogue().get(name)
    if model is None or model.platform != platform:
        raise ValueError(f"unknown {platform} switch model {name!r}; known models: "
                         + ", ".join(models(platform)))
    return model


def optional(platform: str, name: str | None) -> SwitchModel | None:
    """`lookup`, or None when no model is named (or it is not in the catalogue)."""
    if name is None:
        return None
    model = catalogue().get(name)
    return model if model is not None and model.platform == platform else None


def check_lines(model: SwitchModel | None, lines: Sequence[str]) -> str | None:
    """A message when `model` refuses one of `lines`; None when it accepts them all."""
    if model is None:
        return None
    hit = model.first_refused(lines)
    if hit is None:
        return None
    line, rule = hit
    return f"a {model.name} refuses {line!r} ({rule.why})"
