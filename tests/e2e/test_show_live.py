"""`reconciler show --live`: what the live systems hold for an occupier, differences marked."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from ruamel.yaml import YAML

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab
DAY = "2026-12-15"


def test_live_view_matches_after_apply_then_shows_drift(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", DAY).exit_code == 0
    res = lab_estate.cli("show", "acme", "--site", "lon1", "--live", "--at", DAY,
                         "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["sites"][0]["live"]
    kinds = {(r["target"], r["kind"]) for r in rows}
    assert ("lon1/acc-3a", "port") in kinds and ("lon1/core1", "svi") in kinds
    assert {r["state"] for r in rows} == {"ok"}
    has_kea = "lon1/dhcp" in {r["target"] for r in rows}

    # Drift by hand: a port of 3.01 shut, and (with Kea) the scope's pool narrowed.
    lab_estate.eos("lon1/acc-3a").run_cmds(["enable", "configure", "interface Ethernet2",
                                            "shutdown", "end"])
    if has_kea:
        kea = lab_estate.lab.handle("kea").server("lon1/dhcp")
        cfg = kea.command("config-get")["arguments"]
        for sn in cfg["Dhcp4"]["subnet4"]:
            if sn["subnet"] == "172.16.2.0/24":
                sn["pools"] = [{"pool": "172.16.2.100-172.16.2.110"}]
        assert kea.command("config-set", cfg)["result"] == 0
    res = lab_estate.cli("show", "acme", "--site", "lon1", "--live", "--at", DAY)
    assert res.exit_code == 0, res.output
    text = res.stdout
    assert "; DIFFERENCES:" in text
    assert "  ! DIFFERS    lon1/acc-3a port Ethernet2: enabled git true live false" in text
    if has_kea:
        assert ("  ! DIFFERS    lon1/dhcp dhcp_subnet 172.16.2.0/24: pool git "
                '"172.16.2.21-172.16.2.254" live "172.16.2.100-172.16.2.110"') in text
    md = lab_estate.cli("show", "acme", "--site", "lon1", "--live", "--at", DAY,
                        "--format", "markdown").stdout
    assert "| **differs** | lon1/acc-3a | port Ethernet2 | enabled: git `true`, live `false` |" \
        in md
    # Never a secret: none of the lab's passwords appear anywhere.
    creds = YAML(typ="safe").load(lab_estate.credentials.read_text())
    secrets = [v for fields in creds.values() for k, v in fields.items() if k != "username"]
    assert secrets and not any(v in text + md for v in secrets)


def test_unreachable_system_is_reported_not_fatal(lab_estate: LabEstate, tmp_path) -> None:  # type: ignore[no-untyped-def]
    eps = tmp_path / "endpoints.yaml"
    doc = YAML(typ="safe").load(lab_estate.endpoints.read_text())
    doc["targets"]["lon1/core1"]["port"] = 1  # nothing listens there
    with eps.open("w") as fh:
        YAML(typ="safe").dump(doc, fh)
    res = lab_estate.run_cli("show", "acme", "--site", "lon1", "--live", "--at", DAY, "--repo",
                             str(lab_estate.root), "--endpoints", str(eps), "--credentials",
                             str(lab_estate.credentials))
    assert res.exit_code == 0, res.output
    assert "! ERROR      lon1/core1: cannot reach eAPI at 127.0.0.1" in res.stdout
    # The other systems are still read and compared.
    assert "! ERROR      lon1/acc-3a" not in res.stdout and "; DIFFERENCES:" in res.stdout
