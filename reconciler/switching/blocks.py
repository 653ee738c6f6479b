"""Running-config text -> a tree of lines by indentation, with each line's number.

Shared by the EOS and IOS readers. What is not configuration is dropped here, so the
readers never mistake it for config: `!` comments (at any depth), blank lines, the
`Building configuration...` preamble, everything after `end`, banner bodies (EOS: up to
`EOF`; IOS: up to the closing delimiter, `^C` or any character) and IOS macro bodies (up
to `@`). A block ends at the next line indented no deeper than its header, so sections
whose header is indented (`router bgp` / ` address-family`), `!` lines inside sections
and repeated lines are all fine; repeated headers are left for the readers to merge.

Text that cannot be a configuration raises `ParseError` naming the line: control
characters (a binary file, a terminal capture with pager escapes), a banner that never
ends, or a top-level line that is not a command (an error message, JSON, a caret line).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Literal

from ..errors import ParseError

BannerStyle = Literal["eos", "ios"]

# Tab, CR and LF are text; ETX (0x03) is IOS's own banner delimiter.
_CONTROL_RE = re.compile(r"[\x00-\x02\x04-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EOS_BANNER_RE = re.compile(r"banner\s+(?:login|motd)\s*")
_IOS_BANNER_RE = re.compile(r"banner\s+[a-z-]+\s+(\S)")
_PREAMBLE_RE = re.compile(r"(?:Building configuration\.\.\.|Current configuration\s*:.*"
                          r"|Using \d+ out of \d+ bytes.*"
                          r"|[A-Za-z0-9._-]*#\s*sh(?:ow)?\s+run\S*(?:\s.*)?)")  # the prompt and command
# IOS shows the ETX that delimits free text (banners, a line's vacant-message) as `^C`.
_ETX = ("^C", "\x03")
# A top-level command starts with a letter (IOS and EOS keywords all do).
_COMMAND_RE = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Block:
    """One config line (stripped) and the lines indented under it; `number` is 1-based."""

    line: str
    children: tuple[Block, ...] = ()
    number: int = field(default=0, compare=False)


def decode_config(data: bytes) -> str:
    """A saved config file's bytes as text: UTF-8, UTF-16 (with or without a BOM, as
    Windows tools save it), else Latin-1 (an old file with a non-breaking space)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    head = data[:400]
    if len(head) >= 8 and head[1::2].count(0) * 2 > len(head[1::2]) and 0 not in head[0::2]:
        return data.decode("utf-16-le", errors="replace")
    if len(head) >= 8 and head[0::2].count(0) * 2 > len(head[0::2]) and 0 not in head[1::2]:
        return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_blocks(text: str, source: str = "running-config", *, banners: BannerStyle = "eos",
                sections: tuple[str, ...] = ()) -> list[Block]:
    """The indentation tree of `text`; ParseError (naming the line) when it is not config.

    `sections` are top-level-only keywords: such a header indented by one space inside a
    section of the same keyword (old IOS prints `!` then ` interface Fa0/6`) starts a new
    top-level section instead of nesting in the previous one.
    """
    roots: list[Block] = []
    # Open headers: (indent, line, number, finished children). A header is frozen when it is
    # closed, so deep nesting costs no recursion.
    stack: list[tuple[int, str, int, list[Block]]] = []

    def close() -> None:
        _, line, number, children = stack.pop()
        (stack[-1][3] if stack else roots).append(Block(line, tuple(children), number))

    ending: str | None = None  # what ends the banner or macro body being skipped
    opened = 0
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        raw = raw.rstrip("\r")
        bad = _CONTROL_RE.search(raw)
        if bad:
            raise ParseError(source, number, bad.start() + 1, "config-text",
                             f"control character 0x{ord(bad[0]):02x}: not configuration text "
                             "(a binary file, or a terminal capture with pager escapes?)")
        stripped = raw.strip()
        if ending is not None:
            if _ends(stripped, ending):
                ending = None
            continue
        if not stripped or stripped.startswith("!"):
            continue
        indent = len(raw) - len(raw.lstrip())
        if indent == 0:
            if stripped == "end":
                break
            if _PREAMBLE_RE.fullmatch(stripped):
                continue
            if not _COMMAND_RE.match(stripped):
                raise ParseError(source, number, 1, "config-syntax",
                                 f"{_short(stripped)!r} is not a configuration command")
        if (indent == 1 and stack and stripped.split()[0] in sections
                and stack[0][1].split()[0] == stripped.split()[0]):
            indent = 0  # a sibling of the section it sits in, not a child
        while stack and stack[-1][0] >= indent:
            close()
        stack.append((indent, stripped, number, []))
        ending = _body_end(stripped, banners) if indent == 0 else None
        if ending is None and banners == "ios":
            ending = _etx_text(stripped)  # `vacant-message ^C` inside a line section
        if ending is not None:
            opened = number
    if ending is not None:
        what = "macro" if ending == "@" else "banner"
        raise ParseError(source, opened, 1, "banner",
                         f"the {what} that starts here never ends (no closing {ending!r})")
    while stack:
        close()
    return roots


def _body_end(line: str, banners: BannerStyle) -> str | None:
    """What ends the free text that `line` opens (None: it opens none)."""
    if banners == "eos":
        return "EOF" if _EOS_BANNER_RE.fullmatch(line) else None
    if line.startswith("macro name "):
        return "@"
    m = _IOS_BANNER_RE.match(line)
    if m is None:
        return None
    rest = line[m.start(1):]
    delim = "^C" if rest.startswith("^C") else rest[0]
    # `banner motd ^CText^C` opens and closes on one line.
    return None if delim in rest[len(delim):] else delim


def _etx_text(line: str) -> str | None:
    """An ETX-delimited text that `line` opens and does not close, at any depth."""
    for etx in _ETX:
        if line.count(etx) % 2 == 1:
            return etx
    return None


def _ends(stripped: str, ending: str) -> bool:
    if ending in ("EOF", "@"):
        return stripped == ending
    return ending in stripped


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
