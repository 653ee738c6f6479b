"""The common currency of the pipeline: resources, changes and target specs.

Plain frozen values with no imports from the rest of the package, so that intent
(which produces them) and targets (which read and apply them) can both depend on
this module without depending on each other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Op = Literal["create", "update", "delete"]
Attrs = Mapping[str, Any]


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

    `attrs` are compared by the diff; `secret` names attrs that are write-only
    (generated secrets): never compared, never printed.
    """

    target: str
    kind: str
    key: str
    attrs: Attrs
    owner: str | None = None

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
    """

    op: Op
    target: str
    kind: str
    key: str
    before: Attrs | None
    after: Attrs | None
    owner: str | None = None
    fields: tuple[str, ...] = ()

    @property
    def id(self) -> tuple[str, str, str]:
        return (self.target, self.kind, self.key)

    def reversed(self) -> Change:
        op: Op = {"create": "delete", "delete": "create", "update": "update"}[self.op]  # type: ignore[assignment]
        return Change(op, self.target, self.kind, self.key, self.after, self.before,
                      self.owner, self.fields)

    def to_json(self) -> dict[str, Any]:
        return {"op": self.op, "target": self.target, "kind": self.kind, "key": self.key,
                "owner": self.owner, "fields": list(self.fields),
                "before": canonical(self.before) if self.before is not None else None,
                "after": canonical(self.after) if self.after is not None else None}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Change:
        return Change(op=data["op"], target=data["target"], kind=data["kind"], key=data["key"],
                      before=data.get("before"), after=data.get("after"),
                      owner=data.get("owner"), fields=tuple(data.get("fields", ())))


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
