"""Public IP service: allocation from the site's public blocks and the rules around it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.model.estate import load_estate
from tests.model.test_validation import edit

QUAYSIDE = "occupiers/quayside-trading.yaml"
BLOCK_LINE = "    public_ip: {block: 203.0.113.8/29, vlan: 870}\n"
# A second occupier with its own router at London, in 3.06's neighbour spaces.
HARBOUR_PUBLIC = ("      internet: {bandwidth_mbps: 50}\n      public_ip: {size: 30}\n")


def located(out: str, rel: str, rule: str) -> int:
    m = re.search(rf"^{re.escape(rel)}:(\d+):(\d+): \[{re.escape(rule)}\] ", out, re.M)
    assert m, f"expected {rel}:line:col [{rule}] in:\n{out}"
    return int(m.group(1))


def give_harbour_a_router(estate_dir: Path) -> None:
    """Harbour Coffee leases 3.06 (router port) before Quayside, and wants a /30."""
    harbour = estate_dir / "occupiers" / "harbour-coffee.yaml"
    edit(harbour, "      internet: {bandwidth_mbps: 50}\n", HARBOUR_PUBLIC)
    edit(harbour, '      - {space: "3.04", move_in: 2026-10-01}',
         '      - {space: "3.04", move_in: 2026-10-01}\n'
         '      - {space: "3.06", move_in: 2026-10-01, move_out: 2027-01-31}')


def test_allocate_writes_the_lowest_free_block_back_keeping_the_file(
        estate_dir: Path, cli: Callable[..., Any]) -> None:
    path = estate_dir / QUAYSIDE
    original = path.read_text()
    path.write_text(original.replace(BLOCK_LINE, ""))
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1
    assert located(res.output, QUAYSIDE, "allocation-missing") == 14  # the public_ip service
    res = cli("allocate", "--repo", estate_dir)
    assert res.exit_code == 0, res.output
    # 203.0.113.0/29 is reserved: the next /29 is the lowest free, on the lowest free VLAN
    # (the example estate's hand-picked 870 was given back). Every other line is kept.
    assert "quayside-trading@lon1: public 203.0.113.8/29 on VLAN 104" in res.output
    assert path.read_text() == original.replace(BLOCK_LINE, BLOCK_LINE.replace("870", "104"))
    assert cli("allocate", "--check", "--repo", estate_dir).exit_code == 0


def test_a_second_block_comes_after_the_first_and_never_moves(
        estate_dir: Path, cli: Callable[..., Any]) -> None:
    give_harbour_a_router(estate_dir)
    res = cli("allocate", "--repo", estate_dir)
    assert res.exit_code == 0, res.output
    estate = load_estate(estate_dir)
    harbour = estate.occupiers["harbour-coffee"].contracts[0].public_ip
    quay = estate.occupiers["quayside-trading"].contracts[0].public_ip
    assert quay is not None and quay.block == "203.0.113.8/29"  # stable
    assert harbour is not None and harbour.block == "203.0.113.16/30"
    assert harbour.vlan not in (100, 101, 102, 103, 870)


def test_overlapping_blocks_are_refused(estate_dir: Path, cli: Callable[..., Any]) -> None:
    give_harbour_a_router(estate_dir)
    harbour = estate_dir / "occupiers" / "harbour-coffee.yaml"
    edit(harbour, "    network: {vlan: 100, subnet: 172.16.0.0/24}\n",
         "    network: {vlan: 100, subnet: 172.16.0.0/24}\n"
         "    public_ip: {block: 203.0.113.12/30, vlan: 105}\n")
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1
    rel = "occupiers/quayside-trading.yaml"
    line = located(res.output, rel, "public-overlap")
    assert "203.0.113.8/29" in (estate_dir / rel).read_text().splitlines()[line - 1]
    assert "overlaps 203.0.113.12/30 of occupier 'harbour-coffee'" in res.output


@pytest.mark.parametrize("old,new,rule", [
    ("block: 203.0.113.8/29", "block: 203.0.113.0/29", "public-reserved"),
    ("block: 203.0.113.8/29", "block: 198.51.100.8/29", "public-pool"),
    ("block: 203.0.113.8/29", "block: 203.0.113.8/30", "public-size"),
    ('space: "3.06"', 'space: "3.04"', "public-router-port"),
    ("public_ip: {size: 29}", "public_ip: {size: 28}", "schema"),
    ("block: 203.0.113.8/29", "block: 203.0.113.8/31", "schema"),
])
def test_public_block_rules(old: str, new: str, rule: str, estate_dir: Path,
                            cli: Callable[..., Any]) -> None:
    if rule == "public-router-port":  # 3.04 is Harbour's; free it first
        edit(estate_dir / "occupiers/harbour-coffee.yaml", '"3.04"', '"3.03"')
    edit(estate_dir / QUAYSIDE, old, new)
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1
    located(res.output, QUAYSIDE, rule)


def test_dhcp_off_is_fine_with_a_public_ip_only(estate_dir: Path,
                                                cli: Callable[..., Any]) -> None:
    assert cli("validate", "--repo", estate_dir).exit_code == 0  # Quayside: dhcp: false
    edit(estate_dir / QUAYSIDE, "      public_ip: {size: 29}\n", "")
    edit(estate_dir / QUAYSIDE, BLOCK_LINE, "")
    res = cli("validate", "--repo", estate_dir)
    assert located(res.output, QUAYSIDE, "dhcp-off") == 15


def test_public_pool_exhaustion_names_the_contract_and_the_fix(
        estate_dir: Path, cli: Callable[..., Any]) -> None:
    give_harbour_a_router(estate_dir)
    # Only the reserved /29 and Quayside's /29 fit: nothing is left for Harbour's /30.
    edit(estate_dir / "sites/lon1.yaml", "public: [203.0.113.0/26]", "public: [203.0.113.0/28]")
    res = cli("allocate", "--repo", estate_dir)
    assert res.exit_code == 1
    rel = "occupiers/harbour-coffee.yaml"
    line = located(res.output, rel, "allocation")
    assert "public_ip: {size: 30}" in (estate_dir / rel).read_text().splitlines()[line - 1]
    assert "no free /30 public block left at lon1" in res.output
    assert "add a public block in sites/lon1.yaml" in res.output


def test_a_reservation_is_given_once_and_only_where_dhcp_runs(
        estate_dir: Path, cli: Callable[..., Any]) -> None:
    acme = estate_dir / "occupiers/acme.yaml"
    edit(acme, "reservation: 172.17.1.10}\n", "reservation: 172.17.1.10}\n"
         '  - {name: av-3, mac: "00:1b:a9:aa:bb:dd", site: man1, reservation: 172.17.1.10}\n')
    res = cli("validate", "--repo", estate_dir)
    line = located(res.output, "occupiers/acme.yaml", "unique-reservation")
    assert "av-3" in acme.read_text().splitlines()[line - 1]
    assert "already reserved for printer-m1" in res.output
