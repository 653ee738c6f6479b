"""Round-trip edits of estate files: comments, key order and quoting stay as written.

Used by `reconciler allocate` and the authoring commands. After an edit the file
is re-checked: every line of the original must survive unchanged (only new lines
may appear), otherwise nothing is written.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from ..errors import ReconcilerError


@dataclass(frozen=True)
class Edit:
    """Set `key` to `value` in the mapping at `path` of `file` (relative to the repo)."""

    file: str
    path: tuple[str | int, ...]
    key: str
    value: Any
    after: tuple[str, ...] = ()  # put the new key after the first of these that exists
    flow: bool = True
    describe: str = ""
    # Append the items of `value` (a list) to the sequence at `key`, creating it if absent.
    append: bool = False


class EditError(ReconcilerError):
    pass


def _yaml(seq_indent: int, block_seq_indent: int) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    # Mappings indent by the sequence indent minus the dash offset (2 in every common style).
    mapping = max(2, seq_indent - block_seq_indent)
    y.indent(mapping=mapping, sequence=seq_indent, offset=block_seq_indent)
    return y


def _to_node(value: Any, flow: bool) -> Any:
    if isinstance(value, Mapping):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = _to_node(v, True)
        if flow:
            m.fa.set_flow_style()
        return m
    if isinstance(value, (list, tuple)):
        s = CommentedSeq(_to_node(v, True) for v in value)
        if flow:
            s.fa.set_flow_style()
        return s
    return value


def _walk(node: Any, path: Sequence[str | int]) -> Any:
    for step in path:
        node = node[step]
    return node


def apply_edits(root: Path, edits: Sequence[Edit]) -> list[str]:
    """Apply edits file by file; returns the files changed."""
    by_file: dict[str, list[Edit]] = {}
    for e in edits:
        by_file.setdefault(e.file, []).append(e)
    # Compute every file first so a failure writes nothing.
    results: list[tuple[Path, str]] = []
    for rel, file_edits in sorted(by_file.items()):
        path = root / rel
        original = path.read_text(encoding="utf-8")
        new = edit_text(original, file_edits)
        if new != original:
            results.append((path, new))
    for path, new in results:
        path.write_text(new, encoding="utf-8")
    return [str(p.relative_to(root)) for p, _ in results]


def edit_text(original: str, edits: Sequence[Edit]) -> str:
    """Textual insertion where possible (nothing else can move), ruamel round-trip otherwise."""
    text = original
    rest: list[Edit] = []
    for e in edits:
        inserted = _insert_text(text, e)
        if inserted is None:
            rest.append(e)
        else:
            text = inserted
    if rest:
        text = _roundtrip(text, rest)
    _check_semantics(original, text, edits)
    return text


def _roundtrip(original: str, edits: Sequence[Edit]) -> str:
    _, indent, bsi = load_yaml_guess_indent(original)
    y = _yaml(indent or 2, bsi if bsi is not None else 0)
    data = y.load(original)
    for e in edits:
        target = _walk(data, e.path)
        if not isinstance(target, CommentedMap):
            raise EditError(f"{e.file}: {'.'.join(map(str, e.path))} is not a mapping")
        if e.append and e.key in target:
            target[e.key].extend(_to_node(v, True) for v in e.value)
            continue
        node = _to_node(e.value, e.flow and not e.append)
        if e.key in target:
            target[e.key] = node
            continue
        keys = list(target.keys())
        pos = len(keys)
        for anchor in e.after:
            if anchor in target:
                pos = keys.index(anchor) + 1
                break
        target.insert(pos, e.key, node)
    buf = io.StringIO()
    y.dump(data, buf)
    new = buf.getvalue()
    _check_only_additions(original, new, edits)
    return new


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _insert_text(text: str, e: Edit) -> str | None:
    """Insert `key: {flow value}` as a new line of a block mapping; None if not possible."""
    if not e.flow:
        return None
    data = YAML(typ="rt").load(text)
    target = _walk(data, e.path)
    if e.append:
        return _append_text(text, target, e)
    if not isinstance(target, CommentedMap) or e.key in target or not target:
        return None
    if target.fa.flow_style():
        return None
    keys = list(target.keys())
    _, key_col = target.lc.key(keys[0])
    anchor = next((a for a in e.after if a in target), keys[-1])
    lines = text.splitlines(keepends=True)
    first = target.lc.key(anchor)[0] + 1
    i = first
    # The anchor's value runs on while lines are blank or indented deeper than the keys.
    while i < len(lines) and (not lines[i].strip() or _indent_of(lines[i]) > key_col):
        i += 1
    while i > first and not lines[i - 1].strip():
        i -= 1
    if i > 0 and not lines[i - 1].endswith("\n"):
        lines[i - 1] += "\n"
    lines.insert(i, " " * key_col + f"{e.key}: {flow(e.value)}\n")
    return "".join(lines)


def _append_text(text: str, target: Any, e: Edit) -> str | None:
    """Append items to a block sequence (or start one) as new lines only."""
    if not isinstance(target, CommentedMap) or not target or target.fa.flow_style():
        return None
    lines = text.splitlines(keepends=True)
    seq = target.get(e.key)
    if seq is None:
        keys = list(target.keys())
        _, key_col = target.lc.key(keys[0])
        anchor = next((a for a in e.after if a in target), keys[-1])
        i = _block_end(lines, target.lc.key(anchor)[0] + 1, key_col)
        new = [" " * key_col + f"{e.key}:\n"]
        new += [" " * (key_col + 2) + f"- {flow(v)}\n" for v in e.value]
    elif isinstance(seq, CommentedSeq) and seq and not seq.fa.flow_style():
        line, col = seq.lc.item(len(seq) - 1)
        dash = lines[line].index("-", 0, col + 1) if "-" in lines[line][:col + 1] else col - 2
        i = _block_end(lines, line + 1, dash)
        new = [" " * dash + f"- {flow(v)}\n" for v in e.value]
    else:
        return None
    if i > 0 and not lines[i - 1].endswith("\n"):
        lines[i - 1] += "\n"
    lines[i:i] = new
    return "".join(lines)


def _block_end(lines: list[str], first: int, col: int) -> int:
    """First line after `first` that is not blank and not indented deeper than `col`."""
    i = first
    while i < len(lines) and (not lines[i].strip() or _indent_of(lines[i]) > col):
        i += 1
    while i > first and not lines[i - 1].strip():
        i -= 1
    return i


_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./@-]*$")
_AMBIGUOUS = re.compile(r"[-+]?[\d._:]+|true|false|null|yes|no|on|off|y|n|~", re.IGNORECASE)


def flow(value: Any) -> str:
    """A value in YAML flow style, quoting strings that YAML could misread."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "null"
    s = str(value)
    if _PLAIN.match(s) and not _AMBIGUOUS.fullmatch(s):
        return s
    return json.dumps(s)


