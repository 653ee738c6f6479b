"""Strict building blocks for the estate schema.

Every value that can end up in a device command, an SQL row or a file name is
constrained here by a pattern, so bad input is stopped at load time with the
file, line and rule, and never reaches a live system.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


class StrictModel(BaseModel):
    """Frozen, no unknown keys: a typo in YAML is an error, not a silent default."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Platform(StrEnum):
    """Live-system platforms by name (the model never imports the targets)."""

    ARISTA_EOS = "arista_eos"
    CISCO_IOS = "cisco_ios"
    MERAKI = "meraki"
    FREERADIUS = "freeradius"
    ASTERISK = "asterisk"
    KEA = "kea"


SWITCH_PLATFORMS = (Platform.ARISTA_EOS, Platform.CISCO_IOS)

# Identifiers: lower-case, no spaces, safe in CLI lines, SQL values and file names.
ID_RE = r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$"
SPACE_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9.-]{0,15}$"
CRED_RE = r"^[a-z][a-z0-9-]{0,62}$"
HOST_RE = r"^(?:(?:\d{1,3}\.){3}\d{1,3}|[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*)$"
EMAIL_RE = r"^[a-z0-9](?:[a-z0-9._+-]{0,62})@[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9-]{1,63})+$"
E164_RE = r"^\+[1-9]\d{6,14}$"
# Free text shown to people (names, labels): printable, one line, no shell/CLI metacharacters
# that matter nowhere in a name (`;` and `"` end or quote values in PBX/RADIUS configs).
TEXT_RE = r"^[^\x00-\x1f\x7f-\x9f|!`$\\<>{};\"]{1,80}$"
MAC_RE = r"^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$"
TIME_RE = r"^(?:[01]\d|2[0-3]):[0-5]\d$"

Id = Annotated[str, Field(pattern=ID_RE, description="lower-case id: letters, digits, '-'")]
SpaceId = Annotated[str, Field(pattern=SPACE_ID_RE, description="space id such as 3.01")]
CredRef = Annotated[str, Field(pattern=CRED_RE, description="name of a credential set")]
Host = Annotated[str, Field(pattern=HOST_RE, description="IPv4 address or DNS name")]
Email = Annotated[str, Field(pattern=EMAIL_RE, description="lower-case e-mail address")]
E164 = Annotated[str, Field(pattern=E164_RE, description="E.164 number, e.g. +442079460121")]


def _visible(value: str) -> str:
    # Unicode line/paragraph separators break lines in many parsers; bidi overrides and
    # zero-width characters make a value read differently from what it is.
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            raise ValueError(f"invisible or control character U+{ord(ch):04X} is not allowed")
    return value


Text = Annotated[str, Field(pattern=TEXT_RE, description="one line of printable text"),
                 AfterValidator(_visible)]
Time = Annotated[str, Field(pattern=TIME_RE, description="HH:MM, 24 hour")]


def _mac(value: Any) -> Any:
    # Accept the common spellings, store one canonical form.
    if isinstance(value, str):
        v = value.strip().lower()
        hexdigits = re.sub(r"[:.-]", "", v)
        if re.fullmatch(r"[0-9a-f]{12}", hexdigits) and re.fullmatch(
                r"[0-9a-f]{2}([:-][0-9a-f]{2}){5}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|[0-9a-f]{12}",
                v):
            return ":".join(hexdigits[i:i + 2] for i in range(0, 12, 2))
    return value


Mac = Annotated[str, BeforeValidator(_mac), Field(pattern=MAC_RE, description="MAC address")]


def _ipv4_network(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return str(ipaddress.IPv4Network(value, strict=True))
        except ValueError as exc:
            raise ValueError(f"not an IPv4 network with host bits clear: {exc}") from None
    raise ValueError("expected an IPv4 network such as 172.16.20.0/24")


Ipv4Net = Annotated[str, BeforeValidator(_ipv4_network)]


def _ipv4_address(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return str(ipaddress.IPv4Address(value))
        except ValueError:
            raise ValueError("not an IPv4 address") from None
    raise ValueError("expected an IPv4 address")


Ipv4Addr = Annotated[str, BeforeValidator(_ipv4_address)]


def parse_int_range(text: str, low: int, high: int) -> tuple[int, int]:
    """'100-899' -> (100, 899) inside [low, high]."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", text)
    if not m:
        raise ValueError(f"expected a range such as {low}-{high}")
    a, b = int(m.group(1)), int(m.group(2) or m.group(1))
    if not (low <= a <= b <= high):
        raise ValueError(f"range must be within {low}-{high} and ascending")
    return a, b


def _int_range(low: int, high: int) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"expected a range such as {low}-{high}")
        a, b = parse_int_range(value, low, high)
        return f"{a}-{b}"
    return check


VlanRange = Annotated[str, BeforeValidator(_int_range(2, 4094))]
ExtensionRange = Annotated[str, BeforeValidator(_int_range(100, 99999))]
VlanId = Annotated[int, Field(ge=2, le=4094, strict=True)]


def _number_range(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("expected '+first-+last' or one E.164 number")
    parts = [p.strip() for p in value.split("-+")]
    first = parts[0]
    last = "+" + parts[1] if len(parts) == 2 else first
    for p in (first, last):
        if not re.fullmatch(E164_RE, p):
            raise ValueError(f"{p!r} is not an E.164 number")
    if len(first) != len(last) or int(last[1:]) < int(first[1:]):
        raise ValueError("range ends must have the same length and ascend")
    if int(last[1:]) - int(first[1:]) > 100_000:
        raise ValueError("a number range may hold at most 100000 numbers")
    return f"{first}-{last}" if last != first else first


NumberRange = Annotated[str, BeforeValidator(_number_range)]


def number_range_bounds(rng: str) -> tuple[int, int, int]:
    """'+442079460100-+442079460199' -> (first, last, digits) as integers."""
    first, _, last = rng.partition("-")
    last = last or first
    return int(first[1:]), int(last[1:]), len(first) - 1


def _lower_email(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


LowerEmail = Annotated[Email, BeforeValidator(_lower_email)]


def _positive_version(value: int) -> int:
    if value < 1:
        raise ValueError("must be 1 or more")
    return value


CredentialVersion = Annotated[int, AfterValidator(_positive_version)]
