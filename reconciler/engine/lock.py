"""One apply per site at a time: an advisory `flock` on one lock file per site.

The kernel drops an flock when its process dies, so a crashed apply never leaves
a stale lock behind; the pid/host written into the file only explain who holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ..clock import now_utc
from ..errors import LockHeldError, PlanError

SITE_RE = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")
POLL_SECONDS = 0.05


class SiteLocks:
    """Hold the locks of several sites (taken in sorted order, so two runs never deadlock)."""

    def __init__(self, directory: Path, sites: Iterable[str], *, wait: float = 0.0,
                 run_id: str = "", on_wait: Callable[[str, str], None] | None = None) -> None:
        self.directory = directory
        self.sites = sorted(set(sites))
        for s in self.sites:
            if not SITE_RE.fullmatch(s):  # the id becomes a file name
                raise PlanError(f"site id {s!r} is not a valid site id")
        self.wait = max(0.0, wait)
        self.run_id = run_id
        self.on_wait = on_wait  # (site, holder) once, when an apply starts waiting for a site
        self._held: list[IO[str]] = []

    def path(self, site: str) -> Path:
        return self.directory / f"{site}.lock"

    def acquire(self) -> SiteLocks:
        self.directory.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.wait
        try:
            for site in self.sites:
                self._held.append(self._take(site, deadline))
        except BaseException:
            self.release()
            raise
        return self

    def _take(self, site: str, deadline: float) -> IO[str]:
        path = self.path(site)
        fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        told = False
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _describe(holder_of(path))
                    fh.close()
                    waited = f" after waiting {self.wait:g}s" if self.wait else ""
                    raise LockHeldError(
                        f"site {site} is locked by another apply ({holder}){waited}; "
                        "wait for it to finish or rerun with --wait SECONDS") from None
                if not told and self.on_wait is not None:
                    self.on_wait(site, _describe(holder_of(path)))
                    told = True
                time.sleep(POLL_SECONDS)
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                             "run": self.run_id, "since": now_utc().strftime(
                                 "%Y-%m-%dT%H:%M:%SZ")}) + "\n")
        fh.flush()
        return fh

    def release(self) -> None:
        while self._held:
            fh = self._held.pop()
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            finally:
                fh.close()

    def __enter__(self) -> SiteLocks:
        return self.acquire()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def holder_of(path: Path) -> dict[str, Any]:
    """Who wrote the lock file last (the holder while it is locked)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _describe(h: dict[str, Any]) -> str:
    if not h:
        return "holder unknown"
    return (f"pid {h.get('pid', '?')} on {h.get('host', '?')} since {h.get('since', '?')}"
            + (f", run {h['run']}" if h.get("run") else ""))
