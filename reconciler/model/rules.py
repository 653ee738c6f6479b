"""Cross-file rules of domain.md; each issue names the file, line and rule.

Rule ids in messages follow domain.md's numbering ("rule 4") so an operator can
look the rule up.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterator

from ..clock import today
from ..errors import InputIssue
from .base import number_range_bounds, parse_int_range
from .estate import Estate
from .occupier import Contract
from .periods import FOREVER, Period, holding, overlaps
from .rules_network import public_overlap_rules, reservation_rules, router_port_rule
from .rules_shared import shared_system_rules
from .rules_voice import in_number_ranges, voice_allocations, voice_rules
from .site import INTERFACE_RE, Site, Space, expand_port_ref

__all__ = ["FOREVER", "Period", "check_estate", "holding", "in_number_ranges", "overlaps",
           "torn_down"]

def torn_down(c: Contract, at: dt.date | None = None) -> bool:
    """An ended contract that asked for teardown needs no allocation any more."""
    return bool(c.end and c.deprovision_on_end and c.end < (at or today()))


def check_estate(estate: Estate, *, check_allocations: bool = True) -> list[InputIssue]:
    issues: list[InputIssue] = []
    for site in estate.sites.values():
        issues += list(_site_rules(estate, site))
    issues += list(_occupier_rules(estate, check_allocations))
    issues += list(_unique_rules(estate))
    issues += list(_radius_rules(estate))
    issues += list(public_overlap_rules(estate))
    issues += list(reservation_rules(estate))
    issues += list(shared_system_rules(estate))
    return issues


def _radius_rules(estate: Estate) -> Iterator[InputIssue]:
    """Sites sharing a RADIUS server share its credentials, and each has its own NAS name
    (the per-site VLAN groups match on it)."""
    first: dict[str, Site] = {}
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        r = site.radius
        if r is None:
            continue
        other = first.setdefault(r.server, site)
        if other is site or other.radius is None:
            continue
        if r.credentials != other.radius.credentials:
            yield estate.site_issue(site.id, ("radius", "credentials"), "radius-server",
                                    f"RADIUS server {r.server!r} is reached with credentials "
                                    f"{other.radius.credentials!r} at site {other.id}; sites "
                                    "sharing a server must name the same credentials")
        for s2 in estate.sites.values():
            if s2 is not site and s2.radius and s2.radius.server == r.server and \
                    s2.radius.nas_identifier == r.nas_identifier and s2.id < site.id:
                yield estate.site_issue(site.id, ("radius", "nas_identifier"), "radius-nas",
                                        f"NAS identifier {r.nas_identifier!r} is already site "
                                        f"{s2.id}'s on RADIUS server {r.server!r}; each site "
                                        "needs its own")


def _site_rules(estate: Estate, site: Site) -> Iterator[InputIssue]:
    def err(path: tuple[str | int, ...], rule: str, msg: str) -> InputIssue:
        return estate.site_issue(site.id, path, rule, msg)

    if site.pbx is not None and site.emergency_caller_id() is None:
        yield err(("pbx",), "emergency-caller-id", "emergency calls present a number that "
                  "locates the site: set pbx.emergency_caller_id or support.phone")

    lo, hi = parse_int_range(site.pools.occupier_vlans, 2, 4094)
    for name, vid in (("vacant", site.vacant.vlan), ("voice_vlan", site.voice_vlan)):
        if vid is not None and lo <= vid <= hi:
            path: tuple[str | int, ...] = ("vacant", "vlan") if name == "vacant" else ("voice_vlan",)
            yield err(path, "site-vlans", f"{name} VLAN {vid} lies inside the occupier pool "
                      f"{lo}-{hi}; site VLANs must be outside it")
    if site.switches and not any(s.role == "core" for s in site.switches.values()):
        yield err(("switches",), "site-core", "a site with switches needs one switch with role: core "
                  "(it carries the occupier gateways)")
    seen_ports: dict[tuple[str, str], str] = {}
    space_ids: set[str] = set()
    for sw_name, sw in site.switches.items():
        for up in sw.uplinks:
            seen_ports[(sw_name, up)] = "uplink"
    for fi, floor in enumerate(site.floors):
        for si, space in enumerate(floor.spaces):
            base: tuple[str | int, ...] = ("floors", fi, "spaces", si)
            if space.id in space_ids:
                yield err((*base, "id"), "unique-space", f"space {space.id!r} is defined twice")
            space_ids.add(space.id)
            for pi, entry in enumerate(space.ports):
                ppath = (*base, "ports", pi)
                try:
                    sw_name, ifaces = expand_port_ref(entry.port)
                except ValueError as exc:
                    yield err(ppath, "port-ref", str(exc))
                    continue
                port_sw = site.switches.get(sw_name)
                if port_sw is None:
                    yield err(ppath, "port-ref", f"switch {sw_name!r} is not defined in this site; "
                              f"switches: {', '.join(site.switches) or 'none'} (rule 1)")
                    continue
                for iface in ifaces:
                    if not re.fullmatch(INTERFACE_RE[port_sw.platform], iface):
                        yield err(ppath, "port-ref", f"{iface!r} is not a {port_sw.platform.value} "
                                  "interface name (use the full name, e.g. Ethernet1 or "
                                  "GigabitEthernet1/0/1)")
                        break
                    hw = port_sw.hardware()
                    if hw is not None and not hw.has_interface(iface):
                        yield err(ppath, "hardware", f"{sw_name} is a {hw.name}: it has no "
                                  f"port {iface} (its ports: {hw.describe_ports()})")
                        break
                    other = seen_ports.get((sw_name, iface))
                    if other:
                        yield err(ppath, "port-ref", f"{sw_name}:{iface} is already used by "
                                  f"{other}; a switch port belongs to one space")
                        break
                    seen_ports[(sw_name, iface)] = f"space {space.id}"
    for ri, rng in enumerate(site.pools.numbers):
        for rj, other_rng in enumerate(site.pools.numbers[:ri]):
            a1, a2, ad = number_range_bounds(rng)
            b1, b2, bd = number_range_bounds(other_rng)
            if ad == bd and a1 <= b2 and b1 <= a2:
                yield err(("pools", "numbers", ri), "number-range", f"overlaps range {rj + 1}")


def _occupier_rules(estate: Estate, check_allocations: bool) -> Iterator[InputIssue]:
    broken_sites = estate.broken_site_ids()
    # Once per site, not once per contract.
    site_spaces = {sid: site.spaces() for sid, site in estate.sites.items()}
    for occ in estate.occupiers.values():
        def err(path: tuple[str | int, ...], rule: str, msg: str, _o: str = occ.id) -> InputIssue:
            return estate.occupier_issue(_o, path, rule, msg)

        emails = {u.email for u in occ.users}
        seen_sites: set[str] = set()
        wifi_sites: set[str] = set()
        for ci, c in enumerate(occ.contracts):
            cp: tuple[str | int, ...] = ("contracts", ci)
            if c.site in seen_sites:
                yield err((*cp, "site"), "one-contract-per-site",
                          f"a second contract at site {c.site!r}; one contract per occupier per "
                          "site (rule 2): put services and occupancies under the first")
            seen_sites.add(c.site)
            if c.services.wifi_secure:
                wifi_sites.add(c.site)
            site = estate.sites.get(c.site)
            if site is None:
                if c.site not in broken_sites:
                    yield err((*cp, "site"), "site-exists",
                              f"site {c.site!r} does not exist; sites: "
                              f"{', '.join(sorted(estate.sites)) or 'none'} (rule 1)")
                continue
            yield from _contract_rules(estate, occ.id, cp, c, site, emails, check_allocations,
                                       site_spaces[site.id])
        for ui, u in enumerate(occ.users):
            if u.home_site and u.home_site not in seen_sites:
                yield err(("users", ui, "home_site"), "site-exists",
                          f"home_site {u.home_site!r} is not a site this occupier has a contract at")
            if u.wifi_secure and not wifi_sites:
                yield err(("users", ui, "wifi_secure"), "wifi-service",
                          "the user has wifi_secure but no contract has the wifi_secure service")
        names: set[str] = set()
        for di, d in enumerate(occ.devices):
            if d.name in names:
                yield err(("devices", di, "name"), "unique-device", f"device {d.name!r} twice")
            names.add(d.name)
            if d.site not in seen_sites:
                yield err(("devices", di, "site"), "site-exists",
                          f"device site {d.site!r} is not a site this occupier has a contract at")
                continue
            dc = occ.contract_at(d.site)
            if d.reservation and dc and dc.network:
                net = ipaddress.IPv4Network(dc.network.subnet)
                addr = ipaddress.IPv4Address(d.reservation)
                if addr not in net or not 2 <= int(addr) - int(net.network_address) <= 20:
                    yield err(("devices", di, "reservation"), "reservation",
                              f"{d.reservation} must be a kept host (.2-.20) of {dc.network.subnet}")
        seen_emails: set[str] = set()
        for ui, u in enumerate(occ.users):
            if u.email in seen_emails:
                yield err(("users", ui, "email"), "unique-email", f"user {u.email} twice")
            seen_emails.add(u.email)


def _contract_rules(estate: Estate, occ_id: str, cp: tuple[str | int, ...], c: Contract,
                    site: Site, emails: set[str],
                    check_allocations: bool,
                    spaces: dict[str, Space] | None = None) -> Iterator[InputIssue]:
    def err(path: tuple[str | int, ...], rule: str, msg: str) -> InputIssue:
        return estate.occupier_issue(occ_id, path, rule, msg)

    if spaces is None:
        spaces = site.spaces()
    for oi, o in enumerate(c.occupancies):
        op = (*cp, "occupancies", oi)
        if o.space not in spaces:
            yield err((*op, "space"), "space-exists", f"space {o.space!r} does not exist at "
                      f"{site.id}; spaces: {', '.join(spaces) or 'none'} (rule 1)")
        elif spaces[o.space].status == "unavailable":
            yield err((*op, "space"), "space-available", f"space {o.space!r} is unavailable")
        if o.move_in < c.start:
            yield err((*op, "move_in"), "occupancy-dates",
                      f"move_in {o.move_in} is before the contract start {c.start} (rule 3)")
        if c.end and (o.move_out or FOREVER) > c.end and o.move_out is not None:
            yield err((*op, "move_out"), "occupancy-dates",
                      f"move_out {o.move_out} is after the contract end {c.end} (rule 3)")
    lo, hi = parse_int_range(site.pools.occupier_vlans, 2, 4094)
    if c.network:
        if not lo <= c.network.vlan <= hi:
            yield err((*cp, "network", "vlan"), "vlan-pool",
                      f"VLAN {c.network.vlan} is outside the site pool {lo}-{hi}")
        if not ipaddress.IPv4Network(c.network.subnet).subnet_of(
                ipaddress.IPv4Network(site.pools.private)):
            yield err((*cp, "network", "subnet"), "subnet-pool",
                      f"{c.network.subnet} is outside the site's private pool {site.pools.private}")
    elif check_allocations and c.needs_network() and not torn_down(c):
        yield err(cp, "allocation-missing", f"contract at {site.id} needs a VLAN and subnet: "
                  "run `reconciler allocate`")
    if c.public_ip:
        block = ipaddress.IPv4Network(c.public_ip.block)
        if not any(block.subnet_of(ipaddress.IPv4Network(p)) for p in site.pools.public):
            yield err((*cp, "public_ip", "block"), "public-pool",
                      f"{block} is outside the site's public blocks")
        if any(block.overlaps(ipaddress.IPv4Network(r)) for r in site.pools.public_reserved):
            yield err((*cp, "public_ip", "block"), "public-reserved", f"{block} overlaps a reserved block")
        if not lo <= c.public_ip.vlan <= hi:
            yield err((*cp, "public_ip", "vlan"), "vlan-pool",
                      f"VLAN {c.public_ip.vlan} is outside the site pool {lo}-{hi}")
        if not c.services.public_ip:
            yield err((*cp, "public_ip"), "public-service", "a public block without the public_ip service")
        elif block.prefixlen != c.services.public_ip.size:
            yield err((*cp, "public_ip", "block"), "public-size",
                      f"{block} is a /{block.prefixlen} but the service asks for a "
                      f"/{c.services.public_ip.size}")
        yield from router_port_rule(err, cp, c, site)
    elif check_allocations and c.services.public_ip and not torn_down(c):
        yield err((*cp, "services", "public_ip"), "allocation-missing",
                  "the public_ip service needs a block: run `reconciler allocate`")
    if not c.dhcp and not c.services.public_ip:
        yield err((*cp, "dhcp"), "dhcp-off", "dhcp: false is allowed only with a public_ip service "
                  "(the occupier's own router then serves addresses)")
    yield from voice_rules(err, cp, c, site, emails)
    if check_allocations and not torn_down(c):
        yield from voice_allocations(err, cp, c, site)


def _unique_rules(estate: Estate) -> Iterator[InputIssue]:
    """Rule 5: no two occupiers hold the same resource at one site at the same time."""
    held: dict[tuple[str, str, str], list[tuple[str, tuple[str | int, ...], Period]]] = \
        defaultdict(list)
    spaces: dict[tuple[str, str], list[tuple[str, tuple[str | int, ...], Period]]] = \
        defaultdict(list)
    for occ in estate.occupiers.values():
        for ci, c in enumerate(occ.contracts):
            cp: tuple[str | int, ...] = ("contracts", ci)
            period = holding(c)
            items: list[tuple[str, str, tuple[str | int, ...]]] = []
            if c.network:
                items += [("VLAN", str(c.network.vlan), (*cp, "network", "vlan")),
                          ("subnet", c.network.subnet, (*cp, "network", "subnet"))]
            if c.public_ip:
                items += [("VLAN", str(c.public_ip.vlan), (*cp, "public_ip", "vlan")),
                          ("public block", c.public_ip.block, (*cp, "public_ip", "block"))]
            if c.main_number:
                items.append(("number", c.main_number.number, (*cp, "main_number")))
            for ni, n in enumerate(c.numbers):
                items.append(("number", n.number, (*cp, "numbers", ni, "number")))
                if n.extension is not None:
                    items.append(("extension", str(n.extension), (*cp, "numbers", ni, "extension")))
            for what, value, path in items:
                held[(c.site, what, value)].append((occ.id, path, period))
            for oi, o in enumerate(c.occupancies):
                end = o.move_out or (c.end if c.end and c.deprovision_on_end else FOREVER)
                spaces[(c.site, o.space)].append(
                    (occ.id, (*cp, "occupancies", oi, "space"), (o.move_in, end)))
    for (site, what, value), holders in held.items():
        for i, (holder, path, period) in enumerate(holders):
            for other, opath, operiod in holders[:i]:
                if (other, opath) != (holder, path) and overlaps(period, operiod):
                    who = "this occupier" if other == holder else f"occupier {other!r}"
                    yield estate.occupier_issue(
                        holder, path, f"unique-{what.replace(' ', '-').lower()}",
                        f"{what} {value} at {site} is also held by {who} (rule 5)")
                    break
    for (site, space), leases in spaces.items():
        for i, (lessee, path, period) in enumerate(leases):
            for other, _opath, operiod in leases[:i]:
                if overlaps(period, operiod):
                    yield estate.occupier_issue(
                        lessee, path, "space-overlap",
                        f"space {space} at {site} is leased to {other!r} from {operiod[0]} to "
                        f"{'open end' if operiod[1] == FOREVER else operiod[1]}; leases of one "
                        "space must not overlap (rule 4)")
                    break
    seen_email: dict[str, str] = {}
    seen_mac: dict[str, str] = {}
    for occ in estate.occupiers.values():
        for ui, u in enumerate(occ.users):
            if u.email in seen_email and seen_email[u.email] != occ.id:
                yield estate.occupier_issue(occ.id, ("users", ui, "email"), "unique-email",
                                            f"{u.email} is already a user of "
                                            f"{seen_email[u.email]!r} (rule 5)")
            seen_email.setdefault(u.email, occ.id)
        macs: list[tuple[str, tuple[str | int, ...]]] = [
            (d.mac, ("devices", di, "mac")) for di, d in enumerate(occ.devices)]
        for ci, c in enumerate(occ.contracts):
            for ni, n in enumerate(c.numbers):
                if n.handset:
                    macs.append((n.handset.mac, ("contracts", ci, "numbers", ni, "handset", "mac")))
        for mac, path in macs:
            if mac in seen_mac:
                yield estate.occupier_issue(occ.id, path, "unique-mac",
                                            f"MAC {mac} is already used by {seen_mac[mac]} (rule 5)")
            else:
                seen_mac[mac] = f"occupier {occ.id!r}"
