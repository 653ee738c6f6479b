"""Cisco Meraki Wi-Fi through the Dashboard API (the official `meraki` SDK).

Scope: group policies and identity PSKs (or MAC-provisioned clients) whose names
start with the site's managed prefix; nothing else on the network is read into the
plan, changed or deleted. A MAC-provisioned client is ours only while it also holds
one of our group policies: a client an operator set to Blocked, Allowed or a policy
of their own is never taken over (plan refused) nor reset to Normal.

Read: two listing calls per network (group policies, and the devices SSID's
identity PSKs; in MAC mode the clients with a policy plus one lookup per managed
client for its MAC; a plan that provisions new MACs looks each one up). Apply:
only the changed objects, bounded concurrency, every request under the
organisation's rate (see `meraki_client`); on failure the calls already made are
reversed (`meraki_apply`).

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
from ..engine.resources import Change, Resource, TargetSpec
from ..engine.target import ApplyResult, BaseTarget, claim_refusal
from ..errors import ConfigError
from ._render import render_changes
from .meraki_apply import ApplyRun
from .meraki_client import DEFAULT_BASE_URL, connect, limiter_for, translate
from .meraki_live import LiveNetwork, policy_vlan

Json = dict[str, Any]
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
    timeout: float = 30.0
    max_retries: Annotated[int, Field(ge=1, le=10)] = 5
    retry_wait: Annotated[int, Field(ge=1, le=120)] = 60  # 429 without Retry-After
    templates_dir: str | None = None


class MerakiScope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    prefix: str = "rcl-"
    recipients: dict[str, list[str]] = {}
    occupier_names: dict[str, str] = {}
    site_name: str = ""


class MerakiTarget(BaseTarget):
    platform: ClassVar[str] = "meraki"
    wave: ClassVar[int] = 3  # after switch VLANs exist
    kind_order: ClassVar[tuple[str, ...]] = KIND_ORDER
    write_only: ClassVar[dict[str, frozenset[str]]] = {"wifi_psk": frozenset({"passphrase"})}
    max_concurrency: ClassVar[int] = 4
    guarded_kinds: ClassVar[tuple[str, ...]] = ("wifi_psk", "wifi_client")

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
            listed = self.call(d.networks.getNetworkPoliciesByClient, s.network_id,
                               perPage=1000, total_pages="all")
            for entry in listed:
                if not str(entry.get("name") or "").startswith(prefix):
                    continue
                client = self.call(d.networks.getNetworkClient, s.network_id, entry["clientId"])
                group = next((a for a in entry.get("assigned", [])
                              if a.get("type") == "Group policy"), None)
                mac = client["mac"].lower()
                if group is None or not str(group.get("name", "")).startswith(prefix):
                    first: Json = next(iter(entry.get("assigned", [])), {})
                    policy = (group or first).get("name")
                    live.foreign_clients[mac] = (f"client {entry['name']!r}, whose policy an "
                                                 f"operator set to {policy!r}")
                    continue
                live.clients[mac] = {"clientId": entry["clientId"], "name": entry["name"],
                                     "policy": group["name"]}
        return live

    def resources(self, live: LiveNetwork) -> list[Resource]:
        tid, prefix = self.spec.id, self.scope.prefix
        out: list[Resource] = []
        for name, p in sorted(live.policies.items()):
            if name.startswith(prefix):
                out.append(Resource(tid, "wifi_policy", name, {"vlan": policy_vlan(p)},
                                    owner=name[len(prefix):]))
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

    def foreign_claims(self, changes: Sequence[Change]) -> list[str]:
        """A MAC the estate would provision that an operator gave a policy of their own
        (Blocked, Allowed, a hand-made group policy) is not ours to take over.

        Such clients carry no name of ours, so read() cannot list them cheaply; the
        MACs this plan creates are looked up one by one instead."""
        out = super().foreign_claims(changes)
        for c in changes:
            if c.kind != "wifi_client" or c.op != "create" or ("wifi_client", c.key) in \
                    self.foreign:
                continue
            current = self._client_policy(c.key)
            if current is None or current.get("devicePolicy") in (None, "Normal"):
                continue  # unknown to the network, or no policy: free to provision
            policy = str(current["devicePolicy"])
            if policy == "Group policy" and self._live is not None:
                policy = f"group policy {self._live.policy_name(current.get('groupPolicyId'))!r}"
            out.append(claim_refusal(self.spec.id, c, f"a client an operator set to {policy}"))
        return out

    def _client_policy(self, mac: str) -> Any:
        try:  # the Dashboard takes a MAC where it takes a client id
            return self.dashboard().networks.getNetworkClientPolicy(self.settings.network_id,
                                                                   mac)
        except Exception as exc:  # noqa: BLE001 - 404 is an answer; the rest are errors
            if getattr(exc, "status", None) == 404:
                return None
            raise translate(self.spec.id, exc) from exc

    # -- render / apply ----------------------------------------------------------------
    def render(self, changes: Sequence[Change]) -> list[str]:
        return render_changes(self.platform, changes, self.settings.templates_dir,
                              net=self.settings.network_id, ssid=self.settings.ssid)

    def apply(self, changes: Sequence[Change]) -> ApplyResult:
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


def _owner(name: str, prefix: str) -> str | None:
    rest = name[len(prefix):] if name.startswith(prefix) else ""
    return rest.split(".", 1)[0] or None
