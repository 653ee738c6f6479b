"""Allocation from site pools: lowest free, stable (existing allocations never move).

Pure: computes `Edit`s; `model.yamlio` writes them. Other allocators (numbers,
public blocks) register in `ALLOCATORS` and see what earlier ones allocated in the
same run through the shared `Ledger`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .. import clock
from ..model.base import parse_int_range
from ..model.estate import Estate
from ..model.history import NumberHistory, read_history
from ..model.occupier import Contract, Occupier
from ..model.rules import Period, holding, overlaps, torn_down
from ..model.site import Site
from ..model.yamlio import Edit


@dataclass
class Ledger:
    """What each site has handed out, and when: (site, kind) -> [(value, period)]."""

    held: dict[tuple[str, str], list[tuple[str, Period]]] = field(
        default_factory=lambda: defaultdict(list))

    def hold(self, site: str, kind: str, value: str, period: Period) -> None:
        self.held[(site, kind)].append((value, period))

    def free(self, site: str, kind: str, value: str, period: Period) -> bool:
        return not any(v == value and overlaps(p, period) for v, p in self.held[(site, kind)])


@dataclass(frozen=True)
class AllocationError:
    file: str
    path: tuple[str | int, ...]
    message: str


Allocator = Callable[[Estate, Ledger, Occupier, int, Contract, Site],
                     Iterator[Edit | AllocationError]]


def build_ledger(estate: Estate) -> Ledger:
    ledger = Ledger()
    for occ in estate.occupiers.values():
        for c in occ.contracts:
            p = holding(c)
            if c.network:
                ledger.hold(c.site, "vlan", str(c.network.vlan), p)
                ledger.hold(c.site, "subnet", c.network.subnet, p)
            if c.public_ip:
                ledger.hold(c.site, "vlan", str(c.public_ip.vlan), p)
                ledger.hold(c.site, "public", c.public_ip.block, p)
            if c.main_number:
                ledger.hold(c.site, "number", c.main_number.number, p)
            for n in c.numbers:
                ledger.hold(c.site, "number", n.number, p)
                if n.extension is not None:
                    ledger.hold(c.site, "extension", str(n.extension), p)
    return ledger


@dataclass(frozen=True)
class Cooldown:
    """When a new holder first uses what it is given, and how long released values rest.

    A value is out of reach if another contract holds it at any time from `days` before
    the contract's start to its end (the ledger: contracts that ended with teardown are
    still in the files; the whole span, as validation judges overlaps, whatever day the
    allocation runs), or if a commit released it fewer days before its first use (the
    history).
    """

    history: NumberHistory
    first_use: dt.date
    days: int

    @staticmethod
    def of(estate: Estate, site: Site, c: Contract) -> Cooldown:
        # A contract that started already gets its network when it is applied: now.
        return Cooldown(read_history(estate.root), max(clock.today(), c.start),
                        site.pools.network_cooldown_days)

    def look(self, period: Period) -> Period:
        return (period[0] - dt.timedelta(days=self.days), period[1])

    def resting(self, site: str, what: str, value: str) -> bool:
        released = self.history.released(site, what, value)
        return released is not None and (self.first_use - released.date()).days < self.days


def free_vlan(ledger: Ledger, site: Site, period: Period,
              cooldown: Cooldown | None = None) -> int | None:
    lo, hi = parse_int_range(site.pools.occupier_vlans, 2, 4094)
    look = cooldown.look(period) if cooldown else period
    for vid in range(lo, hi + 1):
        if ledger.free(site.id, "vlan", str(vid), look) and not (
                cooldown and cooldown.resting(site.id, "vlan", str(vid))):
            return vid
    return None


def free_subnet(ledger: Ledger, site: Site, period: Period, cooldown: Cooldown) -> str | None:
    look = cooldown.look(period)
    for n in ipaddress.IPv4Network(site.pools.private).subnets(new_prefix=24):
        if ledger.free(site.id, "subnet", str(n), look) and \
                not cooldown.resting(site.id, "subnet", str(n)):
            return str(n)
    return None


def allocate_network(estate: Estate, ledger: Ledger, occ: Occupier, ci: int, c: Contract,
                     site: Site) -> Iterator[Edit | AllocationError]:
    if c.network or not c.needs_network() or torn_down(c):
        return
    file = estate.occupier_file[occ.id]
    period = holding(c)
    cooldown = Cooldown.of(estate, site, c)
    vid = free_vlan(ledger, site, period, cooldown)
    subnet = free_subnet(ledger, site, period, cooldown)
    if vid is None or subnet is None:
        what = "VLAN" if vid is None else "/24"
        yield AllocationError(file, ("contracts", ci), f"no free {what} left in the pools of "
                              f"{site.id}: widen the pool in sites/{site.id}.yaml")
        return
    ledger.hold(site.id, "vlan", str(vid), period)
    ledger.hold(site.id, "subnet", subnet, period)
    yield Edit(file, ("contracts", ci), "network", {"vlan": vid, "subnet": subnet},
               after=("services", "occupancies", "deprovision_on_end", "end", "start"),
               describe=f"{occ.id}@{site.id}: VLAN {vid}, subnet {subnet}")


def free_public_block(ledger: Ledger, site: Site, size: int, period: Period) -> str | None:
    """Lowest /size in the site's public blocks that overlaps no held or reserved block."""
    reserved = [ipaddress.IPv4Network(r) for r in site.pools.public_reserved]
    taken = [ipaddress.IPv4Network(v) for v, p in ledger.held[(site.id, "public")]
             if overlaps(p, period)]
    for pool in sorted(ipaddress.IPv4Network(p) for p in site.pools.public):
        if pool.prefixlen > size:
            continue
        for block in pool.subnets(new_prefix=size):
            if not any(block.overlaps(x) for x in (*reserved, *taken)):
                return str(block)
    return None


