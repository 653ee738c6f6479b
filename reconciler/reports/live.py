"""An occupier's resources on the live systems next to what git wants (`show --live`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..engine.credentials import CredentialStore
from ..engine.diff import diff
from ..engine.plan import TargetClass, open_target
from ..engine.resources import canonical
from ..errors import ReconcilerError
from ..intent.compile import DesiredState


def live_status(desired: DesiredState, occupier: str, registry: Mapping[str, TargetClass],
                creds: CredentialStore) -> dict[str, list[dict[str, Any]]]:
    """site -> rows {target, kind, key, state: ok|missing|differs|unexpected|error, ...}."""
    out: dict[str, list[dict[str, Any]]] = {}
    for tid in sorted(desired.targets):
        spec = desired.targets[tid]
        mine = [r for r in desired.resources.get(tid, []) if r.owner == occupier]
        rows = out.setdefault(spec.site, [])
        try:
            with open_target(spec, registry, creds) as target:
                live = target.read()
                write_only = target.write_only
        except ReconcilerError as exc:
            rows.append({"target": tid, "kind": None, "key": None, "state": "error",
                         "error": str(exc)})
            continue
        want_ids = {r.id for r in mine}
        theirs = [r for r in live if r.id in want_ids or r.owner == occupier]
        changes = {c.id: c for c in diff(theirs, mine, write_only)}
        for r in sorted(mine, key=lambda r: (r.kind, r.key)):
            c = changes.get(r.id)
            row: dict[str, Any] = {"target": tid, "kind": r.kind, "key": r.key}
            if c is None:
                row["state"] = "ok"
            elif c.op == "create":
                row["state"] = "missing"
            else:
                row.update(state="differs", fields=list(c.fields),
                           want={f: canonical((c.after or {}).get(f)) for f in c.fields},
                           live={f: canonical((c.before or {}).get(f)) for f in c.fields})
            rows.append(row)
        for c in changes.values():
            if c.op == "delete":
                rows.append({"target": tid, "kind": c.kind, "key": c.key, "state": "unexpected"})
    return out
