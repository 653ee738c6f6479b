"""Parsed values of estate files, remembered by content hash between runs.

Parsing YAML is most of the time a command spends on a large estate (thousands
of occupier files); a scoped plan after a one-file change should not pay it for
every file again. The cache maps each file's SHA-256 to the plain values its
parse gave, nothing else: validation and the domain rules still run on every
load, and a changed file (any byte) is parsed again.

It lives outside the estate repository (a pull request cannot plant values in
it): `$RECONCILER_CACHE_DIR`, else `$XDG_CACHE_HOME/reconciler`, else
`~/.cache/reconciler`; `RECONCILER_CACHE=0` turns it off. Small estates skip it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 1
MIN_FILES = 200  # below this, parsing is quick enough


def cache_dir() -> Path | None:
    if os.environ.get("RECONCILER_CACHE", "").strip().lower() in ("0", "false", "no", "off"):
        return None
    explicit = os.environ.get("RECONCILER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reconciler"


class ValuesCache:
    """One JSON file per estate repository: {relative path: [sha256, values]}."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        self.seen: set[str] = set()
        self.dirty = False
        if path is not None:
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(doc, dict) and doc.get("format") == FORMAT:
                    self.entries = dict(doc.get("files", {}))
            except (OSError, ValueError):
                pass  # no cache yet, or a broken one: start afresh

    @staticmethod
    def for_repo(root: Path, n_files: int) -> ValuesCache:
        d = cache_dir() if n_files >= MIN_FILES else None
        if d is None:
            return ValuesCache(None)
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        return ValuesCache(d / f"estate-{key}.json")

    @staticmethod
    def digest(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, rel: str, digest: str) -> Any:
        self.seen.add(rel)
        entry = self.entries.get(rel)
        if self.path is not None and entry and entry[0] == digest:
            return entry[1]
        return None

    def put(self, rel: str, digest: str, values: Any) -> None:
        if self.path is not None:
            self.entries[rel] = [digest, values]
            self.dirty = True

    def save(self) -> None:
        if self.path is None:
            return
        gone = set(self.entries) - self.seen
        if not self.dirty and not gone:
            return
        for rel in gone:  # deleted or renamed files
            del self.entries[rel]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".estate-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"format": FORMAT, "files": self.entries}, fh, separators=(",", ":"))
            os.replace(tmp, self.path)  # readers never see half a file
        except OSError:
            pass  # a cache that cannot be written is only slower
