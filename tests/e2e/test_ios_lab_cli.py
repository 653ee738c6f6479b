"""`reconciler lab up` starts the estate's Cisco IOS switches; netmiko reaches them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from netmiko import ConnectHandler
from ruamel.yaml import YAML

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.lab


def test_lab_up_serves_the_ios_switch_of_the_estate(
        estate_dir: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))  # the lab process runs this checkout
    up = cli("lab", "up", "--repo", estate_dir)
    try:
        assert up.exit_code == 0, up.output
        lab = estate_dir / ".lab"
        ep = YAML(typ="safe").load((lab / "endpoints.yaml").read_text())["targets"]
        creds = YAML(typ="safe").load((lab / "credentials.yaml").read_text())
        acc = ep["man1/acc-1a"]
        assert set(acc) == {"host", "port", "transport", "fast_cli", "delay_factor"}
        assert acc["transport"] == "ssh" and (acc["fast_cli"], acc["delay_factor"]) == (True, 0.1)
        status = cli("lab", "status", "--repo", estate_dir)
        assert status.exit_code == 0 and "man1/acc-1a" in status.output
        cred = creds["man1-net"]
        # Files that hold the device passwords are the owner's only, from the first byte.
        assert cred["password"] in (lab / "lab.json").read_text()
        for name in ("lab.json", "ready.json", "endpoints.yaml", "credentials.yaml"):
            assert oct((lab / name).stat().st_mode & 0o777) == "0o600", name
        conn = ConnectHandler(device_type="cisco_ios", host=acc["host"], port=acc["port"],
                              username=cred["username"], password=cred["password"],
                              secret=cred["password"], fast_cli=True, conn_timeout=10,
                              allow_agent=False, use_keys=False)
        try:
            conn.enable()
            assert conn.find_prompt() == "acc-1a#"
            cfg = conn.send_command("show running-config")
        finally:
            conn.disconnect()
        # Seeded from templates/lab/cisco_ios.j2 for this site: floor ports, uplink, mgmt.
        assert "interface GigabitEthernet1/0/13\n switchport mode access\n" in cfg
        assert "interface GigabitEthernet1/1/1\n description uplink\n" \
               " switchport trunk allowed vlan 10\n switchport mode trunk\n" in cfg
        assert " ip address 10.254.0.11 255.255.255.0" in cfg
        assert cred["password"] not in cfg
    finally:
        down = cli("lab", "down", "--repo", estate_dir)
    assert down.exit_code == 0
    assert cli("lab", "status", "--repo", estate_dir).exit_code == 1
