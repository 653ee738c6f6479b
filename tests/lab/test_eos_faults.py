"""Fault injection, counters and control endpoints of the EOS emulator."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from pyeapi.eapilib import CommandError
from pyeapi.eapilib import ConnectionError as EapiConnectionError

from reconciler.lab.eos_server import EosLab
from reconciler.lab.faults import Drop, Fail, Faults


def control(lab: EosLab, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    host, port = lab.address("sw1")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://{host}:{port}{path}", data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def vlan_ids(node: Any) -> set[int]:
    return {int(v) for v in node.enable("show vlan")[0]["result"]["vlans"]}


def test_latency_is_added_to_each_request(lab: EosLab, node: Any) -> None:
    lab.device("sw1").faults.set(latency=0.3)
    started = time.monotonic()
    node.enable("show hostname")
    assert time.monotonic() - started >= 0.3
    lab.device("sw1").faults.clear()
    assert lab.device("sw1").faults.snapshot()["latency"] == 0.0


def test_drop_closes_the_connection_on_the_nth_command(lab: EosLab, node: Any) -> None:
    # pyeapi sends `enable` first: commands 1-2 are `enable`, `show hostname`; then
    # `enable`, `configure terminal` (4th: dropped, so `vlan 10` never runs)
    lab.device("sw1").faults.set(drop_on_command=4)
    node.enable("show hostname")
    with pytest.raises(EapiConnectionError):
        node.config(["vlan 10"])
    assert vlan_ids(node) == {1}  # later requests work again: the drop is one-shot
    node.config(["vlan 10"])
    assert 10 in vlan_ids(node)


def test_regex_fault_fails_matching_commands(lab: EosLab, node: Any) -> None:
    lab.device("sw1").faults.set(error_regex=r"^vlan 3\d$", error_message="boom")
    with pytest.raises(CommandError) as err:
        node.config(["vlan 20", "vlan 30", "vlan 40"])
    assert err.value.error_code == 1002
    assert err.value.error_text == "CLI command 4 of 5 'vlan 30' failed: invalid command"
    assert err.value.output[-1] == {"errors": ["boom"]}
    assert vlan_ids(node) == {1, 20}


def test_http_500_for_the_next_k_requests(lab: EosLab, node: Any) -> None:
    lab.device("sw1").faults.set(http_500=2)
    for _ in range(2):
        with pytest.raises(EapiConnectionError):
            node.enable("show hostname")
    assert node.enable("show hostname")[0]["result"]["hostname"] == "sw1"


def test_commit_failure_leaves_running_config_unchanged(lab: EosLab, node: Any) -> None:
    device = lab.device("sw1")
    before = device.running_config()
    device.faults.set(fail_commit=True)
    node.configure_session()
    node.config(["vlan 50", "name fifty"])
    with pytest.raises(CommandError) as err:
        node.commit()
    assert err.value.error_code == 1000
    assert "Lab fault: commit failed" in err.value.command_error
    assert device.running_config() == before
    assert list(device.sessions.values())[0].state == "pending"  # still there to retry
    device.faults.clear()
    node.configure_session()
    node.commit()
    assert 50 in vlan_ids(node)


def test_control_endpoints(lab: EosLab, node: Any) -> None:
    status, faults = control(lab, "POST", "/_lab/faults", {"latency": 0.01, "http_500": 1})
    assert status == 200 and faults["latency"] == 0.01 and faults["http_500"] == 1
    assert control(lab, "GET", "/_lab/faults")[1]["http_500"] == 1
    status, faults = control(lab, "DELETE", "/_lab/faults")
    assert faults["http_500"] == 0 and faults["latency"] == 0.0
    status, reply = control(lab, "POST", "/_lab/faults", {"no_such_fault": 1})
    assert status == 400 and "unknown fault" in reply["error"]

    node.config(["vlan 10", "name ten"])
    status, state = control(lab, "GET", "/_lab/state")
    assert state["hostname"] == "sw1"
    assert state["vlans"]["10"]["name"] == "ten"
    assert "vlan 10\n   name ten\n" in state["running_config"]
    assert state["interfaces"]["Ethernet1"]["mode"] == "access"

    status, _ = control(lab, "POST", "/_lab/reset")
    assert status == 200 and vlan_ids(node) == {1}


def test_counters_count_requests_and_commands(lab: EosLab, node: Any) -> None:
    control(lab, "POST", "/_lab/counters/reset")
    node.enable("show hostname")
    node.config(["vlan 10", "vlan 11"])
    with pytest.raises(CommandError):
        node.config(["nonsense"])
    counters = control(lab, "GET", "/_lab/counters")[1]
    assert counters["requests"] == 3
    assert counters["commands"] == 2 + 4 + 3
    assert counters["errors"] == 1
    assert counters["by_word"] == {"enable": 3, "show": 1, "configure": 2, "vlan": 2,
                                   "nonsense": 1}
    assert counters["by_prefix"]["show hostname"] == 1
    assert lab.device("sw1").counters.snapshot()["requests"] == 3
    control(lab, "POST", "/_lab/counters/reset")
    assert control(lab, "GET", "/_lab/counters")[1]["requests"] == 0


def test_faults_unit() -> None:
    faults = Faults()
    faults.update({"drop_on_command": 2, "error_regex": "^bad"})
    assert faults.on_command("show version") is None
    assert faults.on_command("show version") == Drop()
    assert faults.on_command("show version") is None  # one-shot
    assert faults.on_command("bad idea") == Fail("Lab fault: injected error")
    with pytest.raises(ValueError):
        faults.update({"latency": "slow"})
    with pytest.raises(ValueError):
        faults.update({"http_500": True})
    faults.set(http_500=1)
    assert faults.take_http_error() and not faults.take_http_error()
