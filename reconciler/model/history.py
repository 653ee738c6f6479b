"""When each number, extension, VLAN and /24 was held, from the git history of occupier files.

The estate files say who holds a number now; git says who held it before and
when it was released. Allocation uses this for the cooldown (a released number
is not handed out again too soon) and call charges for billing a call to the
occupier that held the number on the day of the call.

Files are read raw (no validation): an old commit may not match today's schema,
and only `site`, `number`, `extension`, `main_number`, `network` and `public_ip` are
needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

OCCUPIERS = "occupiers"
MAX_COMMITS = 5000


@dataclass(frozen=True)
class Held:
    """`what` (number or extension) at `site`, held by `occupier` from `since` until `until`."""

    site: str
    what: str
    value: str
    occupier: str
    since: dt.datetime
    until: dt.datetime | None  # None: still held at the last commit


@dataclass
class NumberHistory:
    """Every holding interval seen in git, by (site, what, value)."""

    spans: dict[tuple[str, str, str], list[Held]] = field(default_factory=dict)
    _lines: dict[tuple[str, str], list[tuple[str, Held]]] = field(default_factory=dict)

    def released(self, site: str, what: str, value: str) -> dt.datetime | None:
        """When the value was last released, or None if never released (or still held)."""
        spans = self.spans.get((site, what, value), [])
        if not spans or any(s.until is None for s in spans):
            return None
        return max(s.until for s in spans if s.until is not None)

    def holder(self, site: str, what: str, value: str, at: dt.datetime) -> str | None:
        found = sorted(self.holders(site, what, value, at))
        return found[0] if found else None

    def extension_of(self, site: str, number: str, occupier: str, at: dt.datetime) -> str | None:
        if not self._lines:
            for (s_, what, value), spans in self.spans.items():
                if what == "line":
                    num, _, ext = value.partition("/")
                    self._lines.setdefault((s_, num), []).extend((ext, h) for h in spans)
        for ext, h in self._lines.get((site, number), []):
            if h.occupier == occupier and h.since <= at and (h.until is None or at < h.until):
                return ext
        return None

    def holders(self, site: str, what: str, value: str, at: dt.datetime) -> set[str]:
        """Occupiers whose file listed the value at `at` (several: contract dates decide)."""
        return {s.occupier for s in self.spans.get((site, what, value), [])
                if s.since <= at and (s.until is None or at < s.until)}


def holdings_of(data: Any, occupier: str) -> Iterator[tuple[str, str, str]]:
    """(site, what, value) of every number, extension, VLAN and /24 in one raw occupier
    document."""
    if not isinstance(data, dict):
        return
    for c in data.get("contracts") or []:
        if not isinstance(c, dict) or not isinstance(c.get("site"), str):
            continue
        site = c["site"]
        for section in ("network", "public_ip"):
            net = c.get(section)
            if isinstance(net, dict) and isinstance(net.get("vlan"), int):
                yield site, "vlan", str(net["vlan"])
            if isinstance(net, dict) and isinstance(net.get("subnet"), str):
                yield site, "subnet", net["subnet"]
        main = c.get("main_number")
        main = main.get("number") if isinstance(main, dict) else main
        if isinstance(main, str):
            yield site, "number", main
        for n in c.get("numbers") or []:
            if not isinstance(n, dict):
                continue
            if isinstance(n.get("number"), str):
                yield site, "number", n["number"]
            if isinstance(n.get("extension"), int):
                yield site, "extension", str(n["extension"])
                if isinstance(n.get("number"), str):
                    # Which extension went with the number then (for call reports).
                    yield site, "line", f"{n['number']}/{n['extension']}"


Holding = tuple[str, str, str, str]  # site, what, value, occupier


def _snapshot(commit: Any, seen: dict[str, set[Holding]]) -> set[Holding]:
    """Holdings in one commit; `seen` caches by blob, as most files do not change."""
    yaml = YAML(typ="safe")
    out: set[Holding] = set()
    try:
        tree = commit.tree / OCCUPIERS
    except KeyError:
        return out
    for blob in tree.blobs:
        if not blob.name.endswith((".yaml", ".yml")):
            continue
        occ = blob.name.rsplit(".", 1)[0]
        key = f"{blob.hexsha}:{occ}"
        if key not in seen:
            try:
                data = yaml.load(blob.data_stream.read().decode("utf-8", errors="replace"))
            except YAMLError:
                data = None
            seen[key] = {(site, what, value, occ) for site, what, value in holdings_of(data, occ)}
        out |= seen[key]
    return out


def read_history(root: Path) -> NumberHistory:
    """Holding spans from the first-parent history of HEAD; empty outside a git repo."""
    return _cached(str(root.resolve()), _head(root))


def _head(root: Path) -> str | None:
    try:
        import git
        repo = git.Repo(root, search_parent_directories=True)
        return repo.head.commit.hexsha
    except Exception:  # noqa: BLE001 - not a repo, no commit yet: no history
        return None


@lru_cache(maxsize=4)
def _cached(root: str, head: str | None) -> NumberHistory:
    hist = NumberHistory()
    if head is None:
        return hist
    import git

    repo = git.Repo(root, search_parent_directories=True)
    # The estate may sit in a sub-folder of the repository.
    rel = Path(root).relative_to(Path(repo.working_tree_dir or root).resolve())
    path = (rel / OCCUPIERS).as_posix() if str(rel) != "." else OCCUPIERS
    commits = list(repo.iter_commits(head, paths=path, first_parent=True,
                                     max_count=MAX_COMMITS))
    commits.reverse()
    open_spans: dict[Holding, dt.datetime] = {}
    seen: dict[str, set[Holding]] = {}
    for commit in commits:
        when = commit.committed_datetime.astimezone(dt.UTC).replace(tzinfo=None)
        tree_commit = commit if str(rel) == "." else _Sub(commit, rel)
        now = _snapshot(tree_commit, seen)
        for key in list(open_spans):
            if key not in now:
                since = open_spans.pop(key)
                site, what, value, occ = key
                hist.spans.setdefault((site, what, value), []).append(
                    Held(site, what, value, occ, since, when))
        for key in now:
            open_spans.setdefault(key, when)
    for (site, what, value, occ), since in open_spans.items():
        hist.spans.setdefault((site, what, value), []).append(
            Held(site, what, value, occ, since, None))
    return hist


class _Sub:
    """A commit seen from a sub-folder (estates kept below the repository root)."""

    def __init__(self, commit: Any, rel: Path) -> None:
        self.commit, self.rel = commit, rel

    @property
    def tree(self) -> Any:
        return self.commit.tree / self.rel.as_posix()  # KeyError when absent: no files yet