def _check_semantics(original: str, new: str, edits: Sequence[Edit]) -> None:
    """The new file must load to the old data plus exactly the edited keys."""
    from .loader import plain

    before = plain(YAML(typ="rt").load(original))
    after = plain(YAML(typ="rt").load(new))
    for e in edits:
        node = _walk(before, e.path)
        value = plain(_to_plain(e.value))
        node[e.key] = (node.get(e.key) or []) + value if e.append else value
    if before != after:
        raise EditError("internal check failed: the edited file does not load to the intended data")


def _to_plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    return value


def _check_only_additions(original: str, new: str, edits: Sequence[Edit]) -> None:
    """Round-trip output may only add lines, or rewrite the one line that holds the edit."""
    old_lines = original.splitlines()
    new_lines = new.splitlines()
    keys = tuple(f"{e.key}:" for e in edits)
    sm = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag in ("insert", "equal"):
            continue
        changed, replacement = old_lines[i1:i2], new_lines[j1:j2]
        comments = [ln[ln.index("#"):] for ln in changed if "#" in ln]
        if (tag == "replace" and len(changed) == 1
                and any(k in ln for ln in replacement for k in keys)
                and all(any(c in ln for ln in replacement) for c in comments)):
            continue
        raise EditError("the edit would reformat lines it does not own:\n  "
                        + "\n  ".join(changed[:5]))
