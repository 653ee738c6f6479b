"""Append-only JSON-lines journal of apply runs.

Every record is written and fsync'ed before the step it announces (the `apply`
record of a target lands before the target is touched), so an interrupted run
can be read back: which targets it was about to change, which it finished, and
which it rolled back. Values of write-only fields (secrets) are never written.
"""

from __future__ import annotations

import getpass
import json
import os
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..clock import now_utc
from ..errors import ConfigError

REDACTED = "***"


def redact_change(change: Mapping[str, Any], write_only: Mapping[str, frozenset[str]]
                  ) -> dict[str, Any]:
    """A change's JSON with the values of write-only fields replaced."""
    out = dict(change)
    hide = write_only.get(str(change.get("kind")), frozenset())
    for side in ("before", "after"):
        attrs = out.get(side)
        if isinstance(attrs, Mapping) and hide:
            out[side] = {k: (REDACTED if k in hide and v is not None else v)
                         for k, v in attrs.items()}
    return out


def who() -> str:
    """The person behind the run: the GitHub actor in Actions, else the local user."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid {os.getuid()}"
    actor = os.environ.get("GITHUB_ACTOR")
    return f"{actor} (GitHub Actions, as {user})" if actor else user


def git_commit(repo: Path) -> str | None:
    """HEAD of the estate repository (with '+dirty' when files changed), if it is one."""
    try:
        import git

        r = git.Repo(repo, search_parent_directories=True)
        sha = r.head.commit.hexsha
        return sha + ("+dirty" if r.is_dirty(untracked_files=False) else "")
    except Exception:  # noqa: BLE001 - not a repository, no commits yet, git missing
        return None


class Journal:
    """Writer of one run's records; callable as the engine's event sink."""

    def __init__(self, path: Path, run_id: str | None = None) -> None:
        self.path = path
        self.run_id = run_id or now_utc().strftime("%Y%m%dT%H%M%SZ-") + \
            uuid.uuid4().hex[:6]
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the journal folder {path.parent}: "
                              f"{exc.strerror}") from None

    def write(self, record: Mapping[str, Any]) -> None:
        line = json.dumps({"ts": now_utc().isoformat(timespec="milliseconds"),
                           "run": self.run_id, **record}, sort_keys=False, default=str)
        with self._lock:
            try:
                with open(self.path, "ab+") as fh:
                    data = (line + "\n").encode("utf-8")
                    if fh.seek(0, os.SEEK_END) > 0:
                        fh.seek(-1, os.SEEK_END)
                        if fh.read(1) != b"\n":
                            data = b"\n" + data  # a crash tore the last record: start afresh
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError as exc:
                raise ConfigError(f"cannot write the journal {self.path}: {exc.strerror}") \
                    from None

    def __call__(self, event: Mapping[str, Any]) -> None:
        self.write(event)


@dataclass
class RunRecord:
    """One run as read back from the journal."""

    run: str
    start: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    end: dict[str, Any] | None = None

    @property
    def interrupted(self) -> bool:
        return self.end is None

    @property
    def unfinished(self) -> bool:
        """Never ended, or ended with a rollback that failed: either way half-applied."""
        return self.end is None or bool(self.end.get("restore_failed"))

    def targets_with(self, event: str) -> list[str]:
        return [e["target"] for e in self.events if e.get("event") == event and "target" in e]

    @property
    def touched(self) -> list[str]:
        """Targets the run started changing."""
        return self.targets_with("apply")


def read_runs(path: Path) -> Iterator[RunRecord]:
    """Runs in journal order; unreadable lines (a torn last write) are skipped."""
    if not path.is_file():
        return
    runs: dict[str, RunRecord] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if not isinstance(rec, dict) or not isinstance(rec.get("run"), str):
                continue
            rid = rec["run"]
            if rec.get("event") == "run-start":
                runs[rid] = RunRecord(rid, rec)
            elif rid in runs:
                if rec.get("event") == "run-end":
                    runs[rid].end = rec
                else:
                    runs[rid].events.append(rec)
    yield from runs.values()


def unfinished_run(path: Path) -> RunRecord | None:
    """The latest run that never wrote its end or whose rollback failed, unless a later
    run finished its targets.

    A later successful run (a resume or a plain rerun) whose scope covered every
    target of the interrupted one converged them, so nothing is left to finish.
    """
    runs = list(read_runs(path))
    for i in range(len(runs) - 1, -1, -1):
        r = runs[i]
        if not r.unfinished:
            continue
        need = set(r.start.get("targets", []))
        for later in runs[i + 1:]:
            if later.end is not None and later.end.get("result") == "ok" and \
                    need <= set(later.start.get("scope", [])):
                return None
        return r
    return None
