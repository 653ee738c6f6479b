"""A VLAN or /24 an occupier released rests for the site's cooldown before anyone gets it.

Released means held by a contract that ended with teardown (still in the files), or
taken away by a commit (the git history says when), as for phone numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reconciler import clock
from reconciler.intent.allocate import plan_allocations
from reconciler.model.estate import load_files
from tests.model.test_allocate_numbers import commit, repo_with

OCC = """\
id: {id}
name: Tenant {id}
contracts:
  - site: s1
    start: {start}
{end}    services:
      internet: {{bandwidth_mbps: 100}}
{network}users:
  - {{email: a@{id}.example, name: A, role: admin}}
"""


def tenant(id_: str, start: dt.date, vlan: int | None = None, end: dt.date | None = None) -> str:
    net = f"    network: {{vlan: {vlan}, subnet: 10.10.{vlan - 100}.0/24}}\n" if vlan else ""
    ends = f"    end: {end}\n    deprovision_on_end: true\n" if end else ""
    return OCC.format(id=id_, start=start, end=ends, network=net)


def network_of(root: Path, occ: str) -> object:
    edits, errors = plan_allocations(load_files(root)[0])
    assert not errors
    return next(e.value for e in edits if e.file == f"occupiers/{occ}.yaml"
                and e.key == "network")


def test_a_contract_that_ended_lately_keeps_its_vlan_and_subnet_resting(tmp_path: Path) -> None:
    repo_with(tmp_path)
    today = clock.today()
    old = tmp_path / "occupiers" / "old.yaml"
    old.write_text(tenant("old", dt.date(2020, 1, 1), 100, today - dt.timedelta(days=10)))
    (tmp_path / "occupiers" / "new.yaml").write_text(tenant("new", today))
    assert network_of(tmp_path, "new") == {"vlan": 101, "subnet": "10.10.1.0/24"}
    # 40 days after the end the default 30-day cooldown is over: the lowest again.
    old.write_text(tenant("old", dt.date(2020, 1, 1), 100, today - dt.timedelta(days=40)))
    assert network_of(tmp_path, "new") == {"vlan": 100, "subnet": "10.10.0.0/24"}
    # The first day of use counts: a contract starting in 60 days waits for no cooldown,
    # one starting tomorrow after an end 10 days ago does.
    (tmp_path / "occupiers" / "new.yaml").write_text(
        tenant("new", today + dt.timedelta(days=60)))
    old.write_text(tenant("old", dt.date(2020, 1, 1), 100, today + dt.timedelta(days=20)))
    assert network_of(tmp_path, "new") == {"vlan": 100, "subnet": "10.10.0.0/24"}
    (tmp_path / "occupiers" / "new.yaml").write_text(
        tenant("new", today + dt.timedelta(days=31)))
    assert network_of(tmp_path, "new") == {"vlan": 101, "subnet": "10.10.1.0/24"}


def test_a_vlan_taken_away_by_a_commit_rests_for_the_site_cooldown(tmp_path: Path) -> None:
    repo = repo_with(tmp_path)
    now = dt.datetime.combine(clock.today(), dt.time(12), tzinfo=dt.UTC)
    old = tmp_path / "occupiers" / "old.yaml"
    old.write_text(tenant("old", dt.date(2020, 1, 1), 100))
    commit(repo, "old tenant", now - dt.timedelta(days=400))
    old.unlink()
    commit(repo, "old tenant leaves", now - dt.timedelta(days=10))
    (tmp_path / "occupiers" / "new.yaml").write_text(tenant("new", clock.today()))
    assert network_of(tmp_path, "new") == {"vlan": 101, "subnet": "10.10.1.0/24"}

    site = tmp_path / "sites" / "s1.yaml"
    site.write_text(site.read_text().replace("  extensions: 200-299\n",
                                             "  extensions: 200-299\n"
                                             "  network_cooldown_days: 7\n"))
    assert network_of(tmp_path, "new") == {"vlan": 100, "subnet": "10.10.0.0/24"}


def test_a_late_allocation_still_passes_validation(tmp_path: Path, cli: Any) -> None:
    """Allocated long after the start, the VLAN is still free over the whole contract."""
    repo_with(tmp_path)
    today = clock.today()
    start = today - dt.timedelta(days=400)
    (tmp_path / "occupiers" / "old.yaml").write_text(
        tenant("old", start - dt.timedelta(days=500), 100, start + dt.timedelta(days=100)))
    (tmp_path / "occupiers" / "new.yaml").write_text(tenant("new", start))
    assert network_of(tmp_path, "new") == {"vlan": 101, "subnet": "10.10.1.0/24"}
    res = cli("allocate", "--repo", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert cli("validate", "--repo", str(tmp_path)).exit_code == 0
