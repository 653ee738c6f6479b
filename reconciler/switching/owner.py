"""How the reconciler marks what it owns on a switch, written and read in one place.

A floor port's description is `occ:<occupier> space:<space>`; reading it back gives the
owner. An occupier's public VLAN is named `<occupier>-public`. An SVI is `Vlan<N>`.
"""

from __future__ import annotations

import re

OWNER_RE = re.compile(r"^occ:([a-z][a-z0-9-]*[a-z0-9]) ")
PUBLIC_SUFFIX = "-public"


def port_description(occupier: str, space: str) -> str:
    return f"occ:{occupier} space:{space}"


def owner_from_description(desc: str | None) -> str | None:
    m = OWNER_RE.match(desc or "")
    return m.group(1) if m else None


def public_vlan_name(occupier: str) -> str:
    return f"{occupier}{PUBLIC_SUFFIX}"[:32]  # EOS VLAN names hold 32 characters


def owner_from_vlan_name(name: str | None) -> str | None:
    return name.removesuffix(PUBLIC_SUFFIX) if name else None


def svi_key(vlan_id: int) -> str:
    return f"Vlan{vlan_id}"
