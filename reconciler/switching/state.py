"""`SwitchState`: what the reconciler understands of one switch, whatever its platform.

Both running-config readers (`targets.eos_parse`, `targets.ios_parse`) return it; the
engine sees it only through `resources.resources_from_state`, and `reconciler inspect`
prints it through `view.inspect_view`. Platform defaults are already applied, so the
values say what the switch does:

* `Port.vlan` is the access VLAN, or the native VLAN of a trunk (1 when not written).
* `Port.allowed_vlans` is for trunks only: None means ALL VLANs, an empty set none.
* `Port.mode` "other" is a switchport whose mode we do not manage (DTP, dot1q-tunnel,
  a Port-Channel member): its VLANs are not stated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["access", "trunk", "routed", "other"]


@dataclass(frozen=True)
class Vlan:
    vlan_id: int
    name: str | None = None
    state: str = "active"
    trunk_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Port:
    """A non-SVI interface."""

    name: str
    mode: Mode
    vlan: int | None = None
    voice_vlan: int | None = None
    allowed_vlans: frozenset[int] | None = None
    description: str | None = None
    enabled: bool = True
    switchport_mode: str | None = None  # the raw `switchport mode` argument, e.g. "trunk phone"
    channel_group: int | None = None
    native_vlan_tagged: bool = False
    trunk_groups: tuple[str, ...] = ()
    address: str | None = None  # primary IPv4 address of a routed port, A/L
    vrf: str | None = None


@dataclass(frozen=True)
class HelperAddress:
    """A DHCP relay target of an SVI (`ip helper-address`)."""

    address: str
    vrf: str | None = None
    source_interface: str | None = None


@dataclass(frozen=True)
class Svi:
    vlan_id: int
    address: str | None = None  # primary IPv4 address, A/L
    secondary_addresses: tuple[str, ...] = ()
    virtual_addresses: tuple[str, ...] = ()  # EOS `ip address virtual` (anycast gateway)
    helper_addresses: tuple[HelperAddress, ...] = ()
    enabled: bool = True
    description: str | None = None
    vrf: str | None = None

    @property
    def helpers(self) -> tuple[str, ...]:
        """The relay targets' addresses, in config order."""
        return tuple(h.address for h in self.helper_addresses)


@dataclass(frozen=True)
class SwitchState:
    hostname: str | None = None
    vlans: Mapping[int, Vlan] = field(default_factory=dict)
    ports: Mapping[str, Port] = field(default_factory=dict)  # config order
    svis: Mapping[int, Svi] = field(default_factory=dict)

    @property
    def trunks(self) -> dict[str, Port]:
        """The ports in trunk mode, by name."""
        return {name: p for name, p in self.ports.items() if p.mode == "trunk"}
