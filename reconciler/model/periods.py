"""When a contract holds what it was given (shared by the rules and allocation)."""

from __future__ import annotations

import datetime as dt

from .occupier import Contract

FOREVER = dt.date.max
Period = tuple[dt.date, dt.date]


def holding(c: Contract) -> Period:
    """When a contract holds its allocations: until its end only if it tears down."""
    return c.start, (c.end if c.end and c.deprovision_on_end else FOREVER)


def overlaps(a: Period, b: Period) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
