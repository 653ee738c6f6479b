"""Invariants of one day, checked from the outside against what the estate says."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.resources import TargetSpec
from ..model.base import number_range_bounds
from ..model.estate import Estate
from . import probes
from .expect import UNKNOWN_NAS, Expected
from .radius_probe import Answer, Login, RadiusProbe

Json = dict[str, Any]


@dataclass
class Violation:
    day: dt.date
    check: str  # pap, peap, mac, port, pbx, dhcp, wifi, plan, drift, journal
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.day} {self.check} {self.where}: {self.detail}"

    def to_json(self) -> Json:
        return {"day": self.day.isoformat(), "check": self.check, "where": self.where,
                "detail": self.detail}


@dataclass
class LabAccess:
    """How the rehearsal's own clients reach each target of the lab."""

    specs: dict[str, TargetSpec]
    endpoints: dict[str, Json]  # target id -> the lab's endpoint (secrets included)
    credentials: Mapping[str, Mapping[str, str]]

    def cred(self, tid: str) -> Mapping[str, str]:
        name = self.specs[tid].credentials
        return self.credentials.get(name or "", {})


@dataclass
class DayChecks:
    day: dt.date
    counts: Counter[str] = field(default_factory=Counter)
    violations: list[Violation] = field(default_factory=list)

    def fail(self, check: str, where: str, detail: str) -> None:
        self.violations.append(Violation(self.day, check, where, detail))


def _want(grants: Mapping[str, int], nas: str) -> str:
    vlan = grants.get(nas)
    return f"Access-Accept, VLAN {vlan}" if vlan is not None else "Access-Reject"


def _matches(answer: Answer, vlan: int | None) -> bool:
    if vlan is None:
        return not answer.accepted
    return answer.accepted and answer.vlan == str(vlan)


def check_logins(out: DayChecks, exp: Expected, probe: RadiusProbe, server: str,
                 passwords: Mapping[str, str], peap_users: Iterable[str]) -> None:
    """PAP for every login at every NAS of the server and an unknown one; PEAP for some."""
    nases = [*exp.nases.get(server, []), UNKNOWN_NAS]
    logins: list[Login] = []
    for user, grants in sorted(exp.logins.items()):
        if exp.server_of.get(user) != server:
            continue
        mac = user in exp.macs
        pw = user if mac else passwords.get(user)
        if pw is None:
            if grants:
                out.fail("pap", user, "should log in at " + ", ".join(sorted(grants)) +
                         " but no invitation with its password was sent")
            pw = secrets.token_urlsafe(12)  # never sent: must be rejected everywhere
        logins += [Login(user, pw, nas, mac) for nas in nases]
    for login, answer in zip(logins, probe.pap(logins), strict=True):
        check = "mac" if login.mac else "pap"
        out.counts[check] += 1
        grants = exp.logins[login.user]
        if not _matches(answer, grants.get(login.nas)):
            out.fail(check, f"{login.user} at {login.nas}",
                     f"got {answer}, the estate says {_want(grants, login.nas)}")
    wanted = set(peap_users)
    peap = [lg for lg in logins if lg.user in wanted and not lg.mac]
    if peap:
        for login, answer in zip(peap, probe.peap(peap), strict=True):
            out.counts["peap"] += 1
            grants = exp.logins[login.user]
            if not _matches(answer, grants.get(login.nas)):
                out.fail("peap", f"{login.user} at {login.nas}",
                         f"got {answer}, the estate says {_want(grants, login.nas)}")


def check_ports(out: DayChecks, exp: Expected, access: LabAccess, tids: set[str]) -> None:
    for tid, want in sorted(exp.ports.items()):
        if tid not in tids:
            continue
        spec, ep, cred = access.specs[tid], access.endpoints[tid], access.cred(tid)
        reader = probes.ios_ports if spec.platform == "cisco_ios" else probes.eos_ports
        live = reader(ep, cred.get("username", ""), cred.get("password", ""))
        for iface, (vlan, enabled) in sorted(want.items()):
            out.counts["port"] += 1
            got = live.get(iface)
            if got != (vlan, enabled):
                shown = "absent" if got is None else \
                    f"VLAN {got[0]}, {'enabled' if got[1] else 'shut'}"
                out.fail("port", f"{tid} {iface}", f"switch says {shown}, the estate says "
                         f"VLAN {vlan}, {'enabled' if enabled else 'shut'}")


