"""What every switch platform shares: the managed scope and parsed-config -> resources.

Both switch parsers produce the platform-neutral inspect shape
(`{"vlans", "ports", "svis"}`); this module cuts it down to the managed scope.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..engine.resources import SITE, Resource, TargetSpec, owner_id

OWNER_RE = re.compile(r"^occ:([a-z][a-z0-9-]*[a-z0-9]) ")
SWITCH_KIND_ORDER = ("vlan", "svi", "trunk", "port")
# What occupiers lose when a switch changes: occupied ports, their VLANs and gateways,
# and each of their VLANs an uplink trunk carries (owned as the VLAN of that id).
SWITCH_GUARDED_KINDS = ("port", "vlan", "svi")
SWITCH_GUARDED_ENTRIES = {"trunk": ("vlans", "vlan")}
SWITCH_GUARDED_SITEWIDE = ("vlan", "svi", "trunk")  # VLAN 103 is one VLAN on every switch


class SwitchScope(BaseModel):
    """What a switch target may read and change; everything else is invisible to it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    ports: list[str] = []
    vlan_ranges: list[tuple[int, int]] = []
    site_vlans: list[int] = []
    trunk_site_vlans: list[int] = []
    trunks: list[str] = []
    svi: bool = False
    svi_helpers: bool = False  # the SVIs' DHCP relay targets are managed (site has a server)

    def vlan_in_pool(self, vid: int) -> bool:
        return any(lo <= vid <= hi for lo, hi in self.vlan_ranges)

    def vlan_managed(self, vid: int) -> bool:
        return self.vlan_in_pool(vid) or vid in self.site_vlans

    def trunk_vlan_managed(self, vid: int) -> bool:
        return self.vlan_in_pool(vid) or vid in self.trunk_site_vlans

    def all_trunk_vlans(self) -> list[int]:
        out = set(self.trunk_site_vlans)
        for lo, hi in self.vlan_ranges:
            out.update(range(lo, hi + 1))
        return sorted(out)


def owner_from_description(desc: str | None) -> str:
    m = OWNER_RE.match(desc or "")
    return owner_id(m.group(1)) if m else SITE


def resources_from_inspect(spec: TargetSpec, parsed: Mapping[str, Any]) -> list[Resource]:
    """The managed part of a parsed switch config as resources."""
    scope = SwitchScope.model_validate(spec.scope)
    tid = spec.id
    out: list[Resource] = []
    vlan_owner: dict[int, str] = {}
    for vid_s, v in parsed.get("vlans", {}).items():
        vid = int(vid_s)
        if scope.vlan_managed(vid):
            name = v.get("name")
            # A pool VLAN is named after its occupier; the site's own VLANs are the site's.
            owner = owner_id(name.removesuffix("-public")) \
                if scope.vlan_in_pool(vid) and name else SITE
            vlan_owner[vid] = owner
            out.append(Resource(tid, "vlan", str(vid), {"name": name}, owner))
    if scope.svi:
        for vid_s, s in parsed.get("svis", {}).items():
            vid = int(vid_s)
            if scope.vlan_in_pool(vid):
                attrs = {k: v for k, v in s.items() if k in ("address",)}
                if scope.svi_helpers:
                    attrs["helpers"] = sorted(s.get("helpers", []))
                out.append(Resource(tid, "svi", f"Vlan{vid}", attrs, vlan_owner.get(vid, SITE)))
    ports = parsed.get("ports", {})
    for iface in scope.trunks:
        p = ports.get(iface)
        if p is None:
            continue
        allowed = p.get("allowed_vlans")
        if p.get("mode") != "trunk":
            allowed = []  # not (yet) a trunk: it carries none of our VLANs
        members = scope.all_trunk_vlans() if allowed is None else sorted(
            v for v in allowed if scope.trunk_vlan_managed(v))
        out.append(Resource(tid, "trunk", iface, {"vlans": members}, SITE))
    for iface in scope.ports:
        p = ports.get(iface)
        if p is None:
            continue
        attrs = {"mode": p.get("mode"), "vlan": p.get("vlan"), "voice_vlan": p.get("voice_vlan"),
                 "description": p.get("description"), "enabled": bool(p.get("enabled", True))}
        out.append(Resource(tid, "port", iface, attrs, owner_from_description(p.get("description"))))
    return out
