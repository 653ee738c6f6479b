"""`reconciler inspect` on real EOS configs and on a lab switch, through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import realdata

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate


@pytest.mark.realdata
def test_inspect_prints_what_the_target_understands_of_real_configs(
        cli: Callable[..., Any]) -> None:
    files = sorted(realdata("arista_eos", "running_config").glob("*.cfg")) + \
        sorted(realdata("arista_eos", "intended_vs_running").glob("*.conf"))
    assert len(files) == 6
    for path in files:
        res = cli("inspect", "--platform", "arista_eos", "--running-config", path,
                  "--format", "json")
        assert res.exit_code == 0, (path, res.output)
        out = json.loads(res.stdout)
        assert set(out) == {"vlans", "ports", "svis"}
        for port in out["ports"].values():
            assert port["mode"] in ("access", "trunk", "routed", "other")
    leaf = json.loads(cli("inspect", "--platform", "arista_eos", "--running-config",
                          files[1], "--format", "json").stdout)
    assert files[1].name == "avd_l2ls_LEAF1.cfg"
    assert leaf["vlans"]["10"] == {"name": "BLUE-NET"}
    assert leaf["ports"]["Ethernet3"]["vlan"] == 10
    assert leaf["ports"]["Port-Channel1"]["allowed_vlans"] == [10, 20]
    assert leaf["svis"]["4094"]["address"] == "192.168.0.0/31"


def test_inspect_rejects_an_unknown_platform(cli: Callable[..., Any], tmp_path: Path) -> None:
    cfg = tmp_path / "x.cfg"
    cfg.write_text("hostname x\n")
    res = cli("inspect", "--platform", "junos", "--running-config", cfg)
    assert res.exit_code == 1
    assert "arista_eos" in res.output  # names the platforms it knows


@pytest.mark.lab
def test_inspect_of_a_lab_switch_after_apply(lab_estate: LabEstate, tmp_path: Path) -> None:
    assert lab_estate.cli("apply", "--yes").exit_code == 0
    cfg = tmp_path / "acc-3a.cfg"
    cfg.write_text(lab_estate.eos("lon1/acc-3a").running_config())
    out = json.loads(lab_estate.run_cli("inspect", "--platform", "arista_eos",
                                        "--running-config", cfg, "--format", "json").stdout)
    assert out["vlans"]["102"] == {"name": "acme"}
    # A phone port (EOS `trunk phone`) is an access port with a voice VLAN to us.
    assert out["ports"]["Ethernet1"] == {
        "mode": "access", "vlan": 102, "voice_vlan": 20, "allowed_vlans": None,
        "description": "occ:acme space:3.01", "enabled": True}
    assert out["ports"]["Ethernet5"]["enabled"] is False
    assert out["ports"]["Ethernet49"]["allowed_vlans"] == [10, 20, 100, 101, 102, 103]
