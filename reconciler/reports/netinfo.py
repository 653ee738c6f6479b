"""Network information of one occupier, per site, from git (pure; no I/O).

The data behind `reconciler show` and the welcome pack (`reconciler guide`):
contract, spaces and ports, services, VLAN, subnet, gateway, DHCP range and
state, public IPs, Wi-Fi users and devices, numbers and the main number.
Nothing secret is in git, so nothing secret is in here.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from ..errors import ConfigError
from ..intent.compile import occupancy_effective
from ..intent.dhcp import POOL_FIRST, POOL_LAST
from ..model.estate import Estate
from ..model.occupier import Contract, Occupancy, Occupier
from ..model.site import Site, expand_port_ref

KEPT_FIRST, KEPT_LAST = 2, 20


def occupancy_state(o: Occupancy, c: Contract, at: dt.date) -> str:
    if occupancy_effective(o, c, at):
        return "current"
    return "upcoming" if at < o.move_in else "ended"


def _ports(site: Site, space_id: str) -> list[dict[str, str]]:
    space = site.spaces().get(space_id)
    out = []
    for entry in space.ports if space else []:
        switch, ifaces = expand_port_ref(entry.port)
        out += [{"switch": switch, "port": i, "role": entry.role} for i in ifaces]
    return out


def _network(site: Site, occ: Occupier, c: Contract) -> dict[str, Any] | None:
    if c.network is None:
        return None
    net = ipaddress.IPv4Network(c.network.subnet)
    base = net.network_address
    dhcp: dict[str, Any] = {"enabled": bool(c.dhcp and site.dhcp),
                            "range": f"{base + POOL_FIRST}-{base + POOL_LAST}",
                            "server": site.dhcp.server_address if site.dhcp else None,
                            "dns_servers": list(site.dhcp.dns_servers) if site.dhcp else []}
    if not c.dhcp:
        dhcp["note"] = "served by the occupier's own router"
    elif not site.dhcp:
        dhcp["note"] = "the site has no DHCP server"
    return {"vlan": c.network.vlan, "subnet": c.network.subnet, "gateway": str(base + 1),
            "netmask": str(net.netmask), "kept": f"{base + KEPT_FIRST}-{base + KEPT_LAST}",
            "dhcp": dhcp,
            "reservations": [{"device": d.name, "mac": d.mac, "address": d.reservation}
                             for d in occ.devices if d.site == site.id and d.reservation]}


def _public(site: Site, c: Contract) -> dict[str, Any] | None:
    if c.public_ip is None:
        return None
    block = ipaddress.IPv4Network(c.public_ip.block)
    hosts = list(block.hosts())
    # The upstream gateway takes the first usable address; the occupier's router the rest.
    router = [(o.space, f"{p['switch']}:{p['port']}") for o in c.occupancies
              for p in _ports(site, o.space) if p["role"] == "router"]
    router_ports = [port for _space, port in router]
    return {"block": c.public_ip.block, "vlan": c.public_ip.vlan, "gateway": str(hosts[0]),
            "usable": f"{hosts[1]}-{hosts[-1]}" if len(hosts) > 2 else str(hosts[-1]),
            "netmask": str(block.netmask), "router_ports": router_ports,
            "router_spaces": sorted({space for space, _port in router})}


def _site_info(estate: Estate, occ: Occupier, c: Contract, at: dt.date) -> dict[str, Any]:
    site = estate.sites[c.site]
    s = c.services
    wifi_users = [{"name": u.name, "email": u.email} for u in occ.users
                  if u.wifi_secure and s.wifi_secure]
    numbers = [{"number": n.number, "extension": n.extension, "user": n.user, "label": n.label,
                "handset": n.handset.model if n.handset else None,
                "voicemail": n.features.voicemail} for n in c.numbers]
    main = None
    if c.main_number:
        m = c.main_number
        main = {"number": m.number, "in_hours": m.in_hours.to, "out_of_hours": m.out_of_hours.to,
                "if_unanswered": m.if_unanswered.to}
    return {
        "site": site.id, "site_name": site.name, "address": site.address,
        "contract": {"id": c.contract_id, "status": c.status(at), "start": c.start.isoformat(),
                     "end": c.end.isoformat() if c.end else None,
                     "deprovision_on_end": c.deprovision_on_end,
                     "provisioned": c.provisioned(at)},
        "spaces": [{"id": o.space, "kind": site.spaces()[o.space].kind if o.space in
                    site.spaces() else None, "move_in": o.move_in.isoformat(),
                    "move_out": o.move_out.isoformat() if o.move_out else None,
                    "state": occupancy_state(o, c, at), "ports": _ports(site, o.space)}
                   for o in c.occupancies],
        "services": {"internet_mbps": s.internet.bandwidth_mbps if s.internet else None,
                     "public_ip": f"/{s.public_ip.size}" if s.public_ip else None,
                     "voice_lines": s.voice.lines if s.voice else None,
                     "tariff": s.voice.tariff if s.voice else None,
                     "wifi_secure": s.wifi_secure},
        "network": _network(site, occ, c),
        "public_ip": _public(site, c),
        "wifi": {"users": wifi_users,
                 "device_auth": site.wifi.device_auth if site.wifi else None,
                 "devices": [{"name": d.name, "mac": d.mac, "kind": d.kind,
                              "reservation": d.reservation}
                             for d in occ.devices if d.site == site.id]},
        "phones": {"main_number": main, "numbers": numbers},
        "support": site.support.model_dump(),
    }


def network_info(estate: Estate, occupier: str, at: dt.date,
                 sites: list[str] | None = None) -> dict[str, Any]:
    occ = estate.occupiers.get(occupier)
    if occ is None:
        raise ConfigError(f"no occupier {occupier!r}; occupiers: "
                          f"{', '.join(sorted(estate.occupiers)) or 'none'}")
    have = [c.site for c in occ.contracts]
    for s in sites or []:
        if s not in have:
            raise ConfigError(f"{occupier} has no contract at {s!r}; its sites: "
                              f"{', '.join(have) or 'none'}")
    return {"occupier": {"id": occ.id, "name": occ.name, "billing_ref": occ.billing_ref},
            "at": at.isoformat(),
            "sites": [_site_info(estate, occ, c, at) for c in occ.contracts
                      if not sites or c.site in sites]}
