"""The EOS emulator driven over HTTP by the real pyeapi client (and by raw JSON-RPC)."""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyeapi
import pytest
from pyeapi.eapilib import CommandError
from pyeapi.eapilib import ConnectionError as EapiConnectionError

from reconciler.lab.eos_server import DeviceSpec, EosLab


def vlan_ids(node: Any) -> set[int]:
    return {int(v) for v in node.enable("show vlan")[0]["result"]["vlans"]}


def running(node: Any) -> str:
    return str(node.enable("show running-config", encoding="text")[0]["result"]["output"])


def post(lab: EosLab, name: str, body: bytes | dict[str, Any], auth: tuple[str, str] | None = None,
         path: str = "/command-api") -> tuple[int, Any]:
    host, port = lab.address(name)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(f"http://{host}:{port}{path}", data=data, method="POST")
    request.add_header("Content-Type", "application/json-rpc")
    device = lab.device(name)
    user, password = auth or (device.username, device.password)
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


# ---------------------------------------------------------------- exec and shows


def test_show_commands_json_and_text(node: Any) -> None:
    version = node.enable("show version")[0]["result"]
    assert version["modelName"] == "vEOS-lab" and version["version"] == "4.32.2F"
    assert {"serialNumber", "systemMacAddress", "uptime", "memTotal"} <= set(version)
    assert node.enable("show hostname")[0]["result"] == {"hostname": "sw1", "fqdn": "sw1"}
    assert node.version == "4.32.2F" and node.model == "vEOS-lab"
    out = node.enable("show vlan", encoding="text")[0]["result"]["output"]
    assert out.splitlines()[2].split() == ["1", "default", "active", "Et1,", "Et2,", "Et3,",
                                            "Et4,", "Et5,", "Et6,"]
    status = node.enable("show interfaces status")[0]["result"]["interfaceStatuses"]
    assert status["Ethernet1"]["vlanInformation"] == {
        "interfaceMode": "bridged", "vlanId": 1, "interfaceForwardingModel": "bridged"}
    assert status["Management1"]["vlanInformation"]["interfaceMode"] == "routed"


def test_show_running_config_json_falls_back_to_text(node: Any) -> None:
    # eAPI has no JSON form for it: error 1003, which pyeapi retries as text
    result = node.enable("show running-config")[0]
    assert result["encoding"] == "text"
    assert result["result"]["output"].startswith("! Command: show running-config\n")
    with pytest.raises(CommandError) as err:
        node.enable("show running-config", strict=True)
    assert err.value.error_code == 1003
    assert err.value.error_text == (
        "CLI command 2 of 2 'show running-config' failed: unconverted command")


def test_wrong_password_is_rejected(lab: EosLab, connect: Callable[..., Any]) -> None:
    bad = connect(lab, "sw1", password="nope")
    with pytest.raises(EapiConnectionError, match="Unauthorized"):
        bad.enable("show version")


# ---------------------------------------------------------------- configure


def test_config_changes_show_up_everywhere(node: Any) -> None:
    node.config(["vlan 10", "name users", "vlan 20", "name voice", "interface Ethernet1",
                 "description desk 1", "switchport access vlan 10",
                 "interface Ethernet2", "switchport mode trunk",
                 "switchport trunk allowed vlan 10,20", "switchport trunk native vlan 20"])
    text = running(node)
    assert "vlan 10\n   name users\n!\nvlan 20\n   name voice\n!" in text
    assert ("interface Ethernet1\n   description desk 1\n   switchport access vlan 10\n!"
            in text)
    assert ("interface Ethernet2\n   switchport trunk native vlan 20\n"
            "   switchport trunk allowed vlan 10,20\n   switchport mode trunk\n!") in text
    vlans = node.enable("show vlan")[0]["result"]["vlans"]
    assert list(vlans["10"]["interfaces"]) == ["Ethernet1", "Ethernet2"]
    assert list(vlans["20"]["interfaces"]) == ["Ethernet2"]
    assert "Ethernet1" not in vlans["1"]["interfaces"]
    assert node.api("vlans").getall()["20"] == {
        "vlan_id": "20", "name": "voice", "state": "active", "trunk_groups": []}
    ports = node.api("switchports").getall()
    assert ports["Ethernet1"]["access_vlan"] == "10"
    assert ports["Ethernet2"]["mode"] == "trunk"
    assert ports["Ethernet2"]["trunk_allowed_vlans"] == "10,20"
    assert node.api("interfaces").get("Ethernet1")["description"] == "desk 1"
    sw = node.enable("show interfaces switchport")[0]["result"]["switchports"]
    assert sw["Ethernet2"]["switchportInfo"]["trunkAllowedVlans"] == "10,20"
    assert sw["Ethernet2"]["switchportInfo"]["trunkingNativeVlanName"] == "voice"


