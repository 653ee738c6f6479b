"""Rendered commands are checked against the switch model: a refused line never leaves.

The check uses the catalogue the lab emulators enforce, so what the plan shows is what
the named model accepts; every change the intent makes renders for every model we know.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reconciler.engine.credentials import Credential
from reconciler.engine.diff import order_changes
from reconciler.engine.resources import Change, Resource, TargetSpec
from reconciler.errors import ConfigError, TargetRejected
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from reconciler.switching.hardware import models
from reconciler.targets.eos import EosTarget
from reconciler.targets.ios import IosTarget
from tests.conftest import REPO_ROOT

CRED = Credential("c", {"username": "admin", "password": "pw"})


def _target(platform: str, model: str | None,
            templates: str | None = None) -> IosTarget | EosTarget:
    settings: dict[str, object] = {"host": "192.0.2.1", "templates_dir": templates}
    if model:
        settings["model"] = model
    spec = TargetSpec("x/sw", platform, "x", settings, {}, "c")
    return IosTarget(spec, CRED) if platform == "cisco_ios" else EosTarget(spec, CRED)


ROUTED = Change("update", "x/sw", "port", "GigabitEthernet1/0/3",
                {"mode": "access", "vlan": 1, "voice_vlan": None, "description": None,
                 "enabled": True},
                {"mode": "routed", "vlan": None, "voice_vlan": None, "description": None,
                 "enabled": True}, None, ("mode", "vlan"))


def test_a_2960x_cannot_be_given_a_routed_port() -> None:
    with pytest.raises(TargetRejected, match=r"a WS-C2960X-48FPD-L cannot make this change: "
                       r"GigabitEthernet1/0/3 cannot become a routed port"):
        _target("cisco_ios", "WS-C2960X-48FPD-L").render([ROUTED])
    # A Catalyst 9300 has routed ports; so has an IOS switch whose model is not named.
    for model in ("C9300-48P", None):
        assert "no switchport" in _target("cisco_ios", model).render([ROUTED])


def test_an_operator_template_cannot_smuggle_a_refused_line(tmp_path: Path) -> None:
    (tmp_path / "arista_eos").mkdir()
    (tmp_path / "arista_eos" / "port.j2").write_text(
        "interface {{ key }}\n   poe disabled\n   description {{ after.description }}\n")
    change = Change("create", "x/sw", "port", "Ethernet3", None,
                    {"mode": "access", "vlan": 10, "voice_vlan": None, "description": "d",
                     "enabled": True}, None)
    with pytest.raises(TargetRejected, match=r"a DCS-7050SX3-48YC8 refuses 'poe disabled' "
                       r"\(it has no PoE hardware\)"):
        _target("arista_eos", "DCS-7050SX3-48YC8", str(tmp_path)).render([change])
    assert "   poe disabled" in _target("arista_eos", "CCS-720XP-48ZC2",
                                     str(tmp_path)).render([change])


def test_a_model_missing_from_the_catalogue_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown cisco_ios switch model 'WS-C3560'"):
        _target("cisco_ios", "WS-C3560")


def _every_change(desired: list[Resource]) -> list[Change]:
    """Create, update from a factory port, delete, and each one reversed."""
    out: list[Change] = []
    for r in desired:
        out.append(Change("create", r.target, r.kind, r.key, None, r.attrs, r.owner))
        out.append(Change("delete", r.target, r.kind, r.key, r.attrs, None, r.owner))
        if r.kind == "port":
            factory = {"mode": "other", "vlan": 1, "voice_vlan": None, "description": None,
                       "enabled": True}
            out.append(Change("update", r.target, r.kind, r.key, factory, r.attrs, r.owner,
                              tuple(k for k in factory if factory[k] != r.attrs[k])))
    return out + [c.reversed() for c in out]


@pytest.mark.parametrize("platform", ["arista_eos", "cisco_ios"])
def test_every_change_the_intent_makes_renders_for_every_model(platform: str) -> None:
    desired = compile_estate(load_estate(REPO_ROOT), dt.date(2027, 2, 15))
    # Each kind the intent makes, on any switch of the example estate, moved onto this
    # platform's interface names where needed.
    resources = [r for tid, res in desired.resources.items()
                 if desired.targets[tid].platform in ("arista_eos", "cisco_ios") for r in res]
    assert {r.kind for r in resources} == {"vlan", "svi", "trunk", "port"}
    names = {"arista_eos": "Ethernet7", "cisco_ios": "GigabitEthernet1/0/7"}
    moved = [Resource("x/sw", r.kind, names[platform] if r.kind in ("port", "trunk") else r.key,
                      r.attrs, r.owner) for r in resources]
    changes = order_changes(_every_change(moved), ("vlan", "svi", "trunk", "port"))
    for model in [None, *models(platform)]:
        lines = _target(platform, model).render(changes)
        assert lines, model
