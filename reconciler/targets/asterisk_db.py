"""One small SQL connection for SQLite and PostgreSQL (Asterisk's realtime databases).

Statements are written with `?` placeholders and always parameterised; for
PostgreSQL they are sent with psycopg's `%s`. Errors become TargetErrors named
by what the caller should do.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import TargetAuthError, TargetError, TargetRejected, TargetUnavailable

Row = tuple[Any, ...]

# One writer at a time per SQLite file in this process. The PBX targets of every site
# share their server's database; an apply writes several at once, and SQLite lets one
# write while the others wait out its busy timeout: on a large estate under load the
# last of them gave up ("database is locked") and failed the whole run (every switch
# already applied was rolled back). Waiting here has no timeout to run out; the busy
# timeout is left for writers outside this process (Asterisk itself).
_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_LOCK = threading.Lock()


def _writer_lock(path: str) -> threading.Lock:
    key = str(Path(path).resolve())
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(key, threading.Lock())


class Database:
    def __init__(self, target: str, *, path: str | None = None, dsn: str | None = None,
                 timeout: float = 30.0) -> None:
        self.target = target
        self.path, self.dsn, self.timeout = path, dsn, timeout
        self._conn: Any = None

    @property
    def postgres(self) -> bool:
        return self.dsn is not None

    def _connect(self) -> Any:
        if self._conn is not None:
            return self._conn
        try:
            if self.dsn is not None:
                import psycopg

                self._conn = psycopg.connect(self.dsn, connect_timeout=int(self.timeout))
            else:
                assert self.path is not None
                if not Path(self.path).is_file():
                    raise TargetUnavailable(self.target, f"no database file at {self.path}")
                self._conn = sqlite3.connect(self.path, timeout=self.timeout,
                                             isolation_level=None)
        except TargetError:
            raise
        except Exception as exc:  # noqa: BLE001 - translated by kind below
            raise self._translate(exc) from exc
        return self._conn

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        conn = self._connect()
        try:
            cur = conn.execute(self._sql(sql), tuple(params))
            rows = [tuple(r) for r in cur.fetchall()]
            if self.postgres:
                conn.rollback()  # end the read's implicit transaction
            return rows
        except Exception as exc:  # noqa: BLE001
            if self.postgres:
                conn.rollback()
            raise self._translate(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """Everything inside commits together or not at all."""
        if self.postgres:  # the server orders concurrent writers itself
            with self._transaction():
                yield _Cursor(self)
            return
        assert self.path is not None
        with _writer_lock(self.path), self._transaction():
            yield _Cursor(self)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        conn = self._connect()
        if not self.postgres:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except Exception as exc:  # noqa: BLE001 - busy: a TargetError, as any other
                raise self._translate(exc) from exc
        ok = False
        try:
            yield
            ok = True
        finally:
            if ok:
                try:
                    conn.commit() if self.postgres else conn.execute("COMMIT")
                except Exception as exc:  # noqa: BLE001
                    self._rollback()
                    raise self._translate(exc) from exc
            else:
                self._rollback()

    def _rollback(self) -> None:
        try:
            self._conn.rollback() if self.postgres else self._conn.execute("ROLLBACK")
        except Exception:  # noqa: BLE001,S110 - the connection is gone: nothing was committed
            pass

    def _translate(self, exc: Exception) -> TargetError:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
            return TargetUnavailable(self.target, f"database busy: {text}")
        if isinstance(exc, sqlite3.Error):
            return TargetRejected(self.target, f"database refused the change: {text}")
        try:
            import psycopg
        except ImportError:  # pragma: no cover
            return TargetError(self.target, text)
        if isinstance(exc, psycopg.OperationalError):
            if "authentication" in text or "password" in text:
                return TargetAuthError(self.target, "the database refused the credentials")
            return TargetUnavailable(self.target, f"cannot reach the database: {text}")
        if isinstance(exc, psycopg.Error):
            return TargetRejected(self.target, f"database refused the change: {text}")
        return TargetError(self.target, text)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


class _Cursor:
    """Statements inside a transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            cur = self.db._conn.execute(self.db._sql(sql), tuple(params))
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
        except Exception as exc:  # noqa: BLE001
            raise self.db._translate(exc) from exc
