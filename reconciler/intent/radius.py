"""Desired RADIUS state: a VLAN group per occupier per site, users and MAC devices.

One target per RADIUS server (`site.radius.server`), shared by the sites that
name it. Per occupier per site a group `rcl-<occupier>@<site>` whose check
matches that site's NAS and whose reply carries the occupier's VLAN there, and
stops group processing (Fall-Through := No). Every managed login is also in the
catch-all deny group, last by priority: a login at a NAS where none of its
groups match (no active contract there) gets Access-Reject.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..engine.resources import Resource, TargetSpec
from ..model.estate import Estate
from ..model.occupier import Contract, Occupier
from ..model.site import Site
from .compile import DesiredState

GROUP_PREFIX = "rcl-"
DENY_GROUP = f"{GROUP_PREFIX}deny"
SITE_PRIORITY = 10
DENY_PRIORITY = 1000


def group_name(occupier: str, site: str) -> str:
    return f"{GROUP_PREFIX}{occupier}@{site}"


def mac_user(mac: str) -> str:
    """'00:1b:a9:aa:bb:cc' -> '001ba9aabbcc', what NASes send for MAC authentication."""
    return mac.replace(":", "").lower()


def vlan_group(site: Site, vlan: int) -> dict[str, list[str]]:
    assert site.radius is not None
    return {"check": [f"NAS-Identifier == {site.radius.nas_identifier}"],
            "reply": sorted(["Fall-Through := No", "Tunnel-Medium-Type := IEEE-802",
                             f"Tunnel-Private-Group-Id := {vlan}", "Tunnel-Type := VLAN"])}


def _active(c: Contract, at: dt.date) -> bool:
    # Access follows the contract itself: an ended contract loses Wi-Fi at once,
    # even when its network stays up (rule 10).
    return c.status(at) == "active" and c.network is not None


def compile_radius(estate: Estate, at: dt.date, state: DesiredState) -> None:
    servers: dict[str, list[Site]] = defaultdict(list)
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        if site.radius is not None:
            servers[site.radius.server].append(site)
    for server, sites in sorted(servers.items()):
        assert sites[0].radius is not None
        tid = server
        # One database for all these sites, so one target; it belongs to the first site
        # (its lock, drift policy and CI job), and `--site` of any of them selects it.
        state.add_target(TargetSpec(
            tid, sites[0].radius.platform.value, sites[0].id, {},
            {"group_prefix": GROUP_PREFIX, "deny_group": DENY_GROUP,
             "sites": [s.id for s in sites]}, sites[0].radius.credentials))
        res = [Resource(tid, "radius_group", DENY_GROUP,
                        {"check": ["Auth-Type := Reject"], "reply": []})]
        by_id = {s.id: s for s in sites}
        for occ in sorted(estate.occupiers.values(), key=lambda o: o.id):
            res += _occupier(tid, occ, by_id, at)
        state.add(res)


def _occupier(tid: str, occ: Occupier, sites: dict[str, Site], at: dt.date) -> list[Resource]:
    res: list[Resource] = []
    wifi_groups: dict[str, str] = {}  # group -> site name, for the users
    mac_groups: dict[str, str] = {}   # site id -> group, for MAC-authenticated devices
    for c in occ.contracts:
        site = sites.get(c.site)
        if site is None or site.radius is None or not _active(c, at):
            continue
        has_macs = site.radius.mac_auth and any(d.site == site.id for d in occ.devices)
        if not (c.services.wifi_secure or has_macs):
            continue
        assert c.network is not None
        g = group_name(occ.id, site.id)
        res.append(Resource(tid, "radius_group", g, vlan_group(site, c.network.vlan), occ.id))
        if c.services.wifi_secure:
            wifi_groups[g] = site.name
        if has_macs:
            mac_groups[site.id] = g
    if wifi_groups:
        groups = {**{g: SITE_PRIORITY for g in sorted(wifi_groups)}, DENY_GROUP: DENY_PRIORITY}
        site_names = [wifi_groups[g] for g in sorted(wifi_groups)]
        for u in occ.users:
            if not u.wifi_secure:
                continue
            invite: dict[str, object] = {"name": u.name, "occupier": occ.name,
                                         "sites": site_names}
            home = sites.get(u.home_site or "")
            if home is not None and home.support.email:
                invite["support"] = home.support.email
            res.append(Resource(tid, "radius_user", u.email,
                                {"groups": dict(groups), "credential_version":
                                 u.credential_version, "invite": invite}, occ.id))
    for d in occ.devices:
        mg = mac_groups.get(d.site)
        if mg is None:
            continue
        key = mac_user(d.mac)
        res.append(Resource(tid, "radius_mac", key,
                            {"groups": {mg: SITE_PRIORITY, DENY_GROUP: DENY_PRIORITY},
                             "check": [f"Cleartext-Password := {key}"]}, occ.id))
    return res
