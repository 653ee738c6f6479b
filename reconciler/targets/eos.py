"""Arista EOS switches through pyeapi (eAPI JSON-RPC).

Read: one runCmds (`show running-config`, parsed by `eos_parse`, and `show
configuration sessions`). Apply: every change of a switch in one named
configuration session, committed in the same runCmds; on any error the session is
aborted, so the switch never holds half a change. Persist (after the engine
verified the run): `copy running-config startup-config`, unless the site turns
saving off.

Sessions are named `rcl-<12 hex>`. When the abort itself fails (the switch dropped
the connection), the session stays pending, and EOS refuses a new one once five
are pending: so every apply first aborts the pending sessions of that name the
read saw (or removes them), before it opens its own. Nobody else's are touched.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal

import pyeapi
import pyeapi.eapilib
from pydantic import BaseModel, ConfigDict

from ..engine.credentials import Credential
from ..engine.resources import Change, Resource, TargetSpec
from ..engine.target import ApplyResult, BaseTarget
from ..errors import (
    ConfigError,
    ParseError,
    TargetAuthError,
    TargetError,
    TargetRejected,
    TargetUnavailable,
    UnreadableConfig,
)
from ..switching.resources import (
    SWITCH_GUARDED_ENTRIES,
    SWITCH_GUARDED_KINDS,
    SWITCH_GUARDED_SITEWIDE,
    SWITCH_KIND_ORDER,
    foreign_objects,
    resources_from_state,
)
from ._switch_render import render_switch, switch_model
from .eos_parse import parse_running_config

SESSION_PREFIX = "rcl-"
_OUR_SESSION = re.compile(rf"^{SESSION_PREFIX}[0-9a-f]{{12}}$")


def pending_sessions(text: str) -> list[str]:
    """Names of pending sessions in `show configuration sessions` text output."""
    out, rows = [], False
    for line in text.splitlines():
        if line.strip().startswith("---"):
            rows = True
            continue
        words = line.replace("*", " ", 1).split() if rows else []
        if len(words) >= 2 and words[1] == "pending":
            out.append(words[0])
    return out


def _quiet_pyeapi() -> None:
    """pyeapi logs each socket error with its traceback (through Python's last-resort
    handler, straight to stderr) and its utils logger writes to syslog and stderr: none of
    that passes the CLI's masking. The error reaches the user as our own, masked exception."""
    for name in ("pyeapi", "pyeapi.eapilib", "pyeapi.client", "pyeapi.utils"):
        log = logging.getLogger(name)
        for handler in list(log.handlers):
            log.removeHandler(handler)
        log.addHandler(logging.NullHandler())
        log.propagate = False


_quiet_pyeapi()


class EosSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    host: str
    port: int | None = None
    transport: Literal["https", "http"] | None = "https"
    save_config: bool = True
    timeout: float = 60.0
    templates_dir: str | None = None
    model: str | None = None  # the hardware model (switching/hardware.yaml), if the site names it


