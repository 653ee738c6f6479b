"""One emulated Cisco IOS switch (state, faults, counters) and one CLI session on it.

Transport-free: `ios_server` feeds lines from SSH; tests may drive `Session` directly.
Configuration commands change the running-config at once, as on IOS (no sessions).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from reconciler.lab.counters import Counters
from reconciler.lab.faults import Drop, Faults
from reconciler.lab.ios_config import DEFAULT_VLANS, Interface, IosConfig, parse_config
from reconciler.lab.ios_exec import (
    EXEC_EXTRA,
    GLOBAL_EXTRA,
    PRIV_EXTRA,
    Ask,
    Exec,
    apply_pipe,
    set_global_line,
    split_pipe,
    tcl_line,
)
from reconciler.lab.ios_flash import Flash
from reconciler.lab.ios_grammar import (
    EXEC,
    GLOBAL,
    INTERFACE,
    INVALID,
    PRIV,
    VLAN,
    CliError,
    Pattern,
    interface_range,
    match,
)
from reconciler.lab.ios_show import (
    show_interfaces_switchport,
    show_running_config,
    show_startup_config,
    show_version,
    show_vlan_brief,
)
from reconciler.lab.ios_show_if import show_vlan
from reconciler.switching.hardware import CliMode, SwitchModel, lookup

# What the lab switch is when nothing names its model: the Catalyst it has always reported.
DEFAULT_MODEL = "WS-C2960X-48FPD-L"


def default_config_text(hostname: str, ports: int = 8, uplinks: int = 2) -> str:
    lines = ["version 15.2", "no service pad", "service timestamps log datetime msec", "!",
             f"hostname {hostname}", "!", "no aaa new-model", "vtp mode transparent", "!",
             "spanning-tree mode rapid-pvst", "spanning-tree extend system-id", "!"]
    for n in range(1, ports + 1):
        lines += [f"interface GigabitEthernet1/0/{n}", "!"]
    for n in range(1, uplinks + 1):
        lines += [f"interface GigabitEthernet1/1/{n}", "!"]
    lines += ["interface Vlan1", " no ip address", " shutdown", "!", "ip ssh version 2", "!",
              "line vty 0 15", " login local", " transport input ssh", "!", "end"]
    return "\n".join(lines) + "\n"


class IosDevice:
    """A switch: running and startup config, fault plan, counters."""

    def __init__(self, name: str, *, username: str = "admin", password: str = "admin",
                 secret: str | None = None, seed_config: str | None = None,
                 hostname: str | None = None, ports: int = 8, model: str | None = None) -> None:
        self.name = name
        # The hardware decides what the switch accepts (switching/hardware.yaml).
        self.hardware: SwitchModel = lookup("cisco_ios", model or DEFAULT_MODEL)
        self.username = username
        self.password = password
        self.secret = password if secret is None else secret
        self.serial = "FOC" + hashlib.sha256(name.encode()).hexdigest()[:8].upper()
        self.seed_text = seed_config or default_config_text(hostname or name, ports)
        self._hostname = hostname
        self.lock = threading.RLock()
        self.faults = Faults()
        self.counters = Counters()
        self.config_lines: list[str] = []  # every line entered in configuration mode
        self.running = IosConfig()
        self.startup = IosConfig()
        self.flash = Flash()
        self.reset()

    def reset(self) -> None:
        """Back to the seed config (faults and counters kept)."""
        cfg = parse_config(self.seed_text)
        if self._hostname:
            cfg.hostname = self._hostname
        with self.lock:
            self.running = cfg
            self.startup = cfg.copy()

    def running_config(self) -> str:
        with self.lock:
            return self.running.render()

    def startup_config(self) -> str:
        with self.lock:
            return self.startup.render()

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {"name": self.name, "hostname": self.running.hostname,
                    "vlans": {str(k): v for k, v in sorted(self.running.vlans.items())},
                    "running_config": self.running.render(),
                    "saved": self.running.render() == self.startup.render()}


@dataclass
class Reply:
    output: str = ""
    close: bool = False
    drop: bool = False
    ask_password: bool = False
    ask: Ask | None = None  # a question to answer before the command acts


class Session:
    """One SSH shell: the mode, the prompt, and the commands of each mode."""

    def __init__(self, device: IosDevice) -> None:
        self.device = device
        self.mode = "exec"  # exec | priv | config | if | vlan | tcl
        self.iface: str | None = None
        self.ifaces: list[str] = []  # `interface range`: every interface of the range
        self.vlan_ids: list[int] = []
        self._line = ""  # the line being run, for the caret of a refused argument
        self.extra = Exec(self)
        self.tcl_buffer: list[str] | None = None  # a Tcl statement whose braces are open
        self.tcl_files: list[tuple[str, str]] = []  # written when tclsh is left

    def prompt(self) -> str:
        host = self.device.running.hostname
        if self.mode == "tcl" and self.tcl_buffer is not None:
            return "+>"
        suffix = {"exec": ">", "priv": "#", "config": "(config)#", "if": "(config-if)#",
                  "vlan": "(config-vlan)#", "tcl": "(tcl)#"}[self.mode]
        if self.mode == "if" and len(self.ifaces) > 1:
            suffix = "(config-if-range)#"
        return host + suffix

    # ------------------------------------------------------------ entry point

    def execute(self, line: str) -> Reply:
        dev = self.device
        if self.mode == "tcl":
            with dev.lock:
                return Reply(tcl_line(self, line) or "")
        if not line.strip():
            return Reply()
        dev.counters.command(line)
        in_config = self.mode in ("config", "if", "vlan")
        action = dev.faults.on_command(line)
        if action is None and in_config:
            action = dev.faults.on_config_line(line)
        if isinstance(action, Drop):
            return Reply(drop=True)
        prompt = self.prompt()
        if action is not None:  # an injected refusal, worded as IOS words it
            dev.counters.error()
            return Reply(self._error(prompt, CliError(INVALID, len(line) - len(line.lstrip()))))
        try:
            with dev.lock:
                if in_config:
                    dev.config_lines.append(line.strip())
                return self._dispatch(line)
        except CliError as exc:
            dev.counters.error()
            return Reply(self._error(prompt, exc))

    @staticmethod
    def _error(prompt: str, exc: CliError) -> str:
        if exc.col is None:
            return exc.text + "\n\n"
        return " " * (len(prompt) + exc.col) + "^\n" + exc.text + "\n\n"

    def _dispatch(self, line: str) -> Reply:
        self._line = line
        if self.mode in ("exec", "priv"):
            return self._exec(line)
        sub = {"if": INTERFACE, "vlan": VLAN}.get(self.mode)
        if sub is not None:
            try:
                key, args = match(sub, line)
                self._model_accepts("interface" if self.mode == "if" else "vlan", key, args)
                return self._sub(key, args)
            except CliError as exc:
                try:  # IOS falls back to global configuration for a global command
                    key, args = match(GLOBAL + GLOBAL_EXTRA, line)
                except CliError:
                    raise exc from None
                self.mode = "config"
                self._model_accepts("global", key, args)
                return self._global(key, args)
        key, args = match(GLOBAL + GLOBAL_EXTRA, line)
        self._model_accepts("global", key, args)
        return self._global(key, args)

    def _model_accepts(self, mode: CliMode, key: str, args: list[Any]) -> None:
        """A command this model lacks is `Invalid input`, as on the real switch."""
        values = iter(args)
        words = [str(next(values, w)) if w.startswith("<") else w for w in key.split()]
        rule = self.device.hardware.refusal(mode, " ".join(words))
        if rule is not None:
            raise CliError(INVALID, rule.caret(self._line))

    # ------------------------------------------------------------ exec modes

    def _exec(self, full: str) -> Reply:
        line, filters = split_pipe(full)
        reply = self._exec_one(line)
        if filters and not reply.ask:
            reply.output = apply_pipe(reply.output, filters)
        return reply

    def _exec_one(self, line: str) -> Reply:
        extra = PRIV_EXTRA if self.mode == "priv" else EXEC_EXTRA
        cmds: list[Pattern] = (PRIV if self.mode == "priv" else EXEC) + extra
        key, args = match(cmds, line)
        if tuple(key.split()) in extra:
            out = self.extra.run(key, args, line)
            return Reply(ask=out) if isinstance(out, Ask) else Reply(out)
        cfg = self.device.running
        if key == "enable":
            return Reply() if self.mode == "priv" else Reply(ask_password=True)
        if key == "disable":
            self.mode = "exec"
            return Reply()
        if key in ("exit", "logout"):
            return Reply(close=True)
        if key.startswith("terminal"):
            return Reply()
        if key == "configure terminal":
            self.mode = "config"
            return Reply("Enter configuration commands, one per line.  End with CNTL/Z.\n")
        if key == "write memory":
            self.device.startup = cfg.copy()
            return Reply("Building configuration...\n[OK]\n")
        if key == "show running-config":
            return Reply(show_running_config(cfg))
        if key == "show running-config interface <if>":
            iface = self._existing(args[0], line)
            body = "\n".join([*iface.render(), "end"]) + "\n"
            return Reply(f"Building configuration...\n\nCurrent configuration : {len(body)} "
                         f"bytes\n!\n{body}")
        if key == "show startup-config":
            return Reply(show_startup_config(self.device.startup))
        if key == "show vlan brief":
            return Reply(show_vlan_brief(cfg))
        if key == "show vlan":
            return Reply(show_vlan(cfg, show_vlan_brief(cfg)))
        if key == "show interfaces switchport":
            return Reply(show_interfaces_switchport(cfg))
        if key == "show interfaces <if> switchport":
            return Reply(show_interfaces_switchport(cfg, self._existing(args[0], line).name))
        if key == "show version":
            return Reply(show_version(cfg, self.device.serial, self.device.hardware))
        raise CliError(INVALID, 0)

    def enable(self, secret: str) -> Reply:
        if secret == self.device.secret:
            self.mode = "priv"
            return Reply()
        return Reply("% Access denied\n\n")

    def _existing(self, name: str, line: str) -> Interface:
        iface = self.device.running.interfaces.get(name)
        if iface is None:
            raise CliError(INVALID, line.lower().find(" ", line.lower().find("int")) + 1)
        return iface

    # ------------------------------------------------------------ configuration

    def _global(self, key: str, args: list[Any]) -> Reply:
        cfg = self.device.running
        if key == "end":
            self.mode = "priv"
            return Reply()
        if key == "exit":
            self.mode = "priv" if self.mode == "config" else "config"
            return Reply()
        if key == "do <text>":
            saved = self.mode
            self.mode = "priv"
            try:
                return self._exec(args[0])
            finally:
                self.mode = saved
        if key == "hostname <word>":
            cfg.hostname = args[0]
            return Reply()
        if key in ("file prompt quiet", "ip scp server enable"):
            set_global_line(cfg, key, True)
            return Reply()
        if key in ("no file prompt quiet", "no ip scp server enable"):
            set_global_line(cfg, key[3:], False)
            return Reply()
        if key == "interface range <text>":
            names = interface_range(args[0], set(cfg.interfaces))
            if names is None:
                raise CliError(INVALID, self._line.lower().find("range") + 6)
            self.mode, self.iface, self.ifaces = "if", names[0], names
            return Reply()
        if key == "vlan <vlist>":
            ids = sorted(args[0])
            for vid in ids:
                if vid not in DEFAULT_VLANS:
                    cfg.vlans.setdefault(vid, None)
            self.mode, self.vlan_ids = "vlan", ids
            return Reply()
        if key == "no vlan <vlist>":
            if args[0] & set(DEFAULT_VLANS):
                raise CliError("%Default VLAN 1 may not be deleted.")
            for vid in args[0]:
                cfg.vlans.pop(vid, None)
            return Reply()
        if key == "interface <if>":
            name: str = args[0]
            if name not in cfg.interfaces and not name.startswith(("Vlan", "Loopback")):
                words = self._line.split()
                raise CliError(INVALID, self._line.find(words[-1]) if words else 0)
            cfg.interface(name)
            self.mode, self.iface, self.ifaces = "if", name, [name]
            return Reply()
        if key == "no interface <if>":
            name = args[0]
            if not name.startswith(("Vlan", "Loopback")):
                raise CliError("% Removal of physical interfaces is not permitted")
            cfg.interfaces.pop(name, None)
            return Reply()
        raise CliError(INVALID, 0)

    def _sub(self, key: str, args: list[Any]) -> Reply:
        if key in ("exit", "end", "do <text>"):
            return self._global(key, args)
        if self.mode == "vlan":
            for vid in self.vlan_ids:
                if vid not in DEFAULT_VLANS:
                    self.device.running.vlans[vid] = args[0] if key == "name <word>" else None
            return Reply()
        assert self.iface is not None
        out = Reply()
        for name in self.ifaces or [self.iface]:
            out = _interface_command(self.device.running, self.device.running.interface(name),
                                     key, args)
        return out


def _interface_command(cfg: IosConfig, i: Interface, key: str, args: list[Any]) -> Reply:
    out = ""
    words = key.split()
    negate = words[0] == "no"
    if key == "description <text>":
        i.description = args[0]
    elif key.startswith("no description"):
        i.description = None
    elif key in ("switchport", "no switchport"):
        i.routed = negate
    elif key.startswith("switchport mode "):
        i.mode = key[len("switchport mode "):]
    elif key == "no switchport mode":
        i.mode = None
    elif key.startswith(("switchport access vlan", "switchport voice vlan")):
        vid = args[0]
        if not cfg.vlan_exists(vid):
            kind = "Access" if words[1] == "access" else "Voice"
            out = f"% {kind} VLAN does not exist. Creating vlan {vid}\n"
            cfg.vlans[vid] = None
        if words[1] == "access":
            i.access_vlan = None if vid == 1 else vid
        else:
            i.voice_vlan = vid
    elif key.startswith("no switchport access vlan"):
        i.access_vlan = None
    elif key.startswith("no switchport voice vlan"):
        i.voice_vlan = None
    elif key.startswith("switchport trunk allowed vlan"):
        every = frozenset(range(1, 4095))
        have = every if i.allowed is None else i.allowed
        op = words[4] if len(words) > 4 else ""
        if op == "add":
            new = have | args[0]
        elif op == "remove":
            new = have - args[0]
        elif op == "except":
            new = every - args[0]
        elif op == "all":
            new = every
        elif op == "none":
            new = frozenset()
        else:
            new = frozenset(args[0])
        i.allowed = None if new == every else frozenset(new)
    elif key == "no switchport trunk allowed vlan":
        i.allowed = None
    elif key == "switchport trunk native vlan <vlan>":
        i.native_vlan = None if args[0] == 1 else args[0]
    elif key == "no switchport trunk native vlan":
        i.native_vlan = None
    elif key.startswith("switchport trunk encapsulation"):
        i.encapsulation = words[-1]
    elif key == "no switchport trunk encapsulation":
        i.encapsulation = None
    elif key.endswith("switchport nonegotiate"):
        i.nonegotiate = not negate
    elif key in ("shutdown", "no shutdown"):
        i.shutdown = not negate
    elif key == "ip address <ip> <ip>":
        i.ip_address, i.no_ip_address = f"{args[0]} {args[1]}", False
    elif key == "ip helper-address <ip>":
        if args[0] not in i.helpers:
            i.helpers.append(args[0])
    elif key.startswith("no ip helper-address"):
        i.helpers = [h for h in i.helpers if args and h != args[0]]
    elif key == "no ip address":
        i.ip_address, i.no_ip_address = None, True
    elif key.startswith(("spanning-tree", "no spanning-tree")):
        stem = " ".join((words[1:] if negate else words)[:2])
        i.extra = [x for x in i.extra if not x.startswith(stem)]
        if not negate:
            i.extra.append(key)
    else:
        raise CliError(INVALID, 0)
    return Reply(out)
