"""A real FreeRADIUS on SQLite or PostgreSQL, and the example estate reconciled onto it."""

from __future__ import annotations

import email
import email.policy
import json
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

from reconciler.lab.freeradius import (
    FreeradiusServer,
    FreeradiusUnavailable,
    find_binary,
    schema_sql,
)
from reconciler.templates_dir import BUILTIN_TEMPLATES
from tests.conftest import copy_estate
from tests.radius.radius_client import RadiusClient, Reply, Secret, peap

TABLES = ("radcheck", "radreply", "radusergroup", "radgroupcheck", "radgroupreply")
DAY = "2026-11-26"  # acme at lon1 (VLAN 102) and man1 (VLAN 101), both active


@dataclass
class RadiusLab:
    root: Path
    server: FreeradiusServer
    dsn: str
    dialect: str
    run_cli: Callable[..., Any]
    client: RadiusClient
    outbox: Path
    endpoints: Path
    credentials: Path
    seen: set[Path] = field(default_factory=set)

    def cli(self, *args: str) -> Any:
        return self.run_cli(*args, "--repo", str(self.root), "--endpoints", str(self.endpoints),
                            "--credentials", str(self.credentials))

    def apply(self, at: str = DAY, *extra: str) -> Any:
        res = self.cli("apply", "--yes", "--target", "radius", "--at", at, *extra)
        assert res.exit_code == 0, res.output
        return res

    def plan_json(self, at: str = DAY) -> tuple[int, dict[str, Any]]:
        res = self.cli("plan", "--format", "json", "--target", "radius", "--at", at)
        return res.exit_code, json.loads(res.stdout)

    def new_mail(self) -> list[email.message.EmailMessage]:
        """Invitations written since the last call, oldest first."""
        files = sorted((p for p in self.outbox.glob("*.eml") if p not in self.seen),
                       key=lambda p: p.stat().st_mtime_ns)
        self.seen.update(files)
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in files]  # type: ignore[misc]

    def new_passwords(self) -> dict[str, str]:
        out = {}
        for msg in self.new_mail():
            m = re.search(r"Password: (\S+)", msg.get_content())
            assert m, msg.get_content()
            out[str(msg["To"])] = Secret(m.group(1))
        return out

    def sql(self, text: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.dialect == "sqlite":
            with sqlite3.connect(self.server.sqlite_path) as db:
                return list(db.execute(text, params).fetchall())
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as db:
            cur = db.execute(text.replace("?", "%s"), params)
            return list(cur.fetchall()) if cur.description else []

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        return {t: sorted(self.sql(f"SELECT * FROM {t}")) for t in TABLES}  # noqa: S608

    def edit_occupier(self, name: str, edit: Callable[[dict[str, Any]], None]) -> None:
        yaml = YAML()
        path = self.root / "occupiers" / f"{name}.yaml"
        doc = yaml.load(path.read_text())
        edit(doc)
        with path.open("w") as fh:
            yaml.dump(doc, fh)

    def pap(self, user: str, password: str, nas: str) -> Reply:
        return self.client.pap(user, password, nas)

    def peap(self, user: str, password: str, nas: str) -> Reply:
        ep = self.server.endpoint()
        return peap(ep["host"], ep["port"], ep["secret"], ep["ca_cert"], user, password, nas,
                    self.root)


def _pg_parts(dsn: str) -> dict[str, Any]:
    u = urlsplit(dsn)
    return {"host": u.hostname, "port": u.port, "user": u.username, "password": u.password,
            "dbname": u.path.lstrip("/")}


@pytest.fixture(params=["sqlite", "postgresql"])
def radius(request: pytest.FixtureRequest, tmp_path: Path,
           cli: Callable[..., Any]) -> Iterator[RadiusLab]:
    dialect = request.param
    try:
        find_binary()
    except FreeradiusUnavailable as exc:
        pytest.skip(reason=f"needs the real FreeRADIUS: {exc}")
    root = copy_estate(tmp_path / "estate")
    work = tmp_path / "radius"
    if dialect == "sqlite":
        db = work / "radius.db"
        dsn = f"sqlite:///{db}"
        kwargs: dict[str, Any] = {"sqlite_path": db}
    else:
        pg = request.getfixturevalue("postgres")
        name = f"radius_{secrets.token_hex(4)}"
        dsn = pg.create_database(name, owner=name, password=secrets.token_hex(8))
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(schema_sql("postgresql").encode())
        kwargs = {"postgres": _pg_parts(dsn)}
    server = FreeradiusServer(work, BUILTIN_TEMPLATES, **kwargs).start()
    try:
        outbox = root / "outbox"  # where `apply` mails from: <repo>/outbox (git-ignored)
        ep_file, cred_file = tmp_path / "endpoints.yaml", tmp_path / "credentials.yaml"
        yaml = YAML(typ="safe")
        with ep_file.open("w") as fh:
            yaml.dump({"targets": {}}, fh)
        with cred_file.open("w") as fh:
            yaml.dump({"radius-db": {"dsn": dsn},
                       "plan-signing": {"key": "radius-tests-plan-signing-key"}}, fh)
        ep = server.endpoint()
        client = RadiusClient(ep["host"], ep["port"], ep["secret"])
        yield RadiusLab(root, server, dsn, dialect, cli, client, outbox, ep_file, cred_file)
    finally:
        server.stop()
