"""A saved plan (`plan --out`) is an untrusted artifact between plan and apply.

It travels through CI artifacts, laptops and review tools, so apply trusts nothing in
it that it can get elsewhere. The file carries only what was reviewed: each target's
changes and the commands shown, and digests (what was read live, the templates).
Where a target is reached, its templates and credentials come from the estate, the
endpoints file and the credential store at apply; refusals and the guard's figures
are computed again from a live read and git.

The file is authenticated with an HMAC-SHA256 over its canonical JSON, keyed with the
credential `plan-signing` (field `key`; `RECONCILER_CRED_PLAN_SIGNING_KEY`), and every
value apply uses is checked against a strict pattern before anything is rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from typing import Any

from ..errors import CredentialsError, PlanError
from .credentials import CredentialStore
from .plan import FORMAT_VERSION, Plan, TargetClass, TargetPlan
from .plan_values import check_change, check_line, check_target_id
from .resources import TargetSpec

SIGNING_CREDENTIAL = "plan-signing"
SIGNING_FIELD = "key"
SIGNING_ENV = "RECONCILER_CRED_PLAN_SIGNING_KEY"
MAC_FIELD = "mac"
MAC_SCHEME = "hmac-sha256:"
MIN_KEY_LENGTH = 16

#: Per target, what the saved file keeps: the rest (connection settings, scope,
#: credentials, the guard's live figures) is apply's to find out, not the file's.
SAVED_TARGET_FIELDS = ("target", "platform", "site", "live_digest", "error", "live_count",
                       "desired_count", "templates", "changes", "commands")

_DIGEST = re.compile(r"^[0-9a-f]{16}$")
_TEMPLATE = re.compile(r"^[a-z0-9_]{1,40}(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,80}){1,3}$")
_TEMPLATE_DIGEST = re.compile(r"^[0-9a-f]{16,64}$")
_SITE = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")  # as model.base.ID_RE
_PLATFORM = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
# A git ref or commit the guard judged against (only ever given to git as an argument).
_REF = re.compile(r"^(?!.*\.\.)(?!-)[A-Za-z0-9][A-Za-z0-9._/@^~-]{0,199}$")


def signing_key(creds: CredentialStore) -> bytes | None:
    """The plan-signing key from the credential store, or None when there is none."""
    try:
        fields = creds.get(SIGNING_CREDENTIAL)
    except CredentialsError:
        return None
    key = fields.get(SIGNING_FIELD) or ""
    if len(key) < MIN_KEY_LENGTH:
        raise CredentialsError(f"credential {SIGNING_CREDENTIAL!r} needs a {SIGNING_FIELD!r} of "
                               f"at least {MIN_KEY_LENGTH} characters (set {SIGNING_ENV})")
    return key.encode("utf-8")


def _mac(data: Mapping[str, Any], key: bytes) -> str:
    body = {k: v for k, v in data.items() if k != MAC_FIELD}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return MAC_SCHEME + hmac.new(key, text.encode("ascii"), hashlib.sha256).hexdigest()


def saved_form(data: Mapping[str, Any]) -> dict[str, Any]:
    """A plan's JSON as `--out` saves it: no connection settings, scope or credentials."""
    out = dict(data)
    out["targets"] = [{k: t[k] for k in SAVED_TARGET_FIELDS if k in t}
                      for t in data.get("targets", [])]
    return out


def sign(data: Mapping[str, Any], key: bytes) -> dict[str, Any]:
    """`data` with its MAC (a field of its own, over everything else)."""
    return {**{k: v for k, v in data.items() if k != MAC_FIELD}, MAC_FIELD: _mac(data, key)}


