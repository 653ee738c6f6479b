"""Desired Wi-Fi controller state: an occupier group policy per site network, and a
per-device key (identity PSK) or MAC provisioning for each shared Wi-Fi device.

Names carry the site's managed prefix, which is the whole of the reconciler's scope
on the controller: `rcl-acme` (policy, VLAN-tagged to the occupier VLAN),
`rcl-acme.printer-3f` (the device's PSK; `.v<credential_version>` is appended on
the controller so a rotation is visible there without reading any secret).
"""

from __future__ import annotations

import datetime as dt

from ..engine.resources import Resource, TargetSpec
from ..model.estate import Estate
from ..model.site import Site
from .compile import DesiredState, provisioned_contracts


def wifi_target_id(site: str) -> str:
    return f"{site}/wifi"


def policy_name(prefix: str, occupier: str) -> str:
    return f"{prefix}{occupier}"


def device_name(prefix: str, occupier: str, device: str) -> str:
    return f"{prefix}{occupier}.{device}"


def compile_wifi(estate: Estate, at: dt.date, state: DesiredState) -> None:
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        if site.wifi is not None:
            _compile_site(estate, site, at, state)


def _compile_site(estate: Estate, site: Site, at: dt.date, state: DesiredState) -> None:
    wifi = site.wifi
    assert wifi is not None
    tid = wifi_target_id(site.id)
    prefix = wifi.managed_prefix
    contracts = provisioned_contracts(estate, site.id, at)
    recipients: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    res: list[Resource] = []
    for occ, c in contracts:
        assert c.network is not None
        policy = policy_name(prefix, occ.id)
        res.append(Resource(tid, "wifi_policy", policy, {"vlan": c.network.vlan}, owner=occ.id))
        admins = sorted(u.email for u in occ.users if u.role == "admin")
        recipients[occ.id] = admins or ([site.support.email] if site.support.email else [])
        names[occ.id] = occ.name
        for d in sorted(occ.devices, key=lambda x: x.name):
            if d.site != site.id:
                continue
            name = device_name(prefix, occ.id, d.name)
            if wifi.device_auth == "psk":
                res.append(Resource(tid, "wifi_psk", name, {
                    "policy": policy, "credential_version": d.credential_version},
                    owner=occ.id))
            else:
                res.append(Resource(tid, "wifi_client", d.mac.lower(), {
                    "policy": policy, "name": name}, owner=occ.id))
    settings = {"organization_id": wifi.organization_id, "network_id": wifi.network_id,
                "ssid": wifi.devices_ssid, "device_auth": wifi.device_auth}
    if wifi.base_url:
        settings["base_url"] = wifi.base_url
    scope = {"prefix": prefix, "recipients": recipients, "occupier_names": names,
             "site_name": site.name}
    if wifi.device_auth == "mac":
        # Every device the estate names at this site, on any date: the target reads each
        # one's policy by MAC, which the Dashboard answers however long it has been away.
        scope["devices"] = {device_name(prefix, occ.id, d.name): d.mac.lower()
                            for occ in sorted(estate.occupiers.values(), key=lambda o: o.id)
                            for d in occ.devices if d.site == site.id}
    state.add_target(TargetSpec(tid, wifi.platform.value, site.id, settings, scope,
                                wifi.credentials))
    state.add(res)
