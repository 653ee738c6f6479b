"""The plan is a contract: what a device receives is the saved plan's `commands`, byte for
byte, or nothing (a template changed since the plan, named); saving comes after verify."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

import pytest

from reconciler.templates_dir import BUILTIN_TEMPLATES

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab


def commands_of(plan: dict[str, Any], target: str) -> list[str]:
    return next(t["commands"] for t in plan["targets"] if t["target"] == target)


def session_body(received: list[str]) -> list[str]:
    """The lines of the configuration session an apply sent (between open and commit)."""
    start = next(i for i, c in enumerate(received) if c.startswith("configure session rcl-"))
    end = received.index("commit", start)
    return received[start + 1:end]


def test_devices_receive_the_saved_plans_commands_byte_for_byte(lab_estate: LabEstate) -> None:
    out = lab_estate.root / "plan.json"
    assert lab_estate.cli("plan", "--out", str(out)).exit_code == 2
    plan = json.loads(out.read_text())
    eos = lab_estate.eos("lon1/acc-3a")
    ios = lab_estate.ios("man1/acc-1a")
    eos.received.clear()
    ios.config_lines.clear()
    eos_saved, ios_saved = eos.startup, ios.startup_config()

    res = lab_estate.cli("apply", str(out), "--yes")
    assert res.exit_code == 0, res.output
    sent = list(eos.received)
    assert session_body(sent) == commands_of(plan, "lon1/acc-3a")  # EOS, byte for byte
    assert commands_of(plan, "lon1/acc-3a")
    assert ios.config_lines[:-1] == commands_of(plan, "man1/acc-1a")  # IOS, then `end`
    assert ios.config_lines[-1] == "end"
    # Saved only after the engine verified the change, in a step of its own.
    assert sent[-1] == "copy running-config startup-config"
    assert sent.index("copy running-config startup-config") > sent.index("commit")
    assert eos.startup is not eos_saved and ios.startup_config() != ios_saved


def test_a_template_changed_after_the_plan_is_refused_naming_it(lab_estate: LabEstate) -> None:
    out = lab_estate.root / "plan.json"
    assert lab_estate.cli("plan", "--out", str(out)).exit_code == 2
    plan = json.loads(out.read_text())
    assert "arista_eos/port.j2" in next(t["templates"] for t in plan["targets"]
                                        if t["target"] == "lon1/acc-3a")
    # The estate's own templates/ override the built-in ones; this one renders the same
    # lines, yet the plan was reviewed against the other.
    own = lab_estate.root / "templates" / "arista_eos"
    own.mkdir(parents=True)
    shutil.copy(BUILTIN_TEMPLATES / "arista_eos" / "port.j2", own / "port.j2")
    with (own / "port.j2").open("a") as fh:
        fh.write("{# site override #}\n")
    before = lab_estate.configs()
    res = lab_estate.cli("apply", str(out), "--yes")
    assert res.exit_code == 1
    assert "template arista_eos/port.j2 changed since the plan was made" in res.output
    assert lab_estate.configs() == before
    # Commands edited in the file are refused too: they are not what would be sent.
    (own / "port.j2").unlink()
    tp = next(t for t in plan["targets"] if t["target"] == "man1/acc-1a")
    tp["commands"][1] = "switchport access vlan 4000"
    lab_estate.write_plan(out, plan)  # signed: the contract holds beyond the signature
    res = lab_estate.cli("apply", str(out), "--yes")
    assert res.exit_code == 1
    assert "man1/acc-1a: the plan's commands are no longer what would be sent" in res.output
    assert lab_estate.configs() == before
    shutil.copy(BUILTIN_TEMPLATES / "arista_eos" / "port.j2", own / "port.j2")
    with (own / "port.j2").open("a") as fh:
        fh.write("{# site override #}\n")
    # A fresh plan renders with the override, records it, and applies.
    assert lab_estate.cli("plan", "--out", str(out)).exit_code == 2
    again = json.loads(out.read_text())
    new = next(t["templates"] for t in again["targets"] if t["target"] == "lon1/acc-3a")
    old = next(t["templates"] for t in plan["targets"] if t["target"] == "lon1/acc-3a")
    assert new["arista_eos/port.j2"] != old["arista_eos/port.j2"]
    assert new["arista_eos/vlan.j2"] == old["arista_eos/vlan.j2"]
    assert lab_estate.cli("apply", str(out), "--yes").exit_code == 0
