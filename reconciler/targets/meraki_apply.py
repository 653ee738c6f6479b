"""Apply a Meraki target's changes: dependency order, bounded concurrency, undo on failure.

The Dashboard has no transactions, so every call that changed something records its
reverse call; when a later call fails the reverses run newest first and the network
is as it was (the same keys included: the old passphrase is known from the read).
New keys are mailed only once the whole apply has succeeded.
"""

from __future__ import annotations

import functools
import itertools
import secrets
import string
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import outbox
from ..engine.diff import order_changes
from ..engine.resources import Change, is_occupier
from ..errors import TargetError, TargetRejected
from ._render import render_template
from .meraki_live import LiveNetwork, policy_vlan

if TYPE_CHECKING:
    from .meraki import MerakiTarget

Json = dict[str, Any]
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def new_passphrase(length: int = 24) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def vlan_tagging(vlan: int | None) -> Json:
    return {"settings": "custom", "vlanId": str(vlan)} if vlan is not None else \
        {"settings": "network default"}


@dataclass(frozen=True)
class KeyMail:
    owner: str
    device: str
    policy: str
    passphrase: str
    version: int


class ApplyRun:
    def __init__(self, target: MerakiTarget, live: LiveNetwork) -> None:
        self.t = target
        self.d = target.dashboard()
        self.net = target.settings.network_id
        self.ssid = target.settings.ssid
        self.live = live
        self.ids = {name: p["groupPolicyId"] for name, p in live.policies.items()}
        self.vlans: dict[str, int | None] = {}
        self.undo: list[tuple[str, Callable[[], None]]] = []
        self.mails: list[KeyMail] = []
        self._lock = threading.Lock()

    # -- driver ------------------------------------------------------------------------
    def run(self, changes: Sequence[Change]) -> None:
        self._keys_go_first(changes)
        ordered = order_changes(changes, self.t.kind_order)
        groups = itertools.groupby(ordered, key=lambda c: (c.op == "delete", c.kind))
        try:
            for (_is_delete, kind), group in groups:
                batch = list(group)
                if kind == "wifi_client" and batch[0].op != "delete":
                    self._parallel(self._provision_batches(batch))
                else:
                    self._parallel([functools.partial(self._one, c) for c in batch])
        except TargetError as exc:
            failed = self._rollback()
            if failed:
                raise TargetError(self.t.spec.id, f"{exc}; undo also failed for "
                                  f"{', '.join(failed)}: the network is half-applied") from exc
            raise
        self._deliver()

    def _keys_go_first(self, changes: Sequence[Change]) -> None:
        """A policy goes only with every key bound to it: a device whose key outlived its
        policy would join the network untagged, with no VLAN of its occupier.

        Within one run keys are deleted before policies (kind order); this refuses a run
        that would delete a policy and leave a key on it (e.g. a partial correction).
        """
        gone = {c.key for c in changes if c.kind == "wifi_policy" and c.op == "delete"}
        if not gone:
            return
        moved = {(c.kind, c.key) for c in changes if c.kind in ("wifi_psk", "wifi_client")
                 and (c.op == "delete" or (c.after or {}).get("policy") not in gone)}
        bound = [f"{key} ({self.live.policy_name(p.get('groupPolicyId'))})"
                 for key, p in sorted(self.live.psks.items())
                 if self.live.policy_name(p.get("groupPolicyId")) in gone
                 and ("wifi_psk", key) not in moved]
        bound += [f"{mac} ({c.get('policy')})" for mac, c in sorted(self.live.clients.items())
                  if c.get("policy") in gone and ("wifi_client", mac) not in moved]
        if bound:
            raise TargetRejected(self.t.spec.id, "a group policy cannot go while device keys "
                                 "are bound to it: " + ", ".join(bound) + "; remove or move "
                                 "them in the same run")

    def _parallel(self, jobs: list[Callable[[], None]]) -> None:
        if len(jobs) == 1:
            jobs[0]()
            return
        with ThreadPoolExecutor(max_workers=self.t.settings.concurrency,
                                thread_name_prefix="meraki") as pool:
            futures = [pool.submit(j) for j in jobs]
            errors = [f.exception() for f in futures]
        first = next((e for e in errors if e is not None), None)
        if first is not None:
            raise first

    def _rollback(self) -> list[str]:
        failed = []
        for what, fn in reversed(self.undo):
            try:
                fn()
            except TargetError:
                failed.append(what)
        self.undo.clear()
        return failed

    def _did(self, what: str, reverse: Callable[[], None]) -> None:
        with self._lock:
            self.undo.append((what, reverse))

    def _policy_id(self, name: str | None) -> str:
        pid = self.ids.get(name or "")
        if pid is None:
            raise TargetRejected(self.t.spec.id, f"group policy {name!r} does not exist on "
                                                 f"network {self.net}")
        return str(pid)

    def _one(self, c: Change) -> None:
        handler = getattr(self, f"_{c.op}_{c.kind}")
        handler(c)

    # -- group policies ----------------------------------------------------------------------
    def _create_wifi_policy(self, c: Change) -> None:
        assert c.after is not None
        vlan = c.after.get("vlan")
        p = self.t.call(self.d.networks.createNetworkGroupPolicy, self.net, name=c.key,
                        vlanTagging=vlan_tagging(vlan))
        self.ids[c.key], self.vlans[c.key] = p["groupPolicyId"], vlan
        self._did(f"create policy {c.key}", lambda: self._drop_policy(c.key))

    def _drop_policy(self, name: str) -> None:
        self.t.call(self.d.networks.deleteNetworkGroupPolicy, self.net, self._policy_id(name))
        self.ids.pop(name, None)

    def _update_wifi_policy(self, c: Change) -> None:
        assert c.after is not None
        pid = self._policy_id(c.key)
        old = self.live.policies[c.key].get("vlanTagging") or {"settings": "network default"}
        old = {k: v for k, v in old.items() if k in ("settings", "vlanId")}
        self.t.call(self.d.networks.updateNetworkGroupPolicy, self.net, pid,
                    vlanTagging=vlan_tagging(c.after.get("vlan")))
        self.vlans[c.key] = c.after.get("vlan")
        self._did(f"update policy {c.key}", lambda: self.t.call(
            self.d.networks.updateNetworkGroupPolicy, self.net, self._policy_id(c.key),
            vlanTagging=old))

    def _delete_wifi_policy(self, c: Change) -> None:
        old = self.live.policies[c.key]
        self._drop_policy(c.key)

        def recreate() -> None:
            tag = {k: v for k, v in (old.get("vlanTagging") or {}).items()
                   if k in ("settings", "vlanId")}
            p = self.t.call(self.d.networks.createNetworkGroupPolicy, self.net, name=c.key,
                            **({"vlanTagging": tag} if tag else {}))
            self.ids[c.key] = p["groupPolicyId"]
        self._did(f"delete policy {c.key}", recreate)

    # -- identity PSKs ---------------------------------------------------------------------
    def _psk_name(self, key: str, version: int) -> str:
        return f"{key}.v{version}"

    def _key_mail(self, c: Change, passphrase: str) -> None:
        assert c.after is not None
        prefix = self.t.scope.prefix
        owner = c.owner if is_occupier(c.owner) else c.key[len(prefix):].split(".", 1)[0]
        device = c.key.rsplit(".", 1)[-1]
        with self._lock:
            self.mails.append(KeyMail(owner, device, str(c.after["policy"]), passphrase,
                                      int(c.after["credential_version"])))

    def _create_wifi_psk(self, c: Change) -> None:
        assert c.after is not None
        pw = new_passphrase()
        made = self.t.call(self.d.wireless.createNetworkWirelessSsidIdentityPsk, self.net,
                           self.ssid, name=self._psk_name(c.key, c.after["credential_version"]),
                           groupPolicyId=self._policy_id(c.after["policy"]), passphrase=pw)
        self._did(f"create key {c.key}", lambda: self.t.call(
            self.d.wireless.deleteNetworkWirelessSsidIdentityPsk, self.net, self.ssid,
            made["id"]))
        self._key_mail(c, pw)

    def _update_wifi_psk(self, c: Change) -> None:
        assert c.after is not None
        old = self.live.psks[c.key]
        body: Json = {}
        if "policy" in c.fields:
            body["groupPolicyId"] = self._policy_id(c.after["policy"])
        rotate = "credential_version" in c.fields
        if rotate:
            body["name"] = self._psk_name(c.key, c.after["credential_version"])
            body["passphrase"] = new_passphrase()
        if not body:
            return
        self.t.call(self.d.wireless.updateNetworkWirelessSsidIdentityPsk, self.net, self.ssid,
                    old["id"], **body)
        old_policy = self.live.policy_name(old.get("groupPolicyId"))
        self._did(f"update key {c.key}", lambda: self.t.call(
            self.d.wireless.updateNetworkWirelessSsidIdentityPsk, self.net, self.ssid,
            old["id"], name=old["name"], passphrase=old["passphrase"],
            groupPolicyId=self._policy_id(old_policy)))
        if rotate:
            self._key_mail(c, body["passphrase"])

    def _delete_wifi_psk(self, c: Change) -> None:
        old = self.live.psks[c.key]
        old_policy = self.live.policy_name(old.get("groupPolicyId"))
        self.t.call(self.d.wireless.deleteNetworkWirelessSsidIdentityPsk, self.net, self.ssid,
                    old["id"])
        self._did(f"delete key {c.key}", lambda: self.t.call(
            self.d.wireless.createNetworkWirelessSsidIdentityPsk, self.net, self.ssid,
            name=old["name"], passphrase=old["passphrase"],
            groupPolicyId=self._policy_id(old_policy)))

    # -- MAC-provisioned clients -------------------------------------------------------------
    def _provision(self, policy: str | None, clients: list[Json]) -> None:
        self.t.call(self.d.networks.provisionNetworkClients, self.net, clients=clients,
                    devicePolicy="Group policy", groupPolicyId=self._policy_id(policy))

    def _provision_batches(self, batch: list[Change]) -> list[Callable[[], None]]:
        """One provision call per group policy (the API takes many clients at once)."""
        by_policy: dict[str, list[Change]] = {}
        for c in batch:
            assert c.after is not None
            by_policy.setdefault(str(c.after["policy"]), []).append(c)

        def job(policy: str, items: list[Change]) -> None:
            self._provision(policy, [{"mac": c.key, "name": c.after["name"]}  # type: ignore[index]
                                     for c in items])
            for c in items:
                self._did(f"provision {c.key}", self._client_reverse(c))
        return [functools.partial(job, p, items) for p, items in sorted(by_policy.items())]

    def _client_reverse(self, c: Change) -> Callable[[], None]:
        if c.op == "create":
            return lambda: self.t.call(self.d.networks.updateNetworkClientPolicy, self.net,
                                       c.key, devicePolicy="Normal")
        old = self.live.clients[c.key]
        return lambda: self._provision(old["policy"], [{"mac": c.key, "name": old["name"]}])

    def _delete_wifi_client(self, c: Change) -> None:
        old = self.live.clients[c.key]
        self.t.call(self.d.networks.updateNetworkClientPolicy, self.net, old["clientId"],
                    devicePolicy="Normal")
        self._did(f"release {c.key}", lambda: self._provision(
            old["policy"], [{"mac": c.key, "name": old["name"]}]))

    # -- delivery ---------------------------------------------------------------------------
    def _deliver(self) -> None:
        if not self.mails:
            return
        scope = self.t.scope
        ssid = self.t.call(self.d.wireless.getNetworkWirelessSsid, self.net, self.ssid)
        for m in self.mails:
            vlan = self.vlans.get(m.policy)
            if vlan is None and m.policy in self.live.policies:
                vlan = policy_vlan(self.live.policies[m.policy])
            body = render_template(
                "mail/wifi_device_key.j2", self.t.settings.templates_dir,
                occupier_name=scope.occupier_names.get(m.owner, m.owner), device=m.device,
                site_name=scope.site_name or self.t.spec.site,
                ssid_name=ssid.get("name", f"SSID {self.ssid}"), passphrase=m.passphrase,
                credential_version=m.version, vlan=vlan)
            try:
                outbox.send(scope.recipients.get(m.owner, []),
                            f"Wi-Fi key for {m.device} at {scope.site_name or self.t.spec.site}",
                            body, tag=f"wifi-key-{self.t.spec.site}-{m.owner}-{m.device}")
            except OSError as exc:  # a failure of this target: the run rolls it back
                raise TargetError(self.t.spec.id, f"the key for {m.device} could not be "
                                  f"delivered: {exc.strerror or type(exc).__name__}") from None
