"""Desired switch state: occupier VLANs, gateways, trunks and floor ports.

Platform-neutral: a port is described by what it does (access VLAN, voice VLAN,
description, enabled), and each switch target renders that in its own CLI.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from ..engine.resources import SITE, Resource, TargetSpec
from ..model.base import parse_int_range
from ..model.estate import Estate
from ..model.site import Site, expand_port_ref
from ..switching.owner import port_description, public_vlan_name, svi_key
from .compile import DesiredState, occupancy_effective, provisioned_contracts

# Kinds whose only mark of ownership is an occupier id in their name (a VLAN, its gateway):
# one that names an occupier never seen in git was made by hand, and is not deleted.
NAME_OWNED_KINDS = ("vlan", "svi")


def vacant_description(site: Site, space: str) -> str:
    return f"{site.vacant.description} space:{space}"


def switch_target_id(site: str, switch: str) -> str:
    return f"{site}/{switch}"


def compile_switches(estate: Estate, at: dt.date, state: DesiredState) -> None:
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        if site.switches:
            _compile_site(estate, site, at, state)


def _managed_ports(site: Site) -> dict[str, list[tuple[str, str, str]]]:
    """switch -> [(interface, space id, role)] for every floor port of the site."""
    ports: dict[str, list[tuple[str, str, str]]] = {name: [] for name in site.switches}
    for space in site.spaces().values():
        for entry in space.ports:
            sw, ifaces = expand_port_ref(entry.port)
            for iface in ifaces:
                ports[sw].append((iface, space.id, entry.role))
    return ports


def _compile_site(estate: Estate, site: Site, at: dt.date, state: DesiredState) -> None:
    lo, hi = parse_int_range(site.pools.occupier_vlans, 2, 4094)
    site_vlans = {site.vacant.vlan: "vacant"}
    if site.voice_vlan:
        site_vlans[site.voice_vlan] = "voice"
    contracts = provisioned_contracts(estate, site.id, at)
    occ_vlans = {c.network.vlan: occ.id for occ, c in contracts if c.network}
    # Public blocks are layer 2 only: a VLAN on the switches and trunks, no SVI.
    public_vlans = {c.public_ip.vlan: occ.id for occ, c in contracts if c.public_ip}
    trunk_vlans = sorted([*occ_vlans, *public_vlans,
                          *([site.voice_vlan] if site.voice_vlan else [])])
    helper = [site.dhcp.server_address] if site.dhcp else None

    # Which occupier has which space today (and the VLAN of its router port).
    leased: dict[str, tuple[str, int, bool, int | None]] = {}
    for occ, c in contracts:
        assert c.network is not None
        for o in c.occupancies:
            if occupancy_effective(o, c, at):
                leased[o.space] = (occ.id, c.network.vlan, c.services.voice is not None,
                                   c.public_ip.vlan if c.public_ip else None)

    ports = _managed_ports(site)
    for name, sw in sorted(site.switches.items()):
        tid = switch_target_id(site.id, name)
        settings = {"host": sw.host, "port": sw.port, "transport": sw.transport,
                    "save_config": sw.save_config, "hostname": name}
        if sw.model:
            settings["model"] = sw.model
        scope = {"ports": sorted(p for p, _, _ in ports[name]),
                 "vlan_ranges": [[lo, hi]], "site_vlans": sorted(site_vlans),
                 "trunks": list(sw.uplinks), "svi": sw.role == "core",
                 "trunk_site_vlans": [site.voice_vlan] if site.voice_vlan else [],
                 "site_vlan_names": dict(sorted(site_vlans.items()))}
        if helper is not None:
            scope["svi_helpers"] = True
        state.add_target(TargetSpec(tid, sw.platform.value, site.id, settings, scope,
                                    sw.credentials))
        res: list[Resource] = []
        for vid, label in sorted(site_vlans.items()):
            res.append(Resource(tid, "vlan", str(vid), {"name": label}, owner=SITE))
        for vid, occ_id in sorted(occ_vlans.items()):
            res.append(Resource(tid, "vlan", str(vid), {"name": occ_id}, owner=occ_id))
        for vid, occ_id in sorted(public_vlans.items()):
            res.append(Resource(tid, "vlan", str(vid), {"name": public_vlan_name(occ_id)},
                                owner=occ_id))
        if sw.role == "core":
            for occ, c in contracts:
                assert c.network is not None
                net = ipaddress.IPv4Network(c.network.subnet)
                attrs: dict[str, object] = {"address": f"{net.network_address + 1}/{net.prefixlen}"}
                if helper is not None:
                    # DHCP relay to the site's server, unless the occupier's router serves it.
                    attrs["helpers"] = helper if c.dhcp else []
                res.append(Resource(tid, "svi", svi_key(c.network.vlan), attrs, owner=occ.id))
        for uplink in sw.uplinks:
            res.append(Resource(tid, "trunk", uplink, {"vlans": trunk_vlans}, owner=SITE))
        for iface, space, role in ports[name]:
            if space in leased:
                occ_id, vlan, voice, public = leased[space]
                if role == "router" and public is not None:
                    # The occupier's own router: its public VLAN, untagged, no phone.
                    attrs = {"mode": "access", "vlan": public, "voice_vlan": None,
                             "description": port_description(occ_id, space) + " router",
                             "enabled": True}
                else:
                    attrs = {"mode": "access", "vlan": vlan,
                             "voice_vlan": site.voice_vlan if voice else None,
                             "description": port_description(occ_id, space), "enabled": True}
                res.append(Resource(tid, "port", iface, attrs, owner=occ_id))
            else:
                attrs = {"mode": "access", "vlan": site.vacant.vlan, "voice_vlan": None,
                         "description": vacant_description(site, space),
                         "enabled": site.vacant.enabled}
                res.append(Resource(tid, "port", iface, attrs, owner=SITE))
        state.add(res)