def test_vlan_api_and_removal(node: Any) -> None:
    vlans = node.api("vlans")
    assert vlans.create(30) and vlans.set_name(30, "guests")
    assert vlans.get("30")["name"] == "guests"
    node.config(["no vlan 30"])
    assert 30 not in vlan_ids(node)


def test_invalid_command_stops_the_request(lab: EosLab, node: Any) -> None:
    with pytest.raises(CommandError) as err:
        node.config(["vlan 40", "bogus words", "vlan 50"])
    exc = err.value
    assert exc.error_code == 1002
    assert exc.error_text == "CLI command 4 of 5 'bogus words' failed: invalid command"
    assert "Invalid input (at token 0: 'bogus')" in exc.command_error
    assert exc.output == [{}, {}, {}, {"errors": ["Invalid input (at token 0: 'bogus')"]}]
    ids = vlan_ids(node)
    assert 40 in ids  # plain `configure`: lines before the failure are live
    assert 50 not in ids  # nothing after the failure ran


@pytest.mark.parametrize("cmds, token", [
    (["vlan 4095"], "at token 1: '4095'"),
    (["vlan 0"], "at token 1: '0'"),
    (["interface Ethernet1", "switchport access vlan 5000"], "at token 3: '5000'"),
    (["interface Ethernet1", "switchport trunk allowed vlan add 4095"], "at token 5: '4095'"),
    (["interface Ethernet1", "switchport mode bogus"], "at token 2: 'bogus'"),
    (["interface Vlan10", "switchport mode trunk"], "at token 0: 'switchport'"),
    (["interface Bogus1"], "at token 1: 'Bogus1'"),
])
def test_out_of_range_and_misplaced_input_is_rejected(node: Any, cmds: list[str],
                                                      token: str) -> None:
    with pytest.raises(CommandError) as err:
        node.config(cmds)
    assert err.value.error_code == 1002
    assert f"Invalid input ({token})" in err.value.command_error
    assert vlan_ids(node) == {1}


# ---------------------------------------------------------------- sessions


def test_session_is_invisible_until_commit(node: Any) -> None:
    node.configure_session()
    node.config(["vlan 60", "name sixty"])
    node.config(["interface Ethernet3", "switchport access vlan 60"])  # a second request
    assert 60 not in vlan_ids(node)
    diff = node.diff()
    assert diff.startswith("--- system:/running-config\n+++ session:/")
    assert "+vlan 60\n+   name sixty\n" in diff
    assert "+   switchport access vlan 60\n" in diff
    sessions = node.enable("show configuration sessions", encoding="text")[0]["result"]
    assert "pending" in sessions["output"]
    node.commit()
    assert 60 in vlan_ids(node)
    assert "interface Ethernet3\n   switchport access vlan 60\n" in running(node)
    listed = node.enable("show configuration sessions")[0]["result"]["sessions"]
    assert [s["state"] for s in listed.values()] == ["completed"]


def test_session_abort_discards(node: Any) -> None:
    node.configure_session()
    node.config(["vlan 70"])
    node.abort()
    assert 70 not in vlan_ids(node)
    node.configure_session()  # pyeapi 1.0.4 reuses the aborted name: a fresh session
    assert node.diff() == ""
    node.commit()
    assert vlan_ids(node) == {1}


def test_failure_inside_a_session_keeps_earlier_lines_pending(node: Any) -> None:
    node.configure_session()
    with pytest.raises(CommandError):
        node.config(["vlan 80", "vlan 9999", "vlan 81"])
    assert 80 not in vlan_ids(node)  # nothing committed
    diff = node.diff()
    assert "+vlan 80\n" in diff and "vlan 81" not in diff  # kept what came before
    node.abort()
    assert vlan_ids(node) == {1}


def test_pending_sessions_are_limited_as_on_eos(node: Any) -> None:
    """Five uncommitted sessions at most (EOS's default); the sixth is refused until one
    is committed, aborted from exec mode or removed; re-entering one is always allowed."""
    for n in range(5):
        node.run_commands([f"configure session s{n}", f"vlan {60 + n}"])
    with pytest.raises(CommandError) as err:
        node.run_commands(["configure session s5", "vlan 65"])
    assert "Maximum number of pending sessions has been reached" in err.value.command_error
    node.run_commands(["configure session s0", "vlan 70"])  # an existing one: entered
    text = node.enable("show configuration sessions", encoding="text")[0]["result"]["output"]
    assert "Maximum number of pending sessions: 5" in text and text.count("pending") == 6
    node.run_commands(["configure session s0 abort"])
    node.run_commands(["no configure session s1"])
    with pytest.raises(CommandError, match="Session s1 does not exist"):
        node.run_commands(["no configure session s1"])
    node.run_commands(["configure session s5", "vlan 65", "commit"])
    node.run_commands(["configure session s6", "vlan 66"])
    node.run_commands(["configure session s7", "vlan 67"])  # 3 left + 2 new: five again
    with pytest.raises(CommandError, match="Maximum number of pending sessions"):
        node.run_commands(["configure session s8"])
    assert vlan_ids(node) == {1, 65}  # only the committed one
    listed = node.enable("show configuration sessions")[0]["result"]
    assert listed["maxOpenSessions"] == 5
    assert sorted(n for n, s in listed["sessions"].items() if s["state"] == "pending") == \
        ["s2", "s3", "s4", "s6", "s7"] and listed["sessions"]["s5"]["state"] == "completed"


