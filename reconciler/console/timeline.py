"""The estate as a timeline: who holds each space when, and what the coming days bring.

Occupancy spans come from `intent`'s own rule (`occupancy_effective`), evaluated
once per stretch between the dates that can change it, so the site page's date
control and the switches agree on every day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ..intent.compile import occupancy_effective
from ..model.estate import Estate
from ..model.occupier import Contract, Occupancy, Occupier

DAY = dt.timedelta(days=1)
CALENDAR_DAYS = 90


@dataclass(frozen=True)
class Span:
    """`occupier` holds `space` from `start` through `end` (None: open-ended)."""

    space: str
    occupier: str
    start: dt.date
    end: dt.date | None


def occupancy_spans(o: Occupancy, c: Contract) -> list[tuple[dt.date, dt.date | None]]:
    """The days on which the space is live for the contract, as closed intervals."""
    points = {o.move_in, c.start}
    if o.move_out is not None:
        points.add(o.move_out + DAY)
    if c.end is not None:
        points.add(c.end + DAY)
    edges = sorted(points)
    out: list[tuple[dt.date, dt.date | None]] = []
    for i, start in enumerate(edges):
        end = edges[i + 1] - DAY if i + 1 < len(edges) else None
        if not occupancy_effective(o, c, start):
            continue
        if out and out[-1][1] is not None and out[-1][1] + DAY == start:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def site_spans(estate: Estate, site: str) -> list[Span]:
    out: list[Span] = []
    for occ, _first in estate.contracts_by_site().get(site, []):
        for c in occ.contracts:  # every contract there, not only the first
            if c.site != site:
                continue
            for o in c.occupancies:
                out += [Span(o.space, occ.id, a, b) for a, b in occupancy_spans(o, c)]
    return sorted(out, key=lambda s: (s.space, s.start))


def holder_on(spans: list[Span], space: str, day: dt.date) -> str | None:
    return next((s.occupier for s in spans if s.space == space and s.start <= day
                 and (s.end is None or day <= s.end)), None)


def change_days(spans: list[Span]) -> list[dt.date]:
    """Days on which some space changes hands (a span starts, or one ended the day before)."""
    days = {s.start for s in spans} | {s.end + DAY for s in spans if s.end is not None}
    return sorted(days)


@dataclass(frozen=True)
class Event:
    day: dt.date
    kind: str  # contract-start, contract-end, move-in, move-out, deprovision, numbers-released
    occupier: str
    name: str
    site: str
    detail: str


KIND_WORDS = {"contract-start": "Contract starts", "contract-end": "Contract ends",
              "move-in": "Moves in", "move-out": "Moves out",
              "deprovision": "Services removed", "numbers-released": "Numbers released"}


def _contract_events(occ: Occupier, c: Contract) -> Iterator[Event]:
    def ev(day: dt.date, kind: str, detail: str = "") -> Event:
        return Event(day, kind, occ.id, occ.name, c.site, detail)

    yield ev(c.start, "contract-start", f"contract {c.contract_id}")
    if c.end is not None:
        yield ev(c.end, "contract-end", "services stay (no deprovision)"
                 if not c.deprovision_on_end else "then deprovisioned")
        if c.deprovision_on_end:
            yield ev(c.end + DAY, "deprovision", "VLAN, ports, Wi-Fi and phones removed")
            numbers = [n.number for n in c.numbers] + (
                [c.main_number.number] if c.main_number else [])
            if numbers:
                yield ev(c.end + DAY, "numbers-released",
                         f"{len(numbers)} number(s) into cooldown: " + ", ".join(numbers))
    for o in c.occupancies:
        if o.move_in > c.start:
            yield ev(o.move_in, "move-in", f"space {o.space}")
        if o.move_out is not None:
            yield ev(o.move_out, "move-out", f"space {o.space}")


def calendar(estate: Estate, at: dt.date, days: int = CALENDAR_DAYS) -> list[Event]:
    """What takes effect from `at` through `at + days`, by day, site and occupier."""
    last = at + dt.timedelta(days=days)
    out = [e for occ in estate.occupiers.values() for c in occ.contracts
           for e in _contract_events(occ, c) if at <= e.day <= last]
    return sorted(out, key=lambda e: (e.day, e.site, e.occupier, e.kind))
