"""Scope that cannot be claimed: an estate change never takes over or deletes what
reconciler did not make. Each case is a red-team reproduction on the lab."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import git
import pytest
from ruamel.yaml import YAML

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

MAN1_NET = "L_646829496481105522"
PRINTER = "00:1b:a9:5c:21:07"  # Acme's printer at man1 (MAC-provisioned Wi-Fi)


def _edit(le: LabEstate, rel: str, old: str, new: str) -> None:
    path = le.root / rel
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _plan(le: LabEstate, *args: str) -> tuple[int, dict[str, Any]]:
    res = le.cli("plan", "--format", "json", *args)
    return res.exit_code, json.loads(res.stdout)


def _keys(plan: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(t["target"], c["kind"], c["key"]) for t in plan["targets"] for c in t["changes"]}


def _by_hand(le: LabEstate, target: str, *lines: str) -> None:
    reply = le.eos(target).run_cmds(["enable", "configure", *lines, "end"])
    assert "error" not in reply, reply


def test_a_widened_pool_leaves_hand_made_vlans_their_gateway_and_trunks(
        lab_estate: LabEstate) -> None:
    le = lab_estate
    repo = git.Repo.init(le.root)
    repo.index.add(["sites", "occupiers"])
    repo.index.commit("estate")
    assert le.cli("apply", "--yes").exit_code == 0
    # The network team's CCTV VLAN, just above the occupier pool, with its gateway on the
    # core and allowed on the uplinks; and a lower-case one that looks like an occupier id.
    _by_hand(le, "lon1/core1", "vlan 950", "name CCTV", "interface Vlan950",
             "ip address 10.99.50.1/24", "interface Ethernet1",
             "switchport trunk allowed vlan add 950")
    _by_hand(le, "lon1/acc-2a", "vlan 950", "name CCTV", "interface Ethernet49",
             "switchport trunk allowed vlan add 950")
    _by_hand(le, "lon1/core1", "vlan 960", "name cameras")
    before = le.configs()
    _edit(le, "sites/lon1.yaml", "occupier_vlans: 100-899", "occupier_vlans: 100-990")
    repo.index.add(["sites"])
    repo.index.commit("widen the pool")

    rc, plan = _plan(le)
    assert not {k for k in _keys(plan) if k[2] in ("950", "Vlan950")}
    assert all(950 not in c["after"].get("vlans", []) and 950 not in c["before"].get("vlans", [])
               for t in plan["targets"] for c in t["changes"] if c["kind"] == "trunk")
    # 'cameras' could be a deleted occupier's VLAN, but git never had such an occupier.
    assert rc == 1 and len(plan["refusals"]) == 1
    assert "lon1/core1 vlan 960 carry the name 'cameras'" in plan["refusals"][0]
    assert le.cli("apply", "--yes").exit_code == 1
    assert le.configs() == before

    _by_hand(le, "lon1/core1", "no vlan 960")  # the team removes it: the plan goes through
    assert le.cli("apply", "--yes").exit_code == 0
    core = le.configs()["lon1/core1"]
    assert "vlan 950\n   name CCTV\n" in core and "interface Vlan950\n" in core
    assert "10.99.50.1/24" in core
    for target, uplink in (("lon1/core1", "Ethernet1"), ("lon1/acc-2a", "Ethernet49")):
        trunk = le.eos(target).running.interfaces[uplink]
        assert trunk.allowed is not None and 950 in trunk.allowed, target


def test_the_vacant_vlan_moved_onto_a_hand_made_one_is_refused(lab_estate: LabEstate) -> None:
    le = lab_estate
    for target in ("lon1/core1", "lon1/acc-2a", "lon1/acc-3a"):
        _by_hand(le, target, "vlan 50", "name cameras")
    _edit(le, "sites/lon1.yaml", "vacant: {vlan: 999", "vacant: {vlan: 50")
    before = le.configs()
    rc, plan = _plan(le, "--site", "lon1")
    assert rc == 1
    assert any(r.startswith("lon1/acc-2a: the plan would create vlan 50, but that is VLAN 50 "
                            "named 'cameras', made by hand") for r in plan["refusals"]), \
        plan["refusals"]
    assert le.cli("apply", "--yes", "--site", "lon1").exit_code == 1
    assert le.configs() == before  # never renamed


def _clients(le: LabEstate) -> dict[str, Any]:
    return dict(le.lab.handle("meraki").dashboard.snapshot(MAN1_NET)["clients"])


def test_a_mac_with_an_operator_policy_is_not_taken_over_nor_reset(
        lab_estate: LabEstate) -> None:
    le = lab_estate
    dash = le.lab.handle("meraki").dashboard
    # The operator blocked this MAC on man1's network (it is also Acme's printer in git).
    dash.provision(MAN1_NET, {"clients": [{"mac": PRINTER, "name": "CEO laptop"}],
                              "devicePolicy": "Blocked"})
    blocked = {"name": "CEO laptop", "devicePolicy": "Blocked", "policy": None}
    rc, plan = _plan(le, "--target", "man1/wifi")
    assert rc == 1 and len(plan["refusals"]) == 1
    assert f"create wifi_client {PRINTER}, but that is a client an operator set to Blocked" \
        in plan["refusals"][0]
    assert le.cli("apply", "--yes", "--target", "man1/wifi").exit_code == 1
    assert _clients(le)[PRINTER] == blocked

    # Unblocked by hand, it is provisioned; then the operator blocks the provisioned one.
    dash.update_client_policy(MAN1_NET, PRINTER, {"devicePolicy": "Normal"})
    assert le.cli("apply", "--yes", "--target", "man1/wifi").exit_code == 0
    assert _clients(le)[PRINTER]["policy"] == "rcl-acme"
    dash.update_client_policy(MAN1_NET, PRINTER, {"devicePolicy": "Blocked"})
    # Acme's printer leaves the estate: the operator's block is not reset to Normal.
    path = le.root / "occupiers" / "acme.yaml"
    yaml = YAML()
    doc = yaml.load(path.read_text())
    doc.pop("devices")
    with path.open("w") as fh:
        yaml.dump(doc, fh)
    assert le.cli("apply", "--yes", "--target", "man1/wifi").exit_code == 0
    assert _clients(le)[PRINTER]["devicePolicy"] == "Blocked"
