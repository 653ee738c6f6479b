"""Sites that share a system must not share what they hand out (see `rules.check_estate`).

Each site's targets own the part of a system its pools name: the PBX endpoints of
its number ranges, the VLANs of its occupier pool on a switch or Wi-Fi network, the
Kea subnets of its private range. Two sites on one system with overlapping pools
would each see the other's objects as their own, and prune them: one site's plan
deleting the other site's SIP accounts. So overlaps are refused here, before any
system is read. A system is shared when two sites name the same PBX database
(`pbx.server`), the same switch (host and port), the same Wi-Fi network
(`wifi.network_id`) or the same DHCP server (`dhcp.server_address` or control URL).
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Callable, Iterator

from ..errors import InputIssue
from .base import number_range_bounds, parse_int_range
from .estate import Estate
from .site import Site

Path = tuple[str | int, ...]


def shared_system_rules(estate: Estate) -> Iterator[InputIssue]:
    sites = sorted(estate.sites.values(), key=lambda s: s.id)
    yield from _pairs(estate, sites, _pbx, _numbers, "shared-number-range", "PBX database")
    yield from _pairs(estate, sites, _switches, _vlans, "shared-vlan-pool", "switch")
    yield from _pairs(estate, sites, _wifi, _vlans, "shared-vlan-pool", "Wi-Fi network")
    yield from _pairs(estate, sites, _dhcp, _subnets, "shared-subnet-pool", "DHCP server")


def _pbx(site: Site) -> list[str]:
    return [site.pbx.server] if site.pbx else []


def _switches(site: Site) -> list[str]:
    return sorted({f"{sw.host}:{sw.port or 'default'}" for sw in site.switches.values()})


def _wifi(site: Site) -> list[str]:
    return [site.wifi.network_id] if site.wifi else []


def _dhcp(site: Site) -> list[str]:
    if site.dhcp is None:
        return []
    return [site.dhcp.control_url or f"http://{site.dhcp.server_address}:8000/"]


# What a site hands out on a shared system: (path in the site file, shown, an overlap key).
Pool = tuple[Path, str, object]


def _numbers(site: Site) -> list[Pool]:
    out: list[Pool] = []
    for i, rng in enumerate(site.pools.numbers):
        first, last, digits = number_range_bounds(rng)
        out.append((("pools", "numbers", i), rng, (f"digits{digits}", first, last)))
    return out


def _vlans(site: Site) -> list[Pool]:
    lo, hi = parse_int_range(site.pools.occupier_vlans, 2, 4094)
    out: list[Pool] = [(("pools", "occupier_vlans"), f"pool {site.pools.occupier_vlans}",
                        ("pool", lo, hi))]
    # The site's own VLANs must not fall in the other's pool either (the same vacant
    # VLAN on both sites is fine: it is the same VLAN with the same name).
    site_vlans: list[tuple[Path, int | None]] = [(("vacant", "vlan"), site.vacant.vlan),
                                                 (("voice_vlan",), site.voice_vlan)]
    out += [(path, f"VLAN {vid}", ("site", vid, vid)) for path, vid in site_vlans
            if vid is not None]
    return out


def _subnets(site: Site) -> list[Pool]:
    return [(("pools", "private"), site.pools.private, ipaddress.IPv4Network(site.pools.private))]


def _overlap(a: object, b: object) -> bool:
    if isinstance(a, ipaddress.IPv4Network) and isinstance(b, ipaddress.IPv4Network):
        return a.overlaps(b)
    assert isinstance(a, tuple) and isinstance(b, tuple)
    if a[0] == b[0] == "site":
        return False
    same_kind = a[0] == b[0] or {a[0], b[0]} == {"pool", "site"}
    return same_kind and a[1] <= b[2] and b[1] <= a[2]


def _pairs(estate: Estate, sites: list[Site], systems: Callable[[Site], list[str]],
           pools: Callable[[Site], list[Pool]], rule: str, kind: str) -> Iterator[InputIssue]:
    """For each later site on a system an earlier site uses, each pool that overlaps."""
    users: dict[str, list[Site]] = defaultdict(list)
    for site in sites:
        for system in systems(site):
            users[system].append(site)
    reported: set[tuple[str, Path]] = set()
    for system, on in sorted(users.items()):
        for i, site in enumerate(on):
            for other in on[:i]:
                for path, shown, key in pools(site):
                    for _opath, oshown, okey in pools(other):
                        if (site.id, path) in reported or not _overlap(key, okey):
                            continue
                        reported.add((site.id, path))
                        yield estate.site_issue(
                            site.id, path, rule,
                            f"{shown} overlaps {oshown} of site {other.id}, which shares the "
                            f"{kind} {system}: each site would take the other's objects for "
                            "its own; give the sites disjoint pools")
