"""One console build of the example estate for the console tests, with everything it reads.

The estate in a git repository with an annotated applied tag, an apply journal
(a run that created Jane's Wi-Fi Secure login), a drift report with one drift
left by policy, and October 2026's call charges from `reconciler calls`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import git
import pytest
from typer.testing import CliRunner

from reconciler.cli import app
from reconciler.engine.journal import Journal
from reconciler.engine.resources import Change
from reconciler.gitops.drift import DriftItem, DriftReport
from tests.conftest import STORY_DAY, copy_estate
from tests.reports.cdrgen import cdr_line
from tests.reports.test_calls import JANE, call

MONTH = "2026-10"


@dataclass
class Built:
    repo: Path
    out: Path
    calls: Path
    drift: Path
    journal: Path


def _journal(path: Path) -> None:
    j = Journal(path, run_id="20261120T051700Z-a1b2c3")
    j.write({"event": "run-start", "who": "ci-bot", "commit": "0123456789abcdef0123",
             "at": "2026-11-20", "sites": ["lon1"], "scope": ["radius", "lon1/acc-3a"],
             "targets": ["radius"], "summary": {"create": 1, "update": 0, "delete": 0}})
    j.write({"event": "apply", "target": "radius", "changes": [
        {"op": "create", "target": "radius", "kind": "radius_user", "key": "jane@acme.example",
         "owner": "acme", "fields": [], "before": None,
         "after": {"credential_version": 1, "invite": "***"}}]})
    j.write({"event": "run-end", "result": "ok", "applied": ["radius"], "failed": {},
             "restored": [], "restore_failed": []})


def _drift(path: Path) -> None:
    c = Change("update", "lon1/acc-2a", "port", "Ethernet7", {"vlan": 104, "enabled": True},
               {"vlan": 999, "enabled": False}, "orbit-analytics", ("vlan", "enabled"))
    report = DriftReport(dt.date.fromisoformat(STORY_DAY), sites=["lon1", "man1"],
                         items=[DriftItem(c, "lon1", "report", "left")])
    path.write_text(json.dumps(report.to_json()), encoding="utf-8")


def _calls(repo: Path, work: Path) -> Path:
    master = work / "Master.csv"
    rows = [call("2026-10-05 09:15:00", JANE, "07700900123", 123, uid="jane-mobile"),
            call("2026-10-06 11:00:00", JANE, "0012125550123", 61, uid="jane-us"),
            call("2026-10-21 10:00:00", JANE, "02079460000", 59, uid="jane-land")]
    master.write_text("\n".join(cdr_line(r, 16) for r in rows) + "\n")
    out = work / "calls" / f"calls-{MONTH}"
    res = CliRunner().invoke(app, ["calls", "--month", MONTH, "--cdr", str(master), "--repo",
                                   str(repo), "--out", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return out.parent


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work = tmp_path_factory.mktemp("console")
    repo = copy_estate(work / "estate")
    r = git.Repo.init(repo)
    r.git.add(A=True)
    r.index.commit("estate", author_date="2026-11-01T08:00:00+0000",
                   commit_date="2026-11-01T08:00:00+0000")
    with r.config_writer() as cw:
        cw.set_value("user", "name", "ci-bot")
        cw.set_value("user", "email", "ci@example.invalid")
    r.create_tag("reconciler/applied/lon1", message="Applied to lon1 by run 42")
    journal = work / "journal.jsonl"
    _journal(journal)
    drift = work / "drift-lon1.json"
    _drift(drift)
    calls = _calls(repo, work)
    out = work / "site"
    res = CliRunner().invoke(app, ["console", "build", "--repo", str(repo), "--out", str(out),
                                   "--at", STORY_DAY, "--journal", str(journal), "--drift",
                                   str(drift), "--calls", str(calls)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return Built(repo, out, calls, drift, journal)
