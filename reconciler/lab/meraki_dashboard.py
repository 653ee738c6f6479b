"""State of the lab Meraki Dashboard: organisations, networks, SSIDs, group policies,
identity PSKs and provisioned clients, with the Dashboard's own rules.

Protocol-free: `meraki_server` maps HTTP onto these methods. Each method returns
(status, body) the way the Dashboard answers, or raises `ApiError` with the real
error shape (`{"errors": [...]}`).
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from .meraki_clients import ClientsMixin, LabClock
from .meraki_schema import ApiError, validate

__all__ = ["ApiError", "Dashboard", "LabClock", "Network"]

Json = dict[str, Any]
IPSK_MODES = ("ipsk-with-radius", "ipsk-without-radius", "ipsk-with-nac")


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
    """An SSID as `GET .../wireless/ssids/{number}` returns it (every field of the spec)."""
    radius = auth_mode.endswith("radius")
    return {"number": number, "name": name, "enabled": True, "wlanIdentifier": number + 1,
            "splashPage": "None", "ssidAdminAccessible": False, "localAuth": False,
            "authMode": auth_mode, "psk": None, "encryptionMode": "wpa",
            "wpaEncryptionMode": "WPA2 only", "radiusServers": [], "radiusAccountingServers": [],
            "radiusAccountingEnabled": False, "radiusEnabled": radius,
            "radiusAttributeForGroupPolicies": "Filter-Id",
            "radiusFailoverPolicy": "Deny access", "radiusLoadBalancingPolicy": "Round robin",
            "ipAssignmentMode": "Bridge mode", "adminSplashUrl": "", "splashTimeout":
            "1440 minutes", "walledGardenEnabled": False, "walledGardenRanges": [],
            "minBitrate": 11, "bandSelection": "Dual band operation",
            "perClientBandwidthLimitUp": 0, "perClientBandwidthLimitDown": 0, "visible": True,
            "availableOnAllAps": True, "availabilityTags": [], "perSsidBandwidthLimitUp": 0,
            "perSsidBandwidthLimitDown": 0, "adaptivePolicyGroupId": None,
            "mandatoryDhcpEnabled": False, "dot11w": {"enabled": False, "required": False},
            "dot11r": {"enabled": False, "adaptive": False}, "enterpriseAdminAccess":
            "access enabled", "radiusTestingEnabled": False, "radiusCalledStationId": None,
            "radiusAuthenticationNasId": None, "radiusServerTimeout": 1,
            "radiusServerAttemptsLimit": 3, "radiusFallbackEnabled": False,
            "radiusProxyEnabled": False, "radiusCoaEnabled": False, "radiusOverride": False,
            "useVlanTagging": False, "defaultVlanId": None, "adultContentFilteringEnabled": False,
            "dnsRewrite": {"enabled": False, "dnsCustomNameservers": []}, "gre": None,
            "campusGateway": None, "lanIsolationEnabled": False, "oauth": None,
            "localAuthFallback": None, "namedVlans": None, "speedBurst": {"enabled": False},
            "wifiPersonalNetworkEnabled": None, "security": None}


class Dashboard(ClientsMixin):
    """Thread-safe state of every organisation the lab serves."""

    def __init__(self, clock: LabClock | None = None) -> None:
        self.clock = clock or LabClock()
        self.lock = threading.RLock()
        self.orgs: dict[str, Json] = {}
        self.api_keys: dict[str, set[str]] = {}  # key -> org ids it may use
        self.networks: dict[str, Network] = {}
        self._ids = itertools.count(1001)

    # -- seeding (lab planner) -------------------------------------------------------
    def add_org(self, org_id: str, name: str, api_key: str) -> None:
        with self.lock:
            self.orgs[org_id] = {
                "id": org_id, "name": name,
                "url": f"https://n1.meraki.com/o/{org_id}/manage/organization/overview",
                "api": {"enabled": True}, "licensing": {"model": "co-term"},
                "cloud": {"region": {"name": "Europe", "host": {"name": "Europe"}}},
                "management": {"details": []}, "privacy": {}}
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

    def network_view(self, net_id: str) -> Json:
        """`GET /networks/{id}`: every field of the spec's shape."""
        net = self.networks[net_id]
        return {"id": net.id, "organizationId": net.org_id, "name": net.name,
                "productTypes": ["wireless"], "timeZone": "Europe/London", "tags": [],
                "enrollmentString": None,
                "url": f"https://n1.meraki.com/{net.name}/n/{net.id}/manage/usage/list",
                "notes": None, "isBoundToConfigTemplate": False}

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
            return dict(psk)  # the same shape as the list call

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
            return dict(psk)  # the same shape as the list call

    def delete_psk(self, net_id: str, number: int, psk_id: str) -> Json | None:  # 204
        with self.lock:
            psks = self._psk_ssid(self.networks[net_id], number)
            if psks.pop(psk_id, None) is None:
                raise ApiError(404, "Not found")
            return None

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
