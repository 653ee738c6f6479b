"""Scoped plans (`--changed-since REF`) equal the full plan on the targets a change affects.

Each case commits the example estate, makes one kind of change in a throwaway git
repository, sets the live systems to what the base commit wanted, and compares
the full plan with the scoped one.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from reconciler.engine.plan import Plan, make_plan
from reconciler.gitops.planning import scoped
from reconciler.gitops.repo import EstateRepo
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from tests.gitops.conftest import AT, EstateGit, MemoryLive

ZEPHYR = """\
# A new occupier, onboarded by a pull request.
id: zephyr
name: Zephyr Design Ltd
contracts:
  - site: lon1
    start: 2026-11-01
    occupancies:
      - {space: "3.03", move_in: 2026-11-01}
    services:
      internet: {bandwidth_mbps: 100}
      wifi_secure: true
    network: {vlan: 104, subnet: 172.16.4.0/24}
users:
  - {email: ana@zephyr.example, name: Ana Lima, wifi_secure: true}
"""


def onboard(g: EstateGit) -> None:
    g.write("occupiers/zephyr.yaml", ZEPHYR)


def space_move(g: EstateGit) -> None:
    g.edit("occupiers/greenleaf-studio.yaml", '{space: "2.01", move_in: 2025-11-01}',
           '{space: "2.04", move_in: 2025-11-01}')


def new_user(g: EstateGit) -> None:
    g.edit("occupiers/harbour-coffee.yaml", "network: {vlan: 100, subnet: 172.16.0.0/24}",
           "network: {vlan: 100, subnet: 172.16.0.0/24}\nusers:\n"
           "  - {email: kim@harbour.example, name: Kim Lee, role: admin}")


def site_change(g: EstateGit) -> None:
    g.edit("sites/man1.yaml", "vacant: {vlan: 999, enabled: false, description: vacant}",
           "vacant: {vlan: 998, enabled: false, description: vacant}")


def offboard(g: EstateGit) -> None:
    g.delete("occupiers/orbit-analytics.yaml")


def many(g: EstateGit) -> None:
    onboard(g)
    space_move(g)
    site_change(g)


CASES: dict[str, tuple[Callable[[EstateGit], None], set[str], set[str]]] = {
    # change: (edit, sites whose targets must be in scope, sites that must not be)
    "onboard": (onboard, {"lon1"}, {"man1"}),
    "space-move": (space_move, {"lon1"}, {"man1"}),
    "new-user": (new_user, {"lon1"}, {"man1"}),
    "site-change": (site_change, {"man1"}, {"lon1"}),
    "offboard": (offboard, {"lon1"}, {"man1"}),
    "several": (many, {"lon1", "man1"}, set()),
}


def _changes(plan: Plan) -> set[str]:
    return {json.dumps(c.to_json(), sort_keys=True) for c in plan.changes}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("committed", [True, False], ids=["committed", "work-tree"])
def test_scoped_plan_equals_full_plan_on_affected_targets(
        case: str, committed: bool, estate_git: EstateGit, memory_live: MemoryLive,
        no_creds: Callable[[], object]) -> None:
    edit, in_scope, out_of_scope = CASES[case]
    root = estate_git.root
    base_state = compile_estate(load_estate(root), AT)
    base = estate_git.repo.head.commit.hexsha
    memory_live.load(base_state.resources)  # the base commit was applied
    edit(estate_git)
    if committed:
        estate_git.commit(case)

    now = compile_estate(load_estate(root, check_allocations=False), AT)
    registry = memory_live.registry({s.platform for s in now.targets.values()})
    full = make_plan(now, registry, no_creds())  # type: ignore[arg-type]
    sub, scope = scoped(root, now, base)
    assert scope is not None and not scope.full
    part = make_plan(sub, registry, no_creds())  # type: ignore[arg-type]

    changed = {t.target for t in full.targets if t.changes}
    assert changed <= scope.targets, f"{case}: full plan changes {changed - scope.targets} " \
                                     "outside the scope"
    assert _changes(part) == _changes(full), case
    sites = {now.targets[t].site for t in scope.targets}
    assert in_scope <= sites and not (out_of_scope & sites), (case, sites)
    # A site file change takes the whole site.
    if "site" in case or case == "several":
        assert {t for t, s in now.targets.items() if s.site == "man1"} <= scope.targets


def test_onboarding_plans_the_new_occupier_and_nothing_else(
        estate_git: EstateGit, memory_live: MemoryLive, no_creds: Callable[[], object]) -> None:
    root = estate_git.root
    memory_live.load(compile_estate(load_estate(root), AT).resources)
    base = estate_git.repo.head.commit.hexsha
    onboard(estate_git)
    estate_git.commit("onboard zephyr")
    now = compile_estate(load_estate(root), AT)
    sub, scope = scoped(root, now, base)
    assert scope is not None
    assert scope.occupiers == {"zephyr"} and scope.site_files == set()
    assert scope.targets == {"lon1/core1", "lon1/acc-2a", "lon1/acc-3a", "lon1/wifi", "radius",
                             "lon1/dhcp"}
    platforms = {s.platform for s in sub.targets.values()}
    plan = make_plan(sub, memory_live.registry(platforms), no_creds())  # type: ignore[arg-type]
    owners = {c.owner for c in plan.changes}
    assert owners == {"zephyr", "(site)"}  # its VLAN, gateway, ports; the shared trunks
    ports = {c.key for c in plan.changes if c.kind == "port"}
    assert ports == {"Ethernet7", "Ethernet8"}  # space 3.03


def test_nothing_changed_plans_nothing(estate_git: EstateGit) -> None:
    now = compile_estate(load_estate(estate_git.root), AT)
    sub, scope = scoped(estate_git.root, now, "HEAD")
    assert scope is not None and scope.files == [] and sub.targets == {}


def test_unrelated_files_are_not_estate_changes(estate_git: EstateGit) -> None:
    (estate_git.root / "notes.md").write_text("hello\n")
    estate_git.commit("notes")
    repo = EstateRepo.open(estate_git.root)
    assert repo is not None
    assert repo.changed_files("HEAD~1") == ["notes.md"]
    now = compile_estate(load_estate(estate_git.root), AT)
    sub, scope = scoped(estate_git.root, now, "HEAD~1")
    assert scope is not None and scope.targets == set() and sub.targets == {}


def test_estate_in_a_subfolder_of_the_repository(tmp_path, memory_live) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import copy_estate
    outer = tmp_path / "ops"
    copy_estate(outer / "network")
    g = EstateGit(outer)
    base = g.repo.head.commit.hexsha
    g.edit("network/sites/man1.yaml", "vlan: 999, enabled: false",
           "vlan: 998, enabled: false")
    root = outer / "network"
    now = compile_estate(load_estate(root), AT)
    _, scope = scoped(root, now, base)
    assert scope is not None and scope.files == ["sites/man1.yaml"]
    assert {now.targets[t].site for t in scope.targets} == {"man1"}


def test_unknown_ref_is_a_clear_error(estate_git: EstateGit) -> None:
    from reconciler.errors import ConfigError
    now = compile_estate(load_estate(estate_git.root), AT)
    with pytest.raises(ConfigError, match="fetch-depth"):
        scoped(estate_git.root, now, "origin/nope")


def test_a_ref_whose_estate_does_not_load_plans_everything(estate_git: EstateGit) -> None:
    estate_git.write("occupiers/acme.yaml", "id: acme\nname: [broken\n")
    bad = estate_git.commit("broken")
    estate_git.repo.git.checkout("HEAD~1", "--", "occupiers/acme.yaml")
    now = compile_estate(load_estate(estate_git.root), AT)
    sub, scope = scoped(estate_git.root, now, bad)
    assert scope is not None and scope.full and set(sub.targets) == set(now.targets)
    assert "does not load" in scope.describe()
