"""What every switch platform shares: the managed scope and parsed-config -> resources.

Both switch parsers produce the platform-neutral inspect shape
(`{"vlans", "ports", "svis"}`); this module cuts it down to the managed scope.

A VLAN number in the scope is not enough to make a VLAN ours: it must carry our
mark, its name. Pool VLANs are named with an occupier id (lower-case letters,
digits, '-'), the site's own VLANs with their label (`vacant`, `voice`). A VLAN
in the scope with any other name (`CCTV`, EOS's default `VLAN0150`) was made by
hand: it, its gateway and its trunk entries are left out of the read, so nothing
deletes them, and a plan that would create or rename it is refused (`foreign`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..engine.resources import Resource, TargetSpec

OWNER_RE = re.compile(r"^occ:([a-z][a-z0-9-]*[a-z0-9]) ")
# Names the intent gives pool VLANs: an occupier id, or `<id>-public` cut to 32 characters.
OUR_VLAN_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
SWITCH_KIND_ORDER = ("vlan", "svi", "trunk", "port")


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
    site_vlan_names: dict[int, str] = {}  # vacant/voice VLAN -> the name we give it

    def vlan_in_pool(self, vid: int) -> bool:
        return any(lo <= vid <= hi for lo, hi in self.vlan_ranges)

    def vlan_managed(self, vid: int) -> bool:
        return self.vlan_in_pool(vid) or vid in self.site_vlans

    def trunk_vlan_managed(self, vid: int) -> bool:
        return self.vlan_in_pool(vid) or vid in self.trunk_site_vlans

    def vlan_is_ours(self, vid: int, name: str | None) -> bool:
        """Does a VLAN in the scope carry our mark (see the module docstring)?"""
        if vid in self.site_vlan_names:
            return name == self.site_vlan_names[vid]
        if self.vlan_in_pool(vid):
            return bool(name and OUR_VLAN_NAME.fullmatch(name))
        return vid in self.site_vlans  # a spec from before site VLANs were named

    def all_trunk_vlans(self) -> list[int]:
        out = set(self.trunk_site_vlans)
        for lo, hi in self.vlan_ranges:
            out.update(range(lo, hi + 1))
        return sorted(out)


def owner_from_description(desc: str | None) -> str | None:
    m = OWNER_RE.match(desc or "")
    return m.group(1) if m else None


def _vlans(scope: SwitchScope, parsed: Mapping[str, Any]) -> tuple[dict[int, str | None],
                                                                    dict[int, str | None]]:
    """The scope's VLANs on this switch, split into ours and hand-made ones: id -> name."""
    ours: dict[int, str | None] = {}
    foreign: dict[int, str | None] = {}
    for vid_s, v in parsed.get("vlans", {}).items():
        vid = int(vid_s)
        if scope.vlan_managed(vid):
            name = v.get("name")
            (ours if scope.vlan_is_ours(vid, name) else foreign)[vid] = name
    return ours, foreign


def foreign_objects(spec: TargetSpec, parsed: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """What the scope's numbers cover but reconciler did not make: (kind, key) -> what."""
    scope = SwitchScope.model_validate(spec.scope)
    _ours, foreign = _vlans(scope, parsed)
    out: dict[tuple[str, str], str] = {}
    for vid, name in foreign.items():
        what = f"VLAN {vid} named {name!r}" if name else f"VLAN {vid} (no name)"
        out[("vlan", str(vid))] = f"{what}, made by hand"
        if scope.svi and str(vid) in parsed.get("svis", {}):
            out[("svi", f"Vlan{vid}")] = f"the gateway interface Vlan{vid} of hand-made {what}"
    return out


def resources_from_inspect(spec: TargetSpec, parsed: Mapping[str, Any]) -> list[Resource]:
    """The managed part of a parsed switch config as resources (our VLANs only)."""
    scope = SwitchScope.model_validate(spec.scope)
    tid = spec.id
    out: list[Resource] = []
    ours, _foreign = _vlans(scope, parsed)
    vlan_owner: dict[int, str | None] = {}
    for vid, name in ours.items():
        owner = name.removesuffix("-public") if scope.vlan_in_pool(vid) and name else None
        vlan_owner[vid] = owner
        out.append(Resource(tid, "vlan", str(vid), {"name": name}, owner))
    if scope.svi:
        for vid_s, s in parsed.get("svis", {}).items():
            vid = int(vid_s)
            if scope.vlan_in_pool(vid) and vid not in _foreign:
                attrs = {k: v for k, v in s.items() if k in ("address",)}
                if scope.svi_helpers:
                    attrs["helpers"] = sorted(s.get("helpers", []))
                out.append(Resource(tid, "svi", f"Vlan{vid}", attrs, vlan_owner.get(vid)))
    ports = parsed.get("ports", {})
    for iface in scope.trunks:
        p = ports.get(iface)
        if p is None:
            continue
        allowed = p.get("allowed_vlans")
        if p.get("mode") != "trunk":
            allowed = []  # not (yet) a trunk: it carries none of our VLANs
        # A trunk entry has no mark of its own: it is ours when this switch holds our VLAN
        # of that number ("all" allows each of them).
        members = sorted(v for v in (scope.all_trunk_vlans() if allowed is None else allowed)
                         if scope.trunk_vlan_managed(v) and v in ours)
        out.append(Resource(tid, "trunk", iface, {"vlans": members}))
    for iface in scope.ports:
        p = ports.get(iface)
        if p is None:
            continue
        attrs = {"mode": p.get("mode"), "vlan": p.get("vlan"), "voice_vlan": p.get("voice_vlan"),
                 "description": p.get("description"), "enabled": bool(p.get("enabled", True))}
        out.append(Resource(tid, "port", iface, attrs, owner_from_description(p.get("description"))))
    return out
