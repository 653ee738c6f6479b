"""The target contract for FreeRADIUS, on an SQLite database with FreeRADIUS's own schema."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.engine.credentials import Credential
from reconciler.intent import compile_estate
from reconciler.lab.freeradius import MODCONFDIR
from reconciler.model.estate import load_estate
from tests.conftest import copy_estate, realdata
from tests.targets.contract import ContractEnv, TargetContract

TABLES = ("radcheck", "radreply", "radusergroup", "radgroupcheck", "radgroupreply")


def sqlite_schema() -> str:
    shipped = MODCONFDIR / "sql" / "main" / "sqlite" / "schema.sql"
    if shipped.exists():
        return shipped.read_text()
    return realdata("freeradius", "v3.2.10", "sqlite_schema.sql").read_text()


class TestFreeradiusContract(TargetContract):
    @pytest.fixture
    def contract_env(self, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[ContractEnv]:
        monkeypatch.setenv("RECONCILER_OUTBOX", str(tmp_path / "outbox"))  # invitations
        db = tmp_path / "radius.db"
        with sqlite3.connect(db) as conn:
            conn.executescript(sqlite_schema())
            # someone else's rows, which must survive everything
            conn.execute("INSERT INTO radcheck (username, attribute, op, value) "
                         "VALUES ('legacy', 'Cleartext-Password', ':=', 'x')")
            conn.execute("INSERT INTO radusergroup (username, groupname, priority) "
                         "VALUES ('legacy', 'staff', 1)")
        estate = load_estate(copy_estate(tmp_path / "estate"))
        desired = compile_estate(estate, dt.date(2026, 12, 15))
        spec = desired.targets["radius"]

        def snapshot() -> dict[str, list[tuple[object, ...]]]:
            with sqlite3.connect(db) as conn:  # every row; ids left out, they only grow
                return {t: sorted(r[1:] for r in conn.execute(f"SELECT * FROM {t}"))  # noqa: S608
                        for t in TABLES}

        def inject() -> None:
            with sqlite3.connect(db) as conn:
                conn.execute("CREATE TRIGGER fault BEFORE INSERT ON radusergroup WHEN "
                             "NEW.username = 'sam.carter@orbit-analytics.example' "
                             "BEGIN SELECT RAISE(ABORT, 'injected'); END")

        def clear() -> None:
            with sqlite3.connect(db) as conn:
                conn.execute("DROP TRIGGER IF EXISTS fault")

        cred = Credential("radius-db", {"dsn": f"sqlite:///{db}"})
        yield ContractEnv(spec=spec, credential=cred,
                          desired=desired.resources["radius"], snapshot=snapshot,
                          inject_failure=inject, clear_faults=clear)
