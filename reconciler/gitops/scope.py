"""Which targets a change in git affects, from the compiled desired state.

Nothing here knows a platform: a changed occupier file affects every target that
holds a resource owned by that occupier, at REF or now (so deletions and moves
count); a changed site file affects every target of the site. Any target whose
desired resources differ between REF and now is added as well, which catches
shared resources (a trunk's VLAN list) whose owner is the site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..engine.resources import Resource
from ..errors import InputError
from ..intent import DesiredState, compile_estate
from ..model.estate import OCCUPIERS_DIR, SITES_DIR, Estate, load_estate
from .repo import EstateRepo


@dataclass
class Scope:
    """The part of the estate a change touches."""

    ref: str
    files: list[str] = field(default_factory=list)
    occupiers: set[str] = field(default_factory=set)
    site_files: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    sites: set[str] = field(default_factory=set)
    full: bool = False  # the REF could not be compiled: everything is in scope
    notes: list[str] = field(default_factory=list)
    # The estate at REF as loaded for the scope, kept for the previews of later dates
    # (None when no estate file changed or it did not load), and its commit.
    base: Estate | None = field(default=None, repr=False)
    base_commit: str | None = None
    # Targets the plan was restricted to before scoping (--site, --target); None: all.
    universe: set[str] | None = None

    def describe(self) -> str:
        if self.full:
            return f"full plan: {'; '.join(self.notes) or 'scope unknown'}"
        what = ", ".join(self.files) if len(self.files) <= 6 else \
            f"{len(self.files)} estate files"
        where = f" at {', '.join(sorted(self.sites))}" if self.sites else \
            " (nothing that changed affects a live system on this day)"
        return (f"scoped to {len(self.targets)} target(s){where}"
                f" for changes since {self.ref} ({what or 'no estate file changed'})")


def _stem(path: str, folder: str) -> str | None:
    p = PurePosixPath(path)
    if p.parent.as_posix() == folder and p.suffix in (".yaml", ".yml"):
        return p.stem
    return None


def _fingerprint(resources: Iterable[Resource]) -> frozenset[str]:
    # Both sides come from the same compiler, so equal resources print alike; a false
    # difference only adds a target to the scope, never drops one.
    return frozenset(repr((r.kind, r.key, r.owner, r.attrs)) for r in resources)


def affected_targets(now: DesiredState, before: DesiredState, occupiers: set[str],
                     sites: set[str]) -> set[str]:
    """Target ids (present now) affected by changed occupiers and sites."""
    out: set[str] = set()
    for state in (now, before):
        for tid, resources in state.resources.items():
            if any(r.owner in occupiers for r in resources):
                out.add(tid)
        out.update(tid for tid, spec in state.targets.items() if spec.site in sites)
    for tid in set(now.targets) | set(before.targets):
        a, b = now.resources.get(tid, []), before.resources.get(tid, [])
        if a == b:  # the common case, without printing every resource of the estate
            continue
        if _fingerprint(a) != _fingerprint(b):
            out.add(tid)
    return {t for t in out if t in now.targets}


def compute_scope(repo: EstateRepo, ref: str, now: DesiredState, at: dt.date) -> Scope:
    """The scope of everything that changed in the estate since `ref` (work tree included)."""
    scope = Scope(ref=ref)
    changed = repo.changed_files(ref)
    scope.files = [f for f in changed
                   if _stem(f, SITES_DIR) or _stem(f, OCCUPIERS_DIR)]
    scope.occupiers = {s for f in scope.files if (s := _stem(f, OCCUPIERS_DIR))}
    scope.site_files = {s for f in scope.files if (s := _stem(f, SITES_DIR))}
    if not scope.files:
        return scope
    scope.base_commit = repo.commit(ref).hexsha
    with repo.checkout_estate(ref, changed) as old_root:
        try:
            # Cross-file rules were checked when `ref` was merged; an estate that breaks
            # them now (or cannot compile) only widens the scope to everything.
            scope.base = load_estate(old_root, check_rules=False)
            before = compile_estate(scope.base, at)
        except InputError as exc:
            scope.full = True
            scope.notes.append(f"the estate at {ref} does not load ({exc}), so every "
                               "target is planned")
            before = None
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            scope.base = None
            scope.full = True
            scope.notes.append(f"the estate at {ref} does not compile ({exc!r}), so every "
                               "target is planned")
            before = None
    if before is None:
        scope.targets = set(now.targets)
    else:
        scope.targets = affected_targets(now, before, scope.occupiers, scope.site_files)
    scope.sites = {now.targets[t].site for t in scope.targets}
    gone = scope.site_files - {s.site for s in now.targets.values()}
    if gone:
        scope.notes.append("site file(s) removed or without targets now: "
                           + ", ".join(sorted(gone)) + " (nothing is planned there)")
    return scope
