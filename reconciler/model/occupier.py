"""Schema of `occupiers/<id>.yaml`: one tenant, its contracts, services, people and devices."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from .base import (
    E164,
    CredentialVersion,
    Id,
    Ipv4Addr,
    Ipv4Net,
    LowerEmail,
    Mac,
    SpaceId,
    StrictModel,
    Text,
    VlanId,
)
from .dialling import CallClass

Extension = Annotated[int, Field(ge=100, le=99999, strict=True)]
DeviceName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$")]
HANDSET_MODELS = ("yealink-t54w", "yealink-t46u", "yealink-t33g", "polycom-vvx450", "snom-d785")


class InternetService(StrictModel):
    bandwidth_mbps: Annotated[int, Field(ge=1, le=100_000)]


class PublicIpService(StrictModel):
    size: Literal[29, 30] = 29


class VoiceService(StrictModel):
    lines: Annotated[int, Field(ge=1, le=1000)]
    tariff: Id = "standard"
    call_recording: bool = False
    # Call classes the phones may dial out (emergency numbers always go through).
    allow: list[CallClass] = ["national", "mobile"]

    @field_validator("allow")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a call class is listed twice")
        return v


class Services(StrictModel):
    internet: InternetService | None = None
    public_ip: PublicIpService | None = None
    voice: VoiceService | None = None
    wifi_secure: bool = False


class Network(StrictModel):
    """Written by `reconciler allocate`."""

    vlan: VlanId
    subnet: Ipv4Net

    @field_validator("subnet")
    @classmethod
    def _slash24(cls, v: str) -> str:
        if ipaddress.IPv4Network(v).prefixlen != 24:
            raise ValueError("an occupier subnet is a /24")
        return v


class PublicIp(StrictModel):
    """Written by `reconciler allocate` for the public IP service."""

    block: Ipv4Net
    vlan: VlanId

    @field_validator("block")
    @classmethod
    def _size(cls, v: str) -> str:
        if ipaddress.IPv4Network(v).prefixlen not in (29, 30):
            raise ValueError("a public block is a /29 or a /30")
        return v


class Occupancy(StrictModel):
    space: SpaceId
    move_in: dt.date
    move_out: dt.date | None = None

    @model_validator(mode="after")
    def _order(self) -> Occupancy:
        if self.move_out is not None and self.move_out < self.move_in:
            raise ValueError("move_out is before move_in")
        return self


class Handset(StrictModel):
    mac: Mac
    model: Literal[HANDSET_MODELS]  # type: ignore[valid-type]


class NumberFeatures(StrictModel):
    voicemail: bool = True
    forward: E164 | None = None
    dnd: bool = False
    # Number shown on outside calls: this number, the occupier's main number, or none.
    caller_id: Literal["own", "main", "withheld"] = "own"


class PhoneNumber(StrictModel):
    number: E164
    extension: Extension | None = None
    user: LowerEmail | None = None
    label: Text | None = None
    features: NumberFeatures = NumberFeatures()
    handset: Handset | None = None

    @model_validator(mode="after")
    def _handset_needs_user(self) -> PhoneNumber:
        if self.handset is not None and self.user is None:
            raise ValueError("a desk phone (handset) needs the user it belongs to")
        return self


RouteTo = Literal["hunt_group", "reception", "voicemail", "forward"]


class Route(StrictModel):
    to: RouteTo
    forward: E164 | None = None
    ring_seconds: Annotated[int, Field(ge=5, le=300)] = 20

    @model_validator(mode="after")
    def _forward(self) -> Route:
        if (self.to == "forward") != (self.forward is not None):
            raise ValueError("'forward' is required with to: forward and only then")
        return self


class MainNumber(StrictModel):
    """Inbound only: no user, no handset (rule 6)."""

    number: E164
    in_hours: Route = Route(to="hunt_group")
    out_of_hours: Route = Route(to="voicemail")
    if_unanswered: Route = Route(to="voicemail")


def _main_number(value: Any) -> Any:
    return {"number": value} if isinstance(value, str) else value


class Contract(StrictModel):
    id: Id | None = None
    site: Id
    start: dt.date
    end: dt.date | None = None
    deprovision_on_end: bool = False
    occupancies: list[Occupancy] = []
    services: Services = Services()
    network: Network | None = None
    public_ip: PublicIp | None = None
    dhcp: bool = True
    main_number: MainNumber | None = None
    numbers: list[PhoneNumber] = []

    @field_validator("main_number", mode="before")
    @classmethod
    def _mn(cls, v: Any) -> Any:
        return _main_number(v)

    @model_validator(mode="after")
    def _dates(self) -> Contract:
        if self.end is not None and self.end < self.start:
            raise ValueError("end is before start")
        return self

    @property
    def contract_id(self) -> str:
        return self.id or self.site

    def status(self, at: dt.date) -> Literal["upcoming", "active", "ended"]:
        if at < self.start:
            return "upcoming"
        if self.end is not None and at > self.end:
            return "ended"
        return "active"

    def provisioned(self, at: dt.date) -> bool:
        """Services stay live after the end date unless the contract asks for teardown."""
        st = self.status(at)
        return st == "active" or (st == "ended" and not self.deprovision_on_end)

    def needs_network(self) -> bool:
        s = self.services
        return bool(s.internet or s.public_ip or s.wifi_secure or self.occupancies)


class User(StrictModel):
    email: LowerEmail
    name: Text
    role: Literal["user", "admin"] = "user"
    wifi_secure: bool = False
    home_site: Id | None = None
    credential_version: CredentialVersion = 1


class Device(StrictModel):
    name: DeviceName
    mac: Mac
    site: Id
    kind: Literal["printer", "av", "display", "sensor", "phone", "other"] = "other"
    reservation: Ipv4Addr | None = Field(None, description="fixed DHCP address (host .2-.20)")
    credential_version: CredentialVersion = 1


def _no_dot_segments(v: str) -> str:
    # External ids may end up in API paths: no '..' segment, no absolute path.
    if v.startswith("/") or ".." in v.split("/"):
        raise ValueError("'..' segments and a leading '/' are not allowed")
    return v


class Occupier(StrictModel):
    id: Id
    name: Text
    billing_ref: Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{2,23}$")] | None = None
    external_ids: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")],
                       Annotated[str, Field(pattern=r"^[A-Za-z0-9._:/-]{1,64}$"),
                                 AfterValidator(_no_dot_segments)]] = {}
    contracts: list[Contract] = []
    users: list[User] = []
    devices: list[Device] = []

    def contract_at(self, site: str) -> Contract | None:
        return next((c for c in self.contracts if c.site == site), None)
