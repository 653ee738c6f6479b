"""Clients of the lab Dashboard: MAC provisioning, per-client policy, and the time windows.

The real Dashboard lists clients (and `policies/byClient`) only for a window of time: one
day unless the request says otherwise, at most 31 days back (`timespan` in seconds or
`t0`); a device that has not been seen for longer is not in any list, but its policy is
still answered by `GET /networks/{id}/clients/{mac or id}/policy`. The lab keeps its own
clock (`LabClock`) so a test can age a device by months without waiting.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .meraki_schema import ApiError

if TYPE_CHECKING:
    from .meraki_dashboard import Network

Json = dict[str, Any]
MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
DAY = 86_400
MAX_TIMESPAN = 31 * DAY  # the documented maximum of `timespan` and of `t0`'s lookback
DEVICE_POLICIES = ("Whitelisted", "Allowed", "Blocked", "Normal", "Group policy")


class LabClock:
    """The Dashboard's "now": the machine's time plus an offset a test may move forward."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds


def window_start(query: Mapping[str, list[str]], now: float) -> float:
    """The oldest `lastSeen` a list answers for, from `t0`/`timespan`, as the Dashboard checks."""
    t0, span = query.get("t0", [None])[0], query.get("timespan", [None])[0]
    if t0 is not None and span is not None:
        raise ApiError(400, "'t0' and 'timespan' cannot both be specified")
    if span is not None:
        try:
            seconds = float(span)
        except ValueError:
            raise ApiError(400, "'timespan' must be a number") from None
        if not 0 < seconds <= MAX_TIMESPAN:
            raise ApiError(400, f"'timespan' must be greater than 0 and less than or equal to "
                                f"{MAX_TIMESPAN} seconds (31 days)")
        return now - seconds
    if t0 is not None:
        start = _timestamp(t0)
        if start < now - MAX_TIMESPAN:
            raise ApiError(400, "'t0' must be within the last 31 days")
        return start
    return now - DAY


