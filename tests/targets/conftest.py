"""Fixtures of the target tests: an Asterisk realtime database on either backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.targets.asterisk_env import postgres_db, sqlite_db, sqlite_query


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: Any, tmp_path: Path) -> Iterator[tuple[dict[str, Any], Any]]:
    """(settings, query) for an empty realtime database with Asterisk's schema."""
    if request.param == "sqlite":
        db = sqlite_db(tmp_path / "asterisk.sqlite")
        yield {"path": str(db)}, sqlite_query(db)
    else:
        import psycopg

        server = request.getfixturevalue("postgres")
        dsn = postgres_db(server)

        def q(sql: str) -> list[tuple[Any, ...]]:
            with psycopg.connect(dsn) as conn:
                return [tuple(r) for r in conn.execute(sql).fetchall()]  # type: ignore[arg-type]
        yield {"dsn": dsn}, q