def allocate_public(estate: Estate, ledger: Ledger, occ: Occupier, ci: int, c: Contract,
                    site: Site) -> Iterator[Edit | AllocationError]:
    """A /29 or /30 for the public IP service, carried on its own VLAN (layer 2 only)."""
    service = c.services.public_ip
    if c.public_ip or service is None or torn_down(c):
        return
    file = estate.occupier_file[occ.id]
    period = holding(c)
    block = free_public_block(ledger, site, service.size, period)
    vid = free_vlan(ledger, site, period, Cooldown.of(estate, site, c))
    if block is None or vid is None:
        what = f"/{service.size} public block" if block is None else "VLAN"
        yield AllocationError(file, ("contracts", ci, "services", "public_ip"),
                              f"no free {what} left at {site.id} (pools.public minus "
                              f"public_reserved and blocks held by others): add a public block "
                              f"in sites/{site.id}.yaml")
        return
    ledger.hold(site.id, "public", block, period)
    ledger.hold(site.id, "vlan", str(vid), period)
    yield Edit(file, ("contracts", ci), "public_ip", {"block": block, "vlan": vid},
               after=("network", "services", "occupancies", "deprovision_on_end", "end", "start"),
               describe=f"{occ.id}@{site.id}: public {block} on VLAN {vid}")


ALLOCATORS: list[Allocator] = [allocate_network, allocate_public]


def plan_allocations(estate: Estate) -> tuple[list[Edit], list[AllocationError]]:
    """Every allocation the estate is missing, in a stable order."""
    ledger = build_ledger(estate)
    edits: list[Edit] = []
    errors: list[AllocationError] = []
    contracts = sorted(((c.start, occ.id, ci, occ, c) for occ in estate.occupiers.values()
                        for ci, c in enumerate(occ.contracts)), key=lambda t: t[:3])
    for allocator in ALLOCATORS:
        for _start, _oid, ci, occ, c in contracts:
            site = estate.sites.get(c.site)
            if site is None:
                continue
            for item in allocator(estate, ledger, occ, ci, c, site):
                if isinstance(item, Edit):
                    edits.append(item)
                else:
                    errors.append(item)
    return edits, errors
