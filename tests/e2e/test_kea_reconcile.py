"""DHCP end to end: the estate's scopes on real Kea servers, relays on the core, public IPs."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from reconciler.labplan import kea_installed
from tests.conftest import REPO_ROOT

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = [pytest.mark.lab,
              pytest.mark.skipif(not kea_installed(), reason="kea-dhcp4 is not installed "
                                 "(Debian package kea-dhcp4-server)")]

PUBLIC_DAY = "2027-02-01"  # Quayside Trading moves into 3.06 with its own router
DAY = "2026-12-15"  # both of Acme's contracts run
GIADDR = "172.16.1.1"  # Greenleaf Studio's gateway at lon1: the relay's address


def subnets(lab_estate: LabEstate, target: str) -> dict[str, dict[str, Any]]:
    return {s["subnet"]: s for s in lab_estate.lab.handle("kea").server(target).subnets()}


def test_apply_puts_exactly_the_managed_scopes_on_kea(lab_estate: LabEstate) -> None:
    hand_made = json.dumps(subnets(lab_estate, "lon1/dhcp")["192.0.2.0/24"], sort_keys=True)
    assert lab_estate.cli("apply", "--yes", "--at", DAY).exit_code == 0
    lon = subnets(lab_estate, "lon1/dhcp")
    assert set(lon) == {"192.0.2.0/24", "172.16.0.0/24", "172.16.1.0/24", "172.16.2.0/24",
                        "172.16.3.0/24"}
    assert json.dumps(lon["192.0.2.0/24"], sort_keys=True) == hand_made
    acme = lon["172.16.2.0/24"]
    assert [p["pool"] for p in acme["pools"]] == ["172.16.2.21-172.16.2.254"]
    assert {o["name"]: o["data"] for o in acme["option-data"]} == {
        "routers": "172.16.2.1", "domain-name-servers": "10.255.0.53, 9.9.9.9"}
    assert acme["reservations"] == []
    greenleaf = lon["172.16.1.0/24"]["reservations"]
    assert [(r["hostname"], r["hw-address"], r["ip-address"]) for r in greenleaf] \
        == [("printer-2f", "3c:d9:2b:4e:11:02", "172.16.1.10")]
    man = subnets(lab_estate, "man1/dhcp")
    assert set(man) == {"192.0.2.0/24", "172.17.0.0/24", "172.17.1.0/24"}
    assert [(r["hostname"], r["ip-address"]) for r in man["172.17.1.0/24"]["reservations"]] \
        == [("printer-m1", "172.17.1.10")]
    # The core relays each occupier VLAN to the site's DHCP server.
    core = lab_estate.eos("lon1/core1").running_config()
    assert "interface Vlan102\n   ip address 172.16.2.1/24\n   ip helper-address 10.255.0.5" \
        in core
    rc, again = lab_estate.plan_json("--at", DAY)
    assert rc == 0 and again["summary"] == {"create": 0, "update": 0, "delete": 0}


def test_scopes_follow_contracts_by_date(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", DAY).exit_code == 0
    # Acme's London contract ends 2027-01-04 with teardown: its scope goes, no other.
    rc, plan = lab_estate.plan_json("--at", "2027-01-05", "--target", "lon1/dhcp")
    assert rc == 2
    changes = [(c["op"], c["key"], c["owner"]) for t in plan["targets"] for c in t["changes"]]
    assert changes == [("delete", "172.16.2.0/24", "acme")]


def test_public_ip_is_layer_two_on_the_router_port(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", PUBLIC_DAY).exit_code == 0
    acc = lab_estate.eos("lon1/acc-3a").running_config()
    assert "interface Ethernet11\n   description occ:quayside-trading space:3.06 router\n" \
           "   switchport access vlan 870" in acc
    core = lab_estate.eos("lon1/core1").running_config()
    assert "vlan 870\n   name quayside-trading-public" in core
    assert "interface Vlan870" not in core  # no gateway: the occupier's router has the block
    # dhcp: false: no scope on Kea and no relay on its gateway (its router serves addresses).
    assert "172.16.2.0/24" not in subnets(lab_estate, "lon1/dhcp")
    vlan102 = core.split("interface Vlan102\n", 1)[1].split("\n!", 1)[0]
    assert "helper-address" not in vlan102
    assert lab_estate.plan_json("--at", PUBLIC_DAY)[0] == 0


@pytest.fixture
def netns() -> Iterator[str]:
    """A network namespace whose loopback also holds an occupier gateway address."""
    name = f"rcl-{uuid.uuid4().hex[:8]}"
    res = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True,
                         check=False)
    if res.returncode != 0:
        pytest.skip(reason=f"cannot create a network namespace (needs root and iproute2): "
                    f"{res.stderr.strip()}")
    try:
        for cmd in (["ip", "link", "set", "lo", "up"],
                    ["ip", "addr", "add", f"{GIADDR}/32", "dev", "lo"]):
            subprocess.run(["ip", "netns", "exec", name, *cmd], check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


def probe(ns: str, mac: str) -> dict[str, Any]:
    out = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-m",
                          "reconciler.lab.dhcp_probe", "--giaddr", GIADDR,
                          "--server", "127.0.0.1", "--mac", mac],
                         capture_output=True, text=True, cwd=REPO_ROOT, timeout=30, check=False)
    result: dict[str, Any] = json.loads(out.stdout or "{}")
    return result


def test_a_client_on_the_occupier_vlan_gets_a_lease(netns: str, tmp_path: Any,
                                                     cli: Any) -> None:
    """Apply through the CLI to a Kea in a namespace, then DISCOVER/REQUEST via the relay."""
    from reconciler.lab.kea import KeaServer
    from tests.conftest import copy_estate

    root = copy_estate(tmp_path / "estate")
    with KeaServer(netns=netns) as kea:
        endpoints = tmp_path / "endpoints.yaml"
        endpoints.write_text(f"targets:\n  lon1/dhcp: {{path: {kea.socket_path}}}\n")
        creds = tmp_path / "credentials.yaml"
        creds.write_text("lon1-dhcp: {username: kea, password: not-used-on-the-socket}\n")
        res = cli("apply", "--yes", "--at", DAY, "--target", "lon1/dhcp", "--repo", root,
                  "--endpoints", endpoints, "--credentials", creds)
        assert res.exit_code == 0, res.output
        lease = probe(netns, "02:00:00:aa:bb:cc")
        assert lease.get("routers") == [GIADDR], lease
        host = int(lease["address"].rsplit(".", 1)[1])
        assert lease["address"].startswith("172.16.1.") and 21 <= host <= 254
        assert lease["dns_servers"] == ["10.255.0.53", "9.9.9.9"]
        # Greenleaf's shared printer gets its reservation, outside the pool.
        assert probe(netns, "3c:d9:2b:4e:11:02")["address"] == "172.16.1.10"
        assert {r["address"] for r in kea.leases()} == {lease["address"], "172.16.1.10"}
