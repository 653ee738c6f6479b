"""Desired DHCP scopes: one Kea subnet per occupier private range at each site.

Router .1, pool .21-.254 (.2-.20 kept for the occupier's servers and printers),
the site's DNS servers, and fixed reservations for shared devices that ask for
one. `dhcp: false` on a contract (its own router serves addresses) means no scope.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from ..engine.resources import Resource, TargetSpec
from ..model.estate import Estate
from ..model.occupier import Contract, Occupier
from ..model.site import Site
from .compile import DesiredState, provisioned_contracts

POOL_FIRST, POOL_LAST = 21, 254


def dhcp_target_id(site: Site) -> str:
    assert site.dhcp is not None
    return f"{site.id}/{site.dhcp.server}"


def subnet_id(subnet: str) -> int:
    """Kea's subnet-id, derived from the /24 so it is stable and unique per server."""
    return int(ipaddress.IPv4Network(subnet).network_address) >> 8


def scope_attrs(site: Site, occ: Occupier, c: Contract) -> dict[str, object]:
    """The Kea subnet of one contract, as plain data (also used by `reconciler show`)."""
    assert c.network is not None and site.dhcp is not None
    net = ipaddress.IPv4Network(c.network.subnet)
    base = net.network_address
    reservations = [{"name": d.name, "mac": d.mac, "address": d.reservation}
                    for d in sorted(occ.devices, key=lambda d: d.name)
                    if d.site == site.id and d.reservation]
    return {"id": subnet_id(c.network.subnet), "router": str(base + 1),
            "pool": f"{base + POOL_FIRST}-{base + POOL_LAST}",
            "dns_servers": list(site.dhcp.dns_servers), "reservations": reservations}


def compile_dhcp(estate: Estate, at: dt.date, state: DesiredState) -> None:
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        dhcp = site.dhcp
        if dhcp is None:
            continue
        tid = dhcp_target_id(site)
        url = dhcp.control_url or f"http://{dhcp.server_address}:8000/"
        state.add_target(TargetSpec(tid, dhcp.platform.value, site.id, {"url": url},
                                    {"site": site.id}, dhcp.credentials))
        state.add(Resource(tid, "dhcp_subnet", c.network.subnet, scope_attrs(site, occ, c),
                           owner=occ.id)
                  for occ, c in provisioned_contracts(estate, site.id, at)
                  if c.network is not None and c.dhcp)
