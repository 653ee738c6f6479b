"""Cisco Meraki Wi-Fi through the Dashboard API (the official `meraki` SDK).

Scope: group policies and identity PSKs (or MAC-provisioned clients) whose names
start with the site's managed prefix; nothing else on the network is read into the
plan, changed or deleted. A MAC-provisioned client is ours only while it also holds
one of our group policies: a client an operator set to Blocked, Allowed or a policy
of their own is never taken over (plan refused) nor reset to Normal.

Read: two listing calls per network (group policies, and the devices SSID's
identity PSKs; in MAC mode the clients with a policy, and each device of the estate
the listing missed by MAC). Apply: only the changed objects, bounded concurrency,
every request under the organisation's rate (see `meraki_client`); on failure the
calls already made are reversed (`meraki_apply`).

PSK keys are generated here, written to the Dashboard, mailed to the occupier's
admins through the outbox, and never compared: the name carries `.v<version>` so
`credential_version` is what says a key must be rotated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..engine.credentials import Credential
from ..engine.resources import Change, Resource, TargetSpec, owner_id
from ..engine.target import ApplyResult, BaseTarget
from ..errors import ConfigError
from ._render import render_changes
from .meraki_apply import ApplyRun
from .meraki_client import DEFAULT_BASE_URL, connect, limiter_for, translate
from .meraki_live import LiveNetwork, policy_vlan

Json = dict[str, Any]
MAX_TIMESPAN = 31 * 86_400  # the Dashboard's longest client-list window, in seconds
KIND_ORDER = ("wifi_policy", "wifi_psk", "wifi_client")
_VERSIONED = re.compile(r"^(?P<key>.+)\.v(?P<version>\d{1,6})$")


class MerakiSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    organization_id: str
    network_id: str
    ssid: Annotated[int, Field(ge=0, le=14)]
    device_auth: Literal["psk", "mac"] = "psk"
    base_url: str = DEFAULT_BASE_URL
    requests_per_second: Annotated[float, Field(gt=0, le=10_000)] = 10.0  # Meraki's org limit
    concurrency: Annotated[int, Field(ge=1, le=16)] = 4
    # The SDK's own defaults (single_request_timeout, maximum_retries, 429 wait).
    timeout: float = 60.0
    max_retries: Annotated[int, Field(ge=1, le=10)] = 5
    retry_wait: Annotated[int, Field(ge=1, le=120)] = 60  # 429 without Retry-After
    templates_dir: str | None = None


class MerakiScope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    prefix: str = "rcl-"
    recipients: dict[str, list[str]] = {}
    occupier_names: dict[str, str] = {}
    site_name: str = ""
    devices: dict[str, str] = {}  # MAC mode: managed client name -> MAC, on any date


class MerakiTarget(BaseTarget):
    platform: ClassVar[str] = "meraki"
    wave: ClassVar[int] = 3  # after switch VLANs exist
    kind_order: ClassVar[tuple[str, ...]] = KIND_ORDER
    write_only: ClassVar[dict[str, frozenset[str]]] = {"wifi_psk": frozenset({"passphrase"})}
    max_concurrency: ClassVar[int] = 4
    guarded_kinds: ClassVar[tuple[str, ...]] = ("wifi_policy", "wifi_psk", "wifi_client")
    template_dirs: ClassVar[tuple[str, ...]] = ("meraki", "mail")

    def __init__(self, spec: TargetSpec, credential: Credential | None) -> None:
        super().__init__(spec, credential)
        self.settings = MerakiSettings.model_validate(spec.settings)
        self.scope = MerakiScope.model_validate(spec.scope)
        if credential is None:
            raise ConfigError(f"{spec.id}: the Meraki Dashboard needs credentials (api_key)")
        self._api_key = credential["api_key"]
        self._dashboard: Any = None
        self._live: LiveNetwork | None = None

    # -- SDK -------------------------------------------------------------------------
    def dashboard(self) -> Any:
        if self._dashboard is None:
            s = self.settings
            limiter = limiter_for(s.base_url, s.organization_id, s.requests_per_second)
            try:
                self._dashboard = connect(self._api_key, s.base_url, limiter, timeout=s.timeout,
                                          max_retries=s.max_retries, retry_wait=s.retry_wait)
            except Exception as exc:  # noqa: BLE001 - the SDK raises plain exceptions on setup
                raise ConfigError(f"{self.spec.id}: cannot set up the Meraki SDK: "
                                  f"{type(exc).__name__}") from exc
        return self._dashboard

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every SDK failure becomes a TargetError
            raise translate(self.spec.id, exc) from exc

    def call_or_none(self, fn: Any, *args: Any) -> Any:
        """Like `call`, but None for 404 (an object that does not exist)."""
        import meraki

        try:
            return fn(*args)
        except meraki.APIError as exc:
            if exc.status == 404:
                return None
            raise translate(self.spec.id, exc) from exc
        except Exception as exc:  # noqa: BLE001 - as in `call`
            raise translate(self.spec.id, exc) from exc

    # -- read ------------------------------------------------------------------------
    def read_live(self) -> LiveNetwork:
        d, s = self.dashboard(), self.settings
        prefix = self.scope.prefix
        live = LiveNetwork()
        for p in self.call(d.networks.getNetworkGroupPolicies, s.network_id):
            live.policies[p["name"]] = p
        if s.device_auth == "psk":
            for psk in self.call(d.wireless.getNetworkWirelessSsidIdentityPsks, s.network_id,
                                 s.ssid):
                if psk["name"].startswith(prefix):
                    m = _VERSIONED.fullmatch(psk["name"])
                    live.psks[m.group("key") if m else psk["name"]] = psk
        else:
            self._read_clients(live)
        return live

    def _read_clients(self, live: LiveNetwork) -> None:
        """MAC-provisioned clients, including devices that have been away for months.

        The Dashboard lists clients only for a window (one day by default, 31 at most), so
        one listing over the longest window finds the recently seen ones (their MAC from
        the estate's device names, so no call per client), and each device the estate
        names that the listing missed is read by MAC, which holds whatever its last-seen.
        A managed name the estate does not know costs one lookup for its MAC.
        """
        d, s, prefix = self.dashboard(), self.settings, self.scope.prefix
        known = dict(self.scope.devices)
        names = self.call(d.networks.getNetworkPoliciesByClient, s.network_id, perPage=1000,
                          timespan=MAX_TIMESPAN, total_pages="all")
        by_name: dict[str, list[Json]] = {}
        for entry in names:
            name = str(entry.get("name") or "")
            if name.startswith(prefix):
                by_name.setdefault(name, []).append(entry)
        for name, entries in by_name.items():
            for entry in entries:
                mac = known.get(name) if len(entries) == 1 else None
                if mac is None:  # not a device of the estate, or a name used twice
                    mac = self.call(d.networks.getNetworkClient, s.network_id,
                                    entry["clientId"])["mac"].lower()
                group = next((a for a in entry.get("assigned", [])
                              if a.get("type") == "Group policy"), None)
                if group is None or not str(group.get("name", "")).startswith(prefix):
                    first: Json = next(iter(entry.get("assigned", [])), {})
                    live.foreign_clients[mac] = (f"client {name!r}, whose policy an operator "
                                                 f"set to {(group or first).get('name')!r}")
                    continue
                live.clients[mac] = {"clientId": entry["clientId"], "name": name,
                                     "policy": group["name"]}
        for mac in sorted(set(known.values())):
            if mac not in live.clients and mac not in live.foreign_clients:
                self._read_client(live, mac)

    def _read_client(self, live: LiveNetwork, mac: str) -> None:
        """One device by MAC: ours when it has our name and one of our group policies; a
        policy an operator set (Blocked, Allowed, a group of theirs) makes it foreign."""
        d, s, prefix = self.dashboard(), self.settings, self.scope.prefix
        policy = self.call_or_none(d.networks.getNetworkClientPolicy, s.network_id, mac)
        if policy is None or policy.get("devicePolicy") in (None, "Normal"):
            return  # never provisioned (the Dashboard does not know the MAC), or not now
        group = live.policy_name(policy.get("groupPolicyId")) \
            if policy.get("devicePolicy") == "Group policy" else None
        client = self.call(d.networks.getNetworkClient, s.network_id, mac)
        name = str(client.get("description") or "")
        if not name.startswith(prefix) or not (group or "").startswith(prefix):
            shown = f"group policy {group!r}" if group else str(policy["devicePolicy"])
            live.foreign_clients[mac] = f"a client an operator set to {shown}"
            return
        live.clients[mac] = {"clientId": client["id"], "name": name, "policy": group}

    def resources(self, live: LiveNetwork) -> list[Resource]:
        tid, prefix = self.spec.id, self.scope.prefix
        out: list[Resource] = []
        for name, p in sorted(live.policies.items()):
            if name.startswith(prefix):
                out.append(Resource(tid, "wifi_policy", name, {"vlan": policy_vlan(p)},
                                    owner=owner_id(name[len(prefix):])))
        for key, psk in sorted(live.psks.items()):
            m = _VERSIONED.fullmatch(psk["name"])
            out.append(Resource(tid, "wifi_psk", key, {
                "policy": live.policy_name(psk.get("groupPolicyId")),
                "credential_version": int(m.group("version")) if m else None},
                owner=_owner(key, prefix)))
        for mac, c in sorted(live.clients.items()):
            out.append(Resource(tid, "wifi_client", mac, {"policy": c["policy"],
                                                          "name": c["name"]},
                                owner=_owner(c["name"], prefix)))
        return out

    def read(self) -> list[Resource]:
        self._live = self.read_live()
        self.foreign = {("wifi_client", mac): what
                        for mac, what in self._live.foreign_clients.items()}
        return self.resources(self._live)

    # -- render / apply ----------------------------------------------------------------
    def render(self, changes: Sequence[Change]) -> list[str]:
        return render_changes(self.platform, changes, self.settings.templates_dir,
                              net=self.settings.network_id, ssid=self.settings.ssid)

    def apply(self, changes: Sequence[Change],
              commands: Sequence[str] | None = None) -> ApplyResult:
        result = ApplyResult(self.spec.id, list(changes))
        if not changes:
            return result
        result.commands = self.render(changes)
        live = self._live if self._live is not None else self.read_live()
        self._live = None  # whatever happens next, the cached view is stale
        ApplyRun(self, live).run(changes)
        result.changed = True
        return result

    def close(self) -> None:
        if self._dashboard is not None:
            try:
                self._dashboard._session.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
            self._dashboard = None


def _owner(name: str, prefix: str) -> str:
    rest = name[len(prefix):] if name.startswith(prefix) else ""
    return owner_id(rest.split(".", 1)[0])
