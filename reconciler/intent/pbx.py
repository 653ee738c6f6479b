"""Desired PBX state per site: endpoints, dialplan, voicemail and desk phones.

One target per site (`<site>/pbx`) on the site's Asterisk realtime database. The
contexts are fixed per site (see `pbx_dialplan`): a phone's endpoint sits in
`<site>.phones`, its occupier's rows in `<site>.occupiers` under the occupier's key,
its DIDs in `<site>.did_in`. Its scope is the site's own: endpoints whose id is a
number of the site's ranges (E.164 digits, no '+'), dialplan rows in contexts starting
`<site>.`, voicemail boxes in contexts starting `<site>.` (site and occupier ids never
hold '.' or '_', so no other site or occupier can match).
"""

from __future__ import annotations

import datetime as dt

from ..engine.resources import Resource, TargetSpec
from ..model.base import number_range_bounds
from ..model.estate import Estate
from ..model.occupier import Contract, MainNumber, Occupier, PhoneNumber, Route
from ..model.rules import in_number_ranges
from ..model.site import Site, days_of
from .compile import DesiredState
from .pbx_dialplan import (
    INBOUND,
    MAIN_BOX_CODE,
    OCCUPIERS,
    PHONES,
    VOICEMAIL_CODE,
    context,
    occupier_context,
    occupier_exten,
    occupier_key,
    site_rows,
    zone_name,
)

__all__ = ["INBOUND", "compile_pbx", "occupier_context", "occupier_key", "pbx_target_id"]
CALLERID_MAX = 40
EMAIL_MAX = 80


def pbx_target_id(site: str) -> str:
    return f"{site}/pbx"


def endpoint_id(number: str) -> str:
    return number.lstrip("+")


def callerid(label: str | None, number: str) -> str:
    if not label:
        return f"<{number}>"
    room = CALLERID_MAX - len(number) - 5
    return '"' + label[:room].replace('"', "'") + f'" <{number}>'


def compile_pbx(estate: Estate, at: dt.date, state: DesiredState) -> None:
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        if site.pbx is not None:
            _compile_site(estate, site, at, state)


def _scope(site: Site) -> dict[str, object]:
    assert site.pbx is not None
    ranges = []
    for rng in site.pools.numbers:
        first, last, digits = number_range_bounds(rng)
        ranges.append([str(first).zfill(digits), str(last).zfill(digits)])
    reserved = [endpoint_id(site.support.phone)] if site.support.phone else []
    plan = site.pbx.plan
    return {"prefix": f"{site.id}.", "inbound": context(site.id, INBOUND),
            "phones": context(site.id, PHONES), "occupiers": context(site.id, OCCUPIERS),
            "ranges": ranges, "reserved": reserved, "country_code": plan.country_code,
            "national_prefix": plan.national_prefix,
            "international_prefix": plan.international_prefix}


def _compile_site(estate: Estate, site: Site, at: dt.date, state: DesiredState) -> None:
    assert site.pbx is not None
    tid = pbx_target_id(site.id)
    settings = {"provisioning_dir": site.pbx.provisioning_dir,
                "site_name": site.name,
                "sip_server": site.pbx.sip_server or f"{site.pbx.server}.{site.id}",
                "timezone": site.timezone}
    state.add_target(TargetSpec(tid, "asterisk", site.id, settings, _scope(site),
                                site.pbx.credentials))
    state.add(site_rows(tid, site))
    # The site's contracts from the estate's index (by occupier id, each occupier's first
    # contract here, as `contract_at`): scanning every occupier per site was quadratic.
    for occ, c in estate.contracts_by_site().get(site.id, []):
        if c.services.voice is None or not c.provisioned(at):
            continue
        state.add(_Occupier(tid, site, occ, c).resources())


