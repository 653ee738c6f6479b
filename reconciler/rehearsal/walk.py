"""The walk: each event day, the nightly job of each site, then the day's invariants.

The first day is applied as a merge would (`apply --at FIRST`); every later day
runs `drift --at DAY --site S` for each site, exactly the command the nightly
workflow runs, then `plan --at DAY`, which must be empty. Commands run through a
`Runner` (the CLI in-process), so the walk follows whatever path they take.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.estate import Estate
from . import checks
from .checks import DayChecks, LabAccess, Violation
from .expect import Expected, expected_on
from .radius_probe import RadiusProbe, read_passwords

Runner = Callable[[Sequence[str]], tuple[int, str, str]]  # args -> (exit, stdout, stderr)
Change = tuple[str, str, str, str]  # target, kind, key, op


@dataclass
class DayResult:
    day: dt.date
    changes: int
    counts: Counter[str]
    violations: list[Violation] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "changes": self.changes,
                "checks": dict(sorted(self.counts.items())),
                "violations": [v.to_json() for v in self.violations]}


@dataclass
class Rehearsal:
    estate: Estate
    repo: Path  # the private copy the commands run on
    access: LabAccess
    run: Runner
    sites: list[str]
    lab_args: list[str]  # --endpoints/--credentials for every command
    journal: Path
    outbox: Path
    peap_sample: int = 3
    peap: bool = True
    _last: Expected | None = None
    _last_pw: dict[str, str] = field(default_factory=dict)

    @property
    def target_ids(self) -> set[str]:
        return {tid for tid, s in self.access.specs.items()
                if {s.site, *s.scope.get("sites", [])} & set(self.sites)}

    def _cmd(self, *args: str) -> tuple[int, str, str]:
        changing = args[0] in ("apply", "drift")  # these journal; plan does not
        return self.run([*args, "--repo", str(self.repo), *self.lab_args,
                         *(["--journal", str(self.journal)] if changing else [])])

    def walk(self, days: Sequence[dt.date],
             progress: Callable[[DayResult], None] | None = None) -> list[DayResult]:
        out = []
        for n, day in enumerate(days):
            res = self.day(day, first=n == 0)
            out.append(res)
            if progress:
                progress(res)
        return out

    def day(self, day: dt.date, first: bool = False) -> DayResult:
        result = DayChecks(day)
        at = day.isoformat()
        site_args = [a for s in self.sites for a in ("--site", s)]
        changes: list[Change] = []
        if first:  # the estate as a merge on the first day leaves it
            _code, stdout, _err = self._cmd("plan", "--at", at, "--format", "json", *site_args)
            changes += [(c["target"], c["kind"], c["key"], c["op"]) for t in
                        _json(stdout).get("targets", []) for c in t["changes"]]
            # The lab starts from seed configs, not from the estate's systems: the first
            # apply may disable many ports at once, which is what the guard exists to stop.
            code, _out, err = self._cmd("apply", "--yes", "--allow-mass-change", "--at", at,
                                        *site_args)
            if code != 0:
                result.fail("apply", ",".join(self.sites), f"exit {code}: {_tail(err)}")
        else:
            for site in self.sites:
                code, stdout, err = self._cmd("drift", "--at", at, "--site", site, "--format",
                                              "json")
                report = _json(stdout)
                for i in report.get("items", []):
                    if i.get("result") in ("applied", "corrected"):
                        changes.append((i["target"], i["kind"], i["key"], i["op"]))
                if code != 0:
                    left = [f"{i['action']} {i['op']} {i['kind']} {i['key']} ({i['result']})"
                            for i in report.get("items", []) if i.get("result") not in
                            ("applied", "corrected")]
                    result.fail("drift", site, f"exit {code}: " + ("; ".join(left[:5]) or
                                                                   _tail(err)))
        code, stdout, err = self._cmd("plan", "--at", at, "--format", "json", *site_args)
        if code != 0:
            plan = _json(stdout)
            left = [f"{c['op']} {c['kind']} {c['key']}" for t in plan.get("targets", [])
                    for c in t["changes"]]
            result.fail("plan", ",".join(self.sites), f"the next plan is not empty (exit "
                        f"{code}): " + ("; ".join(left[:5]) or _tail(err)))
        self._invariants(result, changes)
        return DayResult(day, len(changes), result.counts, result.violations)

    def _invariants(self, result: DayChecks, changes: list[Change]) -> None:
        exp = expected_on(self.estate, result.day)
        tids = self.target_ids
        passwords = read_passwords(self.outbox)
        for server in sorted(exp.nases):
            if server not in tids:
                continue
            ep = self.access.endpoints[server]
            probe = RadiusProbe(str(ep["host"]), int(ep["port"]), str(ep["secret"]),
                                ep.get("ca_cert"))
            checks.check_logins(result, exp, probe, server, passwords,
                                self._peap_users(exp, passwords) if self.peap else [])
        checks.check_ports(result, exp, self.access, tids)
        checks.check_pbx(result, exp, self.access, self.estate, tids)
        checks.check_dhcp(result, exp, self.access, tids)
        checks.check_wifi(result, exp, self.access, tids)
        checks.check_journal(result, self.journal, changes)
        self._last, self._last_pw = exp, dict(passwords)

    def _peap_users(self, exp: Expected, passwords: dict[str, str]) -> list[str]:
        """Every user whose access or password changed since the last day, plus a sample
        that moves through the others day by day."""
        people = sorted(u for u in exp.logins if u not in exp.macs)
        last = self._last
        changed = [] if last is None else [  # the first day: the sample only
            u for u in people if exp.logins[u] != last.logins.get(u)
            or passwords.get(u) != self._last_pw.get(u)]
        rest = [u for u in people if u not in changed]
        if rest and self.peap_sample:
            start = exp.day.toordinal() % len(rest)
            changed += (rest[start:] + rest[:start])[:self.peap_sample]
        return changed


def _json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _tail(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return " / ".join(lines[-3:]) if lines else "(no output)"
