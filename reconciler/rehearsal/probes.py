"""The live systems as their own clients see them (not the reconciler's targets).

Switches through pyeapi (`show interfaces status`) and netmiko with ntc-templates
(`show interfaces switchport`); the PBX as the realtime tables Asterisk reads;
Kea through its control socket (`config-get`); the Wi-Fi controller through the
meraki SDK. Each returns plain data for the checks in `checks`.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Mapping
from typing import Any

Json = dict[str, Any]


def eos_ports(ep: Mapping[str, Any], username: str, password: str) -> dict[str, tuple[int, bool]]:
    """interface -> (data VLAN, enabled) of every access port; a port with a phone is a
    `trunk phone` port on EOS, its data VLAN the untagged native VLAN."""
    import pyeapi

    node = pyeapi.connect(transport=ep.get("transport", "https"), host=ep["host"],
                          port=ep.get("port"), username=username, password=password,
                          timeout=30, return_node=True)
    ports, status = node.enable(["show interfaces switchport", "show interfaces status"])
    links = status["result"]["interfaceStatuses"]
    out: dict[str, tuple[int, bool]] = {}
    for name, sp in ports["result"]["switchports"].items():
        info = sp.get("switchportInfo", {})
        if info.get("mode") == "access":
            vlan = info.get("accessVlanId")
        elif info.get("phoneTrunk"):
            vlan = info.get("trunkingNativeVlanId")
        else:
            continue
        out[name] = (int(vlan), links.get(name, {}).get("linkStatus") != "disabled")
    return out


def ios_ports(ep: Mapping[str, Any], username: str, password: str) -> dict[str, tuple[int, bool]]:
    """The same for a Cisco IOS switch (a shut port's operational mode is `down`)."""
    from netmiko import ConnectHandler

    with ConnectHandler(device_type="cisco_ios", host=ep["host"], port=ep.get("port", 22),
                        username=username, password=password, secret=password) as conn:
        rows = conn.send_command("show interfaces switchport", use_textfsm=True)
    out: dict[str, tuple[int, bool]] = {}
    for row in rows if isinstance(rows, list) else []:
        if str(row.get("admin_mode", "")).startswith("static access"):
            name = _long_ios(str(row["interface"]))
            out[name] = (int(row["access_vlan"]), str(row.get("mode", "")) != "down")
    return out


_IOS_SHORT = {"Gi": "GigabitEthernet", "Fa": "FastEthernet", "Te": "TenGigabitEthernet",
              "Tw": "TwoGigabitEthernet", "Fi": "FiveGigabitEthernet", "Po": "Port-channel"}


def _long_ios(name: str) -> str:
    for short, full in _IOS_SHORT.items():
        if name.startswith(short) and not name.startswith(full):
            return full + name[len(short):]
    return name


def pbx_endpoints(path: str) -> tuple[set[str], set[str]]:
    """Ids in ps_endpoints and in ps_auths (a phone registers only with both)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        eps = {str(r[0]) for r in db.execute("SELECT id FROM ps_endpoints")}
        auths = {str(r[0]) for r in db.execute("SELECT id FROM ps_auths")}
    return eps, auths


def kea_subnets(socket_path: str, site: str) -> set[str]:
    """Subnets Kea serves for `site` (those the reconciler tags as that site's)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(socket_path)
        s.sendall(json.dumps({"command": "config-get"}).encode())
        chunks = []
        while data := s.recv(65536):
            chunks.append(data)
    reply = json.loads(b"".join(chunks))
    subnets = reply["arguments"]["Dhcp4"].get("subnet4", [])
    return {str(sn["subnet"]) for sn in subnets
            if (sn.get("user-context") or {}).get("reconciler", {}).get("site") == site}


def meraki_devices(base_url: str, api_key: str, network: str, ssid: int, mode: str,
                   prefix: str) -> tuple[dict[str, int | None], list[str]]:
    """Managed device -> VLAN its policy tags (None: no policy, or one without a VLAN),
    and managed policies. PSK keys are named without their `.v<version>` suffix."""
    import meraki

    d = meraki.DashboardAPI(api_key, base_url=base_url, suppress_logging=True,
                            output_log=False, print_console=False, wait_on_rate_limit=True,
                            maximum_retries=10)
    policies = {p["groupPolicyId"]: p for p in d.networks.getNetworkGroupPolicies(network)}
    ours = [p["name"] for p in policies.values() if str(p["name"]).startswith(prefix)]

    def vlan_of(pid: Any) -> int | None:
        tag = (policies.get(str(pid)) or {}).get("vlanTagging") or {}
        return int(tag["vlanId"]) if tag.get("settings") == "custom" else None

    out: dict[str, int | None] = {}
    if mode == "psk":
        for k in d.wireless.getNetworkWirelessSsidIdentityPsks(network, ssid):
            if str(k["name"]).startswith(prefix):
                out[str(k["name"]).rsplit(".v", 1)[0]] = vlan_of(k.get("groupPolicyId"))
    else:
        for entry in d.networks.getNetworkPoliciesByClient(network, perPage=1000,
                                                           total_pages="all"):
            if not str(entry.get("name") or "").startswith(prefix):
                continue
            client = d.networks.getNetworkClient(network, entry["clientId"])
            group = next((a for a in entry.get("assigned", [])
                          if a.get("type") == "Group policy"), None)
            out[str(client["mac"]).lower()] = vlan_of(group.get("groupPolicyId")) \
                if group else None
    return out, ours
