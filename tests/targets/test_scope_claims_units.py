"""Scope that cannot be claimed, for the SQL targets: a RADIUS user without our marker,
a PBX endpoint in another context. The plan refuses by name; apply never takes them."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine.credentials import CredentialStore
from reconciler.engine.diff import diff, order_changes
from reconciler.engine.plan import plan_target
from reconciler.errors import TargetRejected
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from reconciler.targets import TARGETS
from reconciler.targets.asterisk import AsteriskTarget
from reconciler.targets.freeradius import FreeradiusTarget
from tests.targets.asterisk_env import AT, credential, estate_spec, spec_for, sqlite_db

JANE = "jane@acme.example"


def _rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        out = [r for t in ("radcheck", "radreply", "radusergroup", "radgroupreply")
               for r in conn.execute(f"SELECT * FROM {t}").fetchall()]  # noqa: S608
    conn.close()
    return sorted(out, key=repr)


def test_a_staff_account_with_its_own_password_scheme_is_not_claimed(
        estate_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The foreign-user check knew four attributes; a `Crypt-Password` slipped through."""
    from reconciler.lab.freeradius import MINIMAL_SQLITE_SCHEMA

    monkeypatch.setenv("RECONCILER_OUTBOX", str(tmp_path / "outbox"))
    db = tmp_path / "radius.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(MINIMAL_SQLITE_SCHEMA)
        conn.executemany("INSERT INTO radcheck (username, attribute, op, value) "
                         "VALUES (?, ?, ?, ?)",
                         [(JANE, "Crypt-Password", ":=", "$6$salt$hash"),
                          ("kim@staff.example", "MD5-Password", ":=", "0123")])
        conn.execute("INSERT INTO radusergroup (username, groupname, priority) "
                     "VALUES (?, 'staff', 1)", (JANE,))
        conn.execute("INSERT INTO radgroupreply (groupname, attribute, op, value) "
                     "VALUES ('staff', 'Tunnel-Private-Group-Id', ':=', '5')")
    conn.close()
    before = _rows(db)
    state = compile_estate(load_estate(estate_dir), AT)
    creds = CredentialStore(environ={"RECONCILER_CRED_RADIUS_DB_DSN": f"sqlite:///{db}"})
    tp = plan_target(state.targets["radius"], state.resources["radius"], TARGETS, creds)
    assert tp.error is None and len(tp.refusals) == 1, tp.refusals
    assert tp.refusals[0].startswith(f"radius: the plan would create radius_user {JANE}, but "
                                     "that is a RADIUS user that reconciler did not make (it "
                                     "holds group staff, radcheck Crypt-Password)")
    with FreeradiusTarget(state.targets["radius"], creds.get("radius-db")) as target:
        changes = order_changes(diff(target.read(), state.resources["radius"],
                                     target.write_only), target.kind_order)
        with pytest.raises(TargetRejected, match=f"{JANE} is a RADIUS user that reconciler"):
            target.apply(changes)  # and again inside the transaction, should it be applied
    assert _rows(db) == before
    assert not (tmp_path / "outbox").exists()


def test_a_pbx_endpoint_in_another_context_is_neither_deleted_nor_taken(tmp_path: Path) -> None:
    """Two sites on one PBX database with overlapping ranges: one deleted the other's SIP
    accounts. Validation refuses such ranges now; the context is the mark as well."""
    _root, desired = estate_spec(tmp_path)
    db = sqlite_db(tmp_path / "asterisk.sqlite")
    man1 = spec_for(desired, "man1", tmp_path, path=str(db))
    with AsteriskTarget(man1, credential()) as target:
        target.apply(order_changes(diff(target.read(), desired.resources["man1/pbx"],
                                        target.write_only), target.kind_order))
    with sqlite3.connect(db) as conn:
        man1_eps = {r[0] for r in conn.execute("SELECT id FROM ps_endpoints")}
        # An operator's test phone on a number lon1 hands out to Jane.
        conn.execute("INSERT INTO ps_endpoints (id, context) VALUES ('442079460121', 'ops')")
    conn.close()
    assert man1_eps
    lon1 = spec_for(desired, "lon1", tmp_path, path=str(db))
    wide = dict(lon1.scope)
    wide["ranges"] = [*wide["ranges"], *man1.scope["ranges"]]  # the overlap, forced
    lon1 = type(lon1)(lon1.id, lon1.platform, lon1.site, lon1.settings, wide, lon1.credentials)
    registry = {"asterisk": lambda spec, _c: AsteriskTarget(spec, credential())}
    creds = CredentialStore(environ={"RECONCILER_CRED_PBX_DB_USERNAME": "asterisk"})
    tp = plan_target(lon1, desired.resources["lon1/pbx"], registry, creds)
    assert tp.error is None
    deleted = {c.key for c in tp.changes if c.op == "delete" and c.kind == "pbx_endpoint"}
    assert not deleted & man1_eps  # man1's accounts are not lon1's to prune
    assert [r.split(":")[0] for r in tp.refusals] == ["lon1/pbx"]
    assert "pbx_endpoint 442079460121, but that is an endpoint in context 'ops'" in \
        tp.refusals[0]
