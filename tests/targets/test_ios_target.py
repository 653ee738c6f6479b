"""The IOS target's errors, named by what the caller should do, and its rendered lines."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from reconciler.engine.credentials import Credential
from reconciler.engine.resources import Change, TargetSpec
from reconciler.errors import TargetAuthError, TargetUnavailable
from reconciler.lab.ios_server import LAB_CLIENT_SETTINGS, IosDeviceSpec, IosLab
from reconciler.targets.ios import IosTarget

SCOPE = {"ports": ["GigabitEthernet1/0/1"], "vlan_ranges": [[100, 899]], "site_vlans": [20, 999],
         "trunks": ["GigabitEthernet1/1/1"], "trunk_site_vlans": [20]}


@pytest.fixture(scope="module")
def lab() -> Iterator[IosLab]:
    with IosLab([IosDeviceSpec("sw", hostname="sw", password="pw-1", secret="en-1")]) as lab:
        yield lab


def _target(lab: IosLab, **cred: str) -> IosTarget:
    host, port = lab.address("sw")
    spec = TargetSpec("x/sw", "cisco_ios", "x", {"host": host, "port": port, "timeout": 5,
                                                 **LAB_CLIENT_SETTINGS},
                      SCOPE, "c")
    return IosTarget(spec, Credential("c", {"username": "admin", **cred}))


def test_reads_the_managed_scope_with_the_enable_secret(lab: IosLab) -> None:
    with _target(lab, password="pw-1", secret="en-1") as t:
        live = {(r.kind, r.key): r.attrs for r in t.read()}
    assert live == {
        ("trunk", "GigabitEthernet1/1/1"): {"vlans": []},  # not a trunk yet: carries none
        ("port", "GigabitEthernet1/0/1"): {"mode": "other", "vlan": 1, "voice_vlan": None,
                                           "description": None, "enabled": True}}


@pytest.mark.parametrize(("cred", "what"), [
    ({"password": "nope", "secret": "en-1"}, "credentials"),
    ({"password": "pw-1", "secret": "nope"}, "enable secret"),
])
def test_refused_login_or_enable_is_an_auth_error(lab: IosLab, cred: dict[str, str],
                                                  what: str) -> None:
    with _target(lab, **cred) as t, pytest.raises(TargetAuthError, match=what):
        t.read()


def test_nothing_listening_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the target connects
    spec = TargetSpec("x/sw", "cisco_ios", "x", {"host": "127.0.0.1", "port": port,
                                                 "timeout": 2}, SCOPE, "c")
    with IosTarget(spec, Credential("c", {"username": "a", "password": "b"})) as t, \
            pytest.raises(TargetUnavailable, match="SSH to 127.0.0.1"):
        t.read()


def test_rendered_lines_and_their_reverse(lab: IosLab) -> None:
    t = _target(lab, password="pw-1")
    trunk = Change("update", "x/sw", "trunk", "GigabitEthernet1/1/1", {"vlans": [20, 100, 101]},
                   {"vlans": [20, 101, 102, 103]}, None, ("vlans",))
    port = Change("update", "x/sw", "port", "GigabitEthernet1/0/1",
                  {"mode": "other", "vlan": 999, "voice_vlan": None, "description": None,
                   "enabled": False},
                  {"mode": "access", "vlan": 102, "voice_vlan": 20,
                   "description": "occ:acme space:1.02", "enabled": True}, "acme",
                  ("description", "enabled", "mode", "vlan", "voice_vlan"))
    vlan = Change("create", "x/sw", "vlan", "102", None, {"name": "acme"}, "acme")
    assert t.render([vlan, trunk, port]) == [
        "vlan 102", "name acme",
        "interface GigabitEthernet1/1/1", "switchport trunk allowed vlan add 102-103",
        "switchport trunk allowed vlan remove 100",
        "interface GigabitEthernet1/0/1", "switchport mode access", "switchport access vlan 102",
        "switchport voice vlan 20", "description occ:acme space:1.02", "no shutdown"]
    assert t.render([c.reversed() for c in (port, trunk, vlan)]) == [
        "interface GigabitEthernet1/0/1", "no switchport mode", "switchport access vlan 999",
        "no switchport voice vlan", "no description", "shutdown",
        "interface GigabitEthernet1/1/1", "switchport trunk allowed vlan add 100",
        "switchport trunk allowed vlan remove 102-103",
        "no vlan 102"]


def test_a_core_role_ios_switch_gets_occupier_gateways(lab: IosLab) -> None:
    host, port = lab.address("sw")
    spec = TargetSpec("x/sw", "cisco_ios", "x", {"host": host, "port": port, "timeout": 5,
                                                 **LAB_CLIENT_SETTINGS},
                      {**SCOPE, "svi": True}, "c")
    svi = Change("create", "x/sw", "svi", "Vlan102", None, {"address": "172.17.2.1/24"}, "acme")
    with IosTarget(spec, Credential("c", {"username": "admin", "password": "pw-1",
                                          "secret": "en-1"})) as t:
        t.read()
        assert t.render([svi]) == ["interface Vlan102", "ip address 172.17.2.1 255.255.255.0",
                                   "no shutdown"]
        assert t.apply([svi]).changed
        assert ("svi", "Vlan102", {"address": "172.17.2.1/24"}) in [
            (r.kind, r.key, r.attrs) for r in t.read()]
        t.apply([svi.reversed()])
        assert "interface Vlan102" not in lab.device("sw").running_config()


def test_production_keeps_netmikos_own_timing_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only an endpoints file (the lab's) opts into fast_cli/delay_factor; a site does not."""
    import inspect

    import netmiko

    seen: list[dict[str, object]] = []

    class Stop(Exception):
        pass

    def fake(**kwargs: object) -> None:
        seen.append(kwargs)
        raise Stop()

    monkeypatch.setattr(netmiko, "ConnectHandler", fake)
    plain = TargetSpec("x/sw", "cisco_ios", "x", {"host": "192.0.2.1"}, SCOPE, "c")
    tuned = plain.with_settings(**LAB_CLIENT_SETTINGS)
    for spec in (plain, tuned):
        with IosTarget(spec, Credential("c", {"username": "a", "password": "b"})) as t, \
                pytest.raises(Stop):
            t._connect()
    assert "fast_cli" not in seen[0] and "global_delay_factor" not in seen[0]
    assert (seen[1]["fast_cli"], seen[1]["global_delay_factor"]) == (True, 0.1)
    defaults = inspect.signature(netmiko.BaseConnection.__init__).parameters
    assert defaults["global_delay_factor"].default == 1.0  # what production then gets

