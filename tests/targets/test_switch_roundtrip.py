"""The switch contract: every attribute the intent emits round-trips through `read()`.

On every switch platform, in both roles (core: VLANs, SVIs with DHCP helpers, trunks;
access: VLANs, floor ports with voice and router ports, trunks), with every site option
on. A value the template writes but the reader cannot read back (an IOS core's
`ip helper-address` was one) shows up here as a resource that differs after apply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine.diff import diff, order_changes
from reconciler.engine.resources import Resource, canonical
from reconciler.targets import TARGETS
from tests.conftest import copy_estate
from tests.targets.contract import ContractEnv
from tests.targets.lab_switch import lab_switch_env
from tests.targets.switch_sites import ACCESS, AT, CORE, HELPER, KIND, lon1_on

CASES = [(p, t) for p in ("arista_eos", "cisco_ios") for t in (CORE, ACCESS)]


@pytest.fixture(params=CASES, ids=[f"{p}-{t.split('/')[1]}" for p, t in CASES])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ContractEnv]:
    platform, target = request.param
    keys = ("host", "port", "transport") if platform == "arista_eos" else ("host", "port")
    with lab_switch_env(tmp_path, KIND[platform], target, keys, lambda d: None, at=AT,
                        edit=lambda root: lon1_on(platform, root)) as env:
        assert env.spec.platform == platform and env.spec.settings.get("model")
        yield env


@pytest.mark.parametrize("platform", ["arista_eos", "cisco_ios"])
def test_the_site_is_a_valid_estate(platform: str, tmp_path: Path,
                                    cli: Callable[..., Any]) -> None:
    root = copy_estate(tmp_path / "estate")
    lon1_on(platform, root)
    res = cli("validate", "--repo", root)
    assert res.exit_code == 0, res.output


def _by_id(resources: list[Resource]) -> dict[tuple[str, str, str], Any]:
    return {r.id: (canonical(r.attrs), r.owner) for r in resources}


def _site_options_are_all_exercised(desired: list[Resource], core: bool) -> None:
    """The desired state holds every kind of value the intent can write on this role."""
    attrs = [(r.kind, r.attrs) for r in desired]
    names = {a["name"] for k, a in attrs if k == "vlan"}
    assert {"voice", "vacant", "quayside-trading-public"} <= names
    trunk = next(a["vlans"] for k, a in attrs if k == "trunk")
    assert 20 in trunk and 870 in trunk  # voice and a public VLAN travel on the uplink
    if core:
        helpers = [a["helpers"] for k, a in attrs if k == "svi"]
        assert [HELPER] in helpers and [] in helpers  # relayed, and an occupier's own DHCP
        assert all(a["address"] for k, a in attrs if k == "svi")
    else:
        ports = [a for k, a in attrs if k == "port"]
        assert any(p["voice_vlan"] == 20 for p in ports)  # a phone port
        assert any(p["vlan"] == 870 for p in ports)  # the occupier's router, public VLAN
        assert any(not p["enabled"] for p in ports)  # a vacant port, shut
        assert {p["mode"] for p in ports} == {"access"}


def test_every_attribute_the_intent_emits_round_trips_through_read(env: ContractEnv) -> None:
    core = env.spec.id == CORE
    _site_options_are_all_exercised(env.desired, core)
    target = TARGETS[env.spec.platform](env.spec, env.credential)
    with target:
        changes = order_changes(diff(target.read(), env.desired, target.write_only),
                                target.kind_order)
        assert changes
        result = target.apply(changes)
        assert not result.failed, result.error_text
        live = _by_id(target.read())
        # Every desired resource reads back exactly: attributes and owner.
        for want in env.desired:
            assert live.get(want.id) == (canonical(want.attrs), want.owner), want.id
        assert diff(target.read(), env.desired, target.write_only) == []
    text = env.snapshot()
    if core:  # seen from the device's own config text too
        assert text.count(f"ip helper-address {HELPER}") == sum(
            1 for r in env.desired if r.kind == "svi" and r.attrs["helpers"])
