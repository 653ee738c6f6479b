"""Pool usage of a site on a day: VLANs, subnets, numbers, extensions, public blocks.

Held values come from allocation's own ledger (`intent.allocate.build_ledger`:
what each contract holds and for how long), the number cooldown from the same
rule allocation uses (`intent.numbers.in_cooldown`, git history included), so
what the console calls free is what `reconciler allocate` would hand out.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from ..intent.allocate import Ledger
from ..intent.numbers import in_cooldown, reserved_numbers
from ..model.base import number_range_bounds, parse_int_range
from ..model.history import NumberHistory
from ..model.periods import FOREVER
from ..model.site import Site


def _split(ledger: Ledger, site: str, kind: str, day: dt.date) -> tuple[set[str], set[str],
                                                                         dict[str, dt.date]]:
    """(held on `day`, held from a later day, value -> day it was last released)."""
    now: set[str] = set()
    later: set[str] = set()
    ended: dict[str, dt.date] = {}
    for value, (start, end) in ledger.held[(site, kind)]:
        if start <= day <= end:
            now.add(value)
        elif start > day:
            later.add(value)
        elif end != FOREVER:
            ended[value] = max(ended.get(value, end), end)
    return now, later - now, ended


def _row(label: str, total: int, used: int, upcoming: int, cooldown: int | None,
         note: str = "") -> dict[str, Any]:
    free = max(0, total - used - upcoming - (cooldown or 0))
    parts = [("used", used), ("upcoming", upcoming), ("cooldown", cooldown or 0), ("free", free)]
    shares, x = [], 0.0
    for name, n in parts:
        w = 100.0 * n / total if total else 0.0
        shares.append({"name": name, "count": n, "x": round(x, 2), "width": round(w, 2)})
        x += w
    return {"label": label, "total": total, "used": used, "upcoming": upcoming,
            "cooldown": cooldown, "free": free, "shares": shares, "note": note}


def history_numbers(history: NumberHistory) -> dict[str, list[str]]:
    """site -> numbers that git shows were ever held there (index once, ask per site)."""
    index: dict[str, list[str]] = {}
    for (site, what, value) in history.spans:
        if what == "number":
            index.setdefault(site, []).append(value)
    return index


def number_usage(site: Site, ledger: Ledger, history: NumberHistory, seen: list[str],
                 day: dt.date) -> dict[str, Any]:
    total = sum(b - a + 1 for a, b, _ in map(number_range_bounds, site.pools.numbers))
    now, later, ended = _split(ledger, site.id, "number", day)
    days = site.pbx.number_cooldown_days if site.pbx else 0
    cooling = {n for n, end in ended.items()
               if n not in now | later and (day - end).days <= days}
    # Numbers a commit took away (the git history), same rule as allocation (PBX sites).
    for value in seen if site.pbx else []:
        if value not in now | later and in_cooldown(history, site, value, day):
            cooling.add(value)
    reserved = len(reserved_numbers(site))
    return _row("Phone numbers", total - reserved, len(now), len(later), len(cooling),
                f"{days}-day cooldown after release; {reserved} kept for the site"
                if site.pbx else "no PBX at this site")


def site_pools(site: Site, ledger: Ledger, history: NumberHistory,
               seen: dict[str, list[str]], day: dt.date) -> list[dict[str, Any]]:
    rows = []
    lo, hi = parse_int_range(site.pools.occupier_vlans, 2, 4094)
    now, later, _ = _split(ledger, site.id, "vlan", day)
    rows.append(_row("Occupier VLANs", hi - lo + 1, len(now), len(later), None,
                     f"{lo}-{hi}; no cooldown"))
    private = ipaddress.IPv4Network(site.pools.private)
    now, later, _ = _split(ledger, site.id, "subnet", day)
    rows.append(_row("Private /24 subnets", 2 ** (24 - private.prefixlen), len(now),
                     len(later), None, f"{site.pools.private}; no cooldown"))
    if site.pools.numbers:
        rows.append(number_usage(site, ledger, history, seen.get(site.id, []), day))
    if site.pools.extensions:
        a, b = parse_int_range(site.pools.extensions, 100, 99999)
        now, later, _ = _split(ledger, site.id, "extension", day)
        kept = 1 if site.pbx and site.pbx.reception and a <= site.pbx.reception <= b else 0
        rows.append(_row("Extensions", b - a + 1 - kept, len(now), len(later), None,
                         f"{a}-{b}" + ("; reception kept" if kept else "")))
    if site.pools.public:
        rows.append(public_usage(site, ledger, day))
    return rows


def public_usage(site: Site, ledger: Ledger, day: dt.date) -> dict[str, Any]:
    """Public addresses: held blocks count whole, reserved ones are never handed out."""
    pools = [ipaddress.IPv4Network(p) for p in site.pools.public]
    reserved = [ipaddress.IPv4Network(r) for r in site.pools.public_reserved]
    now, later, _ = _split(ledger, site.id, "public", day)
    size = sum(p.num_addresses for p in pools) - sum(r.num_addresses for r in reserved)
    used = sum(ipaddress.IPv4Network(b).num_addresses for b in now)
    up = sum(ipaddress.IPv4Network(b).num_addresses for b in later)
    row = _row("Public addresses", size, used, up, None,
               ", ".join(site.pools.public) + (
                   f" less {', '.join(site.pools.public_reserved)} reserved"
                   if reserved else ""))
    row["blocks"] = sorted(now)
    return row
