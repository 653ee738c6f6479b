"""One connection to a FreeRADIUS rlm_sql database: SQLite or PostgreSQL.

Statements are written once with `?` placeholders (always parameterised) and
run on either driver; every change of a run happens in one transaction.
Driver exceptions become TargetErrors here, without echoing values.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import (
    ConfigError,
    TargetAuthError,
    TargetError,
    TargetRejected,
    TargetUnavailable,
)

Statement = tuple[str, tuple[Any, ...]]
TABLES = ("radcheck", "radreply", "radusergroup", "radgroupcheck", "radgroupreply")


def parse_dsn(dsn: str) -> tuple[str, str]:
    """('sqlite', path) or ('postgresql', dsn)."""
    scheme = urlsplit(dsn).scheme
    if scheme in ("postgresql", "postgres"):
        return "postgresql", dsn
    if scheme == "sqlite":
        path = dsn[len("sqlite://"):]
        # sqlite:///rel/path -> rel/path; sqlite:////abs/path -> /abs/path
        return "sqlite", path[1:] if path.startswith("/") else path
    if scheme == "" and dsn:
        return "sqlite", dsn
    raise ConfigError("a RADIUS database is `sqlite:///PATH` or `postgresql://...`; "
                      f"got a {scheme!r} address")


class RadiusDb:
    def __init__(self, target: str, dsn: str) -> None:
        self.target = target
        self.dialect, self._where = parse_dsn(dsn)
        self._conn: Any = None
        self._in_transaction = False

    def _connect(self) -> Any:
        if self._conn is not None:
            return self._conn
        if self.dialect == "sqlite":
            if not Path(self._where).exists():
                raise TargetUnavailable(self.target, "the SQLite RADIUS database does not exist "
                                        f"at {self._where}")
            self._conn = sqlite3.connect(self._where, isolation_level=None, timeout=10)
        else:
            import psycopg

            try:
                self._conn = psycopg.connect(self._where, connect_timeout=10)
            except psycopg.OperationalError as exc:
                if "password authentication" in str(exc) or "role" in str(exc):
                    raise TargetAuthError(self.target, "PostgreSQL refused the RADIUS "
                                          "database credentials") from exc
                raise TargetUnavailable(self.target, "cannot reach the PostgreSQL RADIUS "
                                        "database") from exc
        return self._conn

    def _sql(self, text: str) -> str:
        return text if self.dialect == "sqlite" else text.replace("?", "%s")

    def query(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        conn = self._connect()
        try:
            cur = conn.execute(self._sql(text), tuple(params))
            rows = list(cur.fetchall())
            if self.dialect == "postgresql" and not self._in_transaction:
                conn.rollback()  # a read on its own leaves no transaction open
            return rows
        except Exception as exc:
            raise self._translate(exc) from exc

    def check_schema(self) -> None:
        # One round trip for every table; only when it fails, one per table to name the
        # missing one (a read of the whole estate is four queries: this adds one, not five).
        try:
            self.query("SELECT 1 FROM " + ", ".join(TABLES) + " WHERE 1 = 0")  # noqa: S608
            return
        except TargetRejected:
            pass
        for table in TABLES:
            try:
                self.query(f"SELECT count(*) FROM {table} WHERE 1 = 0")  # noqa: S608 - fixed names
            except TargetRejected:
                raise TargetRejected(self.target, f"not a FreeRADIUS rlm_sql database: table "
                                     f"{table} is missing (load FreeRADIUS's schema.sql)") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All statements inside commit together or not at all."""
        conn = self._connect()
        self._in_transaction = True
        try:
            if self.dialect == "sqlite":
                conn.execute("BEGIN IMMEDIATE")
            yield
            conn.commit() if self.dialect == "postgresql" else conn.execute("COMMIT")
        except BaseException as exc:
            try:
                conn.rollback() if self.dialect == "postgresql" else conn.execute("ROLLBACK")
            except Exception:  # noqa: BLE001 - the first error is the one to report
                pass
            if isinstance(exc, Exception) and not isinstance(exc, TargetError):
                raise self._translate(exc) from exc
            raise
        finally:
            self._in_transaction = False

    def execute(self, statement: Statement) -> int:
        text, params = statement
        try:
            cur = self._connect().execute(self._sql(text), params)
            return int(cur.rowcount or 0)
        except Exception as exc:
            raise self._translate(exc) from exc

    def _translate(self, exc: Exception) -> Exception:
        if isinstance(exc, TargetRejected | TargetUnavailable | TargetAuthError):
            return exc
        name = type(exc).__name__
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return TargetUnavailable(self.target, "the SQLite RADIUS database is locked")
        if isinstance(exc, sqlite3.Error):
            return TargetRejected(self.target, f"the RADIUS database refused a statement "
                                  f"({name}: {str(exc).splitlines()[0][:200]})")
        try:
            import psycopg
        except ImportError:  # pragma: no cover - only with the SQLite driver
            return exc
        if isinstance(exc, psycopg.OperationalError):
            return TargetUnavailable(self.target, f"PostgreSQL connection failed ({name})")
        if isinstance(exc, psycopg.Error):
            first = (exc.diag.message_primary or name) if hasattr(exc, "diag") else name
            return TargetRejected(self.target, f"the RADIUS database refused a statement "
                                  f"({name}: {first[:200]})")
        return exc

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
