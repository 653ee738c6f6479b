"""Allocation of phone numbers, extensions and main numbers from a site's pools.

A contract with a voice service gets as many numbers as it has voice lines, each
with an extension, and a main number when the site's PBX says so. A number is
never handed out again less than the site's cooldown after it was released:
released either by a contract that ended (still in the files) or by a commit
that removed it (found in the git history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .. import clock
from ..model.base import number_range_bounds, parse_int_range
from ..model.estate import Estate
from ..model.history import NumberHistory, read_history
from ..model.occupier import Contract, Occupier
from ..model.rules import Period, holding, torn_down
from ..model.site import Site
from ..model.yamlio import Edit
from .allocate import AllocationError, Ledger

NUMBER_AFTER = ("public_ip", "network", "services", "occupancies", "deprovision_on_end", "end",
                "start")


def today() -> dt.date:
    return clock.today()


def site_numbers(site: Site) -> Iterator[str]:
    """Every number of the site's ranges, lowest first."""
    for rng in site.pools.numbers:
        first, last, digits = number_range_bounds(rng)
        for n in range(first, last + 1):
            yield "+" + str(n).zfill(digits)


def reserved_numbers(site: Site) -> set[str]:
    """Numbers of the site itself (support line), never given to an occupier."""
    return {site.support.phone} if site.support.phone else set()


def in_cooldown(history: NumberHistory, site: Site, number: str, ref: dt.date) -> bool:
    released = history.released(site.id, "number", number)
    if released is None or site.pbx is None:
        return False
    return (ref - released.date()).days < site.pbx.number_cooldown_days


def free_numbers(estate: Estate, ledger: Ledger, site: Site, c: Contract,
                 history: NumberHistory) -> Iterator[str]:
    start, end = holding(c)
    ref = max(today(), start)
    cooldown = site.pbx.number_cooldown_days if site.pbx else 0
    # The number is held for the whole contract (as validation judges it), whatever day the
    # allocation runs; looking back by the cooldown before the start also catches numbers of
    # contracts that ended shortly before it.
    look: Period = (start - dt.timedelta(days=cooldown), end)
    skip = reserved_numbers(site)
    for number in site_numbers(site):
        if number in skip or not ledger.free(site.id, "number", number, look):
            continue
        if in_cooldown(history, site, number, ref):
            continue
        yield number


def free_extensions(ledger: Ledger, site: Site, c: Contract) -> Iterator[int]:
    if not site.pools.extensions:
        return
    lo, hi = parse_int_range(site.pools.extensions, 100, 99999)
    reception = site.pbx.reception if site.pbx else None
    for ext in range(lo, hi + 1):
        if ext != reception and ledger.free(site.id, "extension", str(ext), holding(c)):
            yield ext


def allocate_voice(estate: Estate, ledger: Ledger, occ: Occupier, ci: int, c: Contract,
                   site: Site) -> Iterator[Edit | AllocationError]:
    voice = c.services.voice
    if voice is None or torn_down(c) or not site.pools.numbers:
        return
    file = estate.occupier_file[occ.id]
    cp: tuple[str | int, ...] = ("contracts", ci)
    period = holding(c)
    history = read_history(estate.root)
    numbers = free_numbers(estate, ledger, site, c, history)
    exts = free_extensions(ledger, site, c)

    def take_number() -> str | None:
        n = next(numbers, None)
        if n is not None:
            ledger.hold(site.id, "number", n, period)
        return n

    def take_extension() -> int | None:
        e = next(exts, None)
        if e is not None:
            ledger.hold(site.id, "extension", str(e), period)
        return e

    def exhausted(what: str) -> AllocationError:
        return AllocationError(file, cp, f"no free {what} left at {site.id} (numbers in "
                               "cooldown are skipped): widen the pool in "
                               f"sites/{site.id}.yaml")

    if c.main_number is None and site.pbx is not None and site.pbx.main_number:
        main = take_number()
        if main is None:
            yield exhausted("number for the main number")
            return
        yield Edit(file, cp, "main_number", main, after=NUMBER_AFTER,
                   describe=f"{occ.id}@{site.id}: main number {main}")
    for ni, n in enumerate(c.numbers):
        if n.extension is None and site.pools.extensions:
            ext = take_extension()
            if ext is None:
                yield exhausted("extension")
                return
            yield Edit(file, (*cp, "numbers", ni), "extension", ext,
                       describe=f"{occ.id}@{site.id}: extension {ext} for {n.number}")
    new: list[dict[str, object]] = []
    for _ in range(voice.lines - len(c.numbers)):
        number = take_number()
        if number is None:
            yield exhausted("number")
            break
        item: dict[str, object] = {"number": number}
        if site.pools.extensions:
            ext = take_extension()
            if ext is None:
                yield exhausted("extension")
                break
            item["extension"] = ext
        new.append(item)
    if new:
        listed = ", ".join(f"{i['number']} ext {i.get('extension', '-')}" for i in new)
        yield Edit(file, cp, "numbers", new, after=("main_number", *NUMBER_AFTER), append=True,
                   describe=f"{occ.id}@{site.id}: numbers {listed}")
