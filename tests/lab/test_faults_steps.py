"""Fault settings added for the apply fault suite, on the EOS emulator through pyeapi."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from pyeapi.eapilib import CommandError
from pyeapi.eapilib import ConnectionError as EapiConnectionError

from reconciler.lab.eos_server import EosLab
from reconciler.lab.faults import Drop, Fail, Faults


def vlan_ids(node: Any) -> set[int]:
    return {int(v) for v in node.enable("show vlan")[0]["result"]["vlans"]}


def test_error_skip_and_times_pick_one_occurrence(lab: EosLab, node: Any) -> None:
    lab.device("sw1").faults.set(error_regex=r"^show hostname$", error_skip=1, error_times=1)
    assert node.enable("show hostname")[0]["result"]["hostname"] == "sw1"  # 1st passes
    with pytest.raises(CommandError):
        node.enable("show hostname")  # 2nd fails
    assert node.enable("show hostname")[0]["result"]["hostname"] == "sw1"  # then never again


def test_drop_regex_closes_the_connection_once(lab: EosLab, node: Any) -> None:
    lab.device("sw1").faults.set(drop_regex=r"^vlan 3\d$")
    with pytest.raises(EapiConnectionError):
        node.config(["vlan 20", "vlan 30"])
    assert vlan_ids(node) == {1, 20}  # configure terminal applies line by line
    node.config(["vlan 30"])
    assert 30 in vlan_ids(node)


def test_http_status_makes_429(lab: EosLab) -> None:
    lab.device("sw1").faults.set(http_500=1, http_status=429)
    host, port = lab.address("sw1")
    req = urllib.request.Request(f"http://{host}:{port}/command-api", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 429


def test_lost_commit_answers_ok_and_changes_nothing(lab: EosLab, node: Any) -> None:
    device = lab.device("sw1")
    before = device.running_config()
    device.faults.set(lose_commit=True)
    node.configure_session()
    node.config(["vlan 60"])
    node.commit()  # no error
    assert device.running_config() == before


def test_stall_holds_matching_commands_until_cleared(lab: EosLab, node: Any) -> None:
    device = lab.device("sw1")
    device.faults.set(stall_regex=r"^vlan 70$")
    done = threading.Event()

    def configure() -> None:
        node.config(["vlan 70"])
        done.set()

    t = threading.Thread(target=configure)
    t.start()
    assert not done.wait(0.3)  # held (the bound is generous; this only shows it is not done)
    device.faults.set(stall_regex=None)
    t.join(30)
    assert done.is_set() and 70 in vlan_ids(node)


def test_fault_unit_types() -> None:
    f = Faults()
    with pytest.raises(ValueError, match="wrong type"):
        f.set(lose_commit=1)
    with pytest.raises(ValueError, match="wrong type"):
        f.set(error_times="2")
    f.set(drop_regex="^x$", error_regex="^y$", error_skip=1)
    assert isinstance(f.on_command("x"), Drop) and f.on_command("x") is None
    assert f.on_command("y") is None and isinstance(f.on_command("y"), Fail)
    f.clear()
    assert f.snapshot()["drop_regex"] is None and not f.commit_lost()
