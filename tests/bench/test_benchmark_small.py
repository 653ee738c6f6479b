"""`benchmarks/run.py --size small` on the lab: its counts meet the minimums.

Counts, never times, for every system (EOS and IOS switches, the Meraki Dashboard,
RADIUS, the PBX, Kea), as the lab counted them: each plan reads every target at its
floor, an apply sends exactly the configuration lines the change needs, each change
is written once, and the round trips of an apply are known.
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


PLANS = ("full plan (cold)", "no-change plan", "scoped plan (1 occ.)", "site plan (--site)")
EVERY = {"arista_eos", "cisco_ios", "meraki", "freeradius", "asterisk", "kea"}


def test_every_system_is_generated_and_counted_by_the_lab(result: dict[str, Any]) -> None:
    full = steps(result)["full plan (cold)"]
    assert set(result["platforms"]) == EVERY
    assert set(full["by_platform"]) == EVERY
    assert all(p["targets"] > 0 and p["round_trips"] > 0 for p in full["by_platform"].values())


def test_plans_read_each_target_at_its_floor_and_write_nothing(result: dict[str, Any]) -> None:
    for name in PLANS:
        by = steps(result)[name]["by_platform"]
        for platform, p in by.items():
            assert p["writes"] == 0 and p.get("config_lines", 0) == 0, (name, platform)
        eos = by["arista_eos"]
        assert eos["round_trips"] == eos["min_round_trips"] == eos["reads"] == eos["targets"]
        # Two GETs per network (policies, identity PSKs): the API's floor; never a 429.
        wifi = by["meraki"]
        assert wifi["round_trips"] == wifi["min_round_trips"] == 2 * wifi["targets"], name
        assert wifi["rate_limited"] == 0
        assert by["kea"]["round_trips"] == by["kea"]["min_round_trips"] == by["kea"]["targets"]
        assert by["kea"]["by_word"] == {"config-get": by["kea"]["targets"]}
        ios = by["cisco_ios"]
        # One SSH session per switch; netmiko's session set-up (terminal width and
        # length, enable) around the two reads, and an `exit` that the switch may not
        # read before the client closes.
        assert ios["sessions"] == ios["reads"] == ios["targets"], name
        assert ios["by_word"].get("show") == 2 * ios["targets"], name
        assert 5 * ios["targets"] <= ios["round_trips"] <= 6 * ios["targets"], name
        if "freeradius" in by:  # one query per table, plus one schema check, and a plan
            # that creates logins looks their names up once (none may be someone else's).
            radius = by["freeradius"]
            creates = 1 if radius["changed"] else 0
            assert radius["round_trips"] == radius["min_round_trips"] + 1 + creates, name
        if "asterisk" in by:  # one query per table per site (the floor is per server)
            assert by["asterisk"]["round_trips"] == 5 * by["asterisk"]["targets"], name
    s = steps(result)
    assert s["full plan (cold)"]["targets"] == 16  # 6 switches, 3 of Wi-Fi, PBX, DHCP; RADIUS
    # --changed-since: the targets holding the moved occupier's resources (its site);
    # --site: every target of the site.
    assert 2 <= s["scoped plan (1 occ.)"]["targets"] <= s["site plan (--site)"]["targets"]


def test_applies_send_exactly_the_changed_lines(result: dict[str, Any]) -> None:
    s = steps(result)
    first, move = s["first apply (all)"], s["apply one space move"]
    assert first["config_lines"] == first["min_config_lines"] > 0
    switches = [first["by_platform"][p] for p in ("arista_eos", "cisco_ios")]
    assert sum(p["writes"] for p in switches) == sum(p["changed"] for p in switches) == 6
    # A space move of two ports: each port gets VLAN, description and enabled (+ header).
    assert move["config_lines"] == move["min_config_lines"] == 16
    assert sum(p["writes"] for p in move["by_platform"].values()) == 1


def test_apply_round_trips_are_plan_reads_plus_check_write_verify(result: dict[str, Any]) -> None:
    first = steps(result)["first apply (all)"]["by_platform"]
    eos = first["arista_eos"]
    # One plan read per target; per changed target the preflight read (every target
    # checked before any is touched), the stale-plan re-read right before the write,
    # the write (one configuration session), the verifying read and, once the whole
    # run is verified, the save (`copy running-config startup-config`).
    assert eos["round_trips"] == eos["targets"] + 5 * eos["changed"]
    assert eos["reads"] == eos["targets"] + 3 * eos["changed"]
    # The same shape on the Dashboard and on Kea: each change written once.
    wifi = first["meraki"]  # (requests the Dashboard refused with 429 are counted apart)
    assert wifi["writes"] == wifi["changes"]
    assert wifi["round_trips"] == wifi["reads"] + wifi["writes"] + wifi["rate_limited"]
    assert wifi["by_word"]["getNetworkGroupPolicies"] == wifi["targets"] + 3 * wifi["changed"]
    kea = first["kea"]["by_word"]
    assert kea["config-get"] == first["kea"]["targets"] + 4 * first["kea"]["changed"]
    assert kea["config-set"] == kea["config-write"] == first["kea"]["changed"]


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
