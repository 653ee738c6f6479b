"""Call charges: CDRs of a month -> rated calls per occupier, per site, per extension.

A call is one or more CDR legs sharing a linkedid (or the calling channel's uniqueid):
a ring-all hunt group writes one leg per phone, a forward after it one more. A leg
costs money when it went out through a site's carrier trunk (`dstchannel` is the
trunk) and was answered; it is billed to the occupier that pays for it (the CDR
accountcode, which the reconciler's rows set on every such leg, else the holder of the
calling number at the time: contract dates and the git history decide), at the
destination the trunk was sent (`lastdata`), with the occupier's tariff. Calls from the
trunk are inbound, whatever context they ended in; calls between phones and to
voicemail are on-net; emergency numbers and the site's own numbers are never charged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..model.estate import Estate
from ..model.history import NumberHistory
from .attribution import Attributor
from .cdr import Cdr, Malformed
from .tariff import Tariff, rate_call

__all__ = ["Attributor", "Call", "MonthReport", "build_report", "month_bounds"]


@dataclass(frozen=True)
class Call:
    site: str
    occupier: str
    extension: str
    number: str
    start: dt.datetime
    destination: str
    rate: str
    billsec: int
    billed_seconds: int
    client: Decimal
    operator: Decimal
    currency: str
    source: str
    uniqueid: str


@dataclass
class MonthReport:
    month: str
    calls: list[Call] = field(default_factory=list)
    unattributed: list[tuple[Cdr, str]] = field(default_factory=list)
    malformed: list[Malformed] = field(default_factory=list)
    inbound: int = 0
    on_net: int = 0
    unanswered: int = 0
    emergency: int = 0
    outside_month: int = 0

    def per_site(self) -> dict[tuple[str, str], dict[str, Decimal | int]]:
        """(occupier, site) -> calls, billed seconds, client and operator amounts."""
        out: dict[tuple[str, str], dict[str, Decimal | int]] = {}
        for c in self.calls:
            row = out.setdefault((c.occupier, c.site), {"calls": 0, "seconds": 0,
                                                        "client": Decimal(0),
                                                        "operator": Decimal(0)})
            row["calls"] = int(row["calls"]) + 1
            row["seconds"] = int(row["seconds"]) + c.billed_seconds
            row["client"] = Decimal(row["client"]) + c.client
            row["operator"] = Decimal(row["operator"]) + c.operator
        return dict(sorted(out.items()))


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.strptime(month, "%Y-%m")
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def build_report(month: str, records: Iterable[Cdr | Malformed], estate: Estate,
                 history: NumberHistory, tariffs: dict[str, Tariff]) -> MonthReport:
    report = MonthReport(month)
    since, until = month_bounds(month)
    att = Attributor(estate, history)
    calls: dict[str, list[Cdr]] = {}
    for rec in records:
        if isinstance(rec, Malformed):
            report.malformed.append(rec)
        elif not since <= rec.start < until:
            report.outside_month += 1
        else:
            calls.setdefault(rec.call_id, []).append(rec)
    for legs in calls.values():
        _call(report, att, tariffs, legs)
    report.calls.sort(key=lambda c: (c.occupier, c.site, c.start, c.source))
    return report


def _call(report: MonthReport, att: Attributor, tariffs: dict[str, Tariff],
          legs: list[Cdr]) -> None:
    """Count one call once; rate each of its legs that went out through a trunk."""
    legs = sorted(legs, key=lambda r: (r.start, r.source))
    answered = [r for r in legs if r.disposition == "ANSWERED" and r.billsec > 0]
    inbound = att.is_trunk(legs[0].channel) or legs[0].dcontext in att.inbound
    outcomes: set[str] = set()
    for rec in answered:
        if not att.is_trunk(rec.dstchannel):
            continue
        if att.is_emergency(rec, att.site_of_context(rec.dcontext)):
            outcomes.add("emergency")
        else:
            outcomes.add(_rate(report, att, tariffs, rec))
    if inbound:
        report.inbound += 1
    elif "emergency" in outcomes:
        report.emergency += 1
    elif not answered:
        report.unanswered += 1
    elif not outcomes - {"free"}:
        report.on_net += 1  # phone to phone, voicemail, the site's own numbers


def _rate(report: MonthReport, att: Attributor, tariffs: dict[str, Tariff], rec: Cdr) -> str:
    """Charge one trunk leg: "charged", "free" (the site's own numbers) or "unknown" (said
    why in `unattributed`)."""
    who = att.payer(rec)
    if isinstance(who, str):
        report.unattributed.append((rec, who))
        return "unknown"
    site, occ, ext, number = who
    tname = att.tariff_name(occ, site)
    tariff = tariffs.get(tname or "")
    if tariff is None:
        report.unattributed.append((rec, f"{occ} at {site} has no known tariff "
                                    f"({tname or 'no voice service'})"))
        return "unknown"
    dest = att.dialled(rec, att.estate.sites.get(site)) or tariff.e164(rec.dst)
    if dest is None or att.site_of_number(dest) is not None:
        return "free"
    rate = tariff.rate_for(dest)
    if rate is None:
        report.unattributed.append((rec, f"no rate in tariff {tname!r} for {dest}"))
        return "unknown"
    r = rate_call(tariff, rate, rec.billsec)
    report.calls.append(Call(site, occ, ext, number, rec.start, dest, rate.name, rec.billsec,
                             r.billed_seconds, r.client, r.operator, tariff.currency,
                             rec.source, rec.uniqueid))
    return "charged"
