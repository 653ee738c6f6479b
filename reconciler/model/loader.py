"""YAML loading that remembers where every value came from.

ruamel.yaml's round-trip loader keeps line/column on every mapping and sequence,
so a pydantic error path (`contracts.0.occupancies.1.space`) can be turned back
into `occupiers/acme.yaml:14:7`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import (
    CommentedMap,
    CommentedOrderedMap,
    CommentedSeq,
    CommentedSet,
    TaggedScalar,
)
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.resolver import VersionedResolver

from ..errors import InputIssue
from .cache import ValuesCache, digest, validated

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 20_000  # far above any real site or occupier; parsing costs ~0.1 ms a value
MAX_DEPTH = 32  # flow brackets or indentation levels
Path_ = tuple[str | int, ...]


class SourceFile:
    """One loaded estate file: its path relative to the repo, its values and positions.

    Values come from the fast (libyaml) loader when it accepts the file; the
    round-trip tree that knows every line and column is parsed only when an
    error has to be located, so a clean estate of thousands of files loads in
    seconds rather than minutes.
    """

    def __init__(self, path: str, text: str, values: Any = None, data: Any = None) -> None:
        self.path = path
        self.text = text
        self._values = values
        self._data = data
        self.digest: str | None = None  # content hash, when the parse cache knows the file

    @property
    def data(self) -> Any:
        """The round-trip tree (CommentedMap with line/column info), parsed on demand."""
        if self._data is None:
            self._data = _yaml().load(self.text)
        return self._data

    @property
    def values(self) -> Any:
        """Plain Python values of the file."""
        if self._values is None:
            self._values = plain(self.data)
        return self._values

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based (line, col) of the deepest node on `path` that exists."""
        return locate(self.data, path)


def locate(data: Any, path: Sequence[str | int]) -> tuple[int, int]:
    line, col = 0, 0
    node = data
    for step in path:
        if isinstance(node, CommentedMap):
            key = step
            if key not in node and isinstance(step, int):
                key = str(step)
            if key not in node:
                break
            try:
                kl, kc = node.lc.key(key)
            except (KeyError, TypeError):
                break
            line, col = kl, kc
            child = node[key]
            # Point at the value when it is a scalar on the same line, else at the key.
            if not isinstance(child, (CommentedMap, CommentedSeq)):
                try:
                    line, col = node.lc.value(key)
                except (KeyError, TypeError):
                    pass
            node = child
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            try:
                line, col = node.lc.item(step)
            except (KeyError, TypeError, IndexError):
                break
            node = node[step]
        else:
            break
    return line + 1, col + 1


class _TextDatesConstructor(RoundTripConstructor):
    """Dates stay text, so that pydantic reports a bad one at its own line.

    A subclass with its own table: `add_constructor` on ruamel's class would change
    every round-trip load in the process (and quote dates written back).
    """


_TextDatesConstructor.yaml_constructors = dict(RoundTripConstructor.yaml_constructors)
_TextDatesConstructor.yaml_constructors["tag:yaml.org,2002:timestamp"] = \
    RoundTripConstructor.construct_yaml_str


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    y.Constructor = _TextDatesConstructor
    return y