def test_the_pending_limit_follows_the_service_setting(node: Any) -> None:
    node.config(["service configuration session max pending 2"])
    node.run_commands(["configure session a", "vlan 61"])
    node.run_commands(["configure session b", "vlan 62"])
    with pytest.raises(CommandError, match="Maximum number of pending sessions"):
        node.run_commands(["configure session c"])
    assert node.enable("show configuration sessions")[0]["result"]["maxOpenSessions"] == 2


# ---------------------------------------------------------------- raw JSON-RPC (Ansible)


def test_ansible_style_requests(lab: EosLab) -> None:
    def rpc(cmds: list[Any], fmt: str) -> Any:
        status, reply = post(lab, "sw1", {"jsonrpc": "2.0", "id": None, "method": "runCmds",
                                          "params": {"version": "latest", "cmds": cmds,
                                                     "format": fmt}})
        assert status == 200
        return reply

    facts = rpc(["show version ", "show hostname "], "json")
    assert facts["id"] is None and facts["result"][1]["hostname"] == "sw1"
    assert "error" not in rpc(["show configuration sessions"], "text")
    change = rpc(["configure session ansible_1700000000", "vlan 10", "name ten", "vlan 20-22",
                  "commit"], "text")
    assert change["result"] == [{"output": ""}] * 5
    after = rpc(["show running-config | section ^vlan"], "text")["result"][0]["output"]
    assert after == "vlan 10\n   name ten\n!\nvlan 20-22\n!\n"
    failed = rpc([{"cmd": "enable", "input": "pw"}, "configure session ansible_2", "vlan 5000"],
                 "text")
    assert failed["error"]["code"] == 1002
    assert failed["error"]["data"][-1]["errors"] == ["Invalid input (at token 1: '5000')"]
    assert rpc(["configure session ansible_2", "abort"], "text")["result"] == [{"output": ""}] * 2


def test_json_rpc_protocol_errors(lab: EosLab) -> None:
    status, reply = post(lab, "sw1", b"{not json")
    assert status == 200 and reply["error"]["code"] == -32700
    status, reply = post(lab, "sw1", {"jsonrpc": "2.0", "id": 7, "method": "runShell",
                                      "params": {}})
    assert reply == {"jsonrpc": "2.0", "id": 7,
                     "error": {"code": -32601, "message": "Method not found"}}
    status, _ = post(lab, "sw1", {"jsonrpc": "2.0", "id": 1, "method": "runCmds",
                                  "params": {"version": 1, "cmds": ["show version"]}},
                     auth=("netops", "wrong"))
    assert status == 401


# ---------------------------------------------------------------- seeded from realdata


def test_realdata_seed_over_http(realdata: Path, connect: Callable[..., Any]) -> None:
    seed = (realdata / "running_config" / "avd_l2ls_LEAF1.cfg").read_text()
    with EosLab([DeviceSpec("leaf1", seed_config=seed)]) as lab:
        node = connect(lab, "leaf1")
        assert node.enable("show hostname")[0]["result"]["hostname"] == "LEAF1"
        vlans = node.enable("show vlan")[0]["result"]["vlans"]
        assert {k: v["name"] for k, v in vlans.items()} == {
            "1": "default", "10": "BLUE-NET", "20": "GREEN-NET", "4094": "MLAG"}
        assert "Ethernet3" in vlans["10"]["interfaces"]
        assert node.api("vlans").get("4094")["trunk_groups"] == ["MLAG"]
        assert node.api("switchports").get("Ethernet3")["access_vlan"] == "10"
        text = running(node)
        assert "management api http-commands\n   protocol https\n   no shutdown\n   !\n" in text
        node.config(["interface Ethernet3", "switchport access vlan 20"])
        assert "Ethernet3" in node.enable("show vlan")[0]["result"]["vlans"]["20"]["interfaces"]
        lab.device("leaf1").reset()
        assert node.api("switchports").get("Ethernet3")["access_vlan"] == "10"


def test_pyeapi_connect_to_default_https_port_is_not_needed(lab: EosLab) -> None:
    # guard: the fixture's client really is plain HTTP on the emulator's port
    host, port = lab.address("sw1")
    client = pyeapi.connect(transport="http", host=host, port=port, username="netops",
                            password="s3cret")
    reply = client.execute(["show version"], apiVersion="latest", autoComplete=True)
    assert reply["result"][0]["modelName"] == "vEOS-lab"
