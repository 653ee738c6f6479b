"""A live switch whose running-config has a managed line the reader cannot read: the
target names the line and stops, instead of guessing a value and planning from it."""

from __future__ import annotations

import pytest

from reconciler.engine.credentials import Credential
from reconciler.engine.resources import TargetSpec
from reconciler.errors import UnreadableConfig
from reconciler.lab.eos_server import DeviceSpec, EosLab
from reconciler.lab.ios_cli import default_config_text
from reconciler.lab.ios_server import IosDeviceSpec, IosLab
from reconciler.targets.eos import EosTarget
from reconciler.targets.ios import IosTarget

SCOPE = {"ports": ["GigabitEthernet1/0/2"], "vlan_ranges": [[100, 899]]}


def test_ios_switch_with_an_unreadable_access_vlan() -> None:
    seed = default_config_text("sw", ports=4).replace(
        "interface GigabitEthernet1/0/2\n", "interface GigabitEthernet1/0/2\n"
        " switchport access vlan 5000\n")
    with IosLab([IosDeviceSpec("sw", hostname="sw", password="pw", seed_config=seed)]) as lab:
        host, port = lab.address("sw")
        spec = TargetSpec("x/sw", "cisco_ios", "x", {"host": host, "port": port, "timeout": 5},
                          SCOPE, "c")
        with IosTarget(spec, Credential("c", {"username": "admin", "password": "pw"})) as t, \
                pytest.raises(UnreadableConfig) as err:
            t.read()
    message = str(err.value)
    assert message.startswith("x/sw: cannot read its running-config: running-config:")
    assert "[config-value] 'switchport access vlan 5000': '5000' is not a VLAN id" in message


def test_eos_switch_with_an_unreadable_trunk_list() -> None:
    seed = ("hostname sw\n!\ninterface Ethernet1\n   switchport mode trunk\n"
            "   switchport trunk allowed vlan 10-5\n!\ninterface Management1\n!\n"
            "management api http-commands\n   no shutdown\n!\nend\n")
    with EosLab([DeviceSpec("sw", seed_config=seed)]) as lab:
        host, port = lab.address("sw")
        spec = TargetSpec("x/sw", "arista_eos", "x", {"host": host, "port": port,
                                                       "transport": "http"},
                          {"trunks": ["Ethernet1"], "vlan_ranges": [[100, 899]]}, "c")
        device = lab.device("sw")
        with EosTarget(spec, Credential("c", {"username": device.username,
                                             "password": device.password})) as t, \
                pytest.raises(UnreadableConfig, match=r"\[config-value\] 'switchport trunk "
                              r"allowed vlan 10-5'"):
            t.read()
