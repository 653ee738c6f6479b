"""Rules for public IP blocks and DHCP reservations (see `rules.check_estate`)."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterator

from ..errors import InputIssue
from .estate import Estate
from .occupier import Contract
from .periods import Period, holding, overlaps
from .site import Site


def router_port_rule(err, cp, c: Contract, site: Site) -> Iterator[InputIssue]:  # type: ignore[no-untyped-def]
    """A public block is delivered at layer 2 on the router port of one of the spaces."""
    spaces = site.spaces()
    if not any(e.role == "router" for o in c.occupancies if o.space in spaces
               for e in spaces[o.space].ports):
        yield err((*cp, "public_ip"), "public-router-port",
                  "a public IP service needs a space with a port of role: router (the "
                  "occupier's router is patched there); lease one or mark its port in the site")


def public_overlap_rules(estate: Estate) -> Iterator[InputIssue]:
    """Rule 5 for public blocks: no two blocks of a site overlap while both are held.

    Identical blocks are already reported by `rules._unique_rules`; this catches a /30
    inside another occupier's /29.
    """
    held: dict[str, list[tuple[str, tuple[str | int, ...], ipaddress.IPv4Network, Period]]] = \
        defaultdict(list)
    for o in sorted(estate.occupiers.values(), key=lambda o: o.id):
        for ci, c in enumerate(o.contracts):
            if c.public_ip:
                held[c.site].append((o.id, ("contracts", ci, "public_ip", "block"),
                                     ipaddress.IPv4Network(c.public_ip.block), holding(c)))
    for site, blocks in held.items():
        for i, (occ, path, block, period) in enumerate(blocks):
            for other, _p, oblock, operiod in blocks[:i]:
                if block != oblock and block.overlaps(oblock) and overlaps(period, operiod):
                    yield estate.occupier_issue(
                        occ, path, "public-overlap",
                        f"public block {block} at {site} overlaps {oblock} of occupier "
                        f"{other!r} (rule 5): run `reconciler allocate` for a free block")
                    break


def reservation_rules(estate: Estate) -> Iterator[InputIssue]:
    """A fixed DHCP address is given to one device, and only where DHCP runs."""
    for occ in estate.occupiers.values():
        seen: dict[tuple[str, str], str] = {}
        for di, d in enumerate(occ.devices):
            if d.reservation is None:
                continue
            path = ("devices", di, "reservation")
            c = occ.contract_at(d.site)
            if c is not None and not c.dhcp:
                yield estate.occupier_issue(occ.id, path, "reservation",
                                            f"{d.site} has dhcp: false for this occupier; a "
                                            "reservation needs the site's DHCP service")
            other = seen.get((d.site, d.reservation))
            if other:
                yield estate.occupier_issue(occ.id, path, "unique-reservation",
                                            f"{d.reservation} is already reserved for {other}")
            seen.setdefault((d.site, d.reservation), d.name)
