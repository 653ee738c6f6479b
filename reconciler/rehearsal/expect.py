"""What the estate says the live systems hold on one day, from the files and dates only.

Deliberately not the intent compilers' resources: the rehearsal checks those
compilers (and everything after them) against what the contracts say.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field

from ..model.estate import Estate
from ..model.occupier import Contract, Occupier
from ..model.site import Site, expand_port_ref

UNKNOWN_NAS = "no-such-site-wlc"  # a NAS of no site: every login is rejected there


def mac_key(mac: str) -> str:
    return mac.replace(":", "").lower()


def _active(c: Contract, day: dt.date) -> bool:
    return c.status(day) == "active" and c.network is not None


def _live(c: Contract, day: dt.date) -> bool:
    """The contract's network is up: active, or ended without teardown."""
    return c.network is not None and c.provisioned(day)


def _leases(o_move_in: dt.date, o_move_out: dt.date | None, c: Contract, day: dt.date) -> bool:
    return o_move_in <= day and (o_move_out is None or day <= o_move_out) and c.provisioned(day)


@dataclass
class Expected:
    day: dt.date
    #: login (e-mail or MAC key) -> {NAS: VLAN} where it must be accepted; rejected elsewhere
    logins: dict[str, dict[str, int]] = field(default_factory=dict)
    macs: set[str] = field(default_factory=set)  # which logins are MAC devices
    nases: dict[str, list[str]] = field(default_factory=dict)  # RADIUS target -> its NASes
    server_of: dict[str, str] = field(default_factory=dict)  # login -> RADIUS target
    #: switch target -> interface -> (access VLAN, enabled)
    ports: dict[str, dict[str, tuple[int, bool]]] = field(default_factory=dict)
    pbx: dict[str, set[str]] = field(default_factory=dict)  # PBX target -> endpoint ids
    dhcp: dict[str, set[str]] = field(default_factory=dict)  # DHCP target -> subnets
    #: Wi-Fi target -> device (PSK name without version, or MAC) -> VLAN of its policy
    wifi: dict[str, dict[str, int]] = field(default_factory=dict)


def expected_on(estate: Estate, day: dt.date) -> Expected:
    exp = Expected(day)
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        _site(estate, site, day, exp)
    for occ in sorted(estate.occupiers.values(), key=lambda o: o.id):
        _logins(estate, occ, day, exp)
    return exp


def _contracts(estate: Estate, site: Site) -> list[tuple[Occupier, Contract]]:
    return estate.contracts_by_site().get(site.id, [])


def _site(estate: Estate, site: Site, day: dt.date, exp: Expected) -> None:
    if site.radius is not None:
        exp.nases.setdefault(site.radius.server, []).append(site.radius.nas_identifier)
    leased: dict[str, tuple[int, int | None]] = {}  # space -> (VLAN, public VLAN)
    for _occ, c in _contracts(estate, site):
        for o in c.occupancies:
            if c.network is not None and _leases(o.move_in, o.move_out, c, day):
                leased[o.space] = (c.network.vlan, c.public_ip.vlan if c.public_ip else None)
    for space in site.spaces().values():
        for entry in space.ports:
            sw, ifaces = expand_port_ref(entry.port)
            tid = f"{site.id}/{sw}"
            for iface in ifaces:
                if space.id in leased:
                    vlan, public = leased[space.id]
                    state = (public if entry.role == "router" and public else vlan, True)
                else:
                    state = (site.vacant.vlan, site.vacant.enabled)
                exp.ports.setdefault(tid, {})[iface] = state
    live = [(occ, c) for occ, c in _contracts(estate, site) if _live(c, day)]
    if site.pbx is not None:
        exp.pbx[f"{site.id}/pbx"] = {n.number.lstrip("+") for _occ, c in live
                                     if c.services.voice for n in c.numbers
                                     if n.user is not None and n.extension is not None}
    if site.dhcp is not None:
        exp.dhcp[f"{site.id}/{site.dhcp.server}"] = {
            str(ipaddress.IPv4Network(c.network.subnet)) for _occ, c in live
            if c.dhcp and c.network is not None}
    if site.wifi is not None:
        devices: dict[str, int] = {}
        for occ, c in live:
            assert c.network is not None
            for d in occ.devices:
                if d.site != site.id:
                    continue
                key = (d.mac.lower() if site.wifi.device_auth == "mac"
                       else f"{site.wifi.managed_prefix}{occ.id}.{d.name}")
                devices[key] = c.network.vlan
        exp.wifi[f"{site.id}/wifi"] = devices


def _logins(estate: Estate, occ: Occupier, day: dt.date, exp: Expected) -> None:
    for c in occ.contracts:
        site = estate.sites.get(c.site)
        if site is None or site.radius is None:
            continue
        server, nas = site.radius.server, site.radius.nas_identifier
        vlan = c.network.vlan if c.network is not None else None
        for u in occ.users:
            if not u.wifi_secure:
                continue
            exp.server_of[u.email] = server
            grants = exp.logins.setdefault(u.email, {})
            if vlan is not None and c.services.wifi_secure and _active(c, day):
                grants[nas] = vlan
        if not site.radius.mac_auth:
            continue
        for d in occ.devices:
            if d.site != site.id:
                continue
            key = mac_key(d.mac)
            exp.macs.add(key)
            exp.server_of[key] = server
            grants = exp.logins.setdefault(key, {})
            if vlan is not None and _active(c, day):
                grants[nas] = vlan
