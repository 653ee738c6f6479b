"""Global-mode config the emulator does not model: one-liners and blocks kept verbatim.

The rules are heuristics that copy what EOS visibly does: identical lines are not repeated,
single-value settings replace each other, `no X` removes X (or is itself kept when X is on
by default), and new sections land near where EOS prints them.
"""

from __future__ import annotations

from reconciler.lab.eos_config import EosConfig, Item, Marker, Raw

# Headers that open a nested mode whose children are kept verbatim.
BLOCK_PREFIXES = (
    "router ", "management ", "mlag configuration", "vrf instance ", "vrf definition ",
    "ip access-list ", "ipv6 access-list ", "mac access-list ", "route-map ", "policy-map ",
    "class-map ", "control-plane", "monitor ", "daemon ", "event-handler ",
    "spanning-tree mst configuration", "peer-filter ", "tap aggregation", "qos profile ",
    "cvx", "email", "role ", "aaa group server ", "traffic-policies", "dhcp server",
    "queue-monitor streaming", "trackers", "ip prefix-list ", "ipv6 prefix-list ",
)
# Global lines that hold one value: a new one replaces the old one.
SINGLE_VALUE = (
    "spanning-tree mode", "ip domain-name", "clock timezone", "service routing protocols model",
    "transceiver qsfp default-mode", "vlan internal order", "ipv6 unicast-routing",
    "prompt", "lacp system-priority", "mac address-table aging-time",
)
# `no X` lines EOS prints because X is on by default.
DEFAULT_ON = (
    "aaa root", "enable password", "enable secret", "ip routing", "spanning-tree vlan-id",
    "lldp run", "ip icmp redirect", "ip igmp snooping", "logging console", "ip domain lookup",
)
# Where sections sit in EOS output (AVD renders in this order); the longest prefix wins.
_ORDER: tuple[tuple[str, int], ...] = (
    ("alias", 5), ("prompt", 5), ("terminal", 5), ("enable", 10), ("aaa root", 11),
    ("username", 12), ("role", 13), ("vlan internal", 20), ("transceiver", 21),
    ("service", 22), ("hostname", 25), ("ip name-server", 26), ("ip domain", 26),
    ("dns", 26), ("spanning-tree", 30), ("vrf", 45), ("management api", 46), ("aaa", 47),
    ("ip routing", 60), ("ipv6 unicast-routing", 60), ("mlag", 62), ("ip route", 64),
    ("ipv6 route", 64), ("ntp", 70), ("router", 80), ("management", 90),
)
MARKER_ORDER = {Marker.HOSTNAME: 25, Marker.VLANS: 40, Marker.INTERFACES: 50}
# Ranks EOS prints without a `!` between them (`no aaa root` right after `no enable
# password`; `ip name-server` right after `hostname`).
_SAME_GROUP = {11: 10, 26: 25}


def group_of(rank: int, key: str) -> tuple[int, str]:
    """Neighbouring one-liners of one group print without a `!` between them."""
    if rank == 75:  # not in the table: each first word is its own section
        return rank, key
    return _SAME_GROUP.get(rank, rank), ""


def order_key(line: str) -> tuple[int, str]:
    words = line.split()
    body = " ".join(words[1:] if words[:1] == ["no"] else words)
    best = ("", 75)
    for prefix, rank in _ORDER:
        if (body == prefix or body.startswith(prefix + " ")) and len(prefix) > len(best[0]):
            best = (prefix, rank)
    key = best[0] or (body.split()[0] if body else "")
    return best[1], key


def find(cfg: EosConfig, header: str) -> int | None:
    for idx, item in enumerate(cfg.items):
        if isinstance(item, Raw) and item.header.strip() == header:
            return idx
    return None


def is_block(cfg: EosConfig, body: str) -> bool:
    idx = find(cfg, body)
    if idx is not None and len(cfg.items[idx].lines) > 1:  # type: ignore[union-attr]
        return True
    return (body + " ").startswith(BLOCK_PREFIXES)


