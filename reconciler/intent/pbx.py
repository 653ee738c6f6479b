"""Desired PBX state per site: endpoints, dialplan, voicemail and desk phones.

One target per site (`<site>/pbx`) on the site's Asterisk realtime database.
Its scope is the site's own: endpoints whose id is a number of the site's ranges
(E.164 digits, no '+'), and dialplan and voicemail in contexts named
`<site>.<occupier>` plus the site's inbound context `<site>.did_in` (site and
occupier ids never hold '.' or '_', so no other site or occupier can match).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from ..engine.resources import Resource, TargetSpec
from ..model.base import number_range_bounds
from ..model.estate import Estate
from ..model.occupier import Contract, MainNumber, Occupier, PhoneNumber, Route
from ..model.site import Site, days_of
from .compile import DesiredState

INBOUND = "did_in"
CONTEXT_MAX = 30  # leaves room for "ext@context" in ps_endpoints.mailboxes (40)
CALLERID_MAX = 40


def pbx_target_id(site: str) -> str:
    return f"{site}/pbx"


def occupier_context(site: str, occ: str) -> str:
    ctx = f"{site}.{occ}"
    if len(ctx) <= CONTEXT_MAX:
        return ctx
    room = max(6, CONTEXT_MAX - len(site) - 1)
    return f"{site}.{hashlib.sha256(occ.encode()).hexdigest()[:room]}"


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
    ranges = []
    for rng in site.pools.numbers:
        first, last, digits = number_range_bounds(rng)
        ranges.append([str(first).zfill(digits), str(last).zfill(digits)])
    reserved = [endpoint_id(site.support.phone)] if site.support.phone else []
    return {"prefix": f"{site.id}.", "inbound": f"{site.id}.{INBOUND}", "ranges": ranges,
            "reserved": reserved}


def _compile_site(estate: Estate, site: Site, at: dt.date, state: DesiredState) -> None:
    assert site.pbx is not None
    tid = pbx_target_id(site.id)
    settings = {"provisioning_dir": site.pbx.provisioning_dir,
                "site_name": site.name,
                "sip_server": site.pbx.sip_server or f"{site.pbx.server}.{site.id}",
                "timezone": site.timezone}
    state.add_target(TargetSpec(tid, "asterisk", site.id, settings, _scope(site),
                                site.pbx.credentials))
    for occ in sorted(estate.occupiers.values(), key=lambda o: o.id):
        c = occ.contract_at(site.id)
        if c is None or c.services.voice is None or not c.provisioned(at):
            continue
        state.add(_occupier(tid, site, occ, c))


def _occupier(tid: str, site: Site, occ: Occupier, c: Contract) -> list[Resource]:
    assert site.pbx is not None
    ctx = occupier_context(site.id, occ.id)
    inbound = f"{site.id}.{INBOUND}"
    users = {u.email: u for u in occ.users}
    out: list[Resource] = []

    def add(kind: str, key: str, attrs: dict[str, object]) -> None:
        out.append(Resource(tid, kind, key, attrs, owner=occ.id))

    assigned = [n for n in c.numbers if n.user is not None and n.extension is not None]
    for n in assigned:
        assert n.extension is not None and n.user is not None
        ep = endpoint_id(n.number)
        label = n.label or users[n.user].name if n.user in users else n.label
        vm = n.features.voicemail
        add("pbx_endpoint", ep, {
            "context": ctx, "callerid": callerid(label, n.number),
            "mailboxes": f"{n.extension}@{ctx}" if vm else None, "accountcode": occ.id,
            "complete": True, "notify": n.user})
        if vm:
            add("pbx_voicemail", f"{ctx}/{n.extension}",
                {"fullname": label or n.number, "email": n.user, "notify": n.user})
        add("pbx_extension", f"{ctx}/{n.extension}",
            {"steps": _extension_steps(site, ctx, n, ep)})
        add("pbx_did", n.number, {"steps": [["Goto", f"{ctx},{n.extension},1"]]})
        if n.handset is not None:
            add("handset", n.handset.mac.replace(":", ""), {
                "model": n.handset.model, "endpoint": ep, "label": label or n.number,
                "extension": n.extension})
    if c.main_number is not None:
        out += _main_number(tid, site, occ, ctx, c.main_number,
                            [endpoint_id(n.number) for n in assigned])
        add("pbx_did", c.main_number.number, {"steps": [["Goto", f"{ctx},main,1"]]})
        # Numbers nobody has yet ring like the main number instead of failing at the carrier.
        for n in c.numbers:
            if n not in assigned:
                add("pbx_did", n.number, {"steps": [["Goto", f"{ctx},main,1"]]})
    assert inbound.startswith(f"{site.id}.")
    return out


def _extension_steps(site: Site, ctx: str, n: PhoneNumber, ep: str) -> list[list[str]]:
    assert site.pbx is not None
    steps: list[list[str]] = []
    if n.features.forward:
        steps.append(["Dial", f"PJSIP/{n.features.forward}@{site.pbx.trunk},30"])
    elif not n.features.dnd:
        steps.append(["Dial", f"PJSIP/{ep},20"])
    if n.features.voicemail:
        steps.append(["VoiceMail", f"{n.extension}@{ctx},u"])
    steps.append(["Hangup", ""])
    return steps


def _main_number(tid: str, site: Site, occ: Occupier, ctx: str, main: MainNumber,
                 endpoints: list[str]) -> list[Resource]:
    """main -> by business hours main-in / main-out, then main-na if nobody answered."""
    assert site.pbx is not None
    box = endpoint_id(main.number)
    bh = site.business_hours
    days = "&".join(days_of(bh.days))
    out = [Resource(tid, "pbx_main_number", f"{ctx}/main", {"steps": [
        ["GotoIfTime", f"{bh.open}-{bh.close},{days},*,*,{site.timezone}?main-in,1:main-out,1"]]},
        owner=occ.id)]
    for exten, route, last in (("main-in", main.in_hours, False),
                               ("main-out", main.out_of_hours, False),
                               ("main-na", main.if_unanswered, True)):
        steps = _route(site, ctx, box, route, endpoints)
        if last or route.to == "voicemail":
            steps.append(["Hangup", ""])
        else:
            steps.append(["Goto", "main-na,1"])
        out.append(Resource(tid, "pbx_main_number", f"{ctx}/{exten}", {"steps": steps},
                            owner=occ.id))
    if "voicemail" in (main.in_hours.to, main.out_of_hours.to, main.if_unanswered.to):
        admins = [u.email for u in occ.users if u.role == "admin"] + [u.email for u in occ.users]
        out.append(Resource(tid, "pbx_voicemail", f"{ctx}/{box}",
                            {"fullname": occ.name, "email": None,
                             "notify": admins[0] if admins else None}, owner=occ.id))
    return out


def _route(site: Site, ctx: str, box: str, route: Route, endpoints: list[str]) -> list[list[str]]:
    assert site.pbx is not None
    ring = str(route.ring_seconds)
    if route.to == "hunt_group":
        # Ring every endpoint of the occupier at once; none yet: straight to the next step.
        return [["Dial", "&".join(f"PJSIP/{e}" for e in endpoints) + f",{ring}"]] \
            if endpoints else []
    if route.to == "reception":
        return [["Dial", f"Local/{site.pbx.reception}@{site.id}-reception,{ring}"]]
    if route.to == "forward":
        return [["Dial", f"PJSIP/{route.forward}@{site.pbx.trunk},{ring}"]]
    return [["VoiceMail", f"{box}@{ctx},u"]]
