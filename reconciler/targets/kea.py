"""ISC Kea DHCPv4 through its control channel (`config-get`/`-test`/`-set`/`-write`).

Two transports speak the same JSON commands: the server's own UNIX control
socket (`path`, when the reconciler runs beside Kea, and in the lab) or the Kea
Control Agent over HTTP (`url`, with basic auth from the credential). Apply
reads the whole configuration, changes only this site's managed subnets, has
Kea validate it (`config-test`) before `config-set`; once the engine verified the
run, `persist` sends `config-write` so that it survives a restart.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from ..engine.credentials import Credential
from ..engine.resources import Change, Resource, TargetSpec
from ..engine.target import ApplyResult, BaseTarget
from ..errors import ConfigError, TargetAuthError, TargetRejected, TargetUnavailable
from .kea_config import apply_to_config, read_resources

# Kea's result codes: 0 success, 1 error, 2 unsupported command, 3 empty, 4 conflict.
RESULT_OK = 0


class KeaSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    url: str | None = None
    path: str | None = None  # UNIX control socket; wins over url
    timeout: float = 10.0


class KeaScope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    site: str


class KeaTarget(BaseTarget):
    platform: ClassVar[str] = "kea"
    wave: ClassVar[int] = 2  # after the switches' VLANs and relays
    kind_order: ClassVar[tuple[str, ...]] = ("dhcp_subnet",)
    # One configuration per server: targets sharing a server must not interleave.
    max_concurrency: ClassVar[int] = 1
    guarded_kinds: ClassVar[tuple[str, ...]] = ("dhcp_subnet",)

    def __init__(self, spec: TargetSpec, credential: Credential | None) -> None:
        super().__init__(spec, credential)
        self.settings = KeaSettings.model_validate(spec.settings)
        self.scope = KeaScope.model_validate(spec.scope)
        if not self.settings.path and not self.settings.url:
            raise ConfigError(f"{spec.id}: a Kea target needs a control socket path or an URL")
        self._auth: str | None = None
        if not self.settings.path and credential is not None and "username" in credential:
            raw = f"{credential['username']}:{credential['password']}".encode()
            self._auth = "Basic " + base64.b64encode(raw).decode()

    # -- transport -----------------------------------------------------------------
    def command(self, name: str, arguments: Any = None) -> Any:
        """Send one command; return its `arguments`; raise by what the caller should do."""
        msg: dict[str, Any] = {"command": name}
        if arguments is not None:
            msg["arguments"] = arguments
        reply = self._socket(msg) if self.settings.path else self._http(msg)
        if isinstance(reply, list):  # the control agent answers one item per service
            reply = reply[0] if reply else {}
        if not isinstance(reply, dict) or "result" not in reply:
            raise TargetUnavailable(self.spec.id, f"{name}: Kea sent no result")
        if reply["result"] != RESULT_OK:
            raise TargetRejected(self.spec.id, f"Kea refused {name}: {reply.get('text', '')}")
        return reply.get("arguments")

    def _socket(self, msg: dict[str, Any]) -> Any:
        assert self.settings.path is not None
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(self.settings.timeout)
                s.connect(self.settings.path)
                s.sendall(json.dumps(msg).encode())
                chunks = []
                while True:  # Kea closes the connection after its answer
                    data = s.recv(65536)
                    if not data:
                        break
                    chunks.append(data)
        except OSError as exc:
            raise TargetUnavailable(self.spec.id, f"Kea control socket {self.settings.path}: "
                                    f"{exc.strerror or exc}") from exc
        return _json(self.spec.id, b"".join(chunks))

    def _http(self, msg: dict[str, Any]) -> Any:
        assert self.settings.url is not None
        body = json.dumps({**msg, "service": ["dhcp4"]}).encode()
        req = urllib.request.Request(self.settings.url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        if self._auth:
            req.add_header("Authorization", self._auth)
        try:
            with urllib.request.urlopen(req, timeout=self.settings.timeout) as resp:  # noqa: S310 - URL validated by the site schema
                return _json(self.spec.id, resp.read())
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise TargetAuthError(self.spec.id, "the Kea control agent refused the "
                                      "credentials") from exc
            raise TargetUnavailable(self.spec.id, f"Kea control agent: HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TargetUnavailable(self.spec.id, f"cannot reach the Kea control agent at "
                                    f"{self.settings.url}: {exc}") from exc

    # -- Target protocol -------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        args = self.command("config-get")
        if not isinstance(args, dict) or "Dhcp4" not in args:
            raise TargetUnavailable(self.spec.id, "config-get returned no Dhcp4 configuration")
        args.pop("hash", None)  # newer Kea adds a hash that config-set does not take
        return args

    def read(self) -> list[Resource]:
        return read_resources(self.spec.id, self.scope.site, self.config()["Dhcp4"])

    def render(self, changes: Sequence[Change]) -> list[str]:
        """A readable preview: one line per subnet change (Kea takes JSON, not lines)."""
        lines = []
        for c in changes:
            a = c.after or c.before or {}
            if c.op == "delete":
                lines.append(f"subnet4 del {c.key} (id {a.get('id')})")
                continue
            what = ", ".join(f"{f}={json.dumps(a.get(f), sort_keys=True)}"
                             for f in (c.fields or sorted(a)))
            lines.append(f"subnet4 {'add' if c.op == 'create' else 'set'} {c.key}: {what}")
        return lines

    def apply(self, changes: Sequence[Change],
              commands: Sequence[str] | None = None) -> ApplyResult:
        result = ApplyResult(self.spec.id, list(changes), self.render(changes))
        if not changes:
            return result
        new = apply_to_config(self.config(), self.scope.site, changes)
        self.command("config-test", new)  # Kea validates the whole config; nothing changes
        self.command("config-set", new)
        result.changed = True
        return result

    def persist(self) -> None:
        self.command("config-write")


def _json(target: str, raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise TargetUnavailable(target, "Kea answered with something that is not JSON") from exc
