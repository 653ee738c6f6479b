"""Desired RADIUS state: a grant per occupier per site, Wi-Fi Secure users and MAC devices.

One target per RADIUS server (`site.radius.server`), shared by the sites that
name it. Fail closed by construction (the server's side is the policy in
`templates/freeradius/radiusd.conf.j2`, see the README):

- per occupier per site with an active contract, a group `rcl-<occupier>@<site>`
  whose check selects that site's NAS and whose one grant row
  (`Reconciler-Grant := nas=<NAS> vlan=<VLAN>`) names both the NAS and the VLAN;
- per user, credentials stored under Reconciler-* attributes that the server
  uses only together with a grant naming the NAS the request came from.

An Access-Accept needs the user's credential row, its membership and the grant
of that site, all present at once: a missing row of any kind means Access-Reject.
Accounts (and invitations) exist `invite_lead_days` before a contract starts;
the grant, and so the first login, comes on the start day.
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
SITE_PRIORITY = 10
GRANT_ATTRIBUTE = "Reconciler-Grant"


def group_name(occupier: str, site: str) -> str:
    return f"{GROUP_PREFIX}{occupier}@{site}"


def mac_user(mac: str) -> str:
    """'00:1b:a9:aa:bb:cc' -> '001ba9aabbcc', what NASes send for MAC authentication."""
    return mac.replace(":", "").lower()


def grant_value(nas: str, vlan: int) -> str:
    return f"nas={nas} vlan={vlan}"


def vlan_group(site: Site, vlan: int) -> dict[str, list[str]]:
    """The rows of one site grant: the NAS selector and the grant itself (no reply rows)."""
    assert site.radius is not None
    nas = site.radius.nas_identifier
    return {"check": [f"NAS-Identifier == {nas}",
                      f"{GRANT_ATTRIBUTE} := {grant_value(nas, vlan)}"],
            "reply": []}


def _active(c: Contract, at: dt.date) -> bool:
    # Access follows the contract itself: an ended contract loses Wi-Fi at once,
    # even when its network stays up (rule 10).
    return c.status(at) == "active" and c.network is not None


def _account_due(c: Contract, site: Site, at: dt.date) -> bool:
    """Active, or starting within the site's lead time: the account (not access) exists."""
    assert site.radius is not None
    if _active(c, at):
        return True
    lead = dt.timedelta(days=site.radius.invite_lead_days)
    return c.status(at) == "upcoming" and c.network is not None and c.start - lead <= at


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
            {"group_prefix": GROUP_PREFIX, "sites": [s.id for s in sites]},
            sites[0].radius.credentials))
        by_id = {s.id: s for s in sites}
        res: list[Resource] = []
        for occ in sorted(estate.occupiers.values(), key=lambda o: o.id):
            res += _occupier(tid, occ, by_id, at)
        state.add(res)


def _occupier(tid: str, occ: Occupier, sites: dict[str, Site], at: dt.date) -> list[Resource]:
    res: list[Resource] = []
    wifi_groups: dict[str, tuple[str, dt.date]] = {}  # group -> (site name, start)
    mac_groups: dict[str, str] = {}   # site id -> group, for MAC-authenticated devices
    for c in occ.contracts:
        site = sites.get(c.site)
        if site is None or site.radius is None or c.network is None:
            continue
        g = group_name(occ.id, site.id)
        has_macs = site.radius.mac_auth and any(d.site == site.id for d in occ.devices)
        if _active(c, at) and (c.services.wifi_secure or has_macs):
            res.append(Resource(tid, "radius_group", g, vlan_group(site, c.network.vlan),
                                occ.id))
            if has_macs:
                mac_groups[site.id] = g
        if c.services.wifi_secure and _account_due(c, site, at):
            wifi_groups[g] = (site.name, c.start)
    if wifi_groups:
        groups = {g: SITE_PRIORITY for g in sorted(wifi_groups)}
        site_names = [wifi_groups[g][0] for g in sorted(wifi_groups)]
        starts = [s for _n, s in wifi_groups.values()]
        for u in occ.users:
            if not u.wifi_secure:
                continue
            invite: dict[str, object] = {"name": u.name, "occupier": occ.name,
                                         "sites": site_names}
            if min(starts) > at:
                invite["starts"] = min(starts).isoformat()  # sent ahead of the start day
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
                            {"groups": {mg: SITE_PRIORITY},
                             "check": [f"Reconciler-Cleartext-Password := {key}"]}, occ.id))
    return res
