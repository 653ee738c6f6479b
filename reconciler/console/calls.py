"""Call charges on the console: the folders `reconciler calls` writes, read back.

Per occupier and month: totals, a chart of the client amount per day, the
per-extension summary, and the two CSVs copied next to the occupier's page for
download. File names are built from validated values only (a known occupier id,
a YYYY-MM month), never from what a folder happens to contain.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..reports.calls import month_bounds
from .data import CallMonth

CHART_HEIGHT = 120


@dataclass
class OccupierMonth:
    month: str
    calls: int = 0
    seconds: int = 0
    client: Decimal = Decimal(0)
    currency: str = ""
    daily: list[dict[str, Any]] = field(default_factory=list)
    extensions: list[dict[str, str]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # name in the site -> source


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _dec(text: str | None) -> Decimal:
    try:
        return Decimal(text or "0")
    except InvalidOperation:
        return Decimal(0)


def _chart(month: str, per_day: dict[int, tuple[int, Decimal]]) -> list[dict[str, Any]]:
    start, end = month_bounds(month)
    peak = max([a for _, a in per_day.values()] + [Decimal("0.01")])
    out = []
    for day in range(1, (end - start).days + 1):
        calls, amount = per_day.get(day, (0, Decimal(0)))
        h = float(amount / peak * CHART_HEIGHT)
        out.append({"day": day, "date": dt.date(start.year, start.month, day).isoformat(),
                    "calls": calls, "amount": str(amount.quantize(Decimal("0.01"))),
                    "height": round(h, 1), "y": round(CHART_HEIGHT - h, 1)})
    return out


def occupier_months(months: list[CallMonth], occupier: str) -> list[OccupierMonth]:
    """The months with a report for this occupier, newest first."""
    out = []
    for m in months:
        itemised = m.folder / occupier / f"calls-{m.month}.csv"
        per_ext = m.folder / occupier / f"extensions-{m.month}.csv"
        if not itemised.is_file():
            continue
        om = OccupierMonth(m.month)
        per_day: dict[int, tuple[int, Decimal]] = {}
        for row in _rows(itemised):
            amount = _dec(row.get("client_amount"))
            om.calls += 1
            om.seconds += int(row.get("billed_seconds") or 0)
            om.client += amount
            om.currency = row.get("currency") or om.currency
            try:
                day = dt.datetime.fromisoformat(row.get("start") or "").day
            except ValueError:
                continue
            n, a = per_day.get(day, (0, Decimal(0)))
            per_day[day] = (n + 1, a + amount)
        om.daily = _chart(m.month, per_day)
        om.extensions = _rows(per_ext)
        om.files = {f"calls-{m.month}.csv": itemised}
        if per_ext.is_file():
            om.files[f"extensions-{m.month}.csv"] = per_ext
        out.append(om)
    return sorted(out, key=lambda x: x.month, reverse=True)


def view(om: OccupierMonth) -> dict[str, Any]:
    return {"month": om.month, "calls": om.calls,
            "minutes": str((Decimal(om.seconds) / 60).quantize(Decimal("0.01"))),
            "client": str(om.client.quantize(Decimal("0.01"))), "currency": om.currency,
            "daily": om.daily, "peak": max((d["amount"] for d in om.daily), key=Decimal,
                                           default="0.00"),
            "extensions": om.extensions, "files": sorted(om.files), "height": CHART_HEIGHT}
