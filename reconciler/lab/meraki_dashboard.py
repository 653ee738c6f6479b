"""State of the lab Meraki Dashboard: organisations, networks, SSIDs, group policies,
identity PSKs and provisioned clients, with the Dashboard's own rules.

Protocol-free: `meraki_server` maps HTTP onto these methods. Each method returns
(status, body) the way the Dashboard answers, or raises `ApiError` with the real
error shape (`{"errors": [...]}`).
"""

from __future__ import annotations

import copy
import itertools
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from .meraki_schema import validate

Json = dict[str, Any]
MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
IPSK_MODES = ("ipsk-with-radius", "ipsk-without-radius", "ipsk-with-nac")


class ApiError(Exception):
    def __init__(self, status: int, *errors: str) -> None:
        self.status = status
        self.errors = list(errors)
        super().__init__(f"{status}: {'; '.join(errors)}")


@dataclass
class Network:
    id: str
    org_id: str
    name: str
    ssids: dict[int, Json] = field(default_factory=dict)
    policies: dict[str, Json] = field(default_factory=dict)  # groupPolicyId -> policy
    psks: dict[int, dict[str, Json]] = field(default_factory=dict)  # ssid -> id -> psk
    clients: dict[str, Json] = field(default_factory=dict)  # clientId -> client


def _ssid(number: int, name: str, auth_mode: str) -> Json:
    return {"number": number, "name": name, "enabled": True, "splashPage": "None",
            "ssidAdminAccessible": False, "authMode": auth_mode,
            "encryptionMode": "wpa", "wpaEncryptionMode": "WPA2 only",
            "ipAssignmentMode": "Bridge mode", "useVlanTagging": False,
            "minBitrate": 11, "bandSelection": "Dual band operation",
            "perClientBandwidthLimitUp": 0, "perClientBandwidthLimitDown": 0,
            "perSsidBandwidthLimitUp": 0, "perSsidBandwidthLimitDown": 0,
            "visible": True, "availableOnAllAps": True, "availabilityTags": [],
            "mandatoryDhcpEnabled": False, "localAuth": False, "adminSplashUrl": "",
            "splashTimeout": "1440 minutes", "walledGardenEnabled": False,
            "walledGardenRanges": [], "radiusEnabled": auth_mode.endswith("radius"),
            "radiusServers": [], "radiusAccountingEnabled": False,
            "radiusAccountingServers": [], "radiusAttributeForGroupPolicies": "Filter-Id",
            "radiusFailoverPolicy": "Deny access", "radiusLoadBalancingPolicy": "Round robin"}


