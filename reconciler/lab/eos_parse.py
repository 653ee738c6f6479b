"""Parse running-config text (EOS, AVD or hier_config style) into an `EosConfig`."""

from __future__ import annotations

from reconciler.lab.eos_config import CliError, EosConfig, Extra, Interface, Marker, NotHere, Raw
from reconciler.lab.eos_global import canonical_items
from reconciler.lab.eos_lines import apply_interface_line, apply_vlan_line
from reconciler.lab.eos_names import BadToken, expand_interfaces, parse_vlan_list


def _children(lines: list[str], idx: int) -> tuple[list[str], int]:
    """Indented lines after a header: a block ends at the next unindented line (AVD quirk)."""
    out: list[str] = []
    while idx < len(lines) and (lines[idx][:1] in (" ", "\t") or not lines[idx].strip()):
        if lines[idx].strip():
            out.append(lines[idx].rstrip())
        idx += 1
    return out, idx


def _child_indent(children: list[str]) -> int:
    return min((len(c) - len(c.lstrip()) for c in children), default=3)


def _parse_interface_block(intf: Interface, children: list[str]) -> None:
    base = _child_indent(children)
    anchor = 0
    for child in children:
        rel = child[base:]
        if rel[:1] in (" ", "\t") or rel.strip() == "!":
            intf.extra.append(Extra(anchor, intf.next_seq(), rel))
            continue
        try:
            rank = apply_interface_line(intf, rel, anchor)
        except (CliError, NotHere):
            intf.extra.append(Extra(anchor, intf.next_seq(), rel))
            continue
        if rank is not None:
            anchor = max(anchor, rank)


def _place(cfg: EosConfig, marker: Marker) -> None:
    """Sections render where the file first had them."""
    if marker not in cfg.items:
        cfg.items.append(marker)


def parse_config(text: str) -> EosConfig:
    """Parse EOS running-config text (EOS, AVD or hier_config indentation) into a model."""
    cfg = EosConfig()
    lines = text.replace("\r\n", "\n").split("\n")
    idx = 0
    while idx < len(lines):
        line = lines[idx].rstrip()
        idx += 1
        if not line.strip():
            continue
        if line == "!":
            if not cfg.items or cfg.items[-1] is not Marker.SEP:
                cfg.items.append(Marker.SEP)
            continue
        if line.startswith("!"):
            continue  # comment such as `! Command: show running-config`
        if line == "end":
            break
        if line.startswith("banner "):
            block = [line]
            while idx < len(lines):
                block.append(lines[idx].rstrip())
                idx += 1
                if block[-1] == "EOF":
                    break
            cfg.items.append(Raw(tuple(block)))
            continue
        children, idx = _children(lines, idx)
        words = line.split()
        if line[:1] in (" ", "\t"):  # stray indented line: keep it verbatim
            cfg.items.append(Raw((line, *children)))
            continue
        if words[0] == "hostname" and len(words) == 2:
            cfg.hostname = words[1]
            _place(cfg, Marker.HOSTNAME)
            continue
        if not _parse_section(cfg, words, children):
            cfg.items.append(Raw((line, *children)))
            continue
        if idx < len(lines) and lines[idx].rstrip() == "!":
            idx += 1  # the section renders its own separators
    cfg.items = canonical_items(cfg.items)  # EOS prints sections in its order, not the file's
    return cfg


def _parse_section(cfg: EosConfig, words: list[str], children: list[str]) -> bool:
    if words[0] == "vlan" and len(words) == 2:
        try:
            vids = parse_vlan_list(words[1])
        except BadToken:
            return False
        _place(cfg, Marker.VLANS)
        base = _child_indent(children)
        for vid in vids:
            vlan = cfg.vlan(vid)
            for child in children:
                try:
                    apply_vlan_line(vlan, child[base:], parsing=True)
                except (CliError, NotHere):
                    vlan.extra.append(child[base:])
        return True
    if words[0] == "interface" and len(words) >= 2:
        try:
            names = expand_interfaces(" ".join(words[1:]))
        except BadToken:
            return False
        _place(cfg, Marker.INTERFACES)
        for name in names:
            _parse_interface_block(cfg.interface(name), children)
        return True
    return False
