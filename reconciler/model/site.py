"""Schema of `sites/<id>.yaml`: what physically exists at a site and what it hands out."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ..switching.hardware import SwitchModel, lookup
from .base import (
    E164,
    ID_RE,
    CredRef,
    ExtensionRange,
    Host,
    Id,
    Ipv4Addr,
    Ipv4Net,
    LowerEmail,
    NumberRange,
    Platform,
    SpaceId,
    StrictModel,
    Text,
    Time,
    VlanId,
    VlanRange,
)
from .dialling import DiallingPlan, NumberFormat
from .dialling import plan as dialling_plan

# Canonical interface names only: what the site file says is what we send.
INTERFACE_RE = {
    Platform.ARISTA_EOS: r"^(?:Ethernet\d{1,3}(?:/\d{1,3}){0,2}|Port-Channel\d{1,4})$",
    Platform.CISCO_IOS: (r"^(?:FastEthernet|GigabitEthernet|TwoGigabitEthernet|FiveGigabitEthernet|"
                         r"TenGigabitEthernet|TwentyFiveGigE|FortyGigabitEthernet|HundredGigE|"
                         r"Port-channel)\d{1,3}(?:/\d{1,3}){0,2}$"),
}
PORT_REF_RE = r"^([a-z][a-z0-9-]{0,30}[a-z0-9]):([A-Za-z-]+[0-9/]*?)(\d{1,3})(?:-(\d{1,3}))?$"
RESOURCE_KINDS = (
    "vlan", "svi", "trunk", "port", "radius_user", "radius_group", "radius_mac", "wifi_policy",
    "wifi_psk", "wifi_client", "pbx_endpoint", "pbx_did", "pbx_hunt_group", "pbx_voicemail",
    "pbx_main_number", "handset", "dhcp_subnet", "pbx_extension", "pbx_policy", "pbx_site_route",
)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ShortCode = Annotated[str, Field(pattern=r"^\d{2,6}$")]


def expand_port_ref(ref: str) -> tuple[str, list[str]]:
    """'acc-3a:Ethernet1-4' -> ('acc-3a', ['Ethernet1', ..., 'Ethernet4'])."""
    m = re.fullmatch(PORT_REF_RE, ref)
    if not m:
        raise ValueError(f"{ref!r} is not 'switch:Interface' or 'switch:InterfaceN-M'")
    switch, prefix, first, last = m.group(1), m.group(2), int(m.group(3)), m.group(4)
    end = int(last) if last else first
    if end < first or end - first > 95:
        raise ValueError(f"{ref!r}: range must ascend and span at most 96 ports")
    return switch, [f"{prefix}{n}" for n in range(first, end + 1)]


class BusinessHours(StrictModel):
    days: str = "mon-fri"
    open: Time = "08:30"
    close: Time = "18:00"

    @field_validator("days")
    @classmethod
    def _days(cls, v: str) -> str:
        days_of(v)
        return v

    @model_validator(mode="after")
    def _order(self) -> BusinessHours:
        if self.close <= self.open:
            raise ValueError("close must be after open")
        return self


def days_of(spec: str) -> list[str]:
    """'mon-fri' or 'mon,wed,fri' -> list of day names."""
    out: list[str] = []
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            a, _, b = part.partition("-")
            if a not in DAYS or b not in DAYS or DAYS.index(a) > DAYS.index(b):
                raise ValueError(f"bad day range {part!r}; use e.g. mon-fri")
            out += DAYS[DAYS.index(a): DAYS.index(b) + 1]
        elif part in DAYS:
            out.append(part)
        else:
            raise ValueError(f"bad day {part!r}; use mon, tue, ... sun")
    return out


class Pools(StrictModel):
    occupier_vlans: VlanRange
    private: Ipv4Net = Field(description="split into one /24 per occupier")
    public: list[Ipv4Net] = []
    public_reserved: list[Ipv4Net] = []
    numbers: list[NumberRange] = []
    extensions: ExtensionRange | None = None
    # A VLAN or /24 an occupier released (its contract ended with teardown, or a commit took
    # it away) is not handed out again for this many days: the next tenant never gets the
    # last one's traffic, leases or ARP entries.
    network_cooldown_days: Annotated[int, Field(ge=0, le=3650)] = 30

    @field_validator("private")
    @classmethod
    def _private(cls, v: str) -> str:
        net = ipaddress.IPv4Network(v)
        if not net.is_private or net.prefixlen > 24:
            raise ValueError("must be a private range of /24 or larger")
        return v


class Vacant(StrictModel):
    vlan: VlanId
    enabled: bool = False
    description: Annotated[str, Field(pattern=r"^[A-Za-z0-9 ._:-]{1,40}$")] = "vacant"


class Switch(StrictModel):
    platform: Literal[Platform.ARISTA_EOS, Platform.CISCO_IOS]
    host: Host
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    transport: Literal["https", "http", "ssh"] | None = None
    role: Literal["core", "access"]
    uplinks: list[str] = []
    credentials: CredRef
    save_config: bool = True
    # The hardware model (e.g. WS-C2960X-48FPD-L): it decides which ports exist and which
    # commands the switch accepts (reconciler/switching/hardware.yaml lists the known ones).
    model: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9+._-]{0,40}$")] | None = None

    def hardware(self) -> SwitchModel | None:
        return lookup(self.platform.value, self.model) if self.model else None

    @model_validator(mode="after")
    def _uplinks(self) -> Switch:
        hw = self.hardware()  # ValueError for a model not in the catalogue
        for u in self.uplinks:
            if not re.fullmatch(INTERFACE_RE[self.platform], u):
                raise ValueError(f"uplink {u!r} is not a {self.platform.value} interface name")
            if hw is not None and not hw.has_interface(u):
                raise ValueError(f"uplink {u!r} is not a port of a {hw.name} (its ports: "
                                 f"{hw.describe_ports()})")
        if self.platform == Platform.CISCO_IOS and self.transport not in (None, "ssh"):
            raise ValueError("a cisco_ios switch is reached over ssh; drop `transport` or set "
                             "it to ssh")
        return self


class PortEntry(StrictModel):
    port: str
    role: Literal["data", "router"] = "data"


def _port_entry(value: Any) -> Any:
    return {"port": value} if isinstance(value, str) else value


class Space(StrictModel):
    id: SpaceId
    kind: Literal["office", "desk", "meeting_room", "storage"]
    capacity: Annotated[int, Field(ge=0, le=1000)] = 0
    status: Literal["available", "unavailable"] = "available"
    ports: list[PortEntry] = []

    @field_validator("ports", mode="before")
    @classmethod
    def _ports(cls, v: Any) -> Any:
        return [_port_entry(x) for x in v] if isinstance(v, list) else v


class Floor(StrictModel):
    number: Annotated[int, Field(ge=-5, le=200)]
    name: Text | None = None
    spaces: list[Space] = []


class WifiSystem(StrictModel):
    platform: Literal[Platform.MERAKI] = Platform.MERAKI
    organization_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,40}$")]
    network_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,40}$")]
    devices_ssid: Annotated[int, Field(ge=0, le=14)]
    device_auth: Literal["psk", "mac"] = "psk"
    credentials: CredRef
    base_url: Annotated[str, Field(pattern=r"^https?://[A-Za-z0-9.:-]+(/[A-Za-z0-9/._-]*)?$")] | None = None
    # Group policies and identity PSKs named with this prefix are the reconciler's; others
    # on the network are never read, changed or deleted.
    managed_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$")] = "rcl-"


class RadiusSystem(StrictModel):
    platform: Literal[Platform.FREERADIUS] = Platform.FREERADIUS
    server: Id = Field("radius", description="RADIUS database shared by the sites that name it")
    nas_identifier: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
    mac_auth: bool = False
    credentials: CredRef
    # Wi-Fi Secure accounts (and their invitations) exist this many days before a contract
    # starts; they authenticate only from the start, when the occupier's site grant appears.
    invite_lead_days: Annotated[int, Field(ge=0, le=90)] = 7


class PbxSystem(StrictModel):
    platform: Literal[Platform.ASTERISK] = Platform.ASTERISK
    server: Id = "pbx"
    credentials: CredRef
    provisioning_dir: Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]{1,200}$")]
    main_number: bool = True
    number_cooldown_days: Annotated[int, Field(ge=0, le=3650)] = 90
    reception: Annotated[int, Field(ge=100, le=99999)] | None = None
    # PJSIP endpoint of the carrier trunk (operator-managed) that forwards dial out through.
    trunk: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")] = "trunk"
    sip_server: Host | None = Field(None, description="address desk phones register to")
    # How the carrier writes numbers, both ways: DIDs it sends, numbers we dial out.
    number_format: NumberFormat = "e164_plus"
    trunk_host: Host | None = Field(None, description="the carrier's SIP address (printed "
                                    "into the trunk stanza of `reconciler pbx static`)")
    trunk_port: Annotated[int, Field(ge=1, le=65535)] | None = None
    dialling: Annotated[str, Field(pattern=r"^[a-z]{2,10}$")] = "gb"
    # Always allowed from every phone; the dialling plan's list unless the site says.
    emergency: list[ShortCode] | None = None
    # Presented on emergency calls: a number registered to the site's address.
    emergency_caller_id: E164 | None = None

    @field_validator("dialling")
    @classmethod
    def _plan(cls, v: str) -> str:
        dialling_plan(v)
        return v

    @property
    def plan(self) -> DiallingPlan:
        return dialling_plan(self.dialling)

    def emergency_numbers(self) -> list[str]:
        return list(self.emergency) if self.emergency is not None else self.plan.emergency

    @field_validator("provisioning_dir")
    @classmethod
    def _no_traversal(cls, v: str) -> str:
        if ".." in v.split("/"):
            raise ValueError("'..' is not allowed in provisioning_dir")
        if v.startswith("/"):
            raise ValueError("provisioning_dir lies below RECONCILER_PROVISIONING_ROOT; an "
                             "absolute path belongs in the endpoints file")
        return v


class DhcpSystem(StrictModel):
    platform: Literal[Platform.KEA] = Platform.KEA
    server: Id = "dhcp"
    credentials: CredRef
    server_address: Ipv4Addr
    dns_servers: list[Ipv4Addr] = []
    # Kea's control agent (HTTP); default http://<server_address>:8000/
    control_url: Annotated[str, Field(
        pattern=r"^https?://[A-Za-z0-9.:-]+(/[A-Za-z0-9/._-]*)?$")] | None = None


class Support(StrictModel):
    email: LowerEmail | None = None
    phone: E164 | None = None
    hours: Text | None = None


DriftAction = Literal["correct", "report", "ignore"]


class Site(StrictModel):
    id: Id
    name: Text
    address: Text | None = None
    timezone: Annotated[str, Field(pattern=r"^[A-Za-z_]+(?:/[A-Za-z0-9_+-]+){0,2}$")] = "UTC"
    business_hours: BusinessHours = BusinessHours()
    pools: Pools
    vacant: Vacant
    voice_vlan: VlanId | None = None
    switches: dict[Annotated[str, Field(pattern=ID_RE)], Switch] = {}
    floors: list[Floor] = []
    wifi: WifiSystem | None = None
    radius: RadiusSystem | None = None
    pbx: PbxSystem | None = None
    dhcp: DhcpSystem | None = None
    support: Support = Support()
    drift: dict[str, DriftAction] = {"default": "correct"}

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}; use an IANA name such as Europe/London") from None
        return v

    @field_validator("drift")
    @classmethod
    def _drift(cls, v: dict[str, str]) -> dict[str, str]:
        for k in v:
            if k != "default" and k not in RESOURCE_KINDS:
                raise ValueError(f"unknown resource kind {k!r}; use 'default' or one of "
                                 + ", ".join(RESOURCE_KINDS))
        return v

    def emergency_caller_id(self) -> str | None:
        """The number emergency calls present (rule emergency-caller-id asks for one)."""
        assert self.pbx is not None
        return self.pbx.emergency_caller_id or self.support.phone

    def drift_action(self, kind: str) -> str:
        return self.drift.get(kind, self.drift.get("default", "correct"))

    def spaces(self) -> dict[str, Space]:
        return {s.id: s for f in self.floors for s in f.spaces}
