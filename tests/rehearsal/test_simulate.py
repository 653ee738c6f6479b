"""`reconciler simulate`: the calendar rehearsal over the example estate and a generated one.

Each run starts its own lab (real FreeRADIUS and Kea) and checks every invariant from
the outside on every event day; the Wi-Fi controller is told to take more requests per
second than the real Dashboard's 10 so that the walk stays quick.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.lab.generate import Sizes, write_estate
from reconciler.model.estate import load_estate
from tests.radius.legacy_design import force_legacy_design
from tests.rehearsal.nova import ADA, add_nova

pytestmark = pytest.mark.lab
KINDS = {"pap", "peap", "mac", "port", "pbx", "dhcp", "wifi"}


def _simulate(cli: Callable[..., Any], root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    res = cli("simulate", "--repo", str(root), "--format", "json", "--wifi-rate", "1000", *args)
    return res.exit_code, json.loads(res.stdout)


def _violations(report: dict[str, Any]) -> list[str]:
    return [f"{v['day']} {v['check']} {v['where']}: {v['detail']}"
            for d in report["days"] for v in d["violations"]]


def test_the_example_estate_holds_on_every_day(estate_dir: Path,
                                               cli: Callable[..., Any]) -> None:
    code, report = _simulate(cli, estate_dir, "--from", "2026-09-01", "--to", "2027-03-01")
    assert (code, _violations(report)) == (0, [])
    assert [d["day"] for d in report["days"]] == [
        "2026-09-01",  # applied as a merge leaves it
        "2026-10-01",  # Bluefin torn down (ended 09-30), Harbour Coffee starts
        "2026-12-01",  # Acme moves into 3.02
        "2027-01-05",  # Acme's London contract ended (teardown)
        "2027-01-15",  # Orbit moves from 2.02 to 2.05
        "2027-01-25",  # Kestrel's Wi-Fi accounts, a week ahead of its start
        "2027-02-01",  # Kestrel and Quayside start
    ]
    for d in report["days"]:
        assert KINDS <= {k for k, n in d["checks"].items() if n}, d
        assert d["checks"].get("journal", 0) == d["changes"] > 0, d


def test_a_generated_estate_holds_over_two_years(tmp_path: Path,
                                                 cli: Callable[..., Any]) -> None:
    root = tmp_path / "gen"
    known = frozenset({"arista_eos", "meraki", "freeradius", "asterisk", "kea"})
    write_estate(Sizes(2, 56, 60, switches=4, seed=3, platforms=known, timeline=True), root)
    estate = load_estate(root)
    first, last = dt.date(2026, 1, 1), dt.date(2027, 12, 31)
    contracts = [c for o in estate.occupiers.values() for c in o.contracts]
    in_window = [c for c in contracts if first < c.start <= last]
    ends = [c for c in contracts if c.end and first <= c.end < last and c.deprovision_on_end]
    moves = [o for c in contracts for o in c.occupancies if o.move_out and first <= o.move_out]
    assert len(estate.occupiers) >= 50
    assert len(in_window) >= 20 and len(ends) >= 8 and len(moves) >= 5
    code, report = _simulate(cli, root, "--from", str(first), "--to", str(last))
    assert (code, _violations(report)) == (0, [])
    assert len(report["days"]) >= 7  # the first, then starts, leads, moves, ends
    assert sum(d["checks"].get("pap", 0) for d in report["days"]) > 1000


def test_the_rehearsal_catches_the_contract_end_leak_of_the_earlier_design(
        estate_dir: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    add_nova(estate_dir)
    force_legacy_design(monkeypatch)
    code, report = _simulate(cli, estate_dir, "--from", "2027-12-31", "--to", "2028-01-01",
                             "--site", "lon1")
    assert code == 1
    found = _violations(report)
    assert not [v for v in found if v.startswith("2027-12-31")], found
    for check, nas in (("pap", "lon1-wlc"), ("pap", "man1-wlc"), ("pap", "no-such-site-wlc"),
                       ("peap", "man1-wlc")):
        assert f"2028-01-01 {check} {ADA} at {nas}: got Access-Accept, no VLAN, the estate " \
            "says Access-Reject" in found, found
    assert any(v.startswith("2028-01-01 drift lon1: exit 2") for v in found), found
