"""The dates a change to the estate introduces or moves, read from the files' two versions.

A pull request that onboards an occupier in March "introduces" March: its contract
start and move-in. Moving a move-in from one day to another touches both days. Each
date becomes an `Event` on the day it takes effect: a start or a move-in on its own
day, an end or a move-out on the day after (the last day is still served).

Contracts and occupancies are named for people; any other date a file may carry is
found by walking the model, so a new dated field is not silently ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..model.estate import Estate

ONE_DAY = dt.timedelta(days=1)
# A list item is named by the first of these it has (stable across versions, unlike
# its index): contracts by id then site, occupancies by space, users by e-mail...
ITEM_KEYS = ("id", "space", "email", "number", "name", "mac", "site")

Path = tuple[str, ...]


@dataclass(frozen=True, order=True)
class Event:
    """Something a change makes happen on `day` (or no longer happen: `removed`)."""

    day: dt.date
    owner: str          # occupier id, or the site id for a site file
    site: str | None    # the site where it happens, when known
    what: str           # "contract at man1 starts", "moves into 1.04 at man1"
    removed: bool = False   # the change moved or removed it: no longer on this day
    existing: bool = False  # not the change's: a date already in the estate

    def text(self) -> str:
        return f"{self.owner}: {self.what}" + (" (no longer on this day)" if self.removed else
                                                " (already in the estate)" if self.existing
                                                else "")

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "owner": self.owner, "site": self.site,
                "what": self.what, "removed": self.removed, "existing": self.existing}


def _key(item: Mapping[str, Any], index: int) -> str:
    for k in ITEM_KEYS:
        if item.get(k) is not None:
            return str(item[k])
    return f"#{index}"


def _walk(value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    """(path, value) of every date (and the deprovision flag next to an end date)."""
    if isinstance(value, dt.date):
        yield path, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _walk(v, (*path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, (*path, _key(v, i) if isinstance(v, Mapping) else f"#{i}"))


def dated_fields(model: BaseModel | None) -> dict[Path, Any]:
    """Every date in a site or occupier, by a path that survives reordering of lists.

    A contract's end is keyed with its deprovision flag: turning teardown on or off
    changes what happens on the day after the end just as moving the date does.
    """
    if model is None:
        return {}
    data = model.model_dump()
    out: dict[Path, Any] = dict(_walk(data, ()))
    for c in data.get("contracts") or []:
        cid = _key(c, 0)
        if c.get("end") is not None:
            out[("contracts", cid, "end")] = (c["end"], bool(c.get("deprovision_on_end")))
    return out


def _contract_sites(model: BaseModel | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in getattr(model, "contracts", None) or []:
        out[c.id or c.site] = c.site
    return out


def _describe(path: Path, value: Any, sites: Mapping[str, str]) -> tuple[dt.date, str | None,
                                                                       str]:
    """(effective day, site, words) for one dated field."""
    if len(path) >= 3 and path[0] == "contracts":
        site = sites.get(path[1], path[1])
        if path[2:] == ("start",):
            return value, site, f"contract at {site} starts"
        if path[2:] == ("end",):
            end, teardown = value
            then = "its services are torn down" if teardown else "Wi-Fi access stops"
            return end + ONE_DAY, site, f"contract at {site} ends on {end}: {then}"
        if len(path) == 5 and path[2] == "occupancies" and path[4] == "move_in":
            return value, site, f"moves into {path[3]} at {site}"
        if len(path) == 5 and path[2] == "occupancies" and path[4] == "move_out":
            return value + ONE_DAY, site, f"leaves {path[3]} at {site} (last day {value})"
    return value, None, f"{'.'.join(path)}: {value}"


def changed_dates(owner: str, before: BaseModel | None, after: BaseModel | None
                  ) -> list[Event]:
    """Events of one file: dates added or moved by the change, and the days they left."""
    old, new = dated_fields(before), dated_fields(after)
    sites = {**_contract_sites(before), **_contract_sites(after)}
    events: set[Event] = set()
    for path in set(old) | set(new):
        if old.get(path) == new.get(path):
            continue
        if path in new:
            day, site, what = _describe(path, new[path], sites)
            events.add(Event(day, owner, site, what))
        if path in old:
            day, site, what = _describe(path, old[path], sites)
            events.add(Event(day, owner, site, what, removed=True))
    # A date moved to a day that still has the same event (end kept, teardown turned on)
    # is one event, not "happens" and "no longer happens" on the same day.
    kept = {(e.day, e.owner, e.what) for e in events if not e.removed}
    return sorted(e for e in events if not (e.removed and (e.day, e.owner, e.what) in kept))


def all_dates(owner: str, model: BaseModel | None) -> list[Event]:
    """Every date of one file as it is, marked as already in the estate."""
    sites = _contract_sites(model)
    out = set()
    for path, value in dated_fields(model).items():
        day, site, what = _describe(path, value, sites)
        out.add(Event(day, owner, site, what, existing=True))
    return sorted(out)


def _files(base: Estate | None, head: Estate, occupiers: Iterable[str], sites: Iterable[str]
           ) -> list[tuple[str, BaseModel | None, BaseModel | None]]:
    return [*((o, base.occupiers.get(o) if base else None, head.occupiers.get(o))
              for o in sorted(set(occupiers))),
            *((s, base.sites.get(s) if base else None, head.sites.get(s))
              for s in sorted(set(sites)))]


def lead_events(events: Iterable[Event], before: BaseModel | None, after: BaseModel | None,
                estate: Estate) -> list[Event]:
    """The Wi-Fi lead day of each contract start with Wi-Fi Secure: accounts and their
    invitations go out that many days before (the site's `radius.invite_lead_days`)."""
    out: list[Event] = []
    for e in events:
        if e.site is None or e.what != f"contract at {e.site} starts":
            continue
        model = before if e.removed else after
        wifi = any(c.site == e.site and c.start == e.day and c.services.wifi_secure
                   for c in getattr(model, "contracts", None) or [])
        site = estate.sites.get(e.site)
        lead = site.radius.invite_lead_days if site is not None and site.radius else 0
        if wifi and lead:
            out.append(Event(e.day - dt.timedelta(days=lead), e.owner, e.site,
                             f"Wi-Fi Secure accounts at {e.site} and their invitations go out "
                             f"(they work from {e.day})", e.removed, e.existing))
    return out


def pr_events(base: Estate | None, head: Estate, occupiers: Iterable[str],
              sites: Iterable[str]) -> list[Event]:
    """Every date the change introduces or moves, for the changed occupier and site files."""
    out: list[Event] = []
    for owner, before, after in _files(base, head, occupiers, sites):
        events = changed_dates(owner, before, after)
        out += events + lead_events(events, before, after, head)
    return sorted(out)


def context_events(base: Estate | None, head: Estate, occupiers: Iterable[str],
                   sites: Iterable[str]) -> list[Event]:
    """The other dates of the changed files (in either version): the change's effect may
    change on them too (a desk phone added to a contract lasts until the contract ends)."""
    out: set[Event] = set()
    for owner, before, after in _files(base, head, occupiers, sites):
        for model in (before, after):
            events = all_dates(owner, model)
            out.update(events + lead_events(events, model, model, head))
    return sorted(out)
