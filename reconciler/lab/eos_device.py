"""One emulated Arista switch: state, `runCmds` execution, show-command dispatch.

Transport-free: `eos_server` feeds it JSON-RPC requests; tests may call `run_cmds` directly.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections import deque
from collections.abc import Sequence
from typing import Any

from reconciler.lab.counters import Counters
from reconciler.lab.eos_cli import Cli, Session, max_pending
from reconciler.lab.eos_config import CliError, EosConfig, Marker, Raw, incomplete, invalid
from reconciler.lab.eos_names import BadToken, expand_interfaces, if_type, parse_vlan_list
from reconciler.lab.eos_parse import parse_config
from reconciler.lab.eos_quiet import (
    NO_IPV6,
    dir_text,
    show_arp,
    show_interfaces_counters,
    show_interfaces_counters_errors,
    show_ip_interface,
    show_lldp_neighbors,
    show_mac_address_table,
)
from reconciler.lab.eos_render import apply_filters, render_body, render_config
from reconciler.lab.eos_show import (
    Platform,
    is_up,
    lag_members,
    session_diff,
    show_hostname,
    show_interfaces,
    show_interfaces_status,
    show_ip_interface_brief,
    show_port_channel,
    show_sessions,
    show_switchport,
    show_version,
    show_vlan,
)
from reconciler.lab.faults import Drop, Faults
from reconciler.switching.hardware import SwitchModel, optional

Json = dict[str, Any]
UNCONVERTED = "This is an unconverted command"
_SHOW_WORDS = ("running-config", "startup-config", "session-config", "version", "hostname",
               "vlan", "interfaces", "ip", "configuration", "port-channel", "lldp", "mac",
               "arp", "ipv6")
_PIPE_RE = re.compile(r"\s\|\s*")


class DropConnection(Exception):
    """Fault injection: the server must close the socket without answering."""


class Unconverted(Exception):
    """The command has no JSON form (eAPI error 1003); clients retry with text."""


def default_config_text(hostname: str, ports: int, username: str, password: str) -> str:
    """Running-config of a freshly set up switch: Ethernet1..N, Management1, eAPI on."""
    digest = base64.b64encode(hashlib.sha512(password.encode()).digest()).decode()
    secret = "$6$lab$" + digest.replace("+", ".").rstrip("=")
    parts = [
        "!", "no aaa root", "!",
        f"username {username} privilege 15 role network-admin secret sha512 {secret}", "!",
        "transceiver qsfp default-mode 4x10G", "!",
        "service routing protocols model multi-agent", "!",
        f"hostname {hostname}", "!", "spanning-tree mode mstp", "!",
    ]
    for idx in range(1, ports + 1):
        parts += [f"interface Ethernet{idx}", "!"]
    parts += ["interface Management1", "!", "management api http-commands",
              "   no shutdown", "!", "end"]
    return "\n".join(parts) + "\n"


def _expand(word: str, choices: Sequence[str], words: list[str], idx: int) -> str:
    """EOS accepts any unique prefix of a keyword (`sh run`, `show int status`)."""
    if word in choices:
        return word
    hits = [c for c in choices if c.startswith(word)]
    if len(hits) != 1:
        raise invalid(words, idx)
    return hits[0]


class EosDevice:
    """A switch: running/startup config, named sessions, faults, counters."""

    def __init__(self, name: str, *, username: str = "admin", password: str = "admin",
                 seed_config: str | None = None, hostname: str | None = None,
                 ports: int = 8, model: str = "vEOS-lab", version: str = "4.32.2F") -> None:
        self.name = name
        self.username = username
        self.password = password
        serial = "LAB" + hashlib.sha256(name.encode()).hexdigest()[:9].upper()
        self.platform = Platform(name, model=model, version=version, serial=serial)
        # A catalogued model decides what the switch accepts (switching/hardware.yaml);
        # anything else (vEOS-lab) accepts what EOS accepts.
        self.hardware: SwitchModel | None = optional("arista_eos", model)
        self.seed_text = seed_config or default_config_text(
            hostname or name, ports, username, password)
        self._hostname = hostname
        self.lock = threading.RLock()
        self.faults = Faults()
        self.counters = Counters()
        #: Every command as eAPI delivered it, byte for byte (the latest 10,000), for tests
        #: that prove what a client sent.
        self.received: deque[str] = deque(maxlen=10_000)
        self.running = EosConfig()
        self.startup = EosConfig()
        self.sessions: dict[str, Session] = {}
        self.files: dict[str, str] = {}
        self.reset()

    # ------------------------------------------------------------ ConfigStore

    def reset(self) -> None:
        """Back to the seed config; sessions dropped (faults and counters kept)."""
        cfg = parse_config(self.seed_text)
        if self._hostname:
            cfg.hostname = self._hostname
            cfg.ensure_marker(Marker.HOSTNAME)
        with self.lock:
            self.running = cfg
            self.startup = cfg.copy()
            self.sessions = {}

    def clean_config(self) -> EosConfig:
        """`rollback clean-config`: factory defaults, same hardware ports."""
        # The QSFP default-mode line is printed by models with QSFP ports only: keep it
        # exactly when this switch prints it, so replacing a config by itself is no change.
        qsfp = any(isinstance(i, Raw) and i.header.startswith("transceiver qsfp")
                   for i in self.running.items)
        text = ("!\nno aaa root\n!\n" + ("transceiver qsfp default-mode 4x10G\n!\n" if qsfp
                                           else "") + "spanning-tree mode mstp\n!\n")
        for name in self.running.interfaces:
            if if_type(name) in ("Ethernet", "Management"):
                text += f"interface {name}\n!\n"
        return parse_config(text + "end\n")

    def config_text(self, cfg: EosConfig) -> str:
        return render_config(cfg, self.platform.header("show running-config", cfg.hostname))

    def load_text(self, text: str) -> EosConfig:
        return parse_config(text)

    def before_commit(self) -> None:
        message = self.faults.commit_error()
        if message is not None:
            raise CliError(message, code=1000, reason="could not run command")

    def commit_lost(self) -> bool:
        return self.faults.commit_lost()

    def save_startup(self) -> None:
        self.startup = self.running.copy()

    # ------------------------------------------------------------ runCmds

    def run_cmds(self, cmds: Sequence[str | Json], fmt: str = "json") -> Json:
        """Execute one runCmds call; returns `{"result": [...]}` or `{"error": {...}}`.

        Raises DropConnection when a fault says the connection dies mid-request.
        """
        if fmt not in ("json", "text"):
            return {"error": {"code": -32602, "message": f"Invalid format {fmt!r}"}}
        cli = Cli(self)
        results: list[Json] = []
        with self.lock:
            for num, item in enumerate(cmds, 1):
                command = str(item.get("cmd", "")) if isinstance(item, dict) else str(item)
                self.received.append(command)
                command = command.rstrip()
                self.counters.command(command)
                action = self.faults.on_command(command)
                if isinstance(action, Drop):
                    raise DropConnection()
                try:
                    if action is not None:
                        raise CliError(action.message)
                    results.append(self._one(cli, command, fmt))
                except CliError as exc:
                    entry: Json = {"errors": [exc.text]}
                    if fmt == "text":
                        entry["output"] = f"% {exc.text}\n"
                    return self._error(exc.code, num, len(cmds), command, exc.reason,
                                       [*results, entry])
                except Unconverted:
                    return self._error(1003, num, len(cmds), command, "unconverted command",
                                       [*results, {"errors": [UNCONVERTED]}])
        return {"result": results}

    def _error(self, code: int, num: int, total: int, command: str, reason: str,
               data: list[Json]) -> Json:
        self.counters.error()
        message = f"CLI command {num} of {total} '{command.strip()}' failed: {reason}"
        return {"error": {"code": code, "message": message, "data": data}}

    def _one(self, cli: Cli, command: str, fmt: str) -> Json:
        text = command.strip()
        if text.endswith("| json"):
            text, fmt = text[: -len("| json")].rstrip(), "json"
        words = text.split()
        if words[:1] == ["do"]:
            words, text = words[1:], text[2:].strip()
        if words and len(words[0]) >= 2 and "show".startswith(words[0]):
            return self._show(cli, text, fmt)
        if words[:1] == ["dir"]:  # the flash file system (text only, as on EOS)
            if fmt == "json":
                raise Unconverted()
            if words[1:] not in ([], ["flash:"], ["all-filesystems"]):
                raise invalid(words, 1)
            return {"output": dir_text({k[6:]: v for k, v in self.files.items()
                                        if k.startswith("flash:")})}
        cli.run(command)
        return {} if fmt == "json" else {"output": ""}

    # ------------------------------------------------------------ show

    def _show(self, cli: Cli, text: str, fmt: str) -> Json:
        base, *pipes = _PIPE_RE.split(text)
        filters: list[tuple[str, str]] = []
        for pipe in pipes:
            kind, _, pattern = pipe.strip().partition(" ")
            if kind == "json":
                fmt = "json"
                continue
            kind = _expand(kind, ("section", "include", "exclude", "begin", "no-more"),
                           [kind], 0)
            if kind != "no-more":
                filters.append((kind, pattern.strip()))
        words = base.split()
        if len(words) < 2:
            raise incomplete()
        key = _expand(words[1], _SHOW_WORDS, words, 1)
        args = words[2:]
        if key in ("running-config", "startup-config", "session-config") or (
            key == "port-channel"
        ):
            if fmt == "json":
                raise Unconverted()
            return {"output": apply_filters(self._config_text(cli, key, args, words), filters)}
        data, out = self._show_data(key, args, words)
        if fmt == "json":
            if filters:
                raise Unconverted()
            return data
        return {"output": apply_filters(out, filters)}

    def _config_text(self, cli: Cli, key: str, args: list[str], words: list[str]) -> str:
        cfg = self.running if key == "running-config" else self.startup
        if key == "port-channel":
            group = int(args[0]) if args and args[0].isdigit() else None
            return show_port_channel(cfg, group)
        if key == "session-config":
            session = cli.session
            if args[:1] == ["named"]:
                if len(args) < 2:
                    raise incomplete()
                session = self.sessions.get(args[1])
                if session is None:
                    raise CliError(f"Session {args[1]} does not exist")
                args = args[2:]
            if session is None:
                raise CliError("Not in a configuration session")
            if args == ["diffs"]:
                return session_diff(self.running, session.config, session.name)
            if args:
                raise invalid(words, len(words) - len(args))
            cfg = session.config
        all_defaults = "all" in args
        if args[:1] == ["interfaces"]:
            try:
                names = expand_interfaces(" ".join(args[1:]))
            except BadToken as exc:
                raise invalid(words, 3) from exc
            body = render_body(cfg)
            return apply_filters("\n".join(body), [("section", _names_regex(names))])
        if any(a not in ("all", "sanitized", "detail") for a in args):
            raise invalid(words, len(words) - len(args))
        command = " ".join(["show", key, *args])
        return render_config(cfg, self.platform.header(command, cfg.hostname), all_defaults)

    def _show_data(self, key: str, args: list[str], words: list[str]) -> tuple[Json, str]:
        cfg = self.running
        if key == "version":
            return show_version(self.platform)
        if key == "hostname":
            return show_hostname(cfg)
        if key == "configuration":
            sub = _expand(args[0], ("sessions", "checkpoints"), words, 2) if args else None
            if sub is None:
                raise incomplete()
            if sub == "checkpoints":
                saved = sorted(n[len("checkpoint:"):] for n in self.files
                               if n.startswith("checkpoint:"))
                return ({"checkpoints": {n: {"fileDate": 0, "fileUser": self.username}
                                         for n in saved}},
                        "\n".join(["Maximum number of checkpoints: 20", *saved]) + "\n")
            return show_sessions(self.sessions, max_pending(cfg))
        if key == "vlan":
            return show_vlan(cfg, self._vlan_filter(args, words), "configured-ports" in args)
        if key == "lldp":
            if not args or _expand(args[0], ("neighbors",), words, 2) != "neighbors":
                raise incomplete()
            return show_lldp_neighbors(cfg, "detail" in args[1:], self.platform.boot_time)
        if key == "mac":
            if not args or _expand(args[0], ("address-table",), words, 2) != "address-table":
                raise incomplete()
            return show_mac_address_table()
        if key == "arp":
            return show_arp(args == ["vrf", "all"])
        if key == "ipv6":
            raise CliError(NO_IPV6, code=1000, reason="could not run command")
        if key == "ip":
            sub = _expand(args[0], ("interface", "arp"), words, 2) if args else None
            if sub == "arp":
                return show_arp(args[1:] == ["vrf", "all"])
            if sub == "interface" and args[1:] == ["brief"]:
                return show_ip_interface_brief(cfg)
            if sub == "interface":
                only = self._names(args[1:], words, 3) if args[1:] else None
                lags = lag_members(cfg)
                return show_ip_interface(cfg, lambda i: is_up(cfg, i, lags), only)
            raise invalid(words, 2)
        # interfaces [NAMES] [status|switchport|counters [errors]]
        if args[-2:] == ["counters", "errors"]:
            return show_interfaces_counters_errors(cfg)
        if args[-1:] == ["counters"]:
            return show_interfaces_counters(cfg)
        view = args[-1] if args and args[-1] in ("status", "switchport") else None
        spec = args[:-1] if view else args
        names = self._names(spec, words, 2) if spec else None
        if view == "status":
            return show_interfaces_status(cfg, names)
        if view == "switchport":
            return show_switchport(cfg, names)
        return show_interfaces(cfg, self.platform, names)

    @staticmethod
    def _names(spec: list[str], words: list[str], at: int) -> list[str]:
        try:
            return expand_interfaces(" ".join(spec))
        except BadToken as exc:
            raise invalid(words, at) from exc

    @staticmethod
    def _vlan_filter(args: list[str], words: list[str]) -> list[int] | None:
        """`show vlan 10`, `show vlan id 10-20`, `show vlan 10,20 configured-ports`."""
        rest = [a for a in args if a != "configured-ports"]
        if rest[:1] == ["id"]:
            rest = rest[1:]
            if not rest:
                raise incomplete()
        if not rest:
            return None
        try:
            return parse_vlan_list(rest[0])
        except BadToken as exc:
            raise invalid(words, len(words) - len(rest)) from exc

    # ------------------------------------------------------------ inspection

    def running_config(self, all_defaults: bool = False) -> str:
        with self.lock:
            cfg = self.running
            command = "show running-config" + (" all" if all_defaults else "")
            return render_config(cfg, self.platform.header(command, cfg.hostname), all_defaults)

    def state(self) -> Json:
        with self.lock:
            snap = self.running.snapshot()
            return {
                "name": self.name,
                "hostname": snap["hostname"],
                "running_config": self.running_config(),
                "vlans": snap["vlans"],
                "interfaces": snap["interfaces"],
                "sessions": {n: s.state for n, s in self.sessions.items()},
                "counters": self.counters.snapshot(),
                "faults": self.faults.snapshot(),
            }


def _names_regex(names: list[str]) -> str:
    return "^interface (" + "|".join(re.escape(n) for n in names) + ")$"
