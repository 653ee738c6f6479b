"""The official `meraki` SDK, set up for a reconciler: quiet, no files, rate-shared.

Meraki allows 10 requests per second per organisation, and counts every request of
every client of that organisation. So all targets of one organisation in this
process share one limiter, and it sits under the SDK (an httpx request hook): the
SDK's own retries after a 429 and its pagination pass through it too.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from ..errors import TargetAuthError, TargetError, TargetRejected, TargetUnavailable

CALLER = "Reconciler/0.1 Workspace"  # the SDK's required `caller` format: "App/version Vendor"
DEFAULT_BASE_URL = "https://api.meraki.com/api/v1"
# The Dashboard counts a request when it arrives; a margin of 10 % on our side keeps
# network jitter from putting two windows' worth into one of its seconds.
WINDOW = 1.1


class OrgRateLimiter:
    """At most `rate` requests in any WINDOW seconds (a sliding log, no bursts)."""

    def __init__(self, rate: float) -> None:
        self.rate = max(1, int(rate))
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                while self._sent and self._sent[0] <= now - WINDOW:
                    self._sent.popleft()
                if len(self._sent) < self.rate:
                    self._sent.append(now)
                    return
                wait = self._sent[0] + WINDOW - now
            time.sleep(max(wait, 0.001))


_LIMITERS: dict[tuple[str, str], OrgRateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(base_url: str, org: str, rate: float) -> OrgRateLimiter:
    """One limiter per organisation and API host in this process."""
    with _LIMITERS_LOCK:
        lim = _LIMITERS.get((base_url, org))
        if lim is None or lim.rate != max(1, int(rate)):
            lim = _LIMITERS[(base_url, org)] = OrgRateLimiter(rate)
        return lim


def connect(api_key: str, base_url: str, limiter: OrgRateLimiter, *, timeout: float,
            max_retries: int, retry_wait: int) -> Any:
    import meraki  # only runs that talk to a Dashboard pay for the SDK's import

    dashboard = meraki.DashboardAPI(
        api_key, base_url=base_url, caller=CALLER, suppress_logging=True, output_log=False,
        print_console=False, smart_flow_enabled=False,  # no ~/.meraki cache; we limit below
        wait_on_rate_limit=True, maximum_retries=max_retries,
        nginx_429_retry_wait_time=retry_wait, single_request_timeout=timeout,
        retry_4xx_error=False)
    session = dashboard._session  # the SDK's RestSession (pinned SDK version)
    client = session._client  # its httpx.Client
    client.event_hooks = {**client.event_hooks,
                          "request": [*client.event_hooks.get("request", []),
                                      lambda _request: limiter.acquire()]}
    send = session._send_request
    session._send_request = lambda method, url, **kw: send(method, absolute_link(url, base_url),
                                                           **kw)
    return dashboard


def absolute_link(url: str, base_url: str) -> str:
    """Undo the SDK's prefixing of an absolute pagination link to a non-meraki.com host.

    The Dashboard answers with absolute `Link` URLs (`https://n123.meraki.com/api/v1/...`);
    the SDK keeps those only for meraki.com hosts and prefixes anything else with
    `base_url`, which breaks pages from a Dashboard elsewhere (a proxy, the lab). Only a
    link to the configured host itself is taken back.
    """
    if not url.startswith(base_url):
        return url
    rest = url[len(base_url):]
    origin = base_url.split("/api/", 1)[0]
    if rest.startswith(("http://", "https://")) and rest.startswith(origin + "/"):
        return rest
    return url


def translate(target: str, exc: Exception) -> TargetError:
    """The SDK's errors as what the caller should do; never carries a request body."""
    import meraki

    if isinstance(exc, meraki.APIError):
        status = exc.status or 0
        detail = exc.message
        if isinstance(detail, dict) and "errors" in detail:
            detail = "; ".join(str(e) for e in detail["errors"])
        text = f"{exc.operation}: HTTP {status} {detail}"
        if status in (401, 403):
            return TargetAuthError(target, f"the Dashboard refused the API key ({text})")
        if status == 429 or status >= 500:
            return TargetUnavailable(target, text)
        return TargetRejected(target, text)
    if isinstance(exc, AssertionError):  # the SDK's client-side enum checks
        return TargetRejected(target, f"invalid request: {exc}")
    return TargetUnavailable(target, f"{type(exc).__name__}: {exc}")
