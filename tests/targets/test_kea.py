"""Kea target on a real kea-dhcp4: scope, validation by Kea, persistence, conversions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reconciler.engine.diff import diff, order_changes
from reconciler.engine.resources import Change, Resource, TargetSpec
from reconciler.errors import TargetRejected, TargetUnavailable
from reconciler.lab.kea import KeaServer
from reconciler.targets.kea import KeaTarget
from reconciler.targets.kea_config import attrs_to_subnet, subnet_to_attrs

T = "lon1/dhcp"


def spec(kea: Any, site: str = "lon1", tid: str = T) -> TargetSpec:
    return TargetSpec(tid, "kea", site, {"path": str(kea.socket_path)}, {"site": site}, None)


def subnet(n: int, site: str = "lon1", owner: str = "acme", **extra: Any) -> Resource:
    attrs = {"id": 0xAC1000 + n, "router": f"172.16.{n}.1", "pool": f"172.16.{n}.21-172.16.{n}.254",
             "dns_servers": ["10.255.0.53"], "reservations": [], **extra}
    return Resource(T if site == "lon1" else f"{site}/dhcp", "dhcp_subnet", f"172.16.{n}.0/24",
                    attrs, owner)


def converge(target: KeaTarget, desired: list[Resource]) -> list[Change]:
    changes = order_changes(diff(target.read(), desired), target.kind_order)
    if changes:
        target.apply(changes)
        target.persist()  # `config-write`, as the engine does once the run is verified
    return changes


def by_subnet(kea: Any) -> dict[str, dict[str, Any]]:
    return {s["subnet"]: s for s in kea.subnets()}


def test_apply_writes_exactly_the_managed_subnets(kea: Any) -> None:
    printer = {"name": "printer-3f", "mac": "00:1b:a9:aa:bb:cc", "address": "172.16.2.10"}
    with KeaTarget(spec(kea), None) as t:
        converge(t, [subnet(2, reservations=[printer]), subnet(3)])
        live = by_subnet(kea)
        assert set(live) == {"192.0.2.0/24", "172.16.2.0/24", "172.16.3.0/24"}
        s2 = live["172.16.2.0/24"]
        assert [p["pool"] for p in s2["pools"]] == ["172.16.2.21-172.16.2.254"]
        assert {o["name"]: o["data"] for o in s2["option-data"]} == {
            "routers": "172.16.2.1", "domain-name-servers": "10.255.0.53"}
        assert [(r["hw-address"], r["ip-address"], r["hostname"]) for r in s2["reservations"]] \
            == [("00:1b:a9:aa:bb:cc", "172.16.2.10", "printer-3f")]
        assert s2["user-context"] == {"reconciler": {"site": "lon1", "owner": "acme"}}
        assert converge(t, [subnet(2, reservations=[printer]), subnet(3)]) == []


def test_unmanaged_and_other_sites_subnets_are_untouched(kea: Any) -> None:
    with KeaTarget(spec(kea, "man1", "man1/dhcp"), None) as other:
        converge(other, [subnet(9, site="man1", owner="northwind")])
    hand_made = json.dumps(by_subnet(kea)["192.0.2.0/24"], sort_keys=True)
    theirs = json.dumps(by_subnet(kea)["172.16.9.0/24"], sort_keys=True)
    with KeaTarget(spec(kea), None) as t:
        assert t.read() == []  # neither the hand-made subnet nor man1's are in lon1's scope
        converge(t, [subnet(2), subnet(3)])
        converge(t, [subnet(3, pool="172.16.3.100-172.16.3.200")])  # update one, delete one
    live = by_subnet(kea)
    assert set(live) == {"192.0.2.0/24", "172.16.9.0/24", "172.16.3.0/24"}
    assert json.dumps(live["192.0.2.0/24"], sort_keys=True) == hand_made
    assert json.dumps(live["172.16.9.0/24"], sort_keys=True) == theirs
    assert live["172.16.3.0/24"]["pools"][0]["pool"] == "172.16.3.100-172.16.3.200"


def test_kea_refuses_a_bad_scope_and_nothing_changes(kea: Any) -> None:
    with KeaTarget(spec(kea), None) as t:
        converge(t, [subnet(2)])
        before = kea.command("config-get")
        bad = subnet(3, pool="10.0.0.1-10.0.0.9")  # pool outside its subnet
        with pytest.raises(TargetRejected, match="config-test.*does not match the prefix"):
            converge(t, [subnet(2), bad])
    assert kea.command("config-get") == before


def test_a_subnet_clashing_with_a_hand_made_one_is_refused(kea: Any) -> None:
    clash = Resource(T, "dhcp_subnet", "192.0.2.0/24", {
        "id": 77, "router": "192.0.2.1", "pool": "192.0.2.21-192.0.2.254", "dns_servers": [],
        "reservations": []}, "acme")
    with KeaTarget(spec(kea), None) as t, pytest.raises(TargetRejected):
        converge(t, [clash])
    assert [s["id"] for s in kea.subnets()] == [1]


def test_config_write_survives_a_restart(own_kea: Any) -> None:
    kea = own_kea
    with KeaTarget(spec(kea), None) as t:
        converge(t, [subnet(2), subnet(4)])
        live = t.read()
    written = kea.config_file.read_text()  # what `config-write` saved
    assert "172.16.4.0/24" in written
    kea.stop()
    again = KeaServer()
    # The same file, its socket and lease paths moved to the new server's folder.
    again.config_file.write_text(written.replace(str(kea.socket_path), str(again.socket_path))
                                 .replace(str(kea.root), str(again.root)))
    with again, KeaTarget(spec(again), None) as t:
        assert t.read() == live


def test_unreachable_socket_is_target_unavailable(tmp_path: Any) -> None:
    s = TargetSpec(T, "kea", "lon1", {"path": str(tmp_path / "none.sock")}, {"site": "lon1"})
    with KeaTarget(s, None) as t, pytest.raises(TargetUnavailable, match="control socket"):
        t.read()


def test_subnet_conversion_round_trips() -> None:
    attrs = {"id": 5, "router": "172.16.5.1", "pool": "172.16.5.21-172.16.5.254",
             "dns_servers": ["10.0.0.53", "9.9.9.9"],
             "reservations": [{"name": "av-1", "mac": "00:11:22:33:44:55",
                               "address": "172.16.5.3"}]}
    sn = attrs_to_subnet("172.16.5.0/24", attrs, "lon1", "acme")
    assert sn["user-context"] == {"reconciler": {"site": "lon1", "owner": "acme"}}
    assert subnet_to_attrs(sn) == attrs
