"""The private PostgreSQL cluster used by the SQL targets' tests."""

from __future__ import annotations

import uuid
from typing import Any


def test_a_fresh_database_belongs_to_its_role(postgres: Any) -> None:
    import psycopg

    name = "t" + uuid.uuid4().hex[:8]
    dsn = postgres.create_database(name, owner=name, password="pw-" + name)
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE t (a int)")
        conn.execute("INSERT INTO t VALUES (%s)", (7,))
        assert conn.execute("SELECT current_user, sum(a) FROM t").fetchone() == (name, 7)
    assert f":{postgres.port}/{name}" in dsn
