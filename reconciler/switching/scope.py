"""What a switch target may read and change (its managed scope); the rest is invisible."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

# Names the intent gives pool VLANs: an occupier id, or `<id>-public` cut to 32 characters.
OUR_VLAN_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


class SwitchScope(BaseModel):
    """Built by the intent for each switch; carried in the plan as a dict."""

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
        """Does a VLAN in the scope carry our mark, its name (see `resources`)?"""
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