def check_pbx(out: DayChecks, exp: Expected, access: LabAccess, estate: Estate,
              tids: set[str]) -> None:
    by_db: dict[str, list[str]] = {}
    for tid in exp.pbx:
        if tid in tids:
            by_db.setdefault(str(access.endpoints[tid]["path"]), []).append(tid)
    for path, targets in sorted(by_db.items()):
        ranges = [number_range_bounds(r) for tid in targets
                  for r in estate.sites[access.specs[tid].site].pools.numbers]
        want = set().union(*(exp.pbx[t] for t in targets))
        eps, auths = probes.pbx_endpoints(path)
        for name, rows in (("ps_endpoints", eps), ("ps_auths", auths)):
            out.counts["pbx"] += 1
            got = {e for e in rows if _in_ranges(e, ranges)}
            if got != want:
                out.fail("pbx", ", ".join(targets), f"{name}: extra {sorted(got - want)}, "
                         f"missing {sorted(want - got)}")


def _in_ranges(ep_id: str, ranges: list[tuple[int, int, int]]) -> bool:
    return ep_id.isdigit() and any(len(ep_id) == d and a <= int(ep_id) <= b
                                   for a, b, d in ranges)


def check_dhcp(out: DayChecks, exp: Expected, access: LabAccess, tids: set[str]) -> None:
    for tid, want in sorted(exp.dhcp.items()):
        if tid not in tids:
            continue
        out.counts["dhcp"] += 1
        got = probes.kea_subnets(str(access.endpoints[tid]["path"]), access.specs[tid].site)
        if got != want:
            out.fail("dhcp", tid, f"Kea serves extra {sorted(got - want)}, missing "
                     f"{sorted(want - got)}")


def check_wifi(out: DayChecks, exp: Expected, access: LabAccess, tids: set[str]) -> None:
    for tid, want in sorted(exp.wifi.items()):
        if tid not in tids:
            continue
        s = access.specs[tid].settings
        got, _policies = probes.meraki_devices(
            str(access.endpoints[tid]["base_url"]), access.cred(tid).get("api_key", ""),
            str(s["network_id"]), int(s["ssid"]), str(s.get("device_auth", "psk")),
            str(access.specs[tid].scope.get("prefix", "rcl-")))
        out.counts["wifi"] += len(want) or 1
        for dev in sorted(set(got) | set(want)):
            if got.get(dev, -1) != want.get(dev, -1):
                shown = "absent" if dev not in got else (
                    f"VLAN {got[dev]}" if got[dev] is not None else "no VLAN (no policy)")
                should = f"VLAN {want[dev]}" if dev in want else "absent"
                out.fail("wifi", f"{tid} {dev}", f"controller says {shown}, the estate says "
                         f"{should}")


def check_journal(out: DayChecks, journal: Path, changes: Iterable[tuple[str, str, str, str]]
                  ) -> None:
    """Every change applied on this day is in an `apply` record of a run of this day,
    and every such run ended."""
    recorded: set[tuple[str, str, str, str]] = set()
    runs: dict[str, bool] = {}
    if journal.is_file():
        for line in journal.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            rid = str(rec.get("run"))
            if rec.get("event") == "run-start" and rec.get("at") == out.day.isoformat():
                runs[rid] = False
            elif rid in runs and rec.get("event") == "run-end":
                runs[rid] = rec.get("result") == "ok"
            elif rid in runs and rec.get("event") == "apply":
                recorded |= {(str(c["target"]), str(c["kind"]), str(c["key"]), str(c["op"]))
                             for c in rec.get("changes", [])}
    for rid, ok in sorted(runs.items()):
        if not ok:
            out.fail("journal", rid, "the run has no successful end record")
    for change in sorted(set(changes)):
        out.counts["journal"] += 1
        if change not in recorded:
            out.fail("journal", change[0], f"{change[3]} {change[1]} {change[2]} was applied "
                     "but is not in the journal")
