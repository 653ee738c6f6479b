"""Files of the monthly call-charge report: CSVs per occupier, the operator summary, HTML."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model.estate import Estate
from ..templates_dir import BUILTIN_TEMPLATES
from ..templating import sandboxed_environment, template_loader
from .calls import MonthReport, month_bounds

SUMMARY_FIELDS = ("month", "site", "occupier", "billing_ref", "calls", "minutes",
                  "client_amount", "operator_amount", "currency")
ITEM_FIELDS = ("site", "start", "extension", "number", "destination", "rate", "billsec",
               "billed_seconds", "client_amount", "currency", "cdr")
EXT_FIELDS = ("site", "extension", "number", "calls", "minutes", "client_amount", "currency")


def minutes(seconds: int) -> str:
    return str((Decimal(seconds) / Decimal(60)).quantize(Decimal("0.01")))


def money(d: Decimal) -> str:
    return str(d.quantize(Decimal("0.01")))


def _csv(rows: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def operator_rows(report: MonthReport, estate: Estate) -> list[dict[str, Any]]:
    cur = {(c.occupier, c.site): c.currency for c in report.calls}
    rows = []
    for (occ, site), agg in report.per_site().items():
        o = estate.occupiers.get(occ)
        rows.append({"month": report.month, "site": site, "occupier": occ,
                     "billing_ref": (o.billing_ref if o else None) or "",
                     "calls": agg["calls"], "minutes": minutes(int(agg["seconds"])),
                     "client_amount": money(Decimal(agg["client"])),
                     "operator_amount": money(Decimal(agg["operator"])),
                     "currency": cur[(occ, site)]})
    return rows


def itemised_rows(report: MonthReport, occupier: str) -> list[dict[str, Any]]:
    return [{"site": c.site, "start": c.start.isoformat(sep=" "), "extension": c.extension,
             "number": c.number, "destination": c.destination, "rate": c.rate,
             "billsec": c.billsec, "billed_seconds": c.billed_seconds,
             "client_amount": str(c.client), "currency": c.currency, "cdr": c.uniqueid or c.source}
            for c in report.calls if c.occupier == occupier]


def extension_rows(report: MonthReport, occupier: str) -> list[dict[str, Any]]:
    agg: dict[tuple[str, str, str], list[Any]] = {}
    for c in report.calls:
        if c.occupier != occupier:
            continue
        row = agg.setdefault((c.site, c.extension, c.number), [0, 0, Decimal(0), c.currency])
        row[0] += 1
        row[1] += c.billed_seconds
        row[2] += c.client
    return [{"site": s, "extension": e, "number": n, "calls": v[0], "minutes": minutes(v[1]),
             "client_amount": money(v[2]), "currency": v[3]}
            for (s, e, n), v in sorted(agg.items())]


def write_report(report: MonthReport, estate: Estate, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []

    def put(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    put(out / "operator-summary.csv", _csv(operator_rows(report, estate), SUMMARY_FIELDS))
    for occ in sorted({c.occupier for c in report.calls}):
        put(out / occ / f"calls-{report.month}.csv", _csv(itemised_rows(report, occ), ITEM_FIELDS))
        put(out / occ / f"extensions-{report.month}.csv",
            _csv(extension_rows(report, occ), EXT_FIELDS))
    put(out / f"calls-{report.month}.html", render_html(report, estate))
    return written


def daily(report: MonthReport) -> list[dict[str, Any]]:
    since, until = month_bounds(report.month)
    days = (until - since).days
    calls: defaultdict[int, int] = defaultdict(int)
    amount: defaultdict[int, Decimal] = defaultdict(Decimal)
    for c in report.calls:
        calls[c.start.day] += 1
        amount[c.start.day] += c.client
    return [{"day": d, "calls": calls[d], "client": amount[d]} for d in range(1, days + 1)]


def render_html(report: MonthReport, estate: Estate) -> str:
    env = sandboxed_environment(template_loader(BUILTIN_TEMPLATES),
                                autoescape=True)
    days = daily(report)
    peak = max([d["client"] for d in days] + [Decimal("0.01")])
    return env.get_template("reports/calls.html.j2").render(
        month=report.month, rows=operator_rows(report, estate), days=days,
        peak=peak, report=report, money=money) + "\n"


def summary_json(report: MonthReport, estate: Estate) -> dict[str, Any]:
    return {"month": report.month, "occupiers": operator_rows(report, estate),
            "calls": len(report.calls), "inbound": report.inbound, "on_net": report.on_net,
            "unanswered": report.unanswered, "emergency": report.emergency,
            "unattributed": [{"cdr": r.source, "reason": why} for r, why in report.unattributed],
            "malformed": [{"cdr": m.source, "reason": m.reason} for m in report.malformed]}


def summary_text(report: MonthReport, estate: Estate) -> str:
    lines = [f"Call charges for {report.month}", ""]
    rows = operator_rows(report, estate)
    lines.append(f"{'occupier':<24} {'site':<8} {'calls':>6} {'minutes':>9} {'client':>10} "
                 f"{'operator':>10}")
    for r in rows:
        lines.append(f"{r['occupier']:<24} {r['site']:<8} {r['calls']:>6} {r['minutes']:>9} "
                     f"{r['client_amount']:>10} {r['operator_amount']:>10} {r['currency']}")
    if not rows:
        lines.append("(no charged calls)")
    lines += ["", f"{len(report.calls)} charged, {report.inbound} inbound, {report.on_net} on-net, "
              f"{report.unanswered} unanswered, {report.emergency} emergency, "
              f"{len(report.unattributed)} unattributed, "
              f"{len(report.malformed)} malformed, {report.outside_month} outside the month"]
    return "\n".join(lines) + "\n"
