"""What a switch target may read and change (its managed scope); the rest is invisible."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


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
