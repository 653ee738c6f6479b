"""The CLI of one eAPI request: exec/config modes, config sessions, global config lines.

Every request starts a fresh `Cli` in exec mode, as pyeapi opens a new connection per call;
only named config sessions outlive a request (they live in the `ConfigStore`).
"""

from __future__ import annotations

import enum
import itertools
import re
from dataclasses import dataclass
from typing import Protocol

from reconciler.lab.eos_config import (
    CliError,
    EosConfig,
    Interface,
    Marker,
    NotHere,
    Raw,
    incomplete,
    invalid,
)
from reconciler.lab.eos_global import apply_block_child, apply_global
from reconciler.lab.eos_lines import append_nested, apply_interface_line, apply_vlan_line
from reconciler.lab.eos_names import PHYSICAL_TYPES, BadToken, expand_interfaces, if_type
from reconciler.lab.eos_names import parse_vlan_list as _vlan_list
from reconciler.switching.hardware import CliMode, SwitchModel

# EOS keeps at most this many uncommitted sessions (`service configuration session max
# pending N` changes it); one more `configure session NEW` is refused until one is
# committed, aborted or removed with `no configure session NAME`.
MAX_PENDING_SESSIONS = 5
_MAX_PENDING_RE = re.compile(r"service configuration session max pending (\d{1,2})")

# First words EOS accepts in global configuration mode (the emulator stores the ones it
# does not model verbatim); anything else is "Invalid input".
TOP_WORDS = frozenset(
    "aaa agent alias arp banner bfd boot class-map clock control-plane cvx daemon dhcp "
    "directflow dot1x email enable environment errdisable event-handler event-monitor "
    "hardware hostname interface ip ipv6 lacp link-tracking lldp load-interval logging mac "
    "management match-list mlag monitor mpls ntp peer-filter platform policy-map port-channel "
    "power prompt ptp qos queue-monitor radius-server role route-map router schedule service "
    "sflow snmp-server spanning-tree switchport system tacacs-server tap terminal tool "
    "traffic-policies transceiver trackers username virtual-cable vlan vrf vxlan".split()
)
# Unindented `ip X` lines that always belong to global mode, even inside a block.
_IP_GLOBAL = frozenset(
    "route routing name-server domain-name domain host prefix-list access-list "
    "virtual-router icmp multicast-routing ftp http ssh tftp radius tacacs as-path "
    "community-list extcommunity-list".split()
)
_BLOCK_EXIT = TOP_WORDS - {"ip", "ipv6", "vrf", "logging", "lldp", "qos", "mac", "bfd",
                            "snmp-server", "sflow", "ptp", "dot1x", "tap", "tool", "system"}


class Mode(enum.Enum):
    EXEC = "exec"
    CONFIG = "config"
    VLAN = "config-vlan"
    INTERFACE = "config-if"
    BLOCK = "config-block"


@dataclass
class Session:
    name: str
    config: EosConfig
    state: str = "pending"  # pending | completed


class ConfigStore(Protocol):
    """What the CLI needs from the device it runs on."""

    running: EosConfig
    startup: EosConfig
    sessions: dict[str, Session]
    files: dict[str, str]  # flash:NAME and checkpoint:NAME -> config text

    def config_text(self, cfg: EosConfig) -> str: ...

    def load_text(self, text: str) -> EosConfig: ...
    hardware: SwitchModel | None  # the model's refusals and ports; None: any EOS switch

    def clean_config(self) -> EosConfig: ...

    def before_commit(self) -> None: ...

    def commit_lost(self) -> bool: ...

    def save_startup(self) -> None: ...


_auto_names = itertools.count(1)


def max_pending(cfg: EosConfig) -> int:
    """The pending-session limit the running-config sets (EOS's default otherwise)."""
    for item in cfg.items:
        if isinstance(item, Raw) and (m := _MAX_PENDING_RE.fullmatch(item.header.strip())):
            return int(m.group(1))
    return MAX_PENDING_SESSIONS