def _timestamp(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ApiError(400, "'t0' must be a timestamp") from None


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def client_view(c: Json) -> Json:
    """`GET /networks/{id}/clients/{clientId}`: every field of the spec's shape."""
    return {"id": c["id"], "mac": c["mac"], "ip": None, "ip6": None, "ip6Local": None,
            "description": c["name"], "firstSeen": int(c["firstSeen"]),
            "lastSeen": int(c["lastSeen"]), "manufacturer": None, "model": None, "os": None,
            "user": None, "vlan": None, "namedVlan": None, "ssid": None, "switchport": None,
            "wirelessCapabilities": None, "smInstalled": False, "recentDeviceMac": None,
            "recentDeviceId": None, "recentDeviceName": None, "recentDeviceSerial": None,
            "recentDeviceConnection": None, "clientVpnConnections": [], "lldp": [], "cdp": [],
            "status": "Offline", "notes": None, "deviceTypePrediction": None}


def client_list_item(c: Json) -> Json:
    """An item of `GET /networks/{id}/clients` (a different shape from the single client)."""
    return {"id": c["id"], "mac": c["mac"], "ip": None, "ip6": None, "ip6Local": None,
            "description": c["name"], "firstSeen": _iso(c["firstSeen"]),
            "lastSeen": _iso(c["lastSeen"]), "manufacturer": None, "os": None, "user": None,
            "vlan": None, "namedVlan": None, "ssid": None, "switchport": None,
            "wirelessCapabilities": None, "smInstalled": False, "recentDeviceMac": None,
            "status": "Offline", "usage": {"sent": 0, "recv": 0}, "adaptivePolicyGroup": None,
            "deviceTypePrediction": None, "recentDeviceSerial": None, "recentDeviceName": None,
            "recentDeviceConnection": None, "notes": None, "groupPolicy8021x": None,
            "pskGroup": None}


class ClientsMixin:
    """The client operations of `Dashboard` (its lock, networks, clock, id source)."""

    lock: threading.RLock
    networks: dict[str, Network]
    clock: LabClock

    def _next_id(self) -> str:
        raise NotImplementedError

    @staticmethod
    def _check(operation: str, body: Any) -> Json:
        raise NotImplementedError

    def _client(self, net: Network, client_id: str) -> Json:
        """By client id or by MAC, as the Dashboard accepts both."""
        c = net.clients.get(client_id)
        if c is None:
            c = next((x for x in net.clients.values() if x["mac"] == client_id.lower()), None)
        if c is None:
            raise ApiError(404, "Client not found")
        return c

    def seen(self, net_id: str, mac: str, at: float | None = None) -> None:
        """The device was on the network (at the lab clock's now unless `at`)."""
        with self.lock:
            c = self._client(self.networks[net_id], mac)
            c["lastSeen"] = self.clock.now() if at is None else at

    def provision(self, net_id: str, body: Any) -> Json:
        body = self._check("provisionNetworkClients", body)
        with self.lock:
            net = self.networks[net_id]
            policy, gp = body["devicePolicy"], body.get("groupPolicyId")
            if policy == "Group policy" and (gp is None or gp not in net.policies):
                raise ApiError(400, "'groupPolicyId' must name an existing group policy when "
                                    "'devicePolicy' is 'Group policy'")
            for item in body["clients"]:
                if not MAC_RE.fullmatch(str(item["mac"]).lower()):
                    raise ApiError(400, f"'{item['mac']}' is not a valid MAC address")
            now = self.clock.now()
            out = []
            for item in body["clients"]:
                mac = str(item["mac"]).lower()
                c = next((x for x in net.clients.values() if x["mac"] == mac), None)
                if c is None:  # the Dashboard creates the client record when provisioning
                    cid = "k" + format(int(self._next_id()), "06x")
                    c = net.clients[cid] = {"id": cid, "mac": mac, "firstSeen": now,
                                            "lastSeen": now}
                c.update({"name": item.get("name") or c.get("name") or mac,
                          "devicePolicy": policy,
                          "groupPolicyId": gp if policy == "Group policy" else None})
                out.append({"mac": mac, "clientId": c["id"], "name": c["name"], "message": None})
            return {"clients": out, "devicePolicy": policy, "groupPolicyId": gp}

    def get_client(self, net_id: str, client_id: str) -> Json:
        with self.lock:
            return client_view(self._client(self.networks[net_id], client_id))

    def client_policy(self, net_id: str, client_id: str) -> Json:
        """Whatever the client's last-seen time: this is how a long-absent device is read."""
        with self.lock:
            c = self._client(self.networks[net_id], client_id)
            grouped = c["devicePolicy"] == "Group policy"
            return {"mac": c["mac"], "devicePolicy": c["devicePolicy"],
                    "groupPolicyId": c["groupPolicyId"] if grouped else None,
                    "policiesBySsid": []}

    def update_client_policy(self, net_id: str, client_id: str, body: Any) -> Json:
        body = self._check("updateNetworkClientPolicy", body)
        with self.lock:
            net = self.networks[net_id]
            c = self._client(net, client_id)
            policy, gp = body["devicePolicy"], body.get("groupPolicyId")
            if policy not in DEVICE_POLICIES:
                raise ApiError(400, f"'devicePolicy' cannot be {policy!r}")
            if policy == "Group policy" and gp not in net.policies:
                raise ApiError(400, "'groupPolicyId' must name an existing group policy")
            c["devicePolicy"] = policy
            c["groupPolicyId"] = gp if policy == "Group policy" else None
        return self.client_policy(net_id, client_id)

    def _in_window(self, net: Network, query: Mapping[str, list[str]]) -> list[Json]:
        start = window_start(query, self.clock.now())
        return sorted((c for c in net.clients.values() if c["lastSeen"] >= start),
                      key=lambda x: str(x["id"]))

    def policies_by_client(self, net_id: str, query: Mapping[str, list[str]]) -> list[Json]:
        """`GET /networks/{id}/policies/byClient`: clients seen in the window with a policy."""
        with self.lock:
            net = self.networks[net_id]
            out = []
            for c in self._in_window(net, query):
                if c["devicePolicy"] == "Normal":
                    continue
                if c["devicePolicy"] == "Group policy":
                    p = net.policies[c["groupPolicyId"]]
                    assigned = {"name": p["name"], "type": "Group policy",
                                "groupPolicyId": c["groupPolicyId"], "ssid": []}
                else:
                    assigned = {"name": c["devicePolicy"], "type": "network/group",
                                "groupPolicyId": None, "ssid": []}
                out.append({"clientId": c["id"], "name": c["name"], "assigned": [assigned]})
            return out

    def list_clients(self, net_id: str, query: Mapping[str, list[str]]) -> list[Json]:
        """`GET /networks/{id}/clients`: clients seen in the window (`mac` filters)."""
        with self.lock:
            part = (query.get("mac", [""])[0] or "").lower()
            return [client_list_item(c) for c in self._in_window(self.networks[net_id], query)
                    if part in c["mac"]]
