"""Who a CDR leg belongs to: the occupier that pays for it, at which site, from which line.

Asterisk records the calling channel (`PJSIP/<endpoint>-…` for a phone, `PJSIP/<trunk>-…`
for the carrier), the last context and extension (not the first: a DID call ends in the
occupier's rows), and the accountcode of the calling channel. The reconciler's rows put
the occupier's key in the accountcode of every phone and set it before every forward
through the trunk, so a costly leg names its payer; CDRs of older rows (no accountcode on
forwards, one context per occupier) are attributed by their context instead.
"""

from __future__ import annotations

import datetime as dt
import re

from ..intent.pbx import INBOUND, occupier_context, occupier_key
from ..intent.pbx_dialplan import OCCUPIERS
from ..model.estate import Estate
from ..model.history import NumberHistory
from ..model.rules import holding, in_number_ranges
from ..model.site import Site
from .cdr import Cdr

CHANNEL_RE = re.compile(r"^PJSIP/(?P<name>[A-Za-z0-9_.+-]+)-[0-9a-fA-F]+$")
DIALLED_RE = re.compile(r"^PJSIP/(?P<number>[+\d]{3,16})@(?P<trunk>[A-Za-z0-9_.-]+)(?:,|$)")


class Attributor:
    """Who held a number or extension at a moment, from the estate and its git history."""

    def __init__(self, estate: Estate, history: NumberHistory) -> None:
        self.estate, self.history = estate, history
        self.contexts: dict[str, tuple[str, str]] = {}  # voicemail / older dialplan contexts
        self.keys: dict[tuple[str, str], str] = {}  # (site, occupier key) -> occupier
        self.inbound = {f"{s}.{INBOUND}" for s in estate.sites}
        self.trunks = {s.pbx.trunk for s in estate.sites.values() if s.pbx is not None}
        # (site, what, value) -> [(occupier, period, extension, number)]
        self.held: dict[tuple[str, str, str], list[tuple[str, tuple[dt.date, dt.date], str,
                                                         str]]] = {}
        for occ in estate.occupiers.values():
            for c in occ.contracts:
                self.contexts[occupier_context(c.site, occ.id)] = (c.site, occ.id)
                self.keys[(c.site, occupier_key(c.site, occ.id))] = occ.id
                for n in c.numbers:
                    ext = str(n.extension) if n.extension is not None else ""
                    entry = (occ.id, holding(c), ext, n.number)
                    self.held.setdefault((c.site, "number", n.number), []).append(entry)
                    if ext:
                        self.held.setdefault((c.site, "extension", ext), []).append(entry)

    # -- the shape of a leg ------------------------------------------------------------

    def channel_name(self, channel: str) -> str | None:
        m = CHANNEL_RE.match(channel)
        return m.group("name") if m else None

    def is_trunk(self, channel: str) -> bool:
        return self.channel_name(channel) in self.trunks

    def site_of_context(self, context: str) -> Site | None:
        site, _, _rest = context.partition(".")
        return self.estate.sites.get(site) if _rest else None

    def site_of_number(self, number: str) -> Site | None:
        return next((s for s in self.estate.sites.values() if in_number_ranges(s, number)), None)

    def dialled(self, cdr: Cdr, site: Site | None) -> str | None:
        """The number a trunk leg went to, as E.164: from what Dial sent the carrier
        (`PJSIP/<number>@<trunk>`), else the dialled extension."""
        m = DIALLED_RE.match(cdr.lastdata)
        raw = m.group("number") if m and m.group("trunk") in self.trunks else cdr.dst
        if site is not None and site.pbx is not None:
            return site.pbx.plan.from_carrier(raw, site.pbx.number_format)
        return raw if re.fullmatch(r"\+[1-9]\d{5,14}", raw) else None

    def is_emergency(self, cdr: Cdr, site: Site | None) -> bool:
        sites = [site] if site is not None else list(self.estate.sites.values())
        m = DIALLED_RE.match(cdr.lastdata)
        dialled = {cdr.dst, m.group("number") if m else ""}
        return any(s.pbx is not None and dialled & set(s.pbx.emergency_numbers())
                   for s in sites)

    # -- who -----------------------------------------------------------------------------

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

    def payer(self, cdr: Cdr) -> tuple[str, str, str, str] | str:
        """(site, occupier, extension, number) that pays for a leg, or why not known."""
        ctx_site = self.site_of_context(cdr.dcontext)
        line = self._line(cdr)
        occ = self._by_accountcode(cdr, ctx_site, line)
        if occ is not None:
            site_id = ctx_site.id if ctx_site else line[0] if line else self._only_site(occ)
            if site_id is not None:
                if line and line[:2] == (site_id, occ):
                    return line
                return site_id, occ, self._extension_in_dst(cdr), ""
        if line:
            return line
        return self._by_context(cdr) or \
            "no accountcode, number, extension or context of an occupier matches the caller"

    def _line(self, cdr: Cdr) -> tuple[str, str, str, str] | None:
        """The calling phone, by the number in its channel or its caller ID."""
        candidates: list[str] = []
        name = self.channel_name(cdr.channel)
        if name and name.isdigit():
            candidates.append("+" + name)
        src = cdr.src.strip()
        if re.fullmatch(r"\+?\d{6,15}", src) and not self.is_trunk(cdr.channel):
            candidates.append(src if src.startswith("+") else "+" + src)
        for value in candidates:
            site = self.site_of_number(value)
            if site is not None:
                h = self.holder(site.id, "number", value, cdr.start)
                if h:
                    return (site.id, *h)
        return None

    def _by_accountcode(self, cdr: Cdr, ctx_site: Site | None,
                        line: tuple[str, str, str, str] | None) -> str | None:
        code = cdr.accountcode.strip()
        if not code:
            return None
        sites = [ctx_site.id] if ctx_site else [line[0]] if line else list(self.estate.sites)
        for site in sites:
            if (site, code) in self.keys:
                return self.keys[(site, code)]
        return code if code in self.estate.occupiers else None

    def _by_context(self, cdr: Cdr) -> tuple[str, str, str, str] | None:
        """Older rows: one dialplan context per occupier (`lon1.acme`); the phones'
        extension then sits in `src`."""
        found = self.contexts.get(cdr.dcontext)
        if found is None:
            site = self.site_of_context(cdr.dcontext)
            key = cdr.dst.partition(".")[0]
            if site is None or (site.id, key) not in self.keys:
                return None
            found = (site.id, self.keys[(site.id, key)])
        site_id, occ = found
        src = cdr.src.strip()
        if re.fullmatch(r"\d{2,6}", src):
            h = self.holder(site_id, "extension", src, cdr.start)
            if h:
                return (site_id, *h)
        return site_id, occ, self._extension_in_dst(cdr), ""

    def _extension_in_dst(self, cdr: Cdr) -> str:
        """The line a forward belongs to: `acme.2121` -> 2121, `acme.main-na` -> main
        (older rows: `2121`, `main-na` in the occupier's context)."""
        if cdr.dcontext in self.contexts:
            name = cdr.dst
        elif cdr.dcontext.endswith(f".{OCCUPIERS}"):
            name = cdr.dst.partition(".")[2]
        else:
            return ""
        if name.startswith("main"):
            return "main"
        return name if name.isdigit() else ""

    def _only_site(self, occupier: str) -> str | None:
        occ = self.estate.occupiers.get(occupier)
        sites = {c.site for c in occ.contracts if c.services.voice} if occ else set()
        return sites.pop() if len(sites) == 1 else None

    def tariff_name(self, occupier: str, site: str) -> str | None:
        occ = self.estate.occupiers.get(occupier)
        c = occ.contract_at(site) if occ else None
        return c.services.voice.tariff if c and c.services.voice else None
