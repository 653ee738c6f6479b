"""The product's one clock: `RECONCILER_TODAY` is today everywhere, and nothing else reads the
calendar."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler import clock
from reconciler.errors import ConfigError
from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "reconciler"
# The lab plays devices, which keep their own clocks (uptimes, Dashboard time windows).
ALLOWED = {PACKAGE / "clock.py"}
ALLOWED_DIRS = {PACKAGE / "lab"}
# Calls that read the calendar or the wall clock as a date/time of day.
CALENDAR_READS = {("date", "today"), ("datetime", "today"), ("datetime", "now"),
                  ("datetime", "utcnow"), ("time", "localtime"), ("time", "gmtime"),
                  ("time", "ctime"), ("time", "strftime"), ("time", "asctime")}


def calendar_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else \
                owner.id if isinstance(owner, ast.Name) else None
            if (name, node.func.attr) in CALENDAR_READS:
                found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: "
                             f"{name}.{node.func.attr}()")
    return found


def test_no_product_module_reads_the_calendar_but_the_clock() -> None:
    files = [p for p in PACKAGE.rglob("*.py")
             if p not in ALLOWED and not any(d in p.parents for d in ALLOWED_DIRS)]
    assert len(files) > 50
    offenders = [hit for p in files for hit in calendar_reads(p)]
    assert offenders == [], "read the date through reconciler.clock:\n" + "\n".join(offenders)


def test_the_scan_sees_a_calendar_read(tmp_path: Path) -> None:
    """Control: the scan is not blind (each spelling the product has used)."""
    bad = tmp_path / "bad.py"
    bad.write_text("import datetime as dt\nimport time\nfrom datetime import date\n"
                   "a = dt.date.today()\nb = dt.datetime.now(dt.UTC)\nc = date.today()\n"
                   "d = time.strftime('%Y')\n")
    bad.rename(REPO_ROOT / "tests" / "clock" / "_scan_probe.py")
    probe = REPO_ROOT / "tests" / "clock" / "_scan_probe.py"
    try:
        assert [h.split(": ")[1] for h in calendar_reads(probe)] == [
            "date.today()", "datetime.now()", "date.today()", "time.strftime()"]
    finally:
        probe.unlink()


def test_reconciler_today_sets_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV_TODAY, "2030-02-28")
    assert clock.today() == dt.date(2030, 2, 28)
    monkeypatch.setenv(clock.ENV_TODAY, "28/02/2030")
    with pytest.raises(ConfigError, match="RECONCILER_TODAY='28/02/2030' is not a date"):
        clock.today()


def test_the_suite_runs_on_a_pinned_day() -> None:
    """tests/conftest.py pins the day for the whole suite, so nothing falls back to the
    machine's calendar (whatever day the suite runs on)."""
    pinned = os.environ.get(clock.ENV_TODAY)
    assert pinned, "tests/conftest.py pins RECONCILER_TODAY for the whole suite"
    assert clock.today() == dt.date.fromisoformat(pinned)


def test_at_defaults_to_the_clock(monkeypatch: pytest.MonkeyPatch, estate_dir: Path,
                                  cli: Callable[..., Any]) -> None:
    """`show` without --at answers for RECONCILER_TODAY: acme at lon1 before and after 3.02."""
    def spaces(day: str) -> list[str]:
        monkeypatch.setenv(clock.ENV_TODAY, day)
        res = cli("show", "acme", "--site", "lon1", "--format", "json", "--repo", estate_dir)
        assert res.exit_code == 0, res.output
        return sorted(s["id"] for s in json.loads(res.stdout)["sites"][0]["spaces"]
                      if s["state"] == "current")

    assert spaces("2026-11-30") == ["3.01"]
    assert spaces("2026-12-01") == ["3.01", "3.02"]


def test_a_bad_clock_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, estate_dir: Path,
                                      cli: Callable[..., Any]) -> None:
    monkeypatch.setenv(clock.ENV_TODAY, "tomorrow")
    res = cli("show", "acme", "--repo", estate_dir)
    assert res.exit_code == 1
    assert "RECONCILER_TODAY='tomorrow' is not a date" in res.output
