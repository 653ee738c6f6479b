"""`benchmarks/run.py --size small` on the lab: its counts meet the minimums.

Counts, never times: one read per target per plan, exactly the configuration
lines the change needs, and a known number of round trips for an apply.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("bench")
    out = work / "small.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--size",
                           "small", "--json", str(out), "--workdir", str(work / "w")],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text())


def steps(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in result["steps"]}


def test_plans_read_each_target_once_and_send_no_config(result: dict[str, Any]) -> None:
    s = steps(result)
    for name in ("full plan (cold)", "no-change plan", "scoped plan (1 occ.)",
                 "site plan (--site)"):
        step = s[name]
        assert step["round_trips"] == step["min_round_trips"] == step["targets"], name
        assert step["reads"] == step["targets"], name
        assert step["config_lines"] == 0 and step["writes"] == 0, name
    assert s["full plan (cold)"]["targets"] == result["sizes"]["switches"] == 6
    # --changed-since: the targets holding the moved occupier's resources (its site, and a
    # second site where it has a contract too); --site: the two switches of the site.
    assert 2 <= s["scoped plan (1 occ.)"]["targets"] <= 4
    assert s["site plan (--site)"]["targets"] == 2


def test_applies_send_exactly_the_changed_lines(result: dict[str, Any]) -> None:
    s = steps(result)
    first, move = s["first apply (all)"], s["apply one space move"]
    assert first["config_lines"] == first["min_config_lines"] > 0
    assert first["changed_targets"] == first["writes"] == 6
    # A space move of two ports: each port gets VLAN, description and enabled (+ header).
    assert move["config_lines"] == move["min_config_lines"] == 16
    assert move["changed_targets"] == move["writes"] == 1


def test_apply_round_trips_are_plan_reads_plus_check_write_verify(result: dict[str, Any]) -> None:
    for step in (steps(result)["first apply (all)"], steps(result)["apply one space move"]):
        # One plan read per target; per changed target the preflight read (every target
        # checked before any is touched), the stale-plan re-read right before the write,
        # the write (one configuration session) and the verifying read.
        assert step["round_trips"] == step["targets"] + 4 * step["changed_targets"]
        assert step["reads"] == step["targets"] + 3 * step["changed_targets"]


def test_exit_codes_follow_the_plan(result: dict[str, Any]) -> None:
    codes = {s["name"]: s["exit_code"] for s in result["steps"]}
    assert codes["full plan (cold)"] == 2 and codes["no-change plan"] == 0
    assert codes["scoped plan (1 occ.)"] == 2 and codes["apply one space move"] == 0


def test_console_build_writes_a_page_per_site_and_occupier(result: dict[str, Any]) -> None:
    step = steps(result)["console build"]
    sizes = result["sizes"]
    assert step["exit_code"] == 0
    # estate, status and search, plus one page per site and per occupier
    assert step["extra"]["pages"] == 3 + sizes["sites"] + sizes["occupiers"]
    assert 0 < step["extra"]["estate_page_bytes"] < step["extra"]["total_bytes"]
