"""An occupier's page: the tabs a community manager knows from the vendor UI.

Contracts, Services, Users, Wi-Fi devices, Call charges, Telephony, Network
information. Per-site facts come from `reports.netinfo` (what `reconciler show`
and the welcome pack print), so the three never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..engine.journal import RunRecord
from ..model.occupier import Occupier, Route
from ..model.site import Site, days_of
from ..reports.netinfo import network_info
from .data import ConsoleData

TABS = (("contracts", "Contracts"), ("services", "Services"), ("users", "Users"),
        ("devices", "Wi-Fi devices"), ("calls", "Call charges"), ("telephony", "Telephony"),
        ("network", "Network information"))
ROUTE_WORDS = {"hunt_group": "Hunt group", "reception": "Reception", "voicemail": "Voicemail",
               "forward": "Forward"}


def invitations(runs: list[RunRecord]) -> dict[str, dict[str, Any]]:
    """email -> the last Wi-Fi Secure invitation a finished apply sent (time, version).

    An invitation goes out when a login is created or its credential version
    changes, and only after the RADIUS target committed (listed as applied).
    """
    out: dict[str, dict[str, Any]] = {}
    for run in runs:
        if run.end is None:
            continue
        applied = set(run.end.get("applied") or [])
        for e in run.events:
            if e.get("event") != "apply" or e.get("target") not in applied:
                continue
            for c in e.get("changes") or []:
                if not isinstance(c, dict) or c.get("kind") != "radius_user":
                    continue
                after = c.get("after") or {}
                if c.get("op") == "create" or "credential_version" in (c.get("fields") or []):
                    out[str(c.get("key"))] = {"at": str(run.end.get("ts", "")),
                                              "version": after.get("credential_version")}
    return out


def _hours(site: Site) -> str:
    h = site.business_hours
    days = days_of(h.days)
    span = f"{days[0].title()}-{days[-1].title()}" if len(days) > 1 else days[0].title()
    return f"{span} {h.open}-{h.close} ({site.timezone})"


def _route(r: Route) -> dict[str, Any]:
    return {"to": r.to, "label": ROUTE_WORDS[r.to], "forward": r.forward,
            "ring_seconds": r.ring_seconds}


def telephony(occ: Occupier, site: Site, at: dt.date) -> dict[str, Any] | None:
    c = occ.contract_at(site.id)
    if c is None or (not c.numbers and c.main_number is None and c.services.voice is None):
        return None
    names = {u.email: u.name for u in occ.users}
    numbers = [{"number": n.number, "extension": n.extension, "user": n.user,
                "user_name": names.get(n.user or ""), "label": n.label,
                "handset": n.handset.model if n.handset else None,
                "handset_mac": n.handset.mac if n.handset else None,
                "voicemail": n.features.voicemail, "forward": n.features.forward,
                "dnd": n.features.dnd} for n in c.numbers]
    main = None
    if c.main_number:
        m = c.main_number
        phones = [n["label"] or n["user_name"] or n["number"] for n in numbers if n["user"]]
        main = {"number": m.number, "hours": _hours(site), "in_hours": _route(m.in_hours),
                "out_of_hours": _route(m.out_of_hours), "if_unanswered": _route(m.if_unanswered),
                "hunt_group": phones,
                "reception": site.pbx.reception if site.pbx else None}
    voice = c.services.voice
    return {"site": site.id, "site_name": site.name, "main": main, "numbers": numbers,
            "lines": voice.lines if voice else 0, "tariff": voice.tariff if voice else None,
            "active": c.provisioned(at)}


def users(data: ConsoleData, occ: Occupier, sent: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    wifi_sites = [c.site for c in occ.contracts
                  if c.services.wifi_secure and c.status(data.at) == "active"]
    numbers = {n.user: n.number for c in occ.contracts for n in c.numbers if n.user}
    out = []
    for u in occ.users:
        state = "off"
        if u.wifi_secure:
            state = "on" if wifi_sites else "no active contract"
        out.append({"email": u.email, "name": u.name, "role": u.role,
                    "home_site": u.home_site, "wifi": state, "wifi_sites": wifi_sites,
                    "credential_version": u.credential_version,
                    "invitation": sent.get(u.email) if u.wifi_secure else None,
                    "number": numbers.get(u.email)})
    return out


def occupier_page(data: ConsoleData, occ: Occupier, calls: list[dict[str, Any]],
                  sent: dict[str, dict[str, Any]], journal_known: bool) -> dict[str, Any]:
    info = network_info(data.estate, occ.id, data.at)
    sites = data.estate.sites
    statuses = [s["contract"]["status"] for s in info["sites"]]
    devices = []
    for d in occ.devices:
        site = sites.get(d.site)
        wifi = site.wifi if site else None
        devices.append({**d.model_dump(), "site_name": site.name if site else d.site,
                        "auth": wifi.device_auth if wifi else None})
    phones = [t for t in (telephony(occ, sites[c.site], data.at) for c in occ.contracts
                          if c.site in sites) if t]
    return {"occ": occ, "info": info, "tabs": TABS, "users": users(data, occ, sent),
            "devices": devices, "telephony": phones, "calls": calls,
            "journal_known": journal_known,
            "status": "active" if "active" in statuses else (
                "upcoming" if "upcoming" in statuses else "ended")}