class _TextDates(SafeConstructor):
    """Dates stay text, as in the round-trip loader (pydantic locates a bad one)."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class _Yaml12(VersionedResolver):
    """YAML 1.2 resolution without asking the parser for its version on every scalar
    (files with a %YAML directive take the round-trip path)."""

    @property
    def processing_version(self) -> Any:
        return (1, 2)


@functools.lru_cache(maxsize=1)
def _fast_yaml() -> YAML | None:
    """A libyaml-backed safe loader with the same resolver, or None without the C library."""
    y = YAML(typ="safe", pure=False)
    if "CParser" not in getattr(y.Parser, "__name__", ""):
        return None  # no ruamel.yaml.clib: the pure safe loader would gain little
    y.Constructor = _TextDates
    y.Resolver = _Yaml12
    y.allow_duplicate_keys = False
    return y


_NOT_FAST = re.compile(r"[&*!]|<<")


def _fast_load(text: str) -> Any:
    """Values of a well-formed file, or None to take the round-trip path (which also
    reports errors with positions). libyaml is stricter than YAML 1.2 in places (a
    colon inside an unquoted flow scalar); any doubt falls back."""
    y = _fast_yaml()
    # Anchors, aliases, merge keys and tags are refused with positions by the round-trip
    # path; the fast loader would resolve them silently, so such files never take it.
    if y is None or "%YAML" in text or _NOT_FAST.search(text):
        return None
    try:
        data = y.load(text)
    except (YAMLError, RecursionError, ValueError):
        return None
    if not isinstance(data, dict) or _check_tree(data, ""):
        return None
    return data


def _check_tree(data: Any, file: str) -> list[InputIssue]:
    """Refuse aliases (billion-laughs bombs) and absurdly large trees."""
    issues: list[InputIssue] = []
    seen: set[int] = set()
    count = 0
    stack: list[tuple[Any, Path_]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        problem = _odd_node(node)
        if problem is not None:
            line, col = locate(data, path)
            issues.append(InputIssue(file, line, col, problem[0], problem[1]))
            return issues
        if isinstance(node, (CommentedMap, CommentedSeq, dict, list)):
            if id(node) in seen:
                line, col = locate(data, path)
                issues.append(InputIssue(file, line, col, "yaml-alias",
                                         "YAML anchors/aliases are not allowed in estate files; "
                                         "write the value out"))
                return issues
            seen.add(id(node))
        count += 1
        if count > MAX_NODES:
            issues.append(InputIssue(file, 1, 1, "yaml-size",
                                     f"more than {MAX_NODES} values in one file"))
            return issues
        # Children pushed in reverse: the walk (and the first issue) follows the file's order.
        if isinstance(node, dict):
            for k, v in reversed(list(node.items())):
                key_problem = _odd_node(k)
                if not isinstance(k, str) or key_problem:
                    line, col = locate(data, path)
                    try:
                        kl, kc = node.lc.key(k)  # type: ignore[attr-defined]
                        line, col = kl + 1, kc + 1
                    except (AttributeError, KeyError, TypeError):
                        pass
                    rule, msg = key_problem or ("yaml-key", f"key {k!r} must be a string")
                    issues.append(InputIssue(file, line, col, rule, msg))
                stack.append((v, (*path, str(k))))
        elif isinstance(node, list):
            for i in range(len(node) - 1, -1, -1):
                stack.append((node[i], (*path, i)))
    return issues


def _prescan(text: str, file: str) -> list[InputIssue]:
    """Cheap limits checked before parsing: hostile files must not cost minutes to refuse."""
    values = text.count(",") + text.count("\n")
    if values > MAX_NODES:
        return [InputIssue(file, 1, 1, "yaml-size", f"about {values} values in one file; "
                           f"the limit is {MAX_NODES}")]
    depth = 0
    for m in re.finditer(r"[\[\]{}]", text):
        depth += 1 if m.group() in "[{" else -1
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            return [InputIssue(file, line, col, "yaml-size",
                               f"values nested more than {MAX_DEPTH} levels deep")]
    for m in re.finditer(rf"^( {{{MAX_DEPTH * 4 + 1},}})\S", text, re.M):
        line = text.count("\n", 0, m.start()) + 1
        return [InputIssue(file, line, len(m.group(1)) + 1, "yaml-size",
                           f"indented more than {MAX_DEPTH * 4} columns")]
    return []


def _odd_node(node: Any) -> tuple[str, str] | None:
    """Anchors (even unused ones: merge keys hide behind them) and explicit tags."""
    anchor = getattr(node, "anchor", None)
    if anchor is not None and getattr(anchor, "value", None):
        return ("yaml-alias", "YAML anchors/aliases are not allowed in estate files; "
                              "write the value out")
    tag = getattr(node, "tag", None)
    if isinstance(node, (CommentedOrderedMap, CommentedSet, TaggedScalar, bytes, set)) or (
            tag is not None and getattr(tag, "value", None)):
        return ("yaml-tag", "explicit YAML tags (!!binary, !!set, !!omap, !custom) are not "
                            "allowed in estate files")
    return None


def plain(data: Any) -> Any:
    """ruamel's commented containers and scalar subclasses -> plain Python."""
    if isinstance(data, dict):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    if isinstance(data, bool):
        return bool(data)
    if isinstance(data, int):
        return int(data)
    if isinstance(data, float):
        return float(data)
    if isinstance(data, str):
        return str(data)
    if isinstance(data, dt.datetime):
        return data
    if isinstance(data, dt.date):
        return dt.date(data.year, data.month, data.day)
    return data


