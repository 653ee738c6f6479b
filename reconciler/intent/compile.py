"""estate + date -> desired resources per target. Pure: no I/O, no clock.

Each live-system family contributes a compiler (switches here; RADIUS, Wi-Fi,
PBX, DHCP in their own modules) registered in `COMPILERS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..engine.resources import Resource, TargetSpec
from ..model.estate import Estate
from ..model.occupier import Contract, Occupancy, Occupier


@dataclass
class DesiredState:
    at: dt.date
    targets: dict[str, TargetSpec] = field(default_factory=dict)
    resources: dict[str, list[Resource]] = field(default_factory=dict)

    def add_target(self, spec: TargetSpec) -> None:
        self.targets[spec.id] = spec
        self.resources.setdefault(spec.id, [])

    def add(self, resources: Iterable[Resource]) -> None:
        for r in resources:
            self.resources.setdefault(r.target, []).append(r)

    def select(self, target_ids: Iterable[str]) -> DesiredState:
        """A copy restricted to some targets (scoped plans, --site, --target)."""
        keep = set(target_ids)
        return DesiredState(self.at, {k: v for k, v in self.targets.items() if k in keep},
                            {k: v for k, v in self.resources.items() if k in keep})


Compiler = Callable[[Estate, dt.date, DesiredState], None]


def occupancy_effective(o: Occupancy, c: Contract, at: dt.date) -> bool:
    """A leased space is live from move-in through move-out day, while its contract is."""
    return o.move_in <= at and (o.move_out is None or at <= o.move_out) and c.provisioned(at)


def provisioned_contracts(estate: Estate, site: str,
                          at: dt.date) -> list[tuple[Occupier, Contract]]:
    """Contracts at `site` whose network is live on `at`, in a stable order."""
    return [(occ, c) for occ, c in estate.contracts_by_site().get(site, [])
            if c.network is not None and c.provisioned(at) and c.needs_network()]


def compile_estate(estate: Estate, at: dt.date) -> DesiredState:
    from . import COMPILERS

    state = DesiredState(at=at)
    for compiler in COMPILERS:
        compiler(estate, at, state)
    return state
