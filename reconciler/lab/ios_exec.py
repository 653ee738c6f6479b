"""Exec-mode commands of an emulated Catalyst beyond what the reconciler sends.

Third-party clients (napalm, Ansible cisco.ios, scrapli, netmiko + TextFSM) need the
device's own command set: output pipes (`| include/exclude/begin/section/count`),
interface and neighbour shows, `show privilege`, the flash file system (`dir`, `more`,
`copy`, `delete`, `verify /md5`), `configure replace`, and Tcl's `puts [open ...]` that
napalm uses to write a file inline. Each is answered as IOS answers it, errors included.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reconciler.lab.ios_config import IosConfig, parse_config
from reconciler.lab.ios_grammar import INVALID, CliError, patterns
from reconciler.lab.ios_show import show_startup_config
from reconciler.lab.ios_show_if import (
    CDP_EMPTY,
    HOSTS,
    LLDP_OFF,
    PRIVILEGE,
    show_arp,
    show_interfaces,
    show_interfaces_status,
    show_ip_interface,
    show_ip_interface_brief,
    show_mac_address_table,
    show_vlan_id,
)

if TYPE_CHECKING:
    from reconciler.lab.ios_cli import IosDevice

FILTERS = ("append", "begin", "count", "exclude", "include", "redirect", "section", "tee")

# Commands every user may run (exec) and those of privileged mode.
EXEC_EXTRA = patterns(
    "show interfaces", "show interfaces <if>", "show interfaces status",
    "show interfaces <if> status", "show ip interface brief", "show ip interface",
    "show ipv6 interface", "show privilege", "show vlan id <vlan>", "show cdp neighbors",
    "show cdp neighbors detail", "show lldp neighbors", "show lldp neighbors detail",
    "show mac address-table", "show ip arp", "show arp", "show hosts",
    "show inventory", "show clock",
)
PRIV_EXTRA = EXEC_EXTRA + patterns(
    "copy running-config startup-config", "copy startup-config running-config",
    "copy <word> <word>", "dir", "dir <word>", "more <word>", "delete <word>",
    "delete /force <word>", "verify /md5 <word>", "configure replace <word>",
    "configure replace <word> force", "show archive", "show file systems", "tclsh",
    "show archive config differences <word> <word>",
)
GLOBAL_EXTRA = patterns(
    "file prompt quiet", "no file prompt quiet", "ip scp server enable",
    "no ip scp server enable", "interface range <text>",
)


@dataclass
class Ask:
    """A question IOS asks before it acts (`Destination filename [startup-config]?`)."""

    question: str
    then: Callable[[str], str]


def split_pipe(line: str) -> tuple[str, list[tuple[str, str]]]:
    """`show run | inc host | exclude x` -> ("show run", [("include", "host"), ...])."""
    base, *parts = re.split(r"\s+\|\s*", line.rstrip())
    filters = []
    for part in parts:
        word, _, rest = part.strip().partition(" ")
        hits = [f for f in FILTERS if f.startswith(word.lower())] if word else []
        if len(hits) != 1:
            col = line.find("|") + 2
            raise CliError(INVALID, col)
        if hits[0] in ("append", "redirect", "tee"):
            raise CliError("%Error opening (Permission denied)")
        filters.append((hits[0], rest.strip()))
    return base, filters


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    for line in lines:
        if line[:1] == " " and blocks:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def apply_pipe(text: str, filters: list[tuple[str, str]]) -> str:
    """IOS output filters, in order (regular expressions as IOS takes them)."""
    lines = text.rstrip("\n").split("\n") if text else []
    for kind, pattern in filters:
        try:
            regex = re.compile(pattern.split(" ", 1)[1] if kind == "section" and
                               pattern.split(" ", 1)[0] in ("include", "exclude") and
                               " " in pattern else pattern)
        except re.error:
            raise CliError(INVALID, 0) from None
        if kind == "include":
            lines = [ln for ln in lines if regex.search(ln)]
        elif kind == "exclude":
            lines = [ln for ln in lines if not regex.search(ln)]
        elif kind == "begin":
            at = next((n for n, ln in enumerate(lines) if regex.search(ln)), len(lines))
            lines = lines[at:]
        elif kind == "section":
            lines = [ln for b in _blocks(lines) if any(regex.search(x) for x in b) for ln in b]
        elif kind == "count":
            return f"Number of lines which match regexp = {sum(1 for ln in lines if regex.search(ln))}\n"
    return "\n".join(lines) + "\n" if lines else ""


# Where IOS prints these global lines: before the hostname, or before `line con`/`vty`.
_EARLY = ("file prompt quiet",)


def set_global_line(cfg: IosConfig, line: str, on: bool) -> None:
    """Add or remove an unmodelled one-line global setting (kept with the verbatim text)."""
    for _, lines in cfg.items:
        while line in lines:
            at = lines.index(line)
            # the line and the `!` it came with; a separator stays between neighbours
            del lines[at:at + (2 if lines[at + 1:at + 2] == ["!"] and at > 0
                               and lines[at - 1] == "!" else 1)]
    cfg.items[:] = [item for item in cfg.items if item[0] != "text" or item[1]]
    if not on:
        return
    kinds = [kind for kind, _ in cfg.items]
    if line in _EARLY:
        cfg.items.insert(kinds.index("hostname"), ("text", [line, "!"]))
        return
    for idx in range(len(cfg.items) - 1, -1, -1):
        kind, lines = cfg.items[idx]
        vty = next((n for n, ln in enumerate(lines) if ln.startswith("line ")), None)
        if kind == "text" and vty is not None:
            lines[vty:vty] = [line, "!"]
            return
    cfg.items.insert(len(cfg.items) - 1, ("text", [line, "!"]))


def _running_text(cfg: IosConfig) -> str:
    return "!\n" + cfg.render()


def _parse(text: str) -> IosConfig:
    """A saved config as state; the `!` lines before `version` are comments, not config."""
    lines = text.replace("\r", "").split("\n")
    while lines and (not lines[0].strip() or lines[0].startswith("!")):
        lines.pop(0)
    return parse_config("\n".join(lines))


def _config_lines(text: str) -> list[str]:
    """A config file's lines as `copy x running-config` replays them (comments dropped)."""
    return [ln.rstrip() for ln in text.replace("\r", "\n").split("\n")
            if ln.strip() and not ln.strip().startswith("!")]


