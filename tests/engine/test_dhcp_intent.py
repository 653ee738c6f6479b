"""Intent for DHCP scopes, SVI relays and public VLANs (pure, on the example estate)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from tests.conftest import REPO_ROOT, copy_estate

DAY, PUBLIC_DAY = dt.date(2026, 12, 15), dt.date(2027, 2, 15)


@pytest.fixture(scope="module")
def estate() -> Any:
    return load_estate(REPO_ROOT)


def of(state: Any, target: str, kind: str) -> dict[str, dict[str, Any]]:
    return {r.key: dict(r.attrs) for r in state.resources.get(target, []) if r.kind == kind}


def test_one_scope_per_occupier_range(estate: Any) -> None:
    s = compile_estate(estate, DAY)
    scopes = of(s, "lon1/dhcp", "dhcp_subnet")
    assert set(scopes) == {"172.16.0.0/24", "172.16.1.0/24", "172.16.2.0/24", "172.16.3.0/24"}
    assert scopes["172.16.1.0/24"] == {
        "id": 0xAC1001, "router": "172.16.1.1", "pool": "172.16.1.21-172.16.1.254",
        "dns_servers": ["10.255.0.53", "9.9.9.9"],
        "reservations": [{"name": "printer-2f", "mac": "3c:d9:2b:4e:11:02",
                          "address": "172.16.1.10"}]}
    owners = {r.key: r.owner for r in s.resources["lon1/dhcp"]}
    assert owners["172.16.2.0/24"] == "acme"
    assert s.targets["lon1/dhcp"].settings == {"url": "http://10.255.0.5:8000/"}
    assert s.targets["lon1/dhcp"].scope == {"site": "lon1"}


def test_scopes_follow_contract_dates(estate: Any) -> None:
    ended = of(compile_estate(estate, dt.date(2027, 1, 5)), "lon1/dhcp", "dhcp_subnet")
    assert "172.16.2.0/24" not in ended  # acme's London contract tore down
    assert "172.17.2.0/24" not in of(compile_estate(estate, dt.date(2027, 1, 31)), "man1/dhcp",
                                     "dhcp_subnet")
    assert "172.17.2.0/24" in of(compile_estate(estate, dt.date(2027, 2, 1)), "man1/dhcp",
                                 "dhcp_subnet")  # kestrel-labs starts


def test_dhcp_off_means_no_scope_and_no_relay(estate: Any) -> None:
    s = compile_estate(estate, PUBLIC_DAY)
    assert "172.16.2.0/24" not in of(s, "lon1/dhcp", "dhcp_subnet")  # quayside: dhcp: false
    svis = of(s, "lon1/core1", "svi")
    assert svis["Vlan102"] == {"address": "172.16.2.1/24", "helpers": []}
    assert svis["Vlan103"] == {"address": "172.16.3.1/24", "helpers": ["10.255.0.5"]}


def test_public_block_is_layer_two_only(estate: Any) -> None:
    s = compile_estate(estate, PUBLIC_DAY)
    assert of(s, "lon1/core1", "vlan")["870"] == {"name": "quayside-trading-public"}
    assert "Vlan870" not in of(s, "lon1/core1", "svi")
    ports = of(s, "lon1/acc-3a", "port")
    assert ports["Ethernet11"] == {"mode": "access", "vlan": 870, "voice_vlan": None,
                                   "description": "occ:quayside-trading space:3.06 router",
                                   "enabled": True}
    assert ports["Ethernet12"]["vlan"] == 102  # the other ports of 3.06: private VLAN
    assert 870 in of(s, "lon1/acc-3a", "trunk")["Ethernet49"]["vlans"]
    assert 870 in of(s, "lon1/core1", "trunk")["Ethernet1"]["vlans"]
    before = compile_estate(estate, dt.date(2027, 1, 31))
    assert "870" not in of(before, "lon1/core1", "vlan")
    assert of(before, "lon1/acc-3a", "port")["Ethernet11"]["vlan"] == 999  # vacant


def test_a_site_without_dhcp_has_no_target_and_no_relay(tmp_path: Path) -> None:
    root = copy_estate(tmp_path / "estate")
    site = root / "sites" / "man1.yaml"
    site.write_text("".join(ln for ln in site.read_text().splitlines(keepends=True)
                            if not ln.startswith("dhcp:")))
    s = compile_estate(load_estate(root), DAY)
    assert "man1/dhcp" not in s.targets
    assert of(s, "man1/core1", "svi")["Vlan101"] == {"address": "172.17.1.1/24"}
    assert "svi_helpers" not in s.targets["man1/core1"].scope
    assert s.targets["lon1/core1"].scope["svi_helpers"] is True


def test_svi_template_adds_and_removes_only_the_relay() -> None:
    from reconciler.engine.resources import Change
    from reconciler.targets._render import render_changes

    on = {"address": "172.16.2.1/24", "helpers": ["10.255.0.5"]}
    off = {"address": "172.16.2.1/24", "helpers": []}
    assert render_changes("arista_eos", [Change("update", "t", "svi", "Vlan102", on, off,
                                                fields=("helpers",))]) == [
        "interface Vlan102", "   no ip helper-address 10.255.0.5"]
    assert render_changes("arista_eos", [Change("create", "t", "svi", "Vlan102", None, on)]) == [
        "interface Vlan102", "   ip address 172.16.2.1/24", "   ip helper-address 10.255.0.5"]