class Dashboard:
    """Thread-safe state of every organisation the lab serves."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.orgs: dict[str, Json] = {}
        self.api_keys: dict[str, set[str]] = {}  # key -> org ids it may use
        self.networks: dict[str, Network] = {}
        self._ids = itertools.count(1001)

    # -- seeding (lab planner) -------------------------------------------------------
    def add_org(self, org_id: str, name: str, api_key: str) -> None:
        with self.lock:
            self.orgs[org_id] = {"id": org_id, "name": name,
                                 "url": f"https://n1.meraki.com/o/{org_id}/manage/organization"
                                        "/overview", "api": {"enabled": True}}
            self.api_keys.setdefault(api_key, set()).add(org_id)

    def add_network(self, org_id: str, net_id: str, name: str,
                    ssids: dict[int, tuple[str, str]]) -> None:
        with self.lock:
            net = Network(net_id, org_id, name)
            for n in range(15):
                label, mode = ssids.get(n, (f"Unconfigured SSID {n + 1}", "open"))
                net.ssids[n] = _ssid(n, label, mode)
                if n not in ssids:
                    net.ssids[n]["enabled"] = False
            self.networks[net_id] = net

    def seed_policy(self, net_id: str, name: str, vlan: str | None = None) -> str:
        body: Json = {"name": name}
        if vlan is not None:
            body["vlanTagging"] = {"settings": "custom", "vlanId": vlan}
        return str(self.create_policy(net_id, body)["groupPolicyId"])

    def seed_psk(self, net_id: str, ssid: int, name: str, policy_id: str) -> None:
        self.create_psk(net_id, ssid, {"name": name, "groupPolicyId": policy_id})

    # -- access ----------------------------------------------------------------------
    def orgs_for(self, api_key: str) -> set[str]:
        return self.api_keys.get(api_key, set())

    def network(self, net_id: str, api_key: str) -> Network:
        net = self.networks.get(net_id)
        if net is None or net.org_id not in self.orgs_for(api_key):
            raise ApiError(404, "Not found")
        return net

    def _next_id(self) -> str:
        return str(next(self._ids))

    @staticmethod
    def _check(operation: str, body: Any) -> Json:
        errors = validate(operation, body)
        if errors:
            raise ApiError(400, *errors)
        assert isinstance(body, dict)
        return body

    # -- group policies ----------------------------------------------------------------
    @staticmethod
    def _policy_view(p: Json) -> Json:
        return copy.deepcopy(p)

    def list_policies(self, net_id: str) -> list[Json]:
        with self.lock:
            net = self.networks[net_id]
            return [self._policy_view(p) for p in net.policies.values()]

    def get_policy(self, net_id: str, pid: str) -> Json:
        with self.lock:
            p = self.networks[net_id].policies.get(pid)
            if p is None:
                raise ApiError(404, "Not found")
            return self._policy_view(p)

    def create_policy(self, net_id: str, body: Any) -> Json:
        body = self._check("createNetworkGroupPolicy", body)
        with self.lock:
            net = self.networks[net_id]
            if any(p["name"] == body["name"] for p in net.policies.values()):
                raise ApiError(400, "Name has already been taken")
            self._check_vlan(body)
            pid = self._next_id()
            policy: Json = {"name": body["name"], "groupPolicyId": pid,
                            "scheduling": {"enabled": False},
                            "bandwidth": {"settings": "network default"},
                            "firewallAndTrafficShaping": {"settings": "network default"},
                            "contentFiltering": {
                                "allowedUrlPatterns": {"settings": "network default"},
                                "blockedUrlPatterns": {"settings": "network default"},
                                "blockedUrlCategories": {"settings": "network default"}},
                            "splashAuthSettings": "network default",
                            "vlanTagging": {"settings": "network default"},
                            "bonjourForwarding": {"settings": "network default", "rules": []}}
            policy.update(copy.deepcopy({k: v for k, v in body.items() if v is not None}))
            net.policies[pid] = policy
            return self._policy_view(policy)

    @staticmethod
    def _check_vlan(body: Json) -> None:
        tag = body.get("vlanTagging") or {}
        vid = tag.get("vlanId")
        if tag.get("settings") == "custom":
            if vid is None or not str(vid).isdigit() or not 1 <= int(vid) <= 4094:
                raise ApiError(400, "'vlanTagging.vlanId' must be a VLAN ID between 1 and 4094")

    def update_policy(self, net_id: str, pid: str, body: Any) -> Json:
        body = self._check("updateNetworkGroupPolicy", body)
        with self.lock:
            net = self.networks[net_id]
            policy = net.policies.get(pid)
            if policy is None:
                raise ApiError(404, "Not found")
            name = body.get("name")
            if name and any(p["name"] == name and k != pid for k, p in net.policies.items()):
                raise ApiError(400, "Name has already been taken")
            self._check_vlan(body)
            policy.update(copy.deepcopy({k: v for k, v in body.items() if v is not None}))
            return self._policy_view(policy)

    def delete_policy(self, net_id: str, pid: str) -> Json | None:  # 204: no body
        with self.lock:
            net = self.networks[net_id]
            if pid not in net.policies:
                raise ApiError(404, "Not found")
            users = [p["name"] for s in net.psks.values() for p in s.values()
                     if p["groupPolicyId"] == pid]
            users += [c["name"] for c in net.clients.values() if c.get("groupPolicyId") == pid
                      and c["devicePolicy"] == "Group policy"]
            if users:
                raise ApiError(400, f"Group policy is in use by {len(users)} client(s) "
                                    "or identity PSK(s) and cannot be deleted")
            del net.policies[pid]
            return None

    # -- identity PSKs -----------------------------------------------------------------
    def _psk_ssid(self, net: Network, number: int) -> dict[str, Json]:
        ssid = net.ssids.get(number)
        if ssid is None:
            raise ApiError(404, "Not found")
        if ssid["authMode"] not in IPSK_MODES:
            raise ApiError(400, "Identity PSKs can only be used on SSIDs with an "
                                "'ipsk' authentication mode")
        return net.psks.setdefault(number, {})

    def list_psks(self, net_id: str, number: int) -> list[Json]:
        with self.lock:
            return [dict(p) for p in self._psk_ssid(self.networks[net_id], number).values()]

    def get_psk(self, net_id: str, number: int, psk_id: str) -> Json:
        with self.lock:
            p = self._psk_ssid(self.networks[net_id], number).get(psk_id)
            if p is None:
                raise ApiError(404, "Not found")
            return dict(p)

    def _check_psk(self, net: Network, psks: dict[str, Json], body: Json, own: str | None) -> None:
        if body.get("groupPolicyId") is not None and body["groupPolicyId"] not in net.policies:
            raise ApiError(400, f"Group policy {body['groupPolicyId']} does not exist")
        if body.get("name") and any(p["name"] == body["name"] and k != own
                                    for k, p in psks.items()):
            raise ApiError(400, "Name has already been taken")
        pw = body.get("passphrase")
        if pw is not None and not 8 <= len(pw) <= 63:
            raise ApiError(400, "'passphrase' must be between 8 and 63 characters")

    def create_psk(self, net_id: str, number: int, body: Any) -> Json:
        body = self._check("createNetworkWirelessSsidIdentityPsk", body)
        with self.lock:
            net = self.networks[net_id]
            psks = self._psk_ssid(net, number)
            self._check_psk(net, psks, body, None)
            pid = self._next_id()
            psk = {"id": pid, "name": body["name"],
                   "passphrase": body.get("passphrase") or secrets.token_urlsafe(12),
                   "groupPolicyId": body["groupPolicyId"], "wifiPersonalNetworkId": pid,
                   "email": None, "expiresAt": body.get("expiresAt")}
            psks[pid] = psk
            return {k: psk[k] for k in ("id", "name", "passphrase", "groupPolicyId",
                                        "expiresAt")}

    def update_psk(self, net_id: str, number: int, psk_id: str, body: Any) -> Json:
        body = self._check("updateNetworkWirelessSsidIdentityPsk", body)
        with self.lock:
            net = self.networks[net_id]
            psks = self._psk_ssid(net, number)
            psk = psks.get(psk_id)
            if psk is None:
                raise ApiError(404, "Not found")
            self._check_psk(net, psks, body, psk_id)
            psk.update({k: v for k, v in body.items() if v is not None})
            return {k: psk[k] for k in ("id", "name", "passphrase", "groupPolicyId",
                                        "expiresAt")}

    def delete_psk(self, net_id: str, number: int, psk_id: str) -> Json | None:  # 204
        with self.lock:
            psks = self._psk_ssid(self.networks[net_id], number)
            if psks.pop(psk_id, None) is None:
                raise ApiError(404, "Not found")
            return None

    # -- clients (MAC provisioning) --------------------------------------------------------
    def _client(self, net: Network, client_id: str) -> Json:
        """By client id or by MAC, as the Dashboard accepts both."""
        c = net.clients.get(client_id)
        if c is None:
            c = next((x for x in net.clients.values() if x["mac"] == client_id.lower()), None)
        if c is None:
            raise ApiError(404, "Client not found")
        return c

    def provision(self, net_id: str, body: Any) -> Json:
        body = self._check("provisionNetworkClients", body)
        with self.lock:
            net = self.networks[net_id]
            policy, gp = body["devicePolicy"], body.get("groupPolicyId")
            if policy == "Group policy" and (gp is None or gp not in net.policies):
                raise ApiError(400, "'groupPolicyId' must name an existing group policy when "
                                    "'devicePolicy' is 'Group policy'")
            out = []
            for item in body["clients"]:
                mac = str(item["mac"]).lower()
                if not MAC_RE.fullmatch(mac):
                    raise ApiError(400, f"'{item['mac']}' is not a valid MAC address")
            for item in body["clients"]:
                mac = str(item["mac"]).lower()
                c = next((x for x in net.clients.values() if x["mac"] == mac), None)
                if c is None:
                    cid = "k" + format(int(self._next_id()), "06x")
                    c = net.clients[cid] = {"id": cid, "mac": mac}
                c.update({"name": item.get("name") or c.get("name") or mac,
                          "devicePolicy": policy,
                          "groupPolicyId": gp if policy == "Group policy" else None})
                out.append({"mac": mac, "clientId": c["id"], "name": c["name"], "message": None})
            return {"clients": out, "devicePolicy": policy, "groupPolicyId": gp}

    def get_client(self, net_id: str, client_id: str) -> Json:
        with self.lock:
            c = self._client(self.networks[net_id], client_id)
            return {"id": c["id"], "mac": c["mac"], "description": c["name"], "ip": None,
                    "user": None, "vlan": None, "ssid": None, "status": "Offline"}

    def client_policy(self, net_id: str, client_id: str) -> Json:
        with self.lock:
            c = self._client(self.networks[net_id], client_id)
            out = {"mac": c["mac"], "devicePolicy": c["devicePolicy"]}
            if c["devicePolicy"] == "Group policy":
                out["groupPolicyId"] = c["groupPolicyId"]
            return out

    def update_client_policy(self, net_id: str, client_id: str, body: Any) -> Json:
        body = self._check("updateNetworkClientPolicy", body)
        with self.lock:
            net = self.networks[net_id]
            c = self._client(net, client_id)
            policy, gp = body["devicePolicy"], body.get("groupPolicyId")
            if policy not in ("Whitelisted", "Allowed", "Blocked", "Normal", "Group policy"):
                raise ApiError(400, f"'devicePolicy' cannot be {policy!r}")
            if policy == "Group policy" and gp not in net.policies:
                raise ApiError(400, "'groupPolicyId' must name an existing group policy")
            c["devicePolicy"] = policy
            c["groupPolicyId"] = gp if policy == "Group policy" else None
        return self.client_policy(net_id, client_id)

    def policies_by_client(self, net_id: str) -> list[Json]:
        """Clients with a policy other than Normal (GET /networks/{id}/policies/byClient)."""
        with self.lock:
            net = self.networks[net_id]
            out = []
            for c in sorted(net.clients.values(), key=lambda x: x["id"]):
                if c["devicePolicy"] == "Normal":
                    continue
                if c["devicePolicy"] == "Group policy":
                    p = net.policies[c["groupPolicyId"]]
                    assigned = {"name": p["name"], "type": "Group policy",
                                "groupPolicyId": c["groupPolicyId"], "ssid": []}
                else:
                    assigned = {"name": c["devicePolicy"], "type": "network/group", "ssid": []}
                out.append({"clientId": c["id"], "name": c["name"], "assigned": [assigned]})
            return out

    # -- inspection (tests) ------------------------------------------------------------------
    def snapshot(self, net_id: str) -> Json:
        """Whole state of a network by names (server-assigned ids left out)."""
        with self.lock:
            net = self.networks[net_id]
            names = {k: p["name"] for k, p in net.policies.items()}
            return {
                "policies": {p["name"]: {k: v for k, v in p.items() if k != "groupPolicyId"}
                             for p in net.policies.values()},
                "psks": {n: {p["name"]: {"policy": names[p["groupPolicyId"]],
                                         "passphrase": p["passphrase"]}
                             for p in s.values()} for n, s in net.psks.items() if s},
                # A client back on the Normal policy is as good as never provisioned.
                "clients": {c["mac"]: {"name": c["name"], "devicePolicy": c["devicePolicy"],
                                       "policy": names.get(c.get("groupPolicyId") or "")}
                            for c in net.clients.values() if c["devicePolicy"] != "Normal"},
                "ssids": copy.deepcopy(net.ssids),
            }
