"""The lab Meraki Dashboard API over HTTP, for the official `meraki` SDK unchanged.

The SDK is pointed here with `base_url="http://127.0.0.1:PORT/api/v1"`. Requests
need `Authorization: Bearer <key>` (or `X-Cisco-Meraki-API-Key`); bodies are
checked against the real operation shapes; beyond `rate` requests per second per
organisation the answer is 429 with `Retry-After`, as on the Dashboard. Every
request is logged (time, organisation, method, path, status, body digest; never
the body) so tests can count rates and retries from the server's side.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from .faults import Fail, Faults
from .meraki_dashboard import ApiError, Dashboard

Json = dict[str, Any]
PREFIX = "/api/v1"
N = r"(?P<net>[A-Za-z0-9_]+)"
S = r"(?P<ssid>\d+)"
Route = tuple[str, re.Pattern[str], Callable[..., tuple[int, Any]], str]
# Operations the Dashboard pages (always: a Link header on every answer):
# operationId -> (default perPage, smallest, largest), from the spec.
PAGED = {"getNetworkPoliciesByClient": (50, 3, 1000), "getNetworkClients": (10, 3, 5000),
         "getOrganizations": (9000, 3, 9000)}


@dataclass(frozen=True)
class LoggedRequest:
    at: float
    org: str | None
    operation: str | None  # the spec's operationId (None: no such route)
    method: str
    path: str
    status: int
    digest: str  # sha256 of method, path and body: the same request sent again
    injected: bool = False  # answered by an injected fault, not by the Dashboard's rules

    @property
    def accepted(self) -> bool:
        return self.status != 429


class RateLimiter:
    """At most `rate` accepted requests per organisation in any one-second window."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def admit(self, org: str, now: float) -> float | None:
        """None if the request may pass, else the seconds until it would."""
        with self._lock:
            q = self._seen.setdefault(org, deque())
            while q and q[0] <= now - 1.0:
                q.popleft()
            if len(q) >= self.rate:
                return q[0] + 1.0 - now
            q.append(now)
            return None