def verify(data: Mapping[str, Any], key: bytes | None, name: str) -> None:
    """Refuse a plan file whose MAC is missing or does not match (changed, or foreign)."""
    if key is None:
        raise PlanError(f"cannot check {name}: no plan-signing key (set {SIGNING_ENV} or add "
                        f"`{SIGNING_CREDENTIAL}: {{{SIGNING_FIELD}: ...}}` to the credentials "
                        "file, the same key as when the plan was made)")
    mac = data.get(MAC_FIELD)
    if not isinstance(mac, str) or not mac:
        raise PlanError(f"{name} is not signed: a plan is applied only with the MAC its plan "
                        "run added (made without the plan-signing key?); plan again")
    if not hmac.compare_digest(mac.encode("utf-8", "replace"), _mac(data, key).encode()):
        raise PlanError(f"{name}: the signature does not match: the file was changed after "
                        "it was made, or signed with another key; plan again")


def _text(value: Any, what: str, pattern: re.Pattern[str]) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise PlanError(f"the plan's {what} {value!r} is not valid")
    return value


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PlanError(f"the plan's {what} {value!r} is not a count")
    return value


def _target(d: Any, registry: Mapping[str, TargetClass]) -> TargetPlan:
    if not isinstance(d, Mapping):
        raise PlanError("a target of the plan is not an object")
    tid = check_target_id(d.get("target"))
    platform = _text(d.get("platform"), f"platform of {tid}", _PLATFORM)
    cls = registry.get(platform)
    if cls is None:
        raise PlanError(f"{tid}: the plan's platform {platform!r} is not one this reconciler "
                        "knows")
    site = d.get("site")
    if not isinstance(site, str) or not _SITE.fullmatch(site):
        raise PlanError(f"{tid}: site id {site!r} is not a valid site id")
    digest = d.get("live_digest")
    if digest is not None:
        _text(digest, f"live digest of {tid}", _DIGEST)
    error = d.get("error")
    if error is not None and not isinstance(error, str):
        raise PlanError(f"{tid}: the plan's error is not text")
    templates = d.get("templates") or {}
    if not isinstance(templates, Mapping):
        raise PlanError(f"{tid}: the plan's templates are not a mapping")
    for name, value in templates.items():
        _text(name, f"template name of {tid}", _TEMPLATE)
        _text(value, f"template digest of {tid}", _TEMPLATE_DIGEST)
    raw_changes, commands = d.get("changes") or [], d.get("commands") or []
    if not isinstance(raw_changes, list) or not isinstance(commands, list):
        raise PlanError(f"{tid}: the plan's changes and commands must be lists")
    changes = [check_change(c, tid, cls, i + 1) for i, c in enumerate(raw_changes)]
    lines = [check_line(c, tid, i + 1) for i, c in enumerate(commands)]
    # The spec is a placeholder: apply puts the estate's own in its place.
    return TargetPlan(TargetSpec(tid, platform, site), changes, lines, digest, error,
                      _int(d.get("live_count", 0), f"live count of {tid}"),
                      _int(d.get("desired_count", 0), f"desired count of {tid}"),
                      templates=dict(templates))


def load(data: Any, registry: Mapping[str, TargetClass]) -> Plan:
    """The plan apply works from: dates, changes, commands, digests. Nothing else in the
    file (refusals, guard figures, notes) is read: apply finds those out again."""
    if not isinstance(data, Mapping):
        raise PlanError("a plan file holds one JSON object")
    if data.get("format_version") != FORMAT_VERSION:
        raise PlanError(f"plan format {data.get('format_version')!r} is not supported "
                        f"(this reconciler reads format {FORMAT_VERSION}); plan again")
    try:
        at = dt.date.fromisoformat(str(data.get("at")))
    except ValueError:
        raise PlanError(f"the plan's date {data.get('at')!r} is not a date") from None
    base = data.get("base")
    if base is not None:
        _text(base, "base ref", _REF)
    commit = data.get("commit")
    if commit is not None:
        _text(commit, "commit", re.compile(r"^[0-9a-f]{7,64}$"))
    created = data.get("created_at") or ""
    _text(created, "creation time", re.compile(r"^[0-9T:+.-]{0,40}$"))
    raw = data.get("targets")
    if not isinstance(raw, list):
        raise PlanError("the plan has no list of targets")
    targets = [_target(t, registry) for t in raw]
    ids = [t.target for t in targets]
    if len(set(ids)) != len(ids):
        raise PlanError("the plan names a target twice")
    return Plan(at, targets, created, commit, base=base)
