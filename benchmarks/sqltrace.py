"""Count the SQL statements a `reconciler` process runs on the lab's SQLite databases.

The lab's RADIUS and PBX databases are SQLite files the client opens itself: there is
no server to keep counters, so the SQLite engine's own trace hook counts, in the
benchmarked process, every statement it runs (including BEGIN/COMMIT), by database
file. Imported by the benchmark's command line before the CLI; written at exit to the
file named by RECONCILER_BENCH_SQL (one JSON line per process).
"""

from __future__ import annotations

import atexit
import json
import os
import sqlite3
import threading
from collections import Counter
from typing import Any

_OUT = os.environ.get("RECONCILER_BENCH_SQL")
_counts: dict[str, Counter[str]] = {}
_lock = threading.Lock()
_connect = sqlite3.connect


def _traced(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
    conn = _connect(database, *args, **kwargs)
    name = os.path.basename(str(database))
    with _lock:
        counts = _counts.setdefault(name, Counter())

    def trace(statement: str) -> None:
        word = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        with _lock:
            counts["statements"] += 1
            counts["selects"] += word == "SELECT"
            counts[word.lower()] += 1

    conn.set_trace_callback(trace)
    return conn


def _write() -> None:
    if _OUT and _counts:
        with open(_OUT, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({k: dict(v) for k, v in _counts.items()}) + "\n")


if _OUT:
    sqlite3.connect = _traced  # type: ignore[assignment]
    atexit.register(_write)
