"""An occupier's resources on the live systems next to what git wants (`show --live`).

Every resource a target reads names its owner, so the occupier's live objects on
every platform are found, including those git no longer wants (`unexpected`): a
switch port, a Wi-Fi key, a RADIUS login, a SIP line, a DHCP range.
"""

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
            rows.append(_row(tid, None, None, "error", error=str(exc).removeprefix(f"{tid}: ")))
            continue
        want_ids = {r.id for r in mine}
        theirs = [r for r in live if r.id in want_ids or r.owner == occupier]
        changes = {c.id: c for c in diff(theirs, mine, write_only)}
        for r in sorted(mine, key=lambda r: (r.kind, r.key)):
            c = changes.get(r.id)
            if c is None:
                rows.append(_row(tid, r.kind, r.key, "ok"))
            elif c.op == "create":
                rows.append(_row(tid, r.kind, r.key, "missing"))
            else:
                rows.append(_row(
                    tid, r.kind, r.key, "differs", fields=list(c.fields),
                    want={f: canonical((c.after or {}).get(f)) for f in c.fields},
                    live={f: canonical((c.before or {}).get(f)) for f in c.fields}))
        for c in changes.values():
            if c.op == "delete":
                rows.append(_row(tid, c.kind, c.key, "unexpected"))
    return out


def _row(target: str, kind: str | None, key: str | None, state: str, *,
         error: str | None = None, fields: list[str] | None = None,
         want: dict[str, Any] | None = None, live: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"target": target, "kind": kind, "key": key, "state": state, "error": error,
            "fields": fields or [], "want": want or {}, "live": live or {}}
