"""A site may name a switch's hardware model: it must be known, and have the ports named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT

ACC = "acc-1a: {platform: cisco_ios, host: 10.254.0.11, role: access,"


def _model(estate: Path, model: str, uplink: str = "GigabitEthernet1/1/1") -> Path:
    site = estate / "sites" / "man1.yaml"
    text = (REPO_ROOT / "sites" / "man1.yaml").read_text()
    assert ACC in text
    text = text.replace(ACC, ACC.replace("role: access,", f"role: access, model: {model},"))
    site.write_text(text.replace("uplinks: [GigabitEthernet1/1/1]", f"uplinks: [{uplink}]"))
    return site


def test_a_known_model_with_the_ports_the_site_names_validates(
        estate_dir: Path, cli: Callable[..., Any]) -> None:
    _model(estate_dir, "C9300-48P")
    assert cli("validate", "--repo", estate_dir).exit_code == 0


def test_an_unknown_model_is_refused_with_the_known_ones(
        estate_dir: Path, cli: Callable[..., Any]) -> None:
    _model(estate_dir, "WS-C3850-48P")
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1
    assert "sites/man1.yaml:" in res.output
    assert "unknown cisco_ios switch model 'WS-C3850-48P'" in res.output
    assert "WS-C2960X-48FPD-L" in res.output


def test_an_uplink_the_model_does_not_have_is_refused(
        estate_dir: Path, cli: Callable[..., Any]) -> None:
    # A 2960-X has its uplinks on TenGigabitEthernet1/0/1-2, not on a network module.
    _model(estate_dir, "WS-C2960X-48FPD-L")
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1
    assert "'GigabitEthernet1/1/1' is not a port of a WS-C2960X-48FPD-L" in res.output
    _model(estate_dir, "WS-C2960X-48FPD-L", "TenGigabitEthernet1/0/1")
    assert cli("validate", "--repo", estate_dir).exit_code == 0


def test_a_floor_port_beyond_the_model_is_refused(
        estate_dir: Path, cli: Callable[..., Any]) -> None:
    site = _model(estate_dir, "C9300-24P")
    site.write_text(site.read_text().replace('"acc-1a:GigabitEthernet1/0/13"',
                                             '"acc-1a:GigabitEthernet1/0/30"'))
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1
    assert "[hardware] acc-1a is a C9300-24P: it has no port GigabitEthernet1/0/30" in res.output
