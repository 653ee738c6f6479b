"""Cisco IOS switches through netmiko (SSH CLI, device type `cisco_ios`).

Read: `show running-config` (ports, SVIs with their DHCP helpers, trunk lists; read by
`ios_parse`) and `show vlan brief` (the VLAN database, which the running-config omits in
VTP server/client mode; parsed by ntc-templates). Apply: only the lines the changes need
(`templates/cisco_ios/`), in one `send_config_set`, every reply checked for IOS errors.
IOS has no configuration sessions, so on a refused line the target sends the reverse
lines of the changes in a second `send_config_set` (the engine then re-reads and
restores whatever is left). The engine verifies; `persist` saves with `write memory`
afterwards, unless the site turns that off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, ClassVar, TypeVar

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
from .ios_parse import parse_running_config, parse_show_vlan, vlans_from_show_vlan

# What IOS answers when it refuses a line (informational `% Access VLAN does not exist.
# Creating vlan N` is not a refusal).
IOS_ERROR = (r"^% ?(?:Invalid input|Incomplete command|Ambiguous command|Unrecognized command"
             r"|Bad mask|Invalid|Error|.*not allowed|.*rejected|.*not permitted)"
             r"|^Command rejected")
T = TypeVar("T")


class IosSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    host: str
    port: int | None = None
    save_config: bool = True
    timeout: float = 30.0
    templates_dir: str | None = None
    model: str | None = None  # the hardware model (switching/hardware.yaml), if the site names it
    # netmiko's own defaults unless the endpoints file opts into faster settings (the lab
    # does: its switches answer at once); None leaves the choice to netmiko.
    fast_cli: bool | None = None
    delay_factor: float | None = None  # netmiko global_delay_factor (its default: 1.0)


class IosTarget(BaseTarget):
    platform: ClassVar[str] = "cisco_ios"
    wave: ClassVar[int] = 1
    kind_order: ClassVar[tuple[str, ...]] = SWITCH_KIND_ORDER
    max_concurrency: ClassVar[int] = 16  # SSH sessions are costlier than eAPI calls
    guarded_kinds: ClassVar[tuple[str, ...]] = SWITCH_GUARDED_KINDS
    guarded_entries: ClassVar[Mapping[str, tuple[str, str]]] = SWITCH_GUARDED_ENTRIES
    guarded_sitewide: ClassVar[tuple[str, ...]] = SWITCH_GUARDED_SITEWIDE
    template_dirs: ClassVar[tuple[str, ...]] = ("cisco_ios",)

    def __init__(self, spec: TargetSpec, credential: Credential | None) -> None:
        super().__init__(spec, credential)
        self.settings = IosSettings.model_validate(spec.settings)
        self.hardware = switch_model(self.platform, spec.id, self.settings.model)
        if credential is None:
            raise ConfigError(f"{spec.id}: an IOS switch needs credentials (username, password)")
        self._username = credential["username"]
        self._password = credential["password"]
        self._secret = credential["secret"] if "secret" in set(credential) else self._password
        self._conn: Any = None
        self.running_config: str | None = None

    # -- transport -------------------------------------------------------------------
    @contextmanager
    def _translate(self, doing: str) -> Iterator[None]:
        """netmiko/paramiko exceptions -> errors named by what the caller should do."""
        try:
            yield
        except TargetError:
            raise
        except Exception as exc:
            # Imported here: netmiko (with paramiko) is heavy and only needed for IOS switches.
            from netmiko.exceptions import (
                ConfigInvalidException,
                NetmikoAuthenticationException,
                NetmikoBaseException,
                ReadException,
                ReadTimeout,
            )
            from paramiko.ssh_exception import SSHException

            if isinstance(exc, ConfigInvalidException):
                raise TargetRejected(self.spec.id, f"switch refused a line while {doing}: "
                                     f"{_first_line(str(exc))}") from exc
            self._drop()
            if isinstance(exc, NetmikoAuthenticationException):
                raise TargetAuthError(self.spec.id, "SSH login refused the credentials") from exc
            if isinstance(exc, ValueError) and "enable" in str(exc).lower():
                # netmiko's word for "enable was refused"
                raise TargetAuthError(self.spec.id, "the switch refused the enable secret") \
                    from exc
            if isinstance(exc, (NetmikoBaseException, ReadTimeout, ReadException, SSHException,
                                OSError, EOFError, ValueError)):
                raise TargetUnavailable(self.spec.id, f"SSH to {self.settings.host} failed "
                                        f"while {doing}: {_first_line(str(exc))}") from exc
            raise

    def _connect(self) -> Any:
        if self._conn is None:
            from netmiko import ConnectHandler  # heavy; see _translate

            s = self.settings
            tuning: dict[str, Any] = {}
            if s.fast_cli is not None:
                tuning["fast_cli"] = s.fast_cli
            if s.delay_factor is not None:
                tuning["global_delay_factor"] = s.delay_factor
            conn = ConnectHandler(
                device_type="cisco_ios", host=s.host, port=s.port or 22,
                username=self._username, password=self._password, secret=self._secret,
                **tuning, conn_timeout=s.timeout, auth_timeout=s.timeout, banner_timeout=s.timeout,
                read_timeout_override=None, allow_agent=False, use_keys=False,
                ssh_strict=False, system_host_keys=False, alt_host_keys=False)
            if not conn.check_enable_mode():
                conn.enable()
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.disconnect()
            except Exception:  # noqa: BLE001 - the session is gone either way
                pass

    def _show(self, command: str) -> str:
        conn = self._connect()
        # Waiting for the known prompt saves netmiko a prompt probe per command.
        out = str(conn.send_command(command, read_timeout=self.settings.timeout,
                                    expect_string=re.escape(conn.base_prompt) + r"#\s*$"))
        head = "\n".join(out.lstrip("\n").splitlines()[:3])  # IOS refuses at once; a
        if re.search(IOS_ERROR, head, re.M):  # banner further down is not a refusal
            raise TargetRejected(self.spec.id, f"switch refused {command!r}: "
                                 f"{_first_line(out.strip())}")
        return out

    def _configure(self, lines: list[str]) -> str:
        return str(self._connect().send_config_set(
            lines, error_pattern=IOS_ERROR, read_timeout=self.settings.timeout))

    def _call(self, doing: str, fn: Callable[[], T]) -> T:
        with self._translate(doing):
            return fn()

    # -- Target protocol ---------------------------------------------------------------
    def read(self) -> list[Resource]:
        def run() -> tuple[str, str]:
            return self._show("show running-config"), self._show("show vlan brief")

        running, vlans = self._call("reading the configuration", run)
        try:
            state = parse_running_config(running)
        except ParseError as exc:
            raise UnreadableConfig(self.spec.id, f"cannot read its running-config: {exc}") \
                from None
        # The VLAN database: in VTP server/client mode the running-config has no VLANs.
        state = replace(state, vlans=vlans_from_show_vlan(parse_show_vlan(vlans)))
        self.running_config = running
        self.foreign = foreign_objects(self.spec, state)
        return resources_from_state(self.spec, state)

    def render(self, changes: Sequence[Change]) -> list[str]:
        return [ln.strip() for ln in render_switch(
            self.platform, changes, self.settings.templates_dir, self.hardware, self.spec.id)]

    def apply(self, changes: Sequence[Change],
              commands: Sequence[str] | None = None) -> ApplyResult:
        lines = list(commands) if commands is not None else self.render(changes)
        result = ApplyResult(self.spec.id, list(changes), lines)
        if not lines:
            return result
        try:
            output = self._call("configuring", lambda: self._configure(lines))
            refused = re.search(IOS_ERROR, output, re.M)  # belt and braces over netmiko's
            if refused:
                raise TargetRejected(self.spec.id, f"switch refused a line: {refused[0]}")
        except TargetError:
            self._undo(changes)
            raise
        result.changed = True
        return result

    def persist(self) -> None:
        if not self.settings.save_config:
            return
        saved = self._call("saving the configuration", lambda: str(
            self._connect().save_config()))
        if "[OK]" not in saved:
            raise TargetRejected(self.spec.id, "write memory did not report [OK]: "
                                 + _first_line(saved.strip()))

    def _undo(self, changes: Sequence[Change]) -> None:
        """Reverse lines from the state read before: IOS applied the lines before the error."""
        back = self.render([c.reversed() for c in reversed(changes)])
        try:
            self._call("rolling back", lambda: self._configure(back))
        except TargetError:
            pass  # the engine re-reads and restores what is left

    def close(self) -> None:
        self._drop()


def _first_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return " / ".join(lines[:3])[:300] if lines else text
