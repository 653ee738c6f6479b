"""`reconciler allocate` for voice: numbers from the ranges, voice lines, extensions, main
numbers, and the cooldown of released numbers read from git history (throwaway repos)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest

from reconciler import clock
from reconciler.intent.allocate import plan_allocations
from reconciler.model.estate import load_estate, load_files
from reconciler.model.history import read_history

SITE = """\
id: s1
name: Site One
pools:
  occupier_vlans: 100-199
  private: 10.10.0.0/16
  numbers: ["+441110000000-+441110000009", "+442220000000-+442220000001"]
  extensions: 200-299
vacant: {vlan: 999}
pbx: {credentials: pbx, provisioning_dir: prov, number_cooldown_days: 90, reception: 200}
support: {phone: "+441110000000"}
"""

OCC = """\
# A tenant with phones.
id: {id}
name: Tenant {id}
contracts:
  - site: s1
    start: 2026-01-01   # first day
    services:
      voice: {{lines: {lines}}}
    network: {{vlan: {vlan}, subnet: 10.10.{vlan}.0/24}}
{extra}users:
  - {{email: a@{id}.example, name: A, role: admin}}
"""


def occupier(id_: str, lines: int, vlan: int, extra: str = "") -> str:
    return OCC.format(id=id_, lines=lines, vlan=vlan, extra=extra)


def repo_with(root: Path) -> git.Repo:
    (root / "sites").mkdir(parents=True)
    (root / "occupiers").mkdir()
    (root / "sites" / "s1.yaml").write_text(SITE)
    return git.Repo.init(root)


def commit(repo: git.Repo, message: str, when: dt.datetime) -> None:
    repo.git.add(A=True)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
    repo.index.commit(message, author_date=stamp, commit_date=stamp)


def numbers_of(root: Path, occ: str) -> list[tuple[str, int | None]]:
    c = load_estate(root).occupiers[occ].contracts[0]
    return [(n.number, n.extension) for n in c.numbers]


def test_numbers_fill_the_voice_lines_from_the_ranges(tmp_path: Path,
                                                      cli: Callable[..., Any]) -> None:
    repo_with(tmp_path)
    # 12 numbers in the ranges, the support line is the site's: 11 to hand out.
    (tmp_path / "occupiers" / "aa.yaml").write_text(occupier("aa", 3, 101))
    (tmp_path / "occupiers" / "bb.yaml").write_text(occupier("bb", 2, 102))
    res = cli("validate", "--repo", tmp_path)
    assert res.exit_code == 1 and "3 voice lines but 0 numbers" in res.output
    assert "[allocation-missing]" in res.output and "main number" in res.output
    res = cli("allocate", "--repo", tmp_path)
    assert res.exit_code == 0, res.output
    estate = load_estate(tmp_path)
    a, b = (estate.occupiers[o].contracts[0] for o in ("aa", "bb"))
    assert a.main_number and a.main_number.number == "+441110000001"
    assert [(n.number, n.extension) for n in a.numbers] == [
        ("+441110000002", 201), ("+441110000003", 202), ("+441110000004", 203)]
    assert b.main_number and b.main_number.number == "+441110000005"
    assert [n.number for n in b.numbers] == ["+441110000006", "+441110000007"]
    assert [n.extension for n in b.numbers] == [204, 205]  # 200 is the site's reception
    text = (tmp_path / "occupiers" / "aa.yaml").read_text()
    assert text.startswith("# A tenant with phones.\n") and "start: 2026-01-01   # first day" in text
    assert '    main_number: "+441110000001"\n    numbers:\n      - {number: "+441110000002", ' \
           'extension: 201}\n' in text
    assert cli("validate", "--repo", tmp_path).exit_code == 0
    assert cli("allocate", "--check", "--repo", tmp_path).exit_code == 0


def test_more_lines_append_to_the_existing_list_and_fill_missing_extensions(
        tmp_path: Path, cli: Callable[..., Any]) -> None:
    repo_with(tmp_path)
    extra = ('    main_number: "+441110000009"\n    numbers:\n'
             '      - {number: "+441110000005", extension: 250}\n'
             '      - number: "+441110000006"   # kept as typed\n')
    (tmp_path / "occupiers" / "aa.yaml").write_text(occupier("aa", 4, 101, extra))
    before = (tmp_path / "occupiers" / "aa.yaml").read_text()
    assert cli("allocate", "--repo", tmp_path).exit_code == 0
    assert numbers_of(tmp_path, "aa") == [("+441110000005", 250), ("+441110000006", 201),
                                         ("+441110000001", 202), ("+441110000002", 203)]
    after = (tmp_path / "occupiers" / "aa.yaml").read_text()
    assert "# kept as typed" in after
    kept = [ln for ln in before.splitlines() if "+441110000006" not in ln]
    assert all(ln in after.splitlines() for ln in kept)


def test_running_out_of_numbers_is_an_error_naming_the_pool(tmp_path: Path,
                                                            cli: Callable[..., Any]) -> None:
    repo_with(tmp_path)
    (tmp_path / "occupiers" / "aa.yaml").write_text(occupier("aa", 20, 101))
    res = cli("allocate", "--repo", tmp_path)
    assert res.exit_code == 1
    assert "no free number left at s1" in res.output and "sites/s1.yaml" in res.output


def test_released_numbers_wait_for_the_cooldown(tmp_path: Path) -> None:
    repo = repo_with(tmp_path)
    # Commits are dated relative to the product's today, the day the cooldown is judged on.
    now = dt.datetime.combine(clock.today(), dt.time(12), tzinfo=dt.UTC)
    extra = ('    main_number: "+441110000001"\n    numbers:\n'
             '      - {number: "+441110000002", extension: 201}\n'
             '      - {number: "+441110000003", extension: 202}\n')
    (tmp_path / "occupiers" / "old.yaml").write_text(occupier("old", 2, 101, extra))
    commit(repo, "old tenant with phones", now - dt.timedelta(days=400))
    # The main number was released 200 days ago (cooldown over), the two lines 10 days ago.
    (tmp_path / "occupiers" / "old.yaml").write_text(occupier("old", 2, 101, re.sub(
        r'    main_number: .*\n', "", extra)))
    commit(repo, "main number released", now - dt.timedelta(days=200))
    (tmp_path / "occupiers" / "old.yaml").unlink()
    commit(repo, "old tenant leaves", now - dt.timedelta(days=10))

    hist = read_history(tmp_path)
    released = hist.released("s1", "number", "+441110000002")
    assert released is not None and (now.replace(tzinfo=None) - released).days == 10
    assert hist.holder("s1", "number", "+441110000002",
                       (now - dt.timedelta(days=100)).replace(tzinfo=None)) == "old"

    (tmp_path / "occupiers" / "new.yaml").write_text(occupier("new", 3, 102))
    edits, errors = plan_allocations(load_files(tmp_path)[0])
    assert not errors
    got = [(e.key, e.value) for e in edits]
    assert got == [("main_number", "+441110000001"),
                   ("numbers", [{"number": "+441110000004", "extension": 201},
                                {"number": "+441110000005", "extension": 202},
                                {"number": "+441110000006", "extension": 203}])]


def test_a_contract_that_ended_lately_keeps_its_numbers_out_of_reach(tmp_path: Path) -> None:
    repo_with(tmp_path)
    ended = (clock.today() - dt.timedelta(days=30)).isoformat()
    extra = ('    main_number: "+441110000001"\n    numbers:\n'
             '      - {number: "+441110000002", extension: 201}\n')
    text = occupier("old", 1, 101, extra).replace(
        "    start: 2026-01-01   # first day\n",
        f"    start: 2025-01-01\n    end: {ended}\n    deprovision_on_end: true\n")
    (tmp_path / "occupiers" / "old.yaml").write_text(text)
    (tmp_path / "occupiers" / "new.yaml").write_text(occupier("new", 1, 102))
    edits, errors = plan_allocations(load_files(tmp_path)[0])
    assert not errors
    assert [(e.file, e.key, e.value) for e in edits] == [
        ("occupiers/new.yaml", "main_number", "+441110000003"),
        # Extension 201 was the old tenant's while the new contract (from 2026-01-01) ran.
        ("occupiers/new.yaml", "numbers", [{"number": "+441110000004", "extension": 202}])]


@pytest.mark.parametrize("route,message", [
    ("{to: reception}", "has no pbx.reception"),
])
def test_routes_need_what_they_name(tmp_path: Path, cli: Callable[..., Any], route: str,
                                    message: str) -> None:
    repo_with(tmp_path)
    (tmp_path / "sites" / "s1.yaml").write_text(SITE.replace(", reception: 200", ""))
    extra = (f'    main_number: {{number: "+441110000001", in_hours: {route}}}\n'
             '    numbers:\n      - {number: "+441110000002", extension: 201}\n')
    (tmp_path / "occupiers" / "aa.yaml").write_text(occupier("aa", 1, 101, extra))
    res = cli("validate", "--repo", tmp_path)
    assert res.exit_code == 1
    assert re.search(r"occupiers/aa.yaml:\d+:\d+: \[main-number\] in_hours goes to reception",
                     res.output), res.output


def test_a_voice_service_needs_number_ranges_at_its_site(tmp_path: Path,
                                                         cli: Callable[..., Any]) -> None:
    repo_with(tmp_path)
    (tmp_path / "sites" / "s1.yaml").write_text(re.sub(r"  numbers: .*\n", "", SITE))
    (tmp_path / "occupiers" / "aa.yaml").write_text(occupier("aa", 1, 101))
    res = cli("validate", "--repo", tmp_path)
    assert res.exit_code == 1
    assert re.search(r"occupiers/aa.yaml:8:7: \[number-range\] site s1 has no number ranges",
                     res.output), res.output


@pytest.mark.parametrize("today", ["2026-11-26", "2027-01-20", "2031-06-01"])
def test_numbers_allocated_on_any_day_pass_validation(
        tmp_path: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
        today: str) -> None:
    """A contract running since 2026 that adds voice years later must not get numbers another
    occupier held while both contracts ran (acme's, ended 2027-01-04): validation judges the
    whole contract, and so must allocation, whatever the day."""
    from tests.conftest import copy_estate

    repo = copy_estate(tmp_path / "estate")
    path = repo / "occupiers" / "harbour-coffee.yaml"
    path.write_text(path.read_text().replace(
        "      internet: {bandwidth_mbps: 50}\n",
        "      internet: {bandwidth_mbps: 50}\n      voice: {lines: 2}\n"))
    monkeypatch.setenv("RECONCILER_TODAY", today)
    assert cli("allocate", "--repo", repo).exit_code == 0
    res = cli("validate", "--repo", repo)
    assert res.exit_code == 0, res.output
    held_by_acme = {"+442079460101", "+442079460102", "+442079460120", "+442079460121",
                    "+442079460122"}
    assert not held_by_acme & set(re.findall(r'"(\+\d+)"', path.read_text()))