def remove(cfg: EosConfig, body: str, exact: bool = False, one_liners: bool = False) -> bool:
    """Drop global items whose header is `body` (or starts with it unless `exact`)."""

    def hit(item: object) -> bool:
        if not isinstance(item, Raw) or (one_liners and len(item.lines) > 1):
            return False
        header = item.header.strip()
        return header == body or (not exact and header.startswith(body + " "))

    kept = [item for item in cfg.items if not hit(item)]
    removed = len(kept) != len(cfg.items)
    cfg.items[:] = kept
    return removed


def insert(cfg: EosConfig, line: str) -> None:
    """A new global line goes after its kin, else before the first later section."""
    rank, key = order_key(line)
    last_kin = None
    for idx, item in enumerate(cfg.items):
        if isinstance(item, Raw) and order_key(item.header)[1] == key:
            last_kin = idx
    if last_kin is not None:
        cfg.items.insert(last_kin + 1, Raw((line,)))
        return
    for idx, item in enumerate(cfg.items):
        later = (MARKER_ORDER.get(item, -1) if isinstance(item, Marker)
                 else order_key(item.header)[0])
        if later > rank:
            cfg.items[idx:idx] = [Marker.SEP, Raw((line,)), Marker.SEP]
            return
    cfg.items.extend([Marker.SEP, Raw((line,))])


def apply_global(cfg: EosConfig, words: list[str]) -> str | None:
    """Apply an unmodelled global command; returns the block header if it opens one."""
    neg = words[0] if words[0] in ("no", "default") else None
    body = " ".join(words[1:] if neg else words)
    if neg:
        removed = remove(cfg, body)
        if (neg == "no" and not removed and body.startswith(DEFAULT_ON)
                and find(cfg, f"no {body}") is None):
            insert(cfg, f"no {body}")
        return None
    if is_block(cfg, body):
        if find(cfg, body) is None:
            insert(cfg, body)
        return body
    if find(cfg, body) is not None:
        return None
    remove(cfg, f"no {body}", exact=True)
    for prefix in SINGLE_VALUE:
        if body.startswith(prefix):
            remove(cfg, prefix, one_liners=True)
    insert(cfg, body)
    return None


def apply_block_child(cfg: EosConfig, header: str, words: list[str], raw: str) -> bool:
    """Add/remove a child line of block `header`; False if the block is gone.

    Indented input (a pasted config) is kept with its indentation so nested sub-blocks
    survive; unindented input is placed one level in and matched on its text.
    """
    idx = find(cfg, header)
    if idx is None:
        return False
    item = cfg.items[idx]
    assert isinstance(item, Raw)
    children = list(item.lines[1:])
    indent = min((len(c) - len(c.lstrip()) for c in children), default=3)
    line = raw.rstrip() if raw[:1] in (" ", "\t") else " " * indent + " ".join(words)
    lead = line[: len(line) - len(line.lstrip())]
    if line.strip() == "!":
        if children and children[-1] != line:
            children.append(line)  # EOS separates nested sub-blocks with an indented `!`
        cfg.items[idx] = Raw((item.header, *children))
        return True
    neg = words[0] if words[0] in ("no", "default") and len(words) > 1 else None
    if neg:
        body = lead + " ".join(words[1:])
        kept = [c for c in children if c != body and not c.startswith(body + " ")]
        # a one-word flag (`no shutdown`) is printed either way round; for longer
        # lines keep the `no` form only when there was nothing to remove
        if neg == "no" and (len(words) == 2 or len(kept) == len(children)):
            kept = [c for c in kept if c != line]
            kept.append(line)
        children = kept
    elif line not in children:
        children = [c for c in children if c != lead + "no " + line.strip()]
        children.append(line)
    cfg.items[idx] = Raw((item.header, *children))
    return True


def canonical_items(items: list[Item]) -> list[Item]:
    """Items in EOS's section order (stable within a section); `!` markers dropped."""
    ranked = [((order_key(i.header)[0] if isinstance(i, Raw) else MARKER_ORDER[i]), n, i)
              for n, i in enumerate(items) if i is not Marker.SEP]
    return [i for *_, i in sorted(ranked, key=lambda u: (u[0], u[1]))]