def read_yaml(path: Path, rel: str,
              cache: ValuesCache | None = None) -> tuple[SourceFile | None, list[InputIssue]]:
    """Parse one file; never raises for bad content."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [InputIssue(rel, 1, 1, "yaml-size",
                                     f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")]
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [InputIssue(rel, 1, 1, "yaml-encoding", f"not UTF-8 ({exc.reason})")]
    except OSError as exc:
        return None, [InputIssue(rel, 1, 1, "file", f"cannot read: {exc.strerror}")]
    issues = _prescan(text, rel)
    if issues:
        return None, issues
    key = digest(raw) if cache is not None else ""
    fast = cache.get(key) if cache is not None else None
    if fast is None:
        fast = _fast_load(text)
        if fast is not None and cache is not None:
            cache.put(key, fast)
    if fast is not None:
        src = SourceFile(rel, text, values=fast)
        src.digest = key or None
        return src, []
    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = (exc.problem or exc.context or "invalid YAML").strip()
        rule = "yaml-duplicate-key" if isinstance(exc, DuplicateKeyError) else "yaml-syntax"
        return None, [InputIssue(rel, line, col, rule, what)]
    except RecursionError:
        return None, [InputIssue(rel, 1, 1, "yaml-syntax", "values are nested too deeply")]
    except (YAMLError, ValueError) as exc:
        return None, [InputIssue(rel, 1, 1, "yaml-syntax", str(exc).splitlines()[0][:200])]
    if not isinstance(data, CommentedMap):
        return None, [InputIssue(rel, 1, 1, "schema", "the file must be a YAML mapping")]
    issues = _check_tree(data, rel)
    if issues:
        return None, issues
    return SourceFile(rel, text, data=data), []


def validate_model(model: type[BaseModel], src: SourceFile) -> tuple[Any, list[InputIssue]]:
    """Validate a file against its schema; every error located at file:line:col."""
    try:
        if src.digest is not None:  # the same bytes validate to the same (frozen) model
            obj = validated(model, src.digest, lambda: model.model_validate(src.values))
        else:
            obj = model.model_validate(src.values)
        return obj, []
    except ValidationError as exc:
        issues = []
        for err in exc.errors(include_url=False):
            data_loc = _data_path(src.values, tuple(err["loc"]))
            line, col = src.locate(data_loc)
            where = ".".join(str(p) for p in data_loc) or "(top)"
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                allowed = _allowed_keys(model, data_loc[:-1])
                msg = f"unknown key {data_loc[-1]!r}" + (f"; allowed: {allowed}" if allowed else "")
            elif err["type"] == "missing":
                msg = f"missing required key {data_loc[-1]!r}"
            issues.append(InputIssue(src.path, line, col, "schema", f"{where}: {msg}"))
        return None, issues


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Pydantic's error path minus its own markers (union members, validator names)."""
    out: list[str | int] = []
    node = data
    for step in loc:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        elif isinstance(node, (dict, list)) and (isinstance(step, int) or "[" in str(step)
                                                 or str(step)[:1].isupper()):
            continue  # a marker, not a key of the data
        out.append(step)
        if not isinstance(node, (dict, list)):
            node = None
    return tuple(out)


def _allowed_keys(model: type[BaseModel], path: tuple[str | int, ...]) -> str:
    """Names of the fields of the sub-model at `path` (best effort, for messages)."""
    current: Any = model
    for step in path:
        if isinstance(step, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or step not in fields:
            return ""
        current = _inner_model(fields[step].annotation)
        if current is None:
            return ""
    fields = getattr(current, "model_fields", None)
    return ", ".join(fields) if fields else ""


def _inner_model(annotation: Any) -> Any:
    from typing import get_args
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
