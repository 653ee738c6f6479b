"""Call charges: CDRs of a month -> rated calls per occupier, per site, per extension.

Each call is billed to the occupier that held the calling number (or extension)
at the time of the call: the contract dates in the estate say who held it, and
the git history of the occupier files says who had it in their file then (a
number moved between occupiers by a commit mid-month bills each for their own
calls). Only answered outbound calls to numbers outside the site's own ranges
are charged; inbound and on-net calls are counted but free.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..intent.pbx import INBOUND, occupier_context
from ..model.estate import Estate
from ..model.history import NumberHistory
from ..model.rules import holding, in_number_ranges
from ..model.site import Site
from .cdr import Cdr, Malformed
from .tariff import Tariff, rate_call

CHANNEL_RE = re.compile(r"^PJSIP/(\d{6,15})-[0-9a-fA-F]+$")


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


class Attributor:
    """Who held a number or extension at a moment, from the estate and its git history."""

    def __init__(self, estate: Estate, history: NumberHistory) -> None:
        self.estate, self.history = estate, history
        self.contexts: dict[str, tuple[str, str]] = {}
        self.inbound = {f"{s}.{INBOUND}" for s in estate.sites}
        # (site, what, value) -> [(occupier, period, extension, number)]
        self.held: dict[tuple[str, str, str], list[tuple[str, tuple[dt.date, dt.date], str,
                                                         str]]] = {}
        for occ in estate.occupiers.values():
            for c in occ.contracts:
                self.contexts[occupier_context(c.site, occ.id)] = (c.site, occ.id)
                for n in c.numbers:
                    ext = str(n.extension) if n.extension is not None else ""
                    entry = (occ.id, holding(c), ext, n.number)
                    self.held.setdefault((c.site, "number", n.number), []).append(entry)
                    if ext:
                        self.held.setdefault((c.site, "extension", ext), []).append(entry)

    def site_of_number(self, number: str) -> Site | None:
        return next((s for s in self.estate.sites.values() if in_number_ranges(s, number)), None)

    def holder(self, site: str, what: str, value: str,
               at: dt.datetime) -> tuple[str, str, str] | None:
        """(occupier, extension, number) holding `value` at `at`."""
        entries = self.held.get((site, what, value), [])
        by_date = {e[0]: e for e in entries if e[1][0] <= at.date() <= e[1][1]}
        in_git = self.history.holders(site, what, value, at)
        if in_git:
            both = sorted(set(by_date) & in_git)
            if both:
                e = by_date[both[0]]
                return e[0], e[2], e[3]
            occ = sorted(in_git)[0]
            e2 = next((e for e in entries if e[0] == occ), None)
            if e2:
                return occ, e2[2], e2[3]
            if what == "extension":
                return occ, value, ""
            return occ, self.history.extension_of(site, value, occ, at) or "", value
        if by_date:
            e = by_date[sorted(by_date)[0]]
            return e[0], e[2], e[3]
        return None

    def caller(self, cdr: Cdr) -> tuple[str, str, str, str] | str:
        """(site, occupier, extension, number) of the calling side, or why not known."""
        m = CHANNEL_RE.match(cdr.channel)
        candidates: list[tuple[str, str]] = []
        if m:
            candidates.append(("number", "+" + m.group(1)))
        src = cdr.src.strip()
        if re.fullmatch(r"\+?\d{6,15}", src):
            candidates.append(("number", src if src.startswith("+") else "+" + src))
        ctx_site = self.contexts.get(cdr.dcontext)
        for _what, value in candidates:
            site = self.site_of_number(value)
            if site is not None:
                h = self.holder(site.id, "number", value, cdr.start)
                if h:
                    return site.id, *h
        if ctx_site and re.fullmatch(r"\d{2,6}", src):
            h = self.holder(ctx_site[0], "extension", src, cdr.start)
            if h:
                return ctx_site[0], *h
        if ctx_site:
            return ctx_site[0], ctx_site[1], src if src.isdigit() else "", ""
        if cdr.accountcode in self.estate.occupiers:
            site_ids = [c.site for c in self.estate.occupiers[cdr.accountcode].contracts]
            if len(site_ids) == 1:
                return site_ids[0], cdr.accountcode, "", ""
        return "no number, extension or context of an occupier matches the caller"

    def tariff_name(self, occupier: str, site: str) -> str | None:
        occ = self.estate.occupiers.get(occupier)
        c = occ.contract_at(site) if occ else None
        return c.services.voice.tariff if c and c.services.voice else None


def build_report(month: str, records: Iterable[Cdr | Malformed], estate: Estate,
                 history: NumberHistory, tariffs: dict[str, Tariff]) -> MonthReport:
    report = MonthReport(month)
    since, until = month_bounds(month)
    att = Attributor(estate, history)
    for rec in records:
        if isinstance(rec, Malformed):
            report.malformed.append(rec)
            continue
        if not since <= rec.start < until:
            report.outside_month += 1
            continue
        if rec.dcontext in att.inbound:
            report.inbound += 1
            continue
        if rec.disposition != "ANSWERED" or rec.billsec == 0:
            report.unanswered += 1
            continue
        who = att.caller(rec)
        if isinstance(who, str):
            report.unattributed.append((rec, who))
            continue
        site, occ, ext, number = who
        tname = att.tariff_name(occ, site)
        tariff = tariffs.get(tname or "")
        if tariff is None:
            report.unattributed.append((rec, f"{occ} at {site} has no known tariff "
                                        f"({tname or 'no voice service'})"))
            continue
        dest = tariff.e164(rec.dst)
        if dest is None or att.site_of_number(dest) is not None:
            report.on_net += 1
            continue
        rate = tariff.rate_for(dest)
        if rate is None:
            report.unattributed.append((rec, f"no rate in tariff {tname!r} for {dest}"))
            continue
        r = rate_call(tariff, rate, rec.billsec)
        report.calls.append(Call(site, occ, ext, number, rec.start, dest, rate.name, rec.billsec,
                                 r.billed_seconds, r.client, r.operator, tariff.currency,
                                 rec.source, rec.uniqueid))
    report.calls.sort(key=lambda c: (c.occupier, c.site, c.start, c.source))
    return report
