"""Which site a change is at: not simply its target's site.

One target can serve several sites (one RADIUS server for lon1 and man1 lists both
in its scope's `sites`); its own `site` is only where it is locked and run. A change
on such a target is put at the sites where its owner has a contract, and when that
still leaves several, at the ones its key names (`rcl-acme@man1`), else its values
name. Only the compiled data is used (the target's sites, the owner's contracts, the
resource), never platform names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping

from ..engine.resources import Change, TargetSpec, canonical
from ..model.estate import Estate

SiteOf = Callable[[Change], str]


def target_sites(spec: TargetSpec) -> list[str]:
    """A target's site first, then the other sites it serves."""
    extra = spec.scope.get("sites") or []
    return list(dict.fromkeys([spec.site, *(str(s) for s in extra)]))


def owner_sites(estates: Iterable[Estate | None]) -> dict[str, set[str]]:
    """occupier id -> the sites of its contracts, in any of the estates given."""
    out: dict[str, set[str]] = {}
    for estate in estates:
        if estate is None:
            continue
        for occ in estate.occupiers.values():
            out.setdefault(occ.id, set()).update(c.site for c in occ.contracts)
    return out


def _named(site: str, key: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_-]){re.escape(site)}(?![A-Za-z0-9_-])", key) is not None


def site_attribution(specs: Mapping[str, TargetSpec],
                     owners: Mapping[str, Collection[str]] | None = None) -> SiteOf:
    """A function naming the site(s) of a change ("man1", or "lon1, man1")."""
    owners = owners or {}

    def site_of(c: Change) -> str:
        spec = specs.get(c.target)
        if spec is None:
            return "?"
        sites = target_sites(spec)
        if len(sites) > 1 and c.owner is not None and c.owner in owners:
            sites = [s for s in sites if s in owners[c.owner]] or sites
        if len(sites) > 1:
            sites = [s for s in sites if _named(s, c.key)] or sites
        if len(sites) > 1:  # e.g. a login's groups: {"rcl-acme@man1": 10, "rcl-deny": 1000}
            text = json.dumps(canonical(c.after if c.op != "delete" else c.before))
            sites = [s for s in sites if _named(s, text)] or sites
        return ", ".join(sites)

    return site_of
