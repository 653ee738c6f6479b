"""The PBX targets of many sites share one SQLite database: their applies take turns.

On the large estate an apply wrote several sites' PBX rows at once; SQLite let one
write and the others wait out the busy timeout, and under load the last one gave up
("database is locked"), failing the run after every switch had been applied (and
so rolled back). Writers of one database file in one process now queue instead.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from reconciler.targets.asterisk_db import Database


def test_two_sites_writing_one_database_queue_instead_of_timing_out(tmp_path: Path) -> None:
    path = tmp_path / "pbx.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (site TEXT)")
    conn.close()
    # A busy timeout far shorter than the first writer's transaction.
    first, second = (Database(s, path=str(path), timeout=0.01) for s in ("s001/pbx", "s002/pbx"))
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write(db: Database, hold: bool) -> None:
        try:
            with db.transaction() as cur:
                cur.execute("INSERT INTO t VALUES (?)", [db.target])
                if hold:
                    inside.set()
                    release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            db.close()  # in its own thread, as a target does

    t1 = threading.Thread(target=write, args=(first, True))
    t1.start()
    assert inside.wait(10)
    t2 = threading.Thread(target=write, args=(second, False))
    t2.start()
    t2.join(0.5)  # long past the busy timeout: without the queue it has failed by now
    assert t2.is_alive() and not errors
    release.set()
    t1.join(10)
    t2.join(10)
    assert not errors
    rows = sqlite3.connect(path).execute("SELECT site FROM t ORDER BY rowid").fetchall()
    assert rows == [("s001/pbx",), ("s002/pbx",)]


def test_a_database_locked_by_another_process_is_a_target_error(tmp_path: Path) -> None:
    path = tmp_path / "pbx.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (site TEXT)")
    other.execute("BEGIN IMMEDIATE")  # Asterisk (or anyone) writing
    db = Database("s001/pbx", path=str(path), timeout=0.01)
    try:
        with db.transaction() as cur:
            cur.execute("INSERT INTO t VALUES (?)", ["x"])
        raise AssertionError("the write went through a locked database")
    except Exception as exc:  # noqa: BLE001
        from reconciler.errors import TargetUnavailable

        assert isinstance(exc, TargetUnavailable) and "database busy" in str(exc)
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.close()
