"""Round-trip edits of estate files: comments, key order and quoting stay as written.

Used by `reconciler allocate` and the authoring commands. After an edit the file
is re-checked: every line of the original must survive unchanged (only new lines
may appear), otherwise nothing is written.
"""

from __future__ import annotations

import difflib
import io
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
    changed = []
    for rel, file_edits in sorted(by_file.items()):
        path = root / rel
        original = path.read_text(encoding="utf-8")
        new = edit_text(original, file_edits)
        if new != original:
            path.write_text(new, encoding="utf-8")
            changed.append(rel)
    return changed


def edit_text(original: str, edits: Sequence[Edit]) -> str:
    _, indent, bsi = load_yaml_guess_indent(original)
    y = _yaml(indent or 2, bsi if bsi is not None else 0)
    data = y.load(original)
    for e in edits:
        target = _walk(data, e.path)
        if not isinstance(target, CommentedMap):
            raise EditError(f"{e.file}: {'.'.join(map(str, e.path))} is not a mapping")
        node = _to_node(e.value, e.flow)
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


def _check_only_additions(original: str, new: str, edits: Sequence[Edit]) -> None:
    old_lines = original.splitlines()
    new_lines = new.splitlines()
    replacing = any(True for _ in edits)  # an edit may replace a value in place
    sm = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, _j1, _j2 in sm.get_opcodes():
        if tag == "insert":
            continue
        if tag == "equal":
            continue
        changed = old_lines[i1:i2]
        # A replaced value's own line may change; nothing else may.
        keys = {e.key for e in edits}
        if replacing and all(any(line.strip().startswith(f"{k}:") or line.strip().startswith(
                f"- {k}:") for k in keys) for line in changed):
            continue
        raise EditError("the edit would reformat lines it does not own:\n  "
                        + "\n  ".join(changed[:5]))