class Exec:
    """The extra exec commands of one session (`session` is an `ios_cli.Session`)."""

    def __init__(self, session: Any) -> None:
        self.session = session

    @property
    def device(self) -> IosDevice:
        dev: IosDevice = self.session.device
        return dev

    def run(self, key: str, args: list[Any], line: str) -> str | Ask:
        dev, cfg = self.device, self.device.running
        if key == "show interfaces":
            return show_interfaces(cfg, dev.serial)
        if key == "show interfaces <if>":
            return show_interfaces(cfg, dev.serial, self.session._existing(args[0], line).name)
        if key == "show interfaces status":
            return show_interfaces_status(cfg)
        if key == "show interfaces <if> status":
            return show_interfaces_status(cfg, self.session._existing(args[0], line).name)
        if key == "show ip interface brief":
            return show_ip_interface_brief(cfg)
        if key == "show ip interface":
            return show_ip_interface(cfg)
        if key == "show ipv6 interface":
            return ""  # no interface has IPv6 enabled
        if key == "show privilege":
            return PRIVILEGE.format(level=15 if self.session.mode == "priv" else 1)
        if key == "show vlan id <vlan>":
            out = show_vlan_id(cfg, args[0])
            if out is None:
                return f"VLAN id {args[0]} not found in current VLAN database\n"
            return out
        if key.startswith("show cdp neighbors"):
            return CDP_EMPTY
        if key.startswith("show lldp neighbors"):
            return LLDP_OFF
        if key == "show mac address-table":
            return show_mac_address_table(dev.serial)
        if key in ("show ip arp", "show arp"):
            return show_arp(cfg, dev.serial)
        if key == "show hosts":
            return HOSTS
        if key == "show inventory":
            return ('NAME: "1", DESCR: "WS-C2960X-48FPD-L"\n'
                    f"PID: WS-C2960X-48FPD-L , VID: V06  , SN: {dev.serial}\n\n")
        if key == "show clock":
            return "*12:00:00.000 UTC Mon Mar 1 1993\n"
        return self._files(key, args, line)

    # ------------------------------------------------------------ files

    def _quiet(self) -> bool:
        return any("file prompt quiet" in ln for kind, lines in self.device.running.items
                   if kind == "text" for ln in lines)

    def _ask(self, question: str, then: Callable[[], str]) -> str | Ask:
        if self._quiet():
            return then()
        return Ask(question, lambda answer: then() if not answer.strip() or answer.strip()
                   in question else "%Error parsing filename (Invalid argument)\n")

    def _files(self, key: str, args: list[Any], line: str) -> str | Ask:
        dev, flash = self.device, self.device.flash
        if key == "copy running-config startup-config":
            def save() -> str:
                dev.startup = dev.running.copy()
                return "Building configuration...\n[OK]\n"
            return self._ask("Destination filename [startup-config]? ", save)
        if key == "copy startup-config running-config":
            return self._ask("Destination filename [running-config]? ",
                             lambda: self._merge(show_startup_config(dev.startup)))
        if key == "copy <word> <word>":
            return self._copy(args[0], args[1], line)
        if key == "dir":
            return flash.listing()
        if key == "dir <word>":
            name = flash.name(args[0])
            if args[0] in ("flash:", "flash:/"):
                return flash.listing()
            if name is None:
                return f"%Error opening {args[0]} (No such file or directory)\n"
            return flash.listing(name)
        if key == "more <word>":
            text = flash.read(args[0])
            if text is None:
                return f"%Error opening {args[0]} (No such file or directory)\n"
            return text if text.endswith("\n") else text + "\n"
        if key in ("delete <word>", "delete /force <word>"):
            return "" if flash.delete(args[0]) else \
                f"%Error deleting {args[0]} (No such file or directory)\n"
        if key == "verify /md5 <word>":
            digest = flash.md5(args[0])
            if digest is None:
                return f"%Error opening {args[0]} (No such file or directory)\n"
            return f"{'.' * 8}MD5 of {args[0]} Done!\nverify /md5 ({args[0]}) = {digest}\n"
        if key.startswith("configure replace"):
            return self._replace(args[0], force=key.endswith("force"))
        if key == "show archive config differences <word> <word>":
            return self._differences(args[0], args[1])
        if key == "show archive":
            return ("The maximum archive configurations allowed is 10.\n"
                    "There are currently 0 archive configurations saved.\n")
        if key == "show file systems":
            return ("File Systems:\n\n     Size(b)     Free(b)      Type  Flags  Prefixes\n"
                    "*  122185728    96509952     flash     rw   flash:\n"
                    "           -           -    opaque     rw   system:\n"
                    "           -           -     nvram     rw   nvram:\n")
        if key == "tclsh":
            self.session.mode = "tcl"
            return ""
        raise CliError(INVALID, 0)

    def _source(self, path: str) -> str | None:
        dev = self.device
        if path in ("running-config", "system:running-config", "system:/running-config"):
            return _running_text(dev.running)
        if path in ("startup-config", "nvram:startup-config", "nvram:/startup-config"):
            return _running_text(dev.startup)
        if path == "null:":
            return ""
        return dev.flash.read(path)

    def _copy(self, src: str, dst: str, line: str) -> str | Ask:
        text = self._source(src)
        if text is None:
            return f"%Error opening {src} (No such file or directory)\n"
        dev = self.device
        if dst in ("running-config", "system:running-config"):
            return self._ask("Destination filename [running-config]? ",
                             lambda: self._merge(text))
        if dst in ("startup-config", "nvram:startup-config"):
            def to_startup() -> str:
                dev.startup = _parse(text)
                return "[OK]\n"
            return self._ask("Destination filename [startup-config]? ", to_startup)
        name = dev.flash.name(dst)
        if name is None:
            raise CliError(INVALID, line.rfind(dst))

        def write() -> str:
            dev.flash.write(dst, text)
            return f"{len(text.encode())} bytes copied in 0.052 secs\n"
        return self._ask(f"Destination filename [{name}]? ", write)

    def _merge(self, text: str) -> str:
        """Replay a file in configuration mode, as `copy x running-config` does."""
        return replay(self.session, _config_lines(text)) + \
            f"{len(text.encode())} bytes copied in 0.101 secs\n"

    def _replace(self, path: str, force: bool) -> str | Ask:
        text = self._source(path)
        if text is None:
            return f"%Error opening {path} (No such file or directory)\n"

        def go() -> str:
            dev = self.device
            before = dev.running
            dev.running = _parse(text)
            if dev.running.render() == before.render():
                return "Total number of passes: 0\nRollback Done\n"
            return "Total number of passes: 1\nRollback Done\n"
        if force:
            return go()
        return Ask("This will apply all necessary additions and deletions\nto replace the "
                   "current running configuration with the\ncontents of the specified "
                   "configuration file, which is\nassumed to be a complete configuration, "
                   "not a partial\nconfiguration. Enter Y if you are sure you want to "
                   "proceed. ? [no]: ", lambda a: go() if a.strip().lower() in ("y", "yes")
                   else "")

    def _differences(self, base: str, new: str) -> str:
        old_text, new_text = self._source(base), self._source(new)
        if old_text is None or new_text is None:
            return f"%Error opening {base if old_text is None else new} (No such file or directory)\n"
        old = [ln for ln in _config_lines(old_text) if ln != "end"]
        fresh = [ln for ln in _config_lines(new_text) if ln != "end"]
        if old == fresh:
            return "!Contextual Config Diffs:\n!No changes were found\n"
        body = [ln for ln in difflib.ndiff(old, fresh) if ln[:1] in "+-"]
        return "!Contextual Config Diffs:\n" + "\n".join(body) + "\n"


