"""The product's one clock.

Two different things are read from the calendar, and only here:

- `today()`: the day the estate is compiled for (contracts, moves, cooldowns). It is the default
  of `--at` and of everything else that means "today". `RECONCILER_TODAY=YYYY-MM-DD` sets it, so
  tests and rehearsals can run any day without moving the machine's clock.
- `now_utc()`: a timestamp (journal lines, plan creation, mail headers, lock holders). It says
  when something happened, never which day the estate is in, so it follows the real clock.

A test scans the package: no other module may read the calendar.
"""

from __future__ import annotations

import datetime as dt
import os

from .errors import ConfigError

ENV_TODAY = "RECONCILER_TODAY"


def today() -> dt.date:
    """The estate's today: `RECONCILER_TODAY` when set, else the local calendar date."""
    value = os.environ.get(ENV_TODAY, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{ENV_TODAY}={value!r} is not a date (YYYY-MM-DD)") from None


def now_utc() -> dt.datetime:
    """A timestamp for records (journal, plan, mail): the real time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)
