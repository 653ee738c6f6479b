"""desired vs live -> the smallest list of changes; rollback is the same diff swapped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .resources import Change, Resource, canonical, is_occupier

NO_IGNORE: Mapping[str, frozenset[str]] = {}


def diff(live: Iterable[Resource], desired: Iterable[Resource],
         write_only: Mapping[str, frozenset[str]] = NO_IGNORE) -> list[Change]:
    """Creates, updates (changed fields only) and deletes that turn `live` into `desired`.

    Write-only fields (generated secrets) are never compared: drift in a secret is
    not a change.
    """
    have = {(r.kind, r.key): r for r in live}
    want = {(r.kind, r.key): r for r in desired}
    changes: list[Change] = []
    for k, d in want.items():
        cur = have.get(k)
        if cur is None:
            changes.append(Change("create", d.target, d.kind, d.key, None, dict(d.attrs), d.owner))
            continue
        skip = write_only.get(d.kind, frozenset())
        fields = tuple(f for f in sorted(set(d.attrs) | set(cur.attrs))
                       if f not in skip and canonical(d.attrs.get(f)) != canonical(cur.attrs.get(f)))
        if fields:
            owner = d.owner if is_occupier(d.owner) else cur.owner
            changes.append(Change("update", d.target, d.kind, d.key, dict(cur.attrs),
                                  dict(d.attrs), owner, fields, cur.owner))
    for k, cur in have.items():
        if k not in want:
            changes.append(Change("delete", cur.target, cur.kind, cur.key, dict(cur.attrs), None,
                                  cur.owner, (), cur.owner))
    return changes


def order_changes(changes: Sequence[Change], kind_order: Sequence[str]) -> list[Change]:
    """Dependency order inside a target: creates/updates by kind order, then deletes reversed."""
    rank = {k: i for i, k in enumerate(kind_order)}
    n = len(rank)
    upserts = sorted((c for c in changes if c.op != "delete"),
                     key=lambda c: (rank.get(c.kind, n), _natural(c.key)))
    deletes = sorted((c for c in changes if c.op == "delete"),
                     key=lambda c: (-rank.get(c.kind, n), _natural(c.key)))
    return upserts + deletes


def _natural(key: str) -> tuple[object, ...]:
    """'Ethernet10' after 'Ethernet9'."""
    import re
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key))


def apply_changes(live: Iterable[Resource], changes: Iterable[Change]) -> list[Resource]:
    """What the live state should be once `changes` are applied (for verification)."""
    state = {(r.kind, r.key): r for r in live}
    for c in changes:
        if c.op == "delete":
            state.pop((c.kind, c.key), None)
        else:
            assert c.after is not None
            state[(c.kind, c.key)] = Resource(c.target, c.kind, c.key, c.after, c.owner)
    return list(state.values())
