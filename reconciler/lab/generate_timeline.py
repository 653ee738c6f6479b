"""The timeline of a generated estate (`Sizes.timeline`): two years of contracts that
start, move and end, for the calendar rehearsal (`reconciler simulate`).

Dates fall on the first day of a half-year (starts, moves, the day after an end),
so two years are a handful of event days (each start also brings its Wi-Fi lead
day): the rehearsal of 50+ occupiers stays quick. Every occupier keeps its own VLAN, /24,
numbers and spaces (a mover gets a spare space of its own), so no two leases or
allocations ever overlap, whatever the dates.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

FIRST = dt.date(2025, 7, 1)  # some contracts run before the two years begin
STEP = 6  # months between event days
SLOTS = 5  # 2025-07-01 .. 2027-07-01
ENDING, MOVING = 3, 4  # every third occupier ends, every fourth moves


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def event_start(rnd: random.Random) -> dt.date:
    """A start on one of the event days."""
    return _add_months(FIRST, STEP * rnd.randrange(SLOTS))


def movers(home_slots: int) -> int:
    """Spare spaces a site needs for its movers (one each: leases never overlap)."""
    return sum(1 for slot in range(home_slots) if slot % MOVING == 1)


def timeline_contract(c: dict[str, Any], slot: int, home: bool, free: Iterator[str]) -> None:
    """Give one generated contract its end (with teardown) and its move, by slot."""
    start: dt.date = c["start"]
    end = None
    if slot % ENDING == 2:
        end = _add_months(start, STEP * (1 + slot % 2)) - dt.timedelta(days=1)
        c["end"] = end
        c["deprovision_on_end"] = True
    if home and slot % MOVING == 1:
        move = _add_months(start, STEP)
        spare = next(free)
        if end is not None and move > end:
            return
        first = c["occupancies"][0]
        first["move_out"] = move - dt.timedelta(days=1)
        c["occupancies"] = [first, *c["occupancies"][1:], {"space": spare, "move_in": move}]


def timeline_site(doc: dict[str, Any], platforms: frozenset[str], index: int,
                  host: str) -> None:
    """MAC authentication of shared devices at every other site (DHCP: `generate`)."""
    if "freeradius" in platforms and index % 2 == 1:
        doc["radius"]["mac_auth"] = True
