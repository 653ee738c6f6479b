"""Every value a saved plan carries, checked against a strict pattern before use.

A plan file is untrusted: a newline in a port description would become a second
command line on a switch. The patterns are the model's (ids, e-mail addresses,
numbers, MACs, interface names, one line of printable text); what a switch
receives is held to the characters the intent ever produces. A value read from a
live system (`before`) is only required to be one line: it is what the device
holds already.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import PlanError
from ..model.base import E164_RE, EMAIL_RE, ID_RE, MAC_RE, TEXT_RE, Platform
from ..model.site import INTERFACE_RE
from .plan import TargetClass
from .resources import SITE, Change

OPS = ("create", "update", "delete")
_ID = re.compile(ID_RE)
_TARGET = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9](?:/[a-z0-9][a-z0-9._-]{0,62})?$")
_ATTR = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
# One line: no control characters (C0, DEL, C1), no line or paragraph separators.
_LINE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]{0,1000}$")
_TEXT = re.compile(TEXT_RE)
# What a switch command ever carries from the intent: ids, space ids, addresses.
_CLI_WORD = re.compile(r"^[A-Za-z0-9 ._:/-]{0,80}$")
_DESCRIPTION = re.compile(r"^[A-Za-z0-9 ._:-]{1,80}$")  # as the site model's, longer
_VLAN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,31}$")
_CLI_PLATFORMS = (Platform.ARISTA_EOS.value, Platform.CISCO_IOS.value)

#: (platform or "*", kind) -> pattern of the key.
KEYS: dict[tuple[str, str], re.Pattern[str]] = {
    ("*", "vlan"): re.compile(r"^\d{1,4}$"),
    ("*", "svi"): re.compile(r"^Vlan\d{1,4}$"),
    ("*", "radius_user"): re.compile(EMAIL_RE),
    ("*", "radius_mac"): re.compile(r"^[0-9a-f]{12}$"),
    ("*", "wifi_client"): re.compile(MAC_RE),
    ("*", "pbx_did"): re.compile(E164_RE),
    ("*", "pbx_endpoint"): re.compile(r"^\d{3,16}$"),
    ("*", "handset"): re.compile(r"^[0-9a-f]{12}$"),
}
#: (kind, attribute) -> pattern of the desired value (after).
VALUES: dict[tuple[str, str], re.Pattern[str]] = {
    ("port", "description"): _DESCRIPTION,
    ("vlan", "name"): _VLAN_NAME,
    ("wifi_client", "name"): re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
    ("wifi_client", "policy"): re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
    ("wifi_psk", "policy"): re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
    ("pbx_voicemail", "fullname"): _TEXT,
    ("handset", "label"): _TEXT,
}


def _refuse(tid: str, where: str, value: Any, rule: str) -> PlanError:
    return PlanError(f"{tid}: {where}: {value!r} is not {rule}; the plan file was changed "
                     "or is not a plan: nothing was applied")


def check_target_id(value: Any) -> str:
    if not isinstance(value, str) or not _TARGET.fullmatch(value):
        raise PlanError(f"the plan names a target {value!r} that is not a valid target id")
    return value


def check_line(value: Any, tid: str, n: int) -> str:
    if not isinstance(value, str) or not _LINE.fullmatch(value):
        raise _refuse(tid, f"command {n}", value, "one line of text")
    return value


def _owner(value: Any, tid: str, where: str, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if value == SITE or (isinstance(value, str) and _ID.fullmatch(value)):
        return str(value)
    raise _refuse(tid, where, value, "an occupier id or the site")


def _value(value: Any, tid: str, where: str, strict: re.Pattern[str] | None, depth: int = 0
           ) -> None:
    """Scalars, lists and mappings of them; every string one line (or `strict`)."""
    if depth > 6:
        raise _refuse(tid, where, "...", "a value of a plan (nested too deep)")
    if value is None or isinstance(value, (bool, int, float)):
        return
    if isinstance(value, str):
        rule = strict or _LINE
        if not rule.fullmatch(value):
            raise _refuse(tid, where, value, "a valid value here (one line of the allowed "
                          "characters)")
        return
    if isinstance(value, list):
        for i, v in enumerate(value):
            _value(v, tid, f"{where}[{i}]", strict, depth + 1)
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str) or not _LINE.fullmatch(k):
                raise _refuse(tid, where, k, "a valid name")
            _value(v, tid, f"{where}.{k}", strict, depth + 1)
        return
    raise _refuse(tid, where, value, "a value of a plan")


def _attrs(attrs: Any, kind: str, tid: str, where: str, cli: bool, desired: bool) -> None:
    if attrs is None:
        return
    if not isinstance(attrs, Mapping):
        raise _refuse(tid, where, attrs, "a mapping of attributes")
    for name, value in attrs.items():
        if not isinstance(name, str) or not _ATTR.fullmatch(name):
            raise _refuse(tid, where, name, "an attribute name")
        strict = None
        if desired:  # what would be sent: the intent's own patterns
            strict = VALUES.get((kind, name)) or (_CLI_WORD if cli else None)
        _value(value, tid, f"{where}.{name}", strict)


def check_change(d: Any, tid: str, cls: TargetClass, n: int) -> Change:
    """One change of a saved plan, every value checked, as a `Change`."""
    if not isinstance(d, Mapping):
        raise _refuse(tid, f"change {n}", d, "a change")
    platform = str(getattr(cls, "platform", ""))
    if d.get("op") not in OPS:
        raise _refuse(tid, f"change {n} op", d.get("op"), "create, update or delete")
    if d.get("target") != tid:
        raise _refuse(tid, f"change {n} target", d.get("target"), f"this target ({tid})")
    kind = d.get("kind")
    if not isinstance(kind, str) or kind not in tuple(getattr(cls, "kind_order", ())):
        raise _refuse(tid, f"change {n} kind", kind, f"a kind {platform} manages")
    key = d.get("key")
    cli = platform in _CLI_PLATFORMS
    key_rule = KEYS.get((platform, kind)) or KEYS.get(("*", kind))
    if key_rule is None and kind == "port" and cli:
        key_rule = re.compile(INTERFACE_RE[Platform(platform)])
    if key_rule is None:
        key_rule = _CLI_WORD if cli else _LINE
    if not isinstance(key, str) or not key or not key_rule.fullmatch(key):
        raise _refuse(tid, f"change {n} key", key, f"a valid {kind} name")
    where = f"change {n} ({kind} {key})"
    owner = _owner(d.get("owner") or SITE, tid, f"{where} owner", False)
    live_owner = _owner(d.get("live_owner"), tid, f"{where} live owner", True)
    fields = d.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(f, str) and _ATTR.fullmatch(f)
                                               for f in fields):
        raise _refuse(tid, f"{where} fields", fields, "a list of attribute names")
    _attrs(d.get("before"), kind, tid, f"{where} before", cli, desired=False)
    _attrs(d.get("after"), kind, tid, f"{where} after", cli, desired=True)
    try:
        return Change.from_json({**d, "owner": owner, "live_owner": live_owner})
    except (KeyError, TypeError, ValueError) as exc:
        raise _refuse(tid, where, type(exc).__name__, "a change") from None