def replay(session: Any, lines: list[str]) -> str:
    """Configuration lines from a file, as if typed in configuration mode; the refusals."""
    saved, errors = session.mode, []
    session.mode = "config"
    try:
        for line in lines:
            if line.strip() == "end":
                break
            try:
                session._dispatch(line)
            except CliError as exc:
                errors.append(session._error(session.prompt(), exc))
    finally:
        session.mode = saved
    return "".join(errors)


def tcl_line(session: Any, line: str) -> str | None:
    """One line in `tclsh` mode: `puts [open "flash:x" w+] {...}` writes a file on `tclquit`."""
    buffer: list[str] | None = session.tcl_buffer
    if buffer is not None:
        buffer.append(line)
        joined = "\n".join(buffer)
        if joined.count("{") > joined.count("}"):
            return None  # the braces are still open: keep reading
        session.tcl_buffer = None
        return _tcl_statement(session, joined)
    text = line.strip()
    if text in ("tclquit", "exit"):
        for path, content in session.tcl_files:
            session.device.flash.write(path, content)
        session.tcl_files = []
        session.mode = "priv"
        return ""
    if not text:
        return ""
    if text.count("{") > text.count("}"):
        session.tcl_buffer = [line]
        return None
    return _tcl_statement(session, text)


def _tcl_statement(session: Any, text: str) -> str:
    m = re.fullmatch(r'\s*puts \[open "([^"]+)" w\+?\] \{(.*)\}\s*', text, re.S)
    if not m or session.device.flash.name(m.group(1)) is None:
        return f'invalid command name "{text.split()[0] if text.split() else text}"\n'
    content = m.group(2).replace("\r\n", "\n").replace("\r", "\n")
    session.tcl_files.append((m.group(1), content + "\n"))  # IOS adds the final newline
    return ""