class Cli:
    def __init__(self, store: ConfigStore) -> None:
        self.store = store
        self.mode = Mode.EXEC
        self.session: Session | None = None
        self.target: EosConfig | None = None
        self.vids: list[int] = []
        self.ifnames: list[str] = []
        self.block: str | None = None

    # ------------------------------------------------------------ dispatch

    def run(self, raw: str) -> None:
        """Run one non-show command; raises CliError as EOS would reject it."""
        words = raw.split()
        if not words:
            return
        if words[0].startswith("!"):  # a comment; inside a pasted block, a nested separator
            if self.mode is Mode.BLOCK and raw[:1] in (" ", "\t") and self.target is not None:
                assert self.block is not None
                apply_block_child(self.target, self.block, ["!"], raw)
            return
        if self.mode is Mode.EXEC:
            self._exec(words)
            return
        head = words[0]
        if head == "end":
            self.mode = Mode.EXEC
        elif head == "exit" and len(words) == 1:
            self.mode = Mode.CONFIG if self.mode is not Mode.CONFIG else Mode.EXEC
        elif head == "commit" and len(words) == 1:
            self._commit()
        elif head == "abort" and len(words) == 1:
            self._abort()
        elif head == "configure":
            self._exec(words)
        elif words[:2] == ["rollback", "clean-config"] and self.session is not None:
            self.session.config = self.target = self.store.clean_config()
            self.mode = Mode.CONFIG
        elif head in ("write", "copy"):
            self._exec(words)
        else:
            self._config(words, raw)

    def _exec(self, words: list[str]) -> None:
        head = words[0]
        if head in ("enable", "disable", "end", "exit") and len(words) == 1:
            return  # `end` after a pasted config that already ended is harmless
        if words[:3] == ["no", "configure", "session"] and len(words) == 4:
            if self.store.sessions.pop(words[3], None) is None:
                raise CliError(f"Session {words[3]} does not exist")
            return
        if head == "configure":
            if len(words) == 1 or words[1:] == ["terminal"]:
                self._enter(None)
            elif words[1] == "session":
                self._configure_session(words)
            elif words[1] == "replace" and len(words) in (3, 4) and words[3:] in ([], ["force"]):
                self._replace(words)
            elif words[1:3] == ["checkpoint", "save"] and len(words) <= 4:
                name = words[3] if len(words) == 4 else f"ckp-{next(_auto_names)}"
                self.store.files[f"checkpoint:{name}"] = self.store.config_text(
                    self.store.running)
            else:
                raise invalid(words, 1)
            return
        if words in (["write"], ["write", "memory"], ["copy", "running-config", "startup-config"]):
            self.store.save_startup()
            return
        if head == "copy" and len(words) == 3:
            self._copy(words)
            return
        raise invalid(words, 0 if head not in ("write", "copy") else 1)

    # ------------------------------------------------------------ files and checkpoints

    def _source(self, url: str) -> str | None:
        store = self.store
        if url in ("running-config", "system:running-config"):
            return store.config_text(store.running)
        if url in ("startup-config", "flash:startup-config"):
            return store.config_text(store.startup)
        return store.files.get(url)

    def _copy(self, words: list[str]) -> None:
        text = self._source(words[1])
        if text is None:
            raise CliError(f"Error copying {words[1]} to {words[2]} (No such file or directory)",
                           code=1000, reason="could not run command")
        dest = words[2]
        if dest in ("startup-config", "flash:startup-config"):
            self.store.startup = self.store.load_text(text)
        elif dest in ("running-config", "system:running-config"):
            for line in text.splitlines():  # merged, as if typed
                if line.strip() and not line.startswith("!") and line.strip() != "end":
                    self.run(line)
            self.mode = Mode.EXEC
        elif dest.startswith(("flash:", "checkpoint:")) and len(dest) > 6:
            self.store.files[dest if dest.startswith("checkpoint:") else
                             "flash:" + dest[6:].lstrip("/")] = text
        else:
            raise invalid(words, 2)

    def _replace(self, words: list[str]) -> None:
        """`configure replace URL`: the running-config becomes the file, all at once."""
        url = words[2]
        if url.startswith("flash:/"):
            url = "flash:" + url[7:]
        text = self._source(url)
        if text is None:
            raise CliError(f"Error opening {words[2]} (No such file or directory)", code=1000,
                           reason="could not run command")
        self.store.before_commit()
        if not self.store.commit_lost():
            self.store.running = self.store.load_text(text)

    # ------------------------------------------------------------ sessions

    def _configure_session(self, words: list[str]) -> None:
        name = words[2] if len(words) > 2 else f"session{next(_auto_names)}"
        action = words[3:]
        sessions = self.store.sessions
        if action in (["commit"], ["abort"]):
            session = sessions.get(name)
            if session is None or session.state != "pending":
                raise CliError(f"Session {name} does not exist")
            self.session = session
            self._commit() if action == ["commit"] else self._abort()
            return
        if action and action[0] != "description":
            raise invalid(words, 3)
        session = sessions.get(name)
        if session is None or session.state != "pending":
            pending = sum(1 for s in sessions.values() if s.state == "pending")
            if pending >= max_pending(self.store.running):
                raise CliError("Maximum number of pending sessions has been reached")
            session = sessions[name] = Session(name, self.store.running.copy())
        self._enter(session)

    def _enter(self, session: Session | None) -> None:
        self.session = session
        self.target = session.config if session else self.store.running
        self.mode = Mode.CONFIG

    def _commit(self) -> None:
        self.store.before_commit()
        if self.session is not None:
            if not self.store.commit_lost():  # a lab fault: the device forgets the change
                self.store.running = self.session.config.copy()
            for old in [n for n, s in self.store.sessions.items() if s.state == "completed"]:
                del self.store.sessions[old]  # EOS keeps one completed session
            self.session.state = "completed"
        self.session = None
        self.mode = Mode.EXEC

    def _abort(self) -> None:
        if self.session is not None:
            self.store.sessions.pop(self.session.name, None)
        self.session = None
        self.mode = Mode.EXEC

    # ------------------------------------------------------------ config modes

    def _config(self, words: list[str], raw: str) -> None:
        cfg = self.target
        assert cfg is not None
        line = raw.strip()  # keeps the spacing inside descriptions
        self._model_accepts(words, line)
        try:
            if self.mode is Mode.VLAN:
                for vid in self.vids:
                    apply_vlan_line(cfg.vlan(vid), line)
                return
            if self.mode is Mode.INTERFACE:
                if raw[:4] == "    ":  # nested below a sub-block: keep it as pasted
                    for name in self.ifnames:
                        append_nested(cfg.interface(name), raw.rstrip()[3:])
                    return
                for name in self.ifnames:
                    apply_interface_line(cfg.interface(name), line)
                if words[0] == "channel-group" and len(words) > 1 and words[1].isdigit():
                    cfg.interface(f"Port-Channel{words[1]}")  # EOS creates the LAG
                return
            if self.mode is Mode.BLOCK and not self._leaves_block(words, raw):
                assert self.block is not None
                if apply_block_child(cfg, self.block, words, raw):
                    return
        except NotHere:
            pass
        self.mode = Mode.CONFIG
        self._global(cfg, words)

    def _model_accepts(self, words: list[str], line: str) -> None:
        """A command the switch model lacks is `Invalid input`, as on the real switch."""
        hw = self.store.hardware
        if hw is None:
            return
        mode: CliMode = ("interface" if self.mode is Mode.INTERFACE
                         else "vlan" if self.mode is Mode.VLAN else "global")
        rule = hw.refusal(mode, line)
        if rule is not None:
            raise invalid(words, rule.at - 1)

    def _leaves_block(self, words: list[str], raw: str) -> bool:
        if raw[:1] in (" ", "\t"):
            return False
        body = words[1:] if words[0] in ("no", "default") and len(words) > 1 else words
        if body[0] == "ip" or body[0] == "ipv6":
            return len(body) > 1 and body[1] in _IP_GLOBAL
        if body[0] == "vrf":
            return len(body) > 1 and body[1] in ("instance", "definition")
        return body[0] in _BLOCK_EXIT

    def _global(self, cfg: EosConfig, words: list[str]) -> None:
        neg = words[0] if words[0] in ("no", "default") else None
        off = 1 if neg else 0
        if len(words) <= off:
            raise incomplete()
        head = words[off]
        if head not in TOP_WORDS:
            raise invalid(words, off)
        if head == "hostname":
            if neg:
                cfg.hostname = None
            elif len(words) != 2:
                raise incomplete() if len(words) < 2 else invalid(words, 2)
            else:
                cfg.hostname = words[1]
                cfg.ensure_marker(Marker.HOSTNAME)
            return
        if head == "vlan" and len(words) > off + 1 and words[off + 1][:1].isdigit():
            self._vlan(cfg, words, neg, off)
            return
        if head == "interface":
            self._interface(cfg, words, neg, off)
            return
        if head == "vlan":
            if len(words) == off + 1:
                raise incomplete()
            if words[off + 1] not in ("internal", "dynamic"):
                raise invalid(words, off + 1)
        self._generic(cfg, words)

    def _vlan(self, cfg: EosConfig, words: list[str], neg: str | None, off: int) -> None:
        try:
            vids = _vlan_list(words[off + 1])
        except BadToken as exc:
            raise invalid(words, off + 1) from exc
        if len(words) > off + 2:
            raise invalid(words, off + 2)
        if neg:
            if 1 in vids:
                raise CliError("Default VLAN 1 cannot be deleted")
            for vid in vids:
                cfg.vlans.pop(vid, None)
            return
        for vid in vids:
            cfg.vlan(vid)
        self.vids = vids
        self.mode = Mode.VLAN

    def _interface(self, cfg: EosConfig, words: list[str], neg: str | None, off: int) -> None:
        if len(words) <= off + 1:
            raise incomplete()
        try:
            names = expand_interfaces(" ".join(words[off + 1:]))
        except BadToken as exc:
            raise invalid(words, off + 1) from exc
        if neg:
            for name in names:
                if if_type(name) in PHYSICAL_TYPES:
                    cfg.interface(name)
                    cfg.interfaces[name] = Interface(name)  # hardware stays, config resets
                elif neg == "default" and name in cfg.interfaces:
                    cfg.interfaces[name] = Interface(name)
                else:
                    cfg.interfaces.pop(name, None)
            return
        hw = self.store.hardware
        for name in names:
            if hw is not None and if_type(name) in PHYSICAL_TYPES and not hw.has_interface(name):
                raise invalid(words, off + 1)  # a port this model does not have
        for name in names:
            cfg.interface(name)
        self.ifnames = names
        self.mode = Mode.INTERFACE

    # ------------------------------------------------------------ unmodelled config

    def _generic(self, cfg: EosConfig, words: list[str]) -> None:
        header = apply_global(cfg, words)
        if header is not None:
            self.block = header
            self.mode = Mode.BLOCK
