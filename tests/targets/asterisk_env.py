"""Asterisk realtime databases loaded with Asterisk's own schema, for the PBX tests."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from reconciler.engine.credentials import Credential
from reconciler.engine.resources import TargetSpec
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from tests.conftest import REPO_ROOT, copy_estate, realdata

AT = dt.date(2026, 12, 15)
TABLES = ("ps_endpoints", "ps_aors", "ps_auths", "extensions", "voicemail")


def sqlite_schema() -> str:
    core = realdata("asterisk", "22.10.1", "derived", "sqlite_pjsip_realtime_core__DERIVED.sql")
    voicemail = REPO_ROOT / "templates" / "asterisk" / "voicemail.sqlite.sql"
    return core.read_text() + "\n" + voicemail.read_text()


def sqlite_db(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.executescript(sqlite_schema())
    conn.close()
    return path


TEMPLATE = "asterisk_schema"


def postgres_db(server: Any) -> str:
    """A fresh database holding the schema Asterisk's alembic migrations create.

    The migrations run once per cluster into a template database; each test gets a copy.
    """
    import psycopg
    from psycopg import sql

    with psycopg.connect(server.dsn(), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             (TEMPLATE,)).fetchone():
            text = realdata("asterisk", "22.10.1", "postgresql_config.sql").read_text()
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
            with psycopg.connect(server.dsn(TEMPLATE), autocommit=True) as conn:
                # The file is psql input: BEGIN/COMMIT around plain statements.
                conn.execute(text)  # type: ignore[arg-type]
        name = "ast" + uuid.uuid4().hex[:8]
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(TEMPLATE)))
    return str(server.dsn(name))


def snapshot(query: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables the target writes (surrogate ids left out)."""
    out = {}
    for table, cols in (("ps_endpoints", "id, context, callerid, mailboxes, accountcode, aors, "
                                         "auth"),
                        ("ps_aors", "id, max_contacts, mailboxes"),
                        ("ps_auths", "id, auth_type, username, password"),
                        ("extensions", "context, exten, priority, app, appdata"),
                        ("voicemail", "context, mailbox, password, fullname, email")):
        out[table] = sorted(tuple(r) for r in query(f"SELECT {cols} FROM {table}"))  # noqa: S608
    return out


def estate_spec(tmp: Path, site: str = "lon1") -> tuple[Path, Any]:
    root = copy_estate(tmp / "estate")
    desired = compile_estate(load_estate(root), AT)
    return root, desired


def spec_for(desired: Any, site: str, tmp: Path, **settings: Any) -> TargetSpec:
    spec: TargetSpec = desired.targets[f"{site}/pbx"]
    return spec.with_settings(provisioning_dir=str(tmp / "prov" / site), **settings)


def credential() -> Credential:
    return Credential("pbx-db", {"username": "asterisk", "password": "not-used-by-sqlite"})


def sqlite_query(path: Path) -> Any:
    def q(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(path) as conn:
            rows = conn.execute(sql).fetchall()
        conn.close()
        return rows
    return q


def mails(outbox: Path) -> list[str]:
    return [p.read_text() for p in sorted(outbox.glob("*.eml"))] if outbox.is_dir() else []


def password_in(mail: str) -> str:
    m = re.search(r"password: (\S+)", mail)
    assert m, mail
    return m.group(1)
