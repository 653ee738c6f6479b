"""The common currency of the pipeline: resources, changes and target specs.

Plain frozen values with no imports from the rest of the package, so that intent
(which produces them) and targets (which read and apply them) can both depend on
this module without depending on each other.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Op = Literal["create", "update", "delete"]
Attrs = Mapping[str, Any]

#: The owner of what belongs to a site rather than to one occupier: vacant ports, the
#: site's own VLANs, uplink trunks, a RADIUS deny group. Occupier ids never hold '('.
SITE = "(site)"


OCCUPIER_ID = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")  # as model.base.ID_RE


def is_occupier(owner: str | None) -> bool:
    """Owned by an occupier (not by the site, not unknown)."""
    return bool(owner) and owner != SITE


def owner_id(text: str | None) -> str:
    """An owner read back from a live system: an occupier id if it is one, else the site."""
    return text if text and OCCUPIER_ID.fullmatch(text) else SITE


def canonical(value: Any) -> Any:
    """JSON-stable form of an attribute value (sets become sorted lists)."""
    if isinstance(value, (set, frozenset)):
        return sorted(canonical(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in sorted(value.items())}
    return value


@dataclass(frozen=True, slots=True)
class Resource:
    """One object on one live system, inside the reconciler's managed scope.

    `attrs` are compared by the diff. Every resource has an owner: the occupier
    whose service it is, or `SITE` (None given is taken as the site's).
    """

    target: str
    kind: str
    key: str
    attrs: Attrs
    owner: str = SITE

    def __post_init__(self) -> None:
        if not self.owner:
            object.__setattr__(self, "owner", SITE)

    @property
    def id(self) -> tuple[str, str, str]:
        return (self.target, self.kind, self.key)

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "kind": self.kind, "key": self.key,
                "owner": self.owner, "attrs": canonical(self.attrs)}


@dataclass(frozen=True, slots=True)
class Change:
    """Create, update (only `fields` differ) or delete of one resource.

    `before`/`after` hold the full attrs so a target can render mode-dependent
    commands; rollback of a change is the same change with them swapped.
    `owner` is whose service the change is about (the desired owner when that is an
    occupier, else the live one); `live_owner` is the owner the live system named
    (None for a create), so a port handed from one occupier to another names both.
    """

    op: Op
    target: str
    kind: str
    key: str
    before: Attrs | None
    after: Attrs | None
    owner: str = SITE
    fields: tuple[str, ...] = ()
    live_owner: str | None = None

    def __post_init__(self) -> None:
        if not self.owner:
            object.__setattr__(self, "owner", SITE)
        if self.live_owner is None and self.op != "create":
            object.__setattr__(self, "live_owner", self.owner)

    @property
    def id(self) -> tuple[str, str, str]:
        return (self.target, self.kind, self.key)

    @property
    def owners(self) -> set[str]:
        """Every occupier whose service this change touches."""
        return {o for o in (self.owner, self.live_owner) if o is not None and is_occupier(o)}

    def reversed(self) -> Change:
        op: Op = {"create": "delete", "delete": "create", "update": "update"}[self.op]  # type: ignore[assignment]
        back_owner = self.live_owner or self.owner
        return Change(op, self.target, self.kind, self.key, self.after, self.before,
                      back_owner, self.fields, None if op == "create" else self.owner)

    def to_json(self) -> dict[str, Any]:
        return {"op": self.op, "target": self.target, "kind": self.kind, "key": self.key,
                "owner": self.owner, "live_owner": self.live_owner, "fields": list(self.fields),
                "before": canonical(self.before) if self.before is not None else None,
                "after": canonical(self.after) if self.after is not None else None}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Change:
        return Change(op=data["op"], target=data["target"], kind=data["kind"], key=data["key"],
                      before=data.get("before"), after=data.get("after"),
                      owner=data.get("owner") or SITE, fields=tuple(data.get("fields", ())),
                      live_owner=data.get("live_owner"))


@dataclass(frozen=True)
class TargetSpec:
    """What the reconciler knows of one live system: where it is and what it manages.

    `settings` (connection) and `scope` (what is managed) are plain data that the
    target validates into its own typed models.
    """

    id: str
    platform: str
    site: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    scope: Mapping[str, Any] = field(default_factory=dict)
    credentials: str | None = None

    def with_settings(self, **overrides: Any) -> TargetSpec:
        return TargetSpec(self.id, self.platform, self.site, {**self.settings, **overrides},
                          self.scope, self.credentials)


def digest(resources: Iterable[Resource]) -> str:
    """Stable fingerprint of a set of live resources (stale-plan detection)."""
    rows = sorted((r.kind, r.key, json.dumps(canonical(r.attrs), sort_keys=True))
                  for r in resources)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]
