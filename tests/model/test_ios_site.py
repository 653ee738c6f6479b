"""Site-file checks for Cisco IOS switches: interface names and transport."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_ios_switch_reached_over_https_is_refused(estate_dir: Path,
                                                  cli: Callable[..., Any]) -> None:
    site = estate_dir / "sites" / "man1.yaml"
    site.write_text(site.read_text().replace("platform: cisco_ios, host: 10.254.0.11,",
                                             "platform: cisco_ios, transport: https, "
                                             "host: 10.254.0.11,"))
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1
    assert "sites/man1.yaml:" in res.output and "over ssh" in res.output


def test_eos_port_name_on_an_ios_switch_is_refused(estate_dir: Path,
                                                   cli: Callable[..., Any]) -> None:
    site = estate_dir / "sites" / "man1.yaml"
    site.write_text(site.read_text().replace('"acc-1a:GigabitEthernet1/0/13"',
                                             '"acc-1a:Ethernet13"'))
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1
    assert "'Ethernet13' is not a cisco_ios" in res.output