class _Occupier:
    """The rows of one occupier's voice contract at one site."""

    def __init__(self, tid: str, site: Site, occ: Occupier, c: Contract) -> None:
        assert site.pbx is not None and c.services.voice is not None
        self.tid, self.site, self.occ, self.c = tid, site, occ, c
        self.pbx, self.plan = site.pbx, site.pbx.plan
        self.vm_ctx = occupier_context(site.id, occ.id)
        self.key = occupier_key(site.id, occ.id)
        self.dial_ctx = context(site.id, OCCUPIERS)
        self.users = {u.email: u for u in occ.users}
        self.out: list[Resource] = []

    def add(self, kind: str, key: str, attrs: dict[str, object]) -> None:
        self.out.append(Resource(self.tid, kind, key, attrs, owner=self.occ.id))

    def exten(self, name: str) -> str:
        return occupier_exten(self.key, name)

    def dialplan_key(self, name: str) -> str:
        return f"{self.dial_ctx}/{self.exten(name)}"

    def did(self, number: str, target: str) -> None:
        # The call is the occupier's from here: a transfer or forward of it is theirs to pay
        # and reaches their extensions only.
        self.add("pbx_did", number, {
            "exten": self.plan.to_carrier(number, self.pbx.number_format),
            "steps": [["Set", f"CHANNEL(accountcode)={self.key}"],
                      ["Goto", f"{self.dial_ctx},{self.exten(target)},1"]]})

    def resources(self) -> list[Resource]:
        c = self.c
        assigned = [n for n in c.numbers if n.user is not None and n.extension is not None]
        admin_endpoints: list[str] = []
        for n in assigned:
            self.number(n)
            user = self.users.get(n.user or "")
            if user is not None and user.role == "admin":
                admin_endpoints.append(endpoint_id(n.number))
        self.policy(admin_endpoints)
        if c.main_number is not None:
            self.main_number(c.main_number, [endpoint_id(n.number) for n in assigned])
            self.did(c.main_number.number, "main")
            # Numbers nobody has yet ring like the main number instead of failing at the
            # carrier.
            for n in c.numbers:
                if n not in assigned:
                    self.did(n.number, "main")
        return self.out

    def number(self, n: PhoneNumber) -> None:
        assert n.extension is not None and n.user is not None
        ep = endpoint_id(n.number)
        user = self.users.get(n.user)
        label = n.label or (user.name if user else None)
        vm = n.features.voicemail
        box = f"{n.extension}@{self.vm_ctx}"
        self.add("pbx_endpoint", ep, {
            "context": context(self.site.id, PHONES), "callerid": callerid(label, n.number),
            "caller_id": self.caller_id(n), "mailboxes": box if vm else None,
            "unsolicited_mwi": False, "accountcode": self.key, "complete": True,
            "credential_version": user.credential_version if user else 1,
            "notify": n.user})
        if vm:
            self.add("pbx_voicemail", f"{self.vm_ctx}/{n.extension}",
                     {"fullname": label or n.number, "email": n.user,
                      "tz": zone_name(self.site.id), "notify": n.user})
        self.add("pbx_extension", self.dialplan_key(str(n.extension)),
                 {"steps": self.extension_steps(n, ep)})
        self.did(n.number, str(n.extension))
        if n.handset is not None:
            self.add("handset", n.handset.mac.replace(":", ""), {
                "model": n.handset.model, "endpoint": ep, "label": label or n.number,
                "extension": n.extension, "voicemail": VOICEMAIL_CODE,
                "credential_version": user.credential_version if user else 1})

    def caller_id(self, n: PhoneNumber) -> str:
        """What `callerid_tag` says to present on outside calls."""
        if n.features.caller_id == "withheld":
            return "withheld"
        if n.features.caller_id == "main" and self.c.main_number is not None:
            return self.c.main_number.number
        return n.number

    def policy(self, admin_endpoints: list[str]) -> None:
        """`<key>-out`: the call classes the contract allows; `<key>-*98`: the main box."""
        voice = self.c.services.voice
        assert voice is not None
        allowed = " | ".join(f'"${{ARG1}}" = "{cls}"' for cls in sorted(voice.allow))
        verdict = f"${{IF($[{allowed}]?allow:deny)}}" if allowed else "deny"
        self.add("pbx_policy", self.dialplan_key("out"), {"steps": [["Return", verdict]]})
        main = self.c.main_number
        if main is None or not admin_endpoints or not self.main_has_voicemail(main):
            return
        box = len(admin_endpoints) + 2  # priority of VoiceMailMain, after the refusal
        steps = [["GotoIf", f'$["${{CHANNEL(endpoint)}}" = "{ep}"]?{box}']
                 for ep in admin_endpoints]
        steps += [["Hangup", "21"],
                  ["VoiceMailMain", f"{endpoint_id(main.number)}@{self.vm_ctx}"],
                  ["Hangup", ""]]
        self.add("pbx_policy", self.dialplan_key(MAIN_BOX_CODE), {"steps": steps})

    @staticmethod
    def main_has_voicemail(main: MainNumber) -> bool:
        return "voicemail" in (main.in_hours.to, main.out_of_hours.to, main.if_unanswered.to)

    def forward_steps(self, number: str, ring: int) -> list[list[str]]:
        """A forward: on the PBX for the site's own numbers, else through the trunk with
        the occupier's accountcode on the leg that costs."""
        assert self.pbx is not None
        exten = self.plan.to_carrier(number, self.pbx.number_format)
        if in_number_ranges(self.site, number):
            return [["Dial", f"Local/{exten}@{context(self.site.id, INBOUND)},{ring}"]]
        return [["Set", f"CHANNEL(accountcode)={self.key}"],
                ["Dial", f"PJSIP/{exten}@{self.pbx.trunk},{ring}"]]

    def extension_steps(self, n: PhoneNumber, ep: str) -> list[list[str]]:
        steps: list[list[str]] = []
        if n.features.forward:
            steps += self.forward_steps(n.features.forward, 30)
        elif not n.features.dnd:
            steps.append(["Dial", f"PJSIP/{ep},20"])
        if n.features.voicemail:
            steps.append(["VoiceMail", f"{n.extension}@{self.vm_ctx},u"])
        steps.append(["Hangup", ""])
        return steps

    def main_number(self, main: MainNumber, endpoints: list[str]) -> None:
        """main -> by business hours main-in / main-out, then main-na if nobody answered."""
        box = endpoint_id(main.number)
        bh = self.site.business_hours
        days = "&".join(days_of(bh.days))
        self.add("pbx_main_number", self.dialplan_key("main"), {"steps": [
            ["GotoIfTime", f"{bh.open}-{bh.close},{days},*,*,{self.site.timezone}"
                           f"?{self.exten('main-in')},1:{self.exten('main-out')},1"]]})
        for name, route, last in (("main-in", main.in_hours, False),
                                  ("main-out", main.out_of_hours, False),
                                  ("main-na", main.if_unanswered, True)):
            steps = self.route(box, route, endpoints)
            if last or route.to == "voicemail":
                steps.append(["Hangup", ""])
            else:
                steps.append(["Goto", f"{self.exten('main-na')},1"])
            self.add("pbx_main_number", self.dialplan_key(name), {"steps": steps})
        if self.main_has_voicemail(main):
            admins = [u.email for u in self.occ.users if u.role == "admin"]
            self.add("pbx_voicemail", f"{self.vm_ctx}/{box}", {
                "fullname": self.occ.name, "email": self.mail_to(admins),
                "tz": zone_name(self.site.id),
                "notify": ", ".join(admins or [u.email for u in self.occ.users][:1]) or None})

    @staticmethod
    def mail_to(addresses: list[str]) -> str | None:
        """voicemail.email: addresses joined by '|', as many as its 80 characters hold."""
        out: list[str] = []
        for a in addresses:
            if len("|".join([*out, a])) <= EMAIL_MAX:
                out.append(a)
        return "|".join(out) or None

    def route(self, box: str, route: Route, endpoints: list[str]) -> list[list[str]]:
        assert self.pbx is not None
        ring = route.ring_seconds
        if route.to == "hunt_group":
            # Ring every endpoint of the occupier at once; none yet: straight on.
            return [["Dial", "&".join(f"PJSIP/{e}" for e in endpoints) + f",{ring}"]] \
                if endpoints else []
        if route.to == "reception":
            return [["Dial", f"Local/{self.pbx.reception}@{self.site.id}-reception,{ring}"]]
        if route.to == "forward":
            assert route.forward is not None
            return self.forward_steps(route.forward, ring)
        return [["VoiceMail", f"{box}@{self.vm_ctx},u"]]
