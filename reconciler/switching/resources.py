"""A `SwitchState` cut down to the managed scope, as the engine's resources."""

from __future__ import annotations

from ..engine.resources import Resource, TargetSpec
from .owner import owner_from_description, owner_from_vlan_name, svi_key
from .scope import SwitchScope
from .state import SwitchState

SWITCH_KIND_ORDER = ("vlan", "svi", "trunk", "port")


def resources_from_state(spec: TargetSpec, state: SwitchState) -> list[Resource]:
    """The managed part of a switch as resources; everything else stays invisible."""
    scope = SwitchScope.model_validate(spec.scope)
    tid = spec.id
    out: list[Resource] = []
    vlan_owner: dict[int, str | None] = {}
    for vid in sorted(state.vlans):
        if scope.vlan_managed(vid):
            name = state.vlans[vid].name
            owner = owner_from_vlan_name(name) if scope.vlan_in_pool(vid) else None
            vlan_owner[vid] = owner
            out.append(Resource(tid, "vlan", str(vid), {"name": name}, owner))
    if scope.svi:
        for vid in sorted(state.svis):
            if scope.vlan_in_pool(vid):
                svi = state.svis[vid]
                attrs: dict[str, object] = {"address": svi.address}
                if scope.svi_helpers:
                    attrs["helpers"] = sorted(svi.helpers)
                out.append(Resource(tid, "svi", svi_key(vid), attrs, vlan_owner.get(vid)))
    for iface in scope.trunks:
        p = state.ports.get(iface)
        if p is None:
            continue
        # Not (yet) a trunk: it carries none of our VLANs. A trunk of ALL carries them all.
        allowed = p.allowed_vlans if p.mode == "trunk" else frozenset()
        members = scope.all_trunk_vlans() if allowed is None else sorted(
            v for v in allowed if scope.trunk_vlan_managed(v))
        out.append(Resource(tid, "trunk", iface, {"vlans": members}))
    for iface in scope.ports:
        p = state.ports.get(iface)
        if p is None:
            continue
        attrs = {"mode": p.mode, "vlan": p.vlan, "voice_vlan": p.voice_vlan,
                 "description": p.description, "enabled": p.enabled}
        out.append(Resource(tid, "port", iface, attrs, owner_from_description(p.description)))
    return out
