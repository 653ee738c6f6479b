"""The days on which something in the estate takes effect."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from ..engine.resources import canonical
from ..intent import compile_estate
from ..model.estate import Estate

ONE_DAY = dt.timedelta(days=1)


def candidate_days(estate: Estate) -> set[dt.date]:
    """Every date the model's timeline can change something on: starts (and the Wi-Fi
    lead time before them), the day after an end, move-ins, the day after a move-out."""
    out: set[dt.date] = set()
    for occ in estate.occupiers.values():
        for c in occ.contracts:
            out.add(c.start)
            site = estate.sites.get(c.site)
            if site is not None and site.radius is not None:
                out.add(c.start - dt.timedelta(days=site.radius.invite_lead_days))
            if c.end is not None:
                out.add(c.end + ONE_DAY)
            for o in c.occupancies:
                out.add(o.move_in)
                if o.move_out is not None:
                    out.add(o.move_out + ONE_DAY)
    return out


def fingerprint(estate: Estate, day: dt.date) -> str:
    """What the estate wants of every live system on `day`, as one digest."""
    state = compile_estate(estate, day)
    rows = sorted((r.target, r.kind, r.key, json.dumps(canonical(r.attrs), sort_keys=True))
                  for rs in state.resources.values() for r in rs)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def event_days(estate: Estate, first: dt.date, last: dt.date) -> list[dt.date]:
    """`first`, then each later day up to `last` whose desired state differs from the
    day before it (a candidate date that changes nothing, such as a move-out the same
    day as the contract's end, is left out)."""
    days = [first]
    for day in sorted(d for d in candidate_days(estate) if first < d <= last):
        if fingerprint(estate, day) != fingerprint(estate, day - ONE_DAY):
            days.append(day)
    return days
