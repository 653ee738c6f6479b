"""One lab for the third-party client suite: an EOS and an IOS switch of the example estate.

Clients the product does not use (napalm, pyeapi's API modules, Ansible, scrapli, netmiko
with TextFSM) run against the lab switches seeded exactly as `reconciler lab up` seeds
them. One lab per test session (per xdist worker); each test puts back what it changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli.lab import build_lab
from reconciler.lab.launcher import Lab
from reconciler.model.estate import load_estate
from tests.conftest import copy_estate

EOS = "lon1/acc-3a"
IOS = "man1/acc-1a"
CAPTURES = Path(__file__).resolve().parents[1] / "data" / "captures"


@dataclass
class Switch:
    name: str
    host: str
    port: int
    username: str
    password: str
    device: Any  # the emulated switch (EosDevice / IosDevice), for state checks


@dataclass
class ThirdPartyLab:
    eos: Switch
    ios: Switch


@pytest.fixture(scope="session")
def tp_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThirdPartyLab]:
    tmp = tmp_path_factory.mktemp("thirdparty")
    root = copy_estate(tmp / "estate")
    plan = build_lab(load_estate(root), tmp)
    comps = [{**c, "devices": [d for d in c["devices"] if d["name"] in (EOS, IOS)]}
             for c in plan.components if c["kind"] in ("eos", "ios")]
    with Lab({"components": comps}, tmp) as lab:
        eps = lab.endpoints()
        switches = {}
        for kind, name in (("eos", EOS), ("ios", IOS)):
            comp = next(c for c in comps if c["kind"] == kind)
            spec = next(d for d in comp["devices"] if d["name"] == name)
            switches[kind] = Switch(name, eps[name]["host"], int(eps[name]["port"]),
                                    spec.get("username", "admin"), spec["password"],
                                    lab.handle(kind).device(name))
        yield ThirdPartyLab(switches["eos"], switches["ios"])


def same_shape(ours: list[dict[str, Any]], real: list[dict[str, Any]],
               varies: frozenset[str] = frozenset()) -> None:
    """Both parsed to records with the same fields, of the same types, and every field a
    real capture always fills is filled in the lab's output too (except `varies`: values
    one real switch has and another does not, such as years of uptime)."""
    assert ours and real
    assert {frozenset(r) for r in ours} == {frozenset(r) for r in real}
    for field in real[0]:
        assert {type(r[field]) for r in ours} <= {type(r[field]) for r in real}, field
        if field not in varies and all(r[field] not in ("", [], None) for r in real):
            assert all(r[field] not in ("", [], None) for r in ours), field
