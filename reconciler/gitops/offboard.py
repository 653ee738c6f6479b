"""Offboarding safety: deleting an occupier's file is not how an occupier leaves.

A plan that would prune live resources of an occupier that has no file any more
is refused while that occupier's last committed version still has a contract in
force on the plan's date. Ending the contract (end date + deprovision) is the way
out; `--allow-offboard ID` is the explicit override.

A VLAN (or its gateway) named for an occupier that was never in git at all was not
made by reconciler (a hand-made VLAN inside a widened pool): deleting it is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..engine.guard import kinds_of, net_effect
from ..engine.plan import Plan
from ..intent.switches import NAME_OWNED_KINDS
from ..model.estate import OCCUPIERS_DIR, Estate
from ..model.occupier import Occupier
from .repo import EstateRepo


@dataclass
class OffboardCheck:
    refusals: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)


def orphan_owners(plan: Plan, estate: Estate,
                  registry: Mapping[str, Any] | None = None) -> dict[str, int]:
    """Occupiers without a file whose live resources the plan changes or deletes.

    A desired resource is always owned by an occupier of the estate, so any other
    owner is one read from the live system: of the resource itself, or of an entry a
    shared resource loses (an occupier VLAN taken off a trunk). Every target of every
    platform names its owners, so the check holds for any `--site`/`--target` selection.
    """
    out: dict[str, int] = {}
    for tp in plan.targets:
        kinds, entries = kinds_of((registry or {}).get(tp.spec.platform))
        for c in tp.changes:
            touched = c.owners if c.op != "create" else set()
            if c.kind in entries:
                touched |= {o for (_k, o), n in net_effect([c], kinds, entries,
                                                           tp.entry_owners).items() if n < 0}
            for o in touched - set(estate.occupiers):
                out[o] = out.get(o, 0) + 1
    return out


def _in_force(text: str, at: dt.date) -> tuple[list[str], str | None]:
    """Sites whose contract is still provisioned on `at`, from an occupier file's text."""
    try:
        data = YAML(typ="safe").load(text)
        occ = Occupier.model_validate(data)
    except (YAMLError, ValidationError, ValueError) as exc:
        return [], f"its last version does not load ({type(exc).__name__})"
    return [f"{c.site} (until {c.end or 'open-ended'})" for c in occ.contracts
            if c.provisioned(at)], None


def check_offboarding(plan: Plan, estate: Estate, repo: EstateRepo | None, at: dt.date,
                      allow: Collection[str] = (),
                      registry: Mapping[str, Any] | None = None) -> OffboardCheck:
    result = OffboardCheck()
    for owner, n in sorted(orphan_owners(plan, estate, registry).items()):
        path = f"{OCCUPIERS_DIR}/{owner}.yaml"
        fix = (f"end the contract instead (end date + deprovision_on_end: true), or pass "
               f"--allow-offboard {owner}")
        if repo is None:
            # Deleting a file is a git event: outside git there is nothing to check.
            result.notes.append(f"{n} live resource(s) name occupier {owner!r}, which has no "
                                "file; the estate is not in git, so offboarding was not checked")
            continue
        last = repo.last_version(path)
        if last is None:
            named = [c for c in plan.changes if c.owner == owner and c.op == "delete"
                     and c.kind in NAME_OWNED_KINDS]
            if named and owner not in allow:
                what = ", ".join(f"{c.target} {c.kind} {c.key}" for c in named)
                result.refusals.append(
                    f"{owner}: {what} carry the name {owner!r}, which was never an occupier "
                    "in git: made by hand, so not deleted. Remove or rename it on the "
                    f"switch, narrow the site's pool, or pass --allow-offboard {owner}")
            else:
                result.notes.append(f"{n} live resource(s) name occupier {owner!r}, which "
                                    "was never in git: removed as drift")
            continue
        sha, text = last
        sites, problem = _in_force(text, at)
        if problem is None and not sites:
            continue  # every contract had ended (or not started): a clean leave
        reason = f"{path} was deleted (last in {sha[:10]}) " + (
            f"while its contract is in force at {', '.join(sites)}" if sites else
            f"and {problem}")
        if owner in allow:
            result.allowed.append(owner)
            result.notes.append(f"offboarding {owner} allowed by --allow-offboard: {n} "
                                f"resource(s) pruned; {reason}")
        else:
            result.refusals.append(f"{owner}: {reason}; its {n} live resource(s) are not "
                                   f"pruned: {fix}")
    return result
