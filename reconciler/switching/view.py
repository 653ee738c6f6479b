"""`reconciler inspect`: a JSON view of a `SwitchState` (VLAN and SVI keys as strings)."""

from __future__ import annotations

from typing import Any

from .state import SwitchState


def inspect_view(state: SwitchState) -> dict[str, Any]:
    """VLANs and SVIs sorted numerically, ports in config order."""
    return {
        "vlans": {str(v): {"name": state.vlans[v].name} for v in sorted(state.vlans)},
        "ports": {
            name: {
                "mode": p.mode,
                "vlan": p.vlan,
                "voice_vlan": p.voice_vlan,
                "allowed_vlans": None if p.allowed_vlans is None else sorted(p.allowed_vlans),
                "description": p.description,
                "enabled": p.enabled,
            }
            for name, p in state.ports.items()
        },
        "svis": {str(v): {"address": state.svis[v].address,
                          "helpers": list(state.svis[v].helpers)} for v in sorted(state.svis)},
    }
