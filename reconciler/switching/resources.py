"""A `SwitchState` cut down to the managed scope, as the engine's resources.

A VLAN number in the scope is not enough to make a VLAN ours: it must carry our
mark, its name. Pool VLANs are named with an occupier id (lower-case letters,
digits, '-'), the site's own VLANs with their label (`vacant`, `voice`). A VLAN
in the scope with any other name (`CCTV`, EOS's default `VLAN0150`) was made by
hand: it, its gateway and its trunk entries are left out of the read, so nothing
deletes them, and a plan that would create or rename it is refused (`foreign_objects`).
"""

from __future__ import annotations

from ..engine.resources import SITE, Resource, TargetSpec
from .owner import owner_from_description, owner_from_vlan_name, svi_key
from .scope import SwitchScope
from .state import SwitchState

SWITCH_KIND_ORDER = ("vlan", "svi", "trunk", "port")
# What occupiers lose when a switch changes: occupied ports, their VLANs and gateways,
# and each of their VLANs an uplink trunk carries (owned as the VLAN of that id).
SWITCH_GUARDED_KINDS = ("port", "vlan", "svi")
SWITCH_GUARDED_ENTRIES = {"trunk": ("vlans", "vlan")}
SWITCH_GUARDED_SITEWIDE = ("vlan", "svi", "trunk")  # VLAN 103 is one VLAN on every switch


def _vlans(scope: SwitchScope, state: SwitchState) -> tuple[dict[int, str | None],
                                                            dict[int, str | None]]:
    """The scope's VLANs on this switch, split into ours and hand-made ones: id -> name."""
    ours: dict[int, str | None] = {}
    foreign: dict[int, str | None] = {}
    for vid in sorted(state.vlans):
        if scope.vlan_managed(vid):
            name = state.vlans[vid].name
            (ours if scope.vlan_is_ours(vid, name) else foreign)[vid] = name
    return ours, foreign


def foreign_objects(spec: TargetSpec, state: SwitchState) -> dict[tuple[str, str], str]:
    """What the scope's numbers cover but reconciler did not make: (kind, key) -> what."""
    scope = SwitchScope.model_validate(spec.scope)
    _ours, foreign = _vlans(scope, state)
    out: dict[tuple[str, str], str] = {}
    for vid, name in foreign.items():
        what = f"VLAN {vid} named {name!r}" if name else f"VLAN {vid} (no name)"
        out[("vlan", str(vid))] = f"{what}, made by hand"
        if scope.svi and vid in state.svis:
            out[("svi", svi_key(vid))] = f"the gateway interface {svi_key(vid)} of hand-made {what}"
    return out


def resources_from_state(spec: TargetSpec, state: SwitchState) -> list[Resource]:
    """The managed part of a switch as resources (our VLANs only); the rest is invisible."""
    scope = SwitchScope.model_validate(spec.scope)
    tid = spec.id
    out: list[Resource] = []
    ours, foreign = _vlans(scope, state)
    vlan_owner: dict[int, str] = {}
    for vid, name in ours.items():
        # A pool VLAN is named after its occupier; the site's own VLANs are the site's.
        owner = owner_from_vlan_name(name) if scope.vlan_in_pool(vid) else SITE
        vlan_owner[vid] = owner
        out.append(Resource(tid, "vlan", str(vid), {"name": name}, owner))
    if scope.svi:
        for vid in sorted(state.svis):
            if scope.vlan_in_pool(vid) and vid not in foreign:
                svi = state.svis[vid]
                attrs: dict[str, object] = {"address": svi.address}
                if scope.svi_helpers:
                    attrs["helpers"] = sorted(svi.helpers)
                out.append(Resource(tid, "svi", svi_key(vid), attrs, vlan_owner.get(vid, SITE)))
    for iface in scope.trunks:
        p = state.ports.get(iface)
        if p is None:
            continue
        # Not (yet) a trunk: it carries none of our VLANs. A trunk of ALL carries them all.
        # A trunk entry has no mark of its own: it is ours when this switch holds our VLAN
        # of that number.
        allowed = p.allowed_vlans if p.mode == "trunk" else frozenset()
        members = sorted(v for v in (scope.all_trunk_vlans() if allowed is None else allowed)
                         if scope.trunk_vlan_managed(v) and v in ours)
        out.append(Resource(tid, "trunk", iface, {"vlans": members}, SITE))
    for iface in scope.ports:
        p = state.ports.get(iface)
        if p is None:
            continue
        attrs = {"mode": p.mode, "vlan": p.vlan, "voice_vlan": p.voice_vlan,
                 "description": p.description, "enabled": p.enabled}
        out.append(Resource(tid, "port", iface, attrs, owner_from_description(p.description)))
    return out