class MerakiLab:
    """One Dashboard API server for every organisation of the lab."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, rate: float = 10.0) -> None:
        self.dashboard = Dashboard()
        self.faults = Faults()
        self.limiter = RateLimiter(rate)
        self.log: list[LoggedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0  # most requests being served at once (concurrency bound)
        self._log_lock = threading.Lock()
        self._address = (host, port)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.routes = self._routes()

    @staticmethod
    def from_config(config: Mapping[str, Any]) -> MerakiLab:
        """A lab seeded from a launcher config entry (see `seed`)."""
        lab = MerakiLab(str(config.get("host", "127.0.0.1")), int(config.get("port", 0)),
                        float(config.get("rate", 10.0)))
        lab.seed(config)
        return lab

    def seed(self, config: Mapping[str, Any]) -> None:
        """orgs [{id, name, api_key}], networks [{id, org, name, ssids {n: [name, authMode]},
        policies [{name, vlan}], psks [{ssid, name, policy}], clients [{mac, name, policy}]}]."""
        d = self.dashboard
        for org in config.get("orgs", []):
            d.add_org(str(org["id"]), org["name"], org["api_key"])
        for net in config.get("networks", []):
            ssids = {int(n): (v[0], v[1]) for n, v in net.get("ssids", {}).items()}
            d.add_network(str(net["org"]), net["id"], net["name"], ssids)
            ids = {p["name"]: d.seed_policy(net["id"], p["name"], p.get("vlan"))
                   for p in net.get("policies", [])}
            for psk in net.get("psks", []):
                d.seed_psk(net["id"], int(psk["ssid"]), psk["name"], ids[psk["policy"]])
            for c in net.get("clients", []):
                d.provision(net["id"], {"clients": [{"mac": c["mac"], "name": c["name"]}],
                                        "devicePolicy": "Group policy",
                                        "groupPolicyId": ids[c["policy"]]})

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> MerakiLab:
        lab = self

        class Handler(_Handler):
            server_lab = lab

        self._server = ThreadingHTTPServer(self._address, Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={
            "poll_interval": 0.05}, daemon=True, name="meraki-lab")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{PREFIX}"

    def set_rate(self, rate: float) -> None:
        self.limiter = RateLimiter(rate)

    def requests(self) -> list[LoggedRequest]:
        with self._log_lock:
            return list(self.log)

    def clear_log(self) -> None:
        with self._log_lock:
            self.log.clear()
            self.max_in_flight = self.in_flight

    def _record(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self.log.append(entry)

    # -- routing ---------------------------------------------------------------------------
    def _routes(self) -> list[Route]:
        d = self.dashboard
        gp = rf"/networks/{N}/groupPolicies"
        psk = rf"/networks/{N}/wireless/ssids/{S}/identityPsks"
        raw: list[tuple[str, str, Callable[..., tuple[int, Any]], str]] = [
            ("GET", r"/organizations", lambda key, **_: (200, [
                d.orgs[o] for o in sorted(d.orgs_for(key))]), "getOrganizations"),
            ("GET", rf"/networks/{N}", lambda net, **_: (200, d.network_view(net)), "getNetwork"),
            ("GET", rf"/networks/{N}/wireless/ssids", lambda net, **_: (
                200, [dict(s) for _, s in sorted(d.networks[net].ssids.items())]),
             "getNetworkWirelessSsids"),
            ("GET", rf"/networks/{N}/wireless/ssids/{S}", lambda net, ssid, **_: (
                200, dict(d.networks[net].ssids[_ssid(ssid)])), "getNetworkWirelessSsid"),
            ("GET", gp, lambda net, **_: (200, d.list_policies(net)), "getNetworkGroupPolicies"),
            ("POST", gp, lambda net, body, **_: (201, d.create_policy(net, body)),
             "createNetworkGroupPolicy"),
            ("GET", gp + r"/(?P<pid>\w+)", lambda net, pid, **_: (200, d.get_policy(net, pid)),
             "getNetworkGroupPolicy"),
            ("PUT", gp + r"/(?P<pid>\w+)", lambda net, pid, body, **_: (
                200, d.update_policy(net, pid, body)), "updateNetworkGroupPolicy"),
            ("DELETE", gp + r"/(?P<pid>\w+)", lambda net, pid, **_: (
                204, d.delete_policy(net, pid)), "deleteNetworkGroupPolicy"),
            ("GET", psk, lambda net, ssid, **_: (200, d.list_psks(net, _ssid(ssid))),
             "getNetworkWirelessSsidIdentityPsks"),
            ("POST", psk, lambda net, ssid, body, **_: (201, d.create_psk(net, _ssid(ssid), body)),
             "createNetworkWirelessSsidIdentityPsk"),
            ("GET", psk + r"/(?P<pid>\w+)", lambda net, ssid, pid, **_: (
                200, d.get_psk(net, _ssid(ssid), pid)), "getNetworkWirelessSsidIdentityPsk"),
            ("PUT", psk + r"/(?P<pid>\w+)", lambda net, ssid, pid, body, **_: (
                200, d.update_psk(net, _ssid(ssid), pid, body)),
             "updateNetworkWirelessSsidIdentityPsk"),
            ("DELETE", psk + r"/(?P<pid>\w+)", lambda net, ssid, pid, **_: (
                204, d.delete_psk(net, _ssid(ssid), pid)), "deleteNetworkWirelessSsidIdentityPsk"),
            ("GET", rf"/networks/{N}/clients", lambda net, query, **_: (
                200, d.list_clients(net, query)), "getNetworkClients"),
            ("POST", rf"/networks/{N}/clients/provision", lambda net, body, **_: (
                201, d.provision(net, body)), "provisionNetworkClients"),
            ("GET", rf"/networks/{N}/clients/(?P<cid>[\w:]+)", lambda net, cid, **_: (
                200, d.get_client(net, cid)), "getNetworkClient"),
            ("GET", rf"/networks/{N}/clients/(?P<cid>[\w:]+)/policy", lambda net, cid, **_: (
                200, d.client_policy(net, cid)), "getNetworkClientPolicy"),
            ("PUT", rf"/networks/{N}/clients/(?P<cid>[\w:]+)/policy", lambda net, cid, body, **_: (
                200, d.update_client_policy(net, cid, body)), "updateNetworkClientPolicy"),
            ("GET", rf"/networks/{N}/policies/byClient", lambda net, query, **_: (
                200, d.policies_by_client(net, query)), "getNetworkPoliciesByClient"),
        ]
        return [(m, re.compile(p + "$"), f, op) for m, p, f, op in raw]

    def handle(self, method: str, path: str, query: dict[str, list[str]], key: str | None,
               body: Any, origin: str = "") -> tuple[int, Any, dict[str, str]]:
        """(status, JSON body, extra headers) for one request; logs it.

        `origin` (scheme://host:port the client used) makes the pagination links absolute.
        """
        digest = hashlib.sha256(f"{method} {path} {json.dumps(body, sort_keys=True)}"
                                .encode()).hexdigest()[:16]
        arrived = time.monotonic()  # what the rate is measured on, as the limiter does
        org: str | None = None
        op: str | None = None
        status, out, headers, injected = 500, None, {}, False
        with self._log_lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if not path.startswith(PREFIX):
                raise ApiError(404, "Not found")
            sub = path[len(PREFIX):].rstrip("/") or "/"
            if not key or not self.dashboard.orgs_for(key):
                raise ApiError(401, "Invalid API key")
            route, params, op = self._match(method, sub)
            net = params.get("net")
            if net is not None:
                org = self.dashboard.network(net, key).org_id
            else:
                org = min(self.dashboard.orgs_for(key))
            if (delay := self.limiter.admit(org, arrived)) is not None:
                headers = {"Retry-After": str(max(1, math.ceil(delay)))}
                raise ApiError(429, "API rate limit exceeded for organization")
            if self.faults.take_rate_limit():
                headers, injected = {"Retry-After": "1"}, True
                raise ApiError(429, "API rate limit exceeded for organization")
            if self.faults.latency():
                time.sleep(self.faults.latency())
            if self.faults.take_http_error():
                injected = True
                raise ApiError(500, "Internal server error")
            action = self.faults.on_command(f"{method} {sub}")
            if isinstance(action, Fail):
                injected = True
                raise ApiError(400, action.message)
            status, out = route(key=key, body=body, query=query, **params)
            if op in PAGED:
                out, headers = _page(out, query, origin + path, *PAGED[op])
        except ApiError as exc:
            status, out = exc.status, {"errors": exc.errors}
        finally:
            with self._log_lock:
                self.in_flight -= 1
        self._record(LoggedRequest(arrived, org, op, method, path, status, digest, injected))
        return status, out, headers

    def _match(self, method: str, sub: str) -> tuple[Callable[..., tuple[int, Any]],
                                                      dict[str, str], str]:
        allowed = False
        for m, pattern, fn, op in self.routes:
            hit = pattern.match(sub)
            if hit:
                if m == method:
                    params = hit.groupdict()
                    if "net" in params and params["net"] not in self.dashboard.networks:
                        raise ApiError(404, "Not found")
                    return fn, params, op
                allowed = True
        raise ApiError(405 if allowed else 404, "Method not allowed" if allowed else "Not found")


def _ssid(text: str) -> int:
    n = int(text)
    if not 0 <= n <= 14:
        raise ApiError(400, "'number' must be an SSID number between 0 and 14")
    return n


def _token(item: Any) -> str:
    return str(item.get("clientId") or item.get("id") or "") if isinstance(item, dict) else ""


def _page(items: list[Any], query: dict[str, list[str]], url: str, default: int, low: int,
          high: int) -> tuple[list[Any], dict[str, str]]:
    """One page and the absolute `first/prev/next/last` links, as the Dashboard sends them.

    Pages are by token (the item's id): `startingAfter` / `endingBefore`; the other query
    parameters (a time window) are carried in every link.
    """
    raw = query.get("perPage", [str(default)])[0]
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(400, f"'perPage' must be an integer between {low} and {high}")
    per = int(raw)
    after, before = query.get("startingAfter", [None])[0], query.get("endingBefore", [None])[0]
    ordered = sorted(items, key=_token)
    if before is not None:
        page = [i for i in ordered if _token(i) < before][-per:]
    else:
        page = [i for i in ordered if after is None or _token(i) > after][:per]
    keep = [(k, v) for k, vs in query.items() if k not in ("perPage", "startingAfter",
                                                           "endingBefore") for v in vs]

    def link(rel: str, **cursor: str) -> str:
        return f"<{url}?{urlencode([('perPage', str(per)), *keep, *cursor.items()])}>; rel={rel}"

    links = [link("first", startingAfter="0")]
    if page and _token(page[0]) > _token(ordered[0]):
        links.append(link("prev", endingBefore=_token(page[0])))
    if page and _token(page[-1]) < _token(ordered[-1]):
        links.append(link("next", startingAfter=_token(page[-1])))
    links.append(link("last", endingBefore="zzzzzzzzzz"))
    return page, {"Link": ", ".join(links)}


class _Handler(BaseHTTPRequestHandler):
    server_lab: MerakiLab
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without TCP_NODELAY, Nagle's algorithm holds the
    # body until the client's delayed ACK (40 ms a response on Linux).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None  # the lab keeps its own request log

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        auth = self.headers.get("Authorization", "")
        key = auth[7:] if auth.startswith("Bearer ") else self.headers.get(
            "X-Cisco-Meraki-API-Key")
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            headers: dict[str, str] = {}
            status, out = 400, {"errors": ["The request body must be valid JSON"]}
        else:
            host = self.headers.get("Host")
            origin = f"http://{host}" if host else self.server_lab.base_url[:-len(PREFIX)]
            status, out, headers = self.server_lab.handle(
                self.command, unquote(parts.path), parse_qs(parts.query), key, body, origin)
        data = b"" if status == 204 else json.dumps(out).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if data:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve
