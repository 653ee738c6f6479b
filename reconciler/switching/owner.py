"""How the reconciler marks what it owns on a switch, written and read in one place.

A floor port's description is `occ:<occupier> space:<space>`; reading it back gives the
owner. An occupier's public VLAN is named `<occupier>-public`. An SVI is `Vlan<N>`.
"""

from __future__ import annotations

import re

from ..engine.resources import SITE, owner_id

OWNER_RE = re.compile(r"^occ:([a-z][a-z0-9-]*[a-z0-9]) ")
PUBLIC_SUFFIX = "-public"


def port_description(occupier: str, space: str) -> str:
    return f"occ:{occupier} space:{space}"


def owner_from_description(desc: str | None) -> str:
    """The occupier a port description names, else the site (a vacant or foreign port)."""
    m = OWNER_RE.match(desc or "")
    return owner_id(m.group(1)) if m else SITE


def public_vlan_name(occupier: str) -> str:
    return f"{occupier}{PUBLIC_SUFFIX}"[:32]  # EOS VLAN names hold 32 characters


def owner_from_vlan_name(name: str | None) -> str:
    """The occupier a pool VLAN is named after (an unreadable name: the site's)."""
    return owner_id(name.removesuffix(PUBLIC_SUFFIX)) if name else SITE


def svi_key(vlan_id: int) -> str:
    return f"Vlan{vlan_id}"
