"""Parsed values of estate files, remembered by content hash.

Parsing YAML is most of the time a command spends on a large estate (thousands
of occupier files). The values a file parses to are remembered under the
SHA-256 of its bytes: within a process (a plan scoped with --changed-since loads
the estate twice, at REF and now, and most files are the same), and between
runs in one JSON file. Nothing else is cached: validation and the domain rules
run on every load, and a file with any byte changed is parsed again.

The file lives outside the estate repository, so a pull request cannot plant
values in it: `$RECONCILER_CACHE_DIR`, else `$XDG_CACHE_HOME/reconciler`, else
`~/.cache/reconciler`. `RECONCILER_CACHE=0` turns it off; small estates skip it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 1
MIN_FILES = 200  # below this, parsing is quick enough not to bother the disk
KEEP_UNUSED = 20_000  # entries kept on disk beyond those this process used

_LOCK = threading.Lock()
_MEMO: dict[str, Any] = {}  # digest -> values, for this process
_LOADED: set[Path] = set()  # cache files already read into the memo
_MODELS: dict[tuple[str, str], Any] = {}  # (schema, digest) -> validated frozen model


def cache_dir() -> Path | None:
    if os.environ.get("RECONCILER_CACHE", "").strip().lower() in ("0", "false", "no", "off"):
        return None
    explicit = os.environ.get("RECONCILER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reconciler"


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class ValuesCache:
    """The process memo, backed by one JSON file {digest: values} when enabled."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.used: set[str] = set()
        self.dirty = False
        if path is None or path in _LOADED:
            return
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            stored = doc.get("values", {}) if isinstance(doc, dict) and \
                doc.get("format") == FORMAT else {}
        except (OSError, ValueError):
            stored = {}  # no cache yet, or a broken one: start afresh
        with _LOCK:
            for k, v in stored.items():
                _MEMO.setdefault(k, v)
            _LOADED.add(path)

    @staticmethod
    def for_estate(n_files: int) -> ValuesCache:
        d = cache_dir() if n_files >= MIN_FILES else None
        return ValuesCache(d / "estate-values.json" if d is not None else None)

    def get(self, key: str) -> Any:
        self.used.add(key)
        with _LOCK:
            return _MEMO.get(key)

    def put(self, key: str, values: Any) -> None:
        with _LOCK:
            _MEMO[key] = values
        self.dirty = self.path is not None

    def save(self) -> None:
        """Write what this load used, plus some older entries (other branches, REFs)."""
        if self.path is None or not self.dirty:
            return
        with _LOCK:
            keep = {k: _MEMO[k] for k in self.used if k in _MEMO}
            for k in reversed(list(_MEMO)):  # newest first
                if len(keep) >= len(self.used) + KEEP_UNUSED:
                    break
                keep.setdefault(k, _MEMO[k])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".estate-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                # dumps, not dump: the C encoder, ten times faster on megabytes.
                fh.write(json.dumps({"format": FORMAT, "values": keep}, separators=(",", ":")))
            os.replace(tmp, self.path)  # readers never see half a file
        except OSError:
            pass  # a cache that cannot be written is only slower


def validated(model: type, key: str, make: Callable[[], Any]) -> Any:
    """The model a file's bytes validated to earlier in this process, else `make()`.

    Models are frozen, so two loads (a `--changed-since` plan: at REF and now) can share
    them; a file that fails validation is never remembered.
    """
    memo_key = (model.__qualname__, key)
    with _LOCK:
        found = _MODELS.get(memo_key)
    if found is None:
        found = make()
        with _LOCK:
            _MODELS[memo_key] = found
    return found


def forget() -> None:
    """Drop the process memo (tests)."""
    with _LOCK:
        _MEMO.clear()
        _LOADED.clear()
        _MODELS.clear()
