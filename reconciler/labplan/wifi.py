"""Lab planner for the Wi-Fi controller: one lab Dashboard for every site's network.

Each site's organisation and network are seeded with its SSIDs (a member SSID on
0 and the devices SSID the site names) and with objects an operator made by hand,
outside the managed prefix, which the reconciler must never touch.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from ..model.estate import Estate
from .plan import LabPlan

LAB_RATE = 10.0  # requests per second per organisation, as the real Dashboard


def plan_wifi(estate: Estate, workdir: Path, plan: LabPlan) -> None:
    orgs: dict[str, dict[str, Any]] = {}
    networks: list[dict[str, Any]] = []
    targets: list[str] = []
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        wifi = site.wifi
        if wifi is None:
            continue
        cred = plan.credentials.setdefault(wifi.credentials,
                                           {"api_key": secrets.token_hex(20)})
        orgs.setdefault(wifi.organization_id, {"id": wifi.organization_id,
                                               "name": "Workspace Operator",
                                               "api_key": cred["api_key"]})
        devices_mode = "ipsk-without-radius" if wifi.device_auth == "psk" else "psk"
        ssids = {"0": [f"{site.name} Members", "8021x-radius"],
                 str(wifi.devices_ssid): [f"{site.name} Devices", devices_mode]}
        net: dict[str, Any] = {
            "id": wifi.network_id, "org": wifi.organization_id, "name": site.name,
            "ssids": ssids,
            # Hand-made, outside the managed prefix: must survive every apply untouched.
            "policies": [{"name": "Guest bandwidth cap"},
                         {"name": "Facilities IoT", "vlan": "900"}],
        }
        if wifi.device_auth == "psk":
            net["psks"] = [{"ssid": wifi.devices_ssid, "name": "facilities-sensor-hub",
                            "policy": "Facilities IoT"}]
        else:
            net["clients"] = [{"mac": "02:00:5e:10:00:01", "name": "lobby-screen",
                               "policy": "Facilities IoT"}]
        networks.append(net)
        tid = f"{site.id}/wifi"
        targets.append(tid)
        plan.targets[tid] = tid
    if networks:
        plan.components.append({"kind": "meraki", "rate": LAB_RATE, "orgs": list(orgs.values()),
                                "networks": networks, "targets": targets})