class EosTarget(BaseTarget):
    platform: ClassVar[str] = "arista_eos"
    wave: ClassVar[int] = 1
    kind_order: ClassVar[tuple[str, ...]] = SWITCH_KIND_ORDER
    max_concurrency: ClassVar[int] = 32
    guarded_kinds: ClassVar[tuple[str, ...]] = SWITCH_GUARDED_KINDS
    guarded_entries: ClassVar[Mapping[str, tuple[str, str]]] = SWITCH_GUARDED_ENTRIES
    guarded_sitewide: ClassVar[tuple[str, ...]] = SWITCH_GUARDED_SITEWIDE
    template_dirs: ClassVar[tuple[str, ...]] = ("arista_eos",)

    def __init__(self, spec: TargetSpec, credential: Credential | None) -> None:
        super().__init__(spec, credential)
        self.settings = EosSettings.model_validate(spec.settings)
        self.hardware = switch_model(self.platform, spec.id, self.settings.model)
        if credential is None:
            raise ConfigError(f"{spec.id}: an EOS switch needs credentials (username, password)")
        self._username = credential["username"]
        self._password = credential["password"]
        self._node: Any = None
        self.running_config: str | None = None
        #: Our sessions the last read saw still pending (a run whose abort failed).
        self.stale_sessions: list[str] = []

    # -- transport -----------------------------------------------------------------
    def _connect(self) -> Any:
        if self._node is None:
            s = self.settings
            kwargs: dict[str, Any] = {"transport": s.transport or "https", "host": s.host,
                                      "username": self._username, "password": self._password,
                                      "timeout": s.timeout}
            if s.port:
                kwargs["port"] = s.port
            self._node = pyeapi.client.Node(pyeapi.client.connect(**kwargs))
        return self._node

    def _run(self, commands: list[str], encoding: str = "json") -> list[Any]:
        try:
            result: list[Any] = self._connect().run_commands(commands, encoding=encoding)
            return result
        except pyeapi.eapilib.CommandError as exc:
            raise TargetRejected(self.spec.id, _command_error_text(exc)) from exc
        except pyeapi.eapilib.ConnectionError as exc:
            text = str(getattr(exc, "message", exc))
            if "401" in text or "Unauthorized" in text or "authentication" in text.lower():
                raise TargetAuthError(self.spec.id, "eAPI refused the credentials") from exc
            raise TargetUnavailable(self.spec.id, f"cannot reach eAPI at {self.settings.host}: "
                                    f"{text}") from exc
        except OSError as exc:
            raise TargetUnavailable(self.spec.id, f"eAPI connection failed: {exc}") from exc

    # -- Target protocol -------------------------------------------------------------
    def read(self) -> list[Resource]:
        out = self._run(["show running-config", "show configuration sessions"],
                        encoding="text")
        self.running_config = str(out[0].get("output", ""))
        self.stale_sessions = [n for n in pending_sessions(str(out[1].get("output", "")))
                               if _OUR_SESSION.fullmatch(n)]
        try:
            state = parse_running_config(self.running_config)
        except ParseError as exc:
            raise UnreadableConfig(self.spec.id, f"cannot read its running-config: {exc}") \
                from None
        self.foreign = foreign_objects(self.spec, state)
        return resources_from_state(self.spec, state)

    def render(self, changes: Sequence[Change]) -> list[str]:
        """The lines as eAPI receives them (EOS ignores the indentation a template shows)."""
        return [ln.strip() for ln in render_switch(
            self.platform, changes, self.settings.templates_dir, self.hardware, self.spec.id)]

    def apply(self, changes: Sequence[Change],
              commands: Sequence[str] | None = None) -> ApplyResult:
        lines = list(commands) if commands is not None else self.render(changes)
        result = ApplyResult(self.spec.id, list(changes), lines)
        if not lines:
            return result
        self._clean_sessions()
        session = f"{SESSION_PREFIX}{uuid.uuid4().hex[:12]}"
        body = [f"configure session {session}", *lines, "commit"]
        try:
            self._run(body)
        except TargetError:
            self._abort(session)
            raise
        result.changed = True
        return result

    def persist(self) -> None:
        if self.settings.save_config:
            self._run(["copy running-config startup-config"])

    def _clean_sessions(self) -> None:
        """Abort (or remove) our sessions left pending by an earlier run, best effort:
        if the switch still refuses, the apply's own session says why."""
        for name in self.stale_sessions:
            for command in (f"configure session {name} abort", f"no configure session {name}"):
                try:
                    self._run([command])
                    break
                except TargetError:
                    continue
        self.stale_sessions = []

    def _abort(self, session: str) -> None:
        try:
            self._run([f"configure session {session}", "abort"])
        except TargetError:
            pass  # the session was never created or is already gone

    def close(self) -> None:
        self._node = None


def _command_error_text(exc: Any) -> str:
    cmd = getattr(exc, "command_error", None) or ""
    errors = getattr(exc, "error_text", None) or str(exc)
    return f"switch refused {cmd!r}: {errors}" if cmd else f"switch refused the change: {errors}"
