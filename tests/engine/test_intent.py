"""compile(estate, at): dates decide what is effective; pure function of its inputs."""

from __future__ import annotations

import datetime as dt

import pytest

from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def estate():  # type: ignore[no-untyped-def]
    return load_estate(REPO_ROOT)


def ports(state, target):  # type: ignore[no-untyped-def]
    return {r.key: dict(r.attrs) for r in state.resources[target] if r.kind == "port"}


def kinds(state, target, kind):  # type: ignore[no-untyped-def]
    return {r.key: dict(r.attrs) for r in state.resources[target] if r.kind == kind}


def test_future_occupancy_applies_on_its_day(estate) -> None:  # type: ignore[no-untyped-def]
    before = ports(compile_estate(estate, dt.date(2026, 11, 30)), "lon1/acc-3a")
    after = ports(compile_estate(estate, dt.date(2026, 12, 1)), "lon1/acc-3a")
    assert before["Ethernet5"]["vlan"] == 999 and before["Ethernet5"]["enabled"] is False
    assert after["Ethernet5"] == {"mode": "access", "vlan": 102, "voice_vlan": 20,
                                  "description": "occ:acme space:3.02", "enabled": True}
    assert before["Ethernet1"] == after["Ethernet1"]  # 3.01 unchanged


def test_space_move_swaps_exactly_two_spaces(estate) -> None:  # type: ignore[no-untyped-def]
    a = ports(compile_estate(estate, dt.date(2027, 1, 14)), "lon1/acc-2a")
    b = ports(compile_estate(estate, dt.date(2027, 1, 15)), "lon1/acc-2a")
    changed = {k for k in a if a[k] != b[k]}
    assert changed == {"Ethernet5", "Ethernet6", *(f"Ethernet{i}" for i in range(13, 19))}
    assert a["Ethernet5"]["description"] == "occ:orbit-analytics space:2.02"
    assert b["Ethernet5"]["description"] == "vacant space:2.02"
    assert b["Ethernet13"]["vlan"] == 103 and b["Ethernet13"]["voice_vlan"] is None


def test_ended_contract_with_deprovision_is_torn_down(estate) -> None:  # type: ignore[no-untyped-def]
    last = compile_estate(estate, dt.date(2026, 9, 30))
    gone = compile_estate(estate, dt.date(2026, 10, 1))
    assert kinds(last, "lon1/core1", "vlan")["100"] == {"name": "bluefin-media"}
    assert ports(last, "lon1/acc-2a")["Ethernet7"]["vlan"] == 100
    assert ports(gone, "lon1/acc-2a")["Ethernet7"]["vlan"] == 999
    # The VLAN is reused by the next occupier the day after (allocation saw the gap).
    assert kinds(gone, "lon1/core1", "vlan")["100"] == {"name": "harbour-coffee"}


def test_contract_end_removes_one_site_only(estate) -> None:  # type: ignore[no-untyped-def]
    s = compile_estate(estate, dt.date(2027, 1, 5))
    assert "102" not in kinds(s, "lon1/core1", "vlan")
    assert "Vlan102" not in kinds(s, "lon1/core1", "svi")
    assert "101" in kinds(s, "man1/core1", "vlan")  # acme stays in Manchester


def test_upcoming_contract_not_provisioned(estate) -> None:  # type: ignore[no-untyped-def]
    before = compile_estate(estate, dt.date(2027, 1, 31))
    on = compile_estate(estate, dt.date(2027, 2, 1))
    assert "102" not in kinds(before, "man1/core1", "vlan")
    assert kinds(on, "man1/core1", "svi")["Vlan102"] == {"address": "172.17.2.1/24",
                                                        "helpers": ["10.254.0.5"]}


def test_trunks_carry_active_vlans_and_voice(estate) -> None:  # type: ignore[no-untyped-def]
    s = compile_estate(estate, dt.date(2026, 11, 25))
    assert kinds(s, "lon1/acc-3a", "trunk") == {"Ethernet49": {"vlans": [20, 100, 101, 102, 103]}}
    assert kinds(s, "lon1/core1", "trunk")["Ethernet2"] == {"vlans": [20, 100, 101, 102, 103]}


def test_compile_is_pure(estate) -> None:  # type: ignore[no-untyped-def]
    a = compile_estate(estate, dt.date(2026, 11, 25))
    b = compile_estate(estate, dt.date(2026, 11, 25))
    assert {k: [r.to_json() for r in v] for k, v in a.resources.items()} == \
           {k: [r.to_json() for r in v] for k, v in b.resources.items()}
    assert a.targets == b.targets


def test_scope_lists_only_floor_ports(estate) -> None:  # type: ignore[no-untyped-def]
    spec = compile_estate(estate, dt.date(2026, 11, 25)).targets["lon1/acc-3a"]
    assert "Ethernet10" not in spec.scope["ports"]  # not patched to any space
    assert "Ethernet49" not in spec.scope["ports"]  # the uplink
    assert spec.scope["vlan_ranges"] == [[100, 899]]
