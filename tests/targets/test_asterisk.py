"""The Asterisk target on Asterisk's own realtime schema, SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine.diff import diff, order_changes
from reconciler.errors import TargetError
from reconciler.targets.asterisk import AsteriskTarget
from tests.targets.asterisk_env import (
    credential,
    estate_spec,
    mails,
    password_in,
    postgres_db,
    snapshot,
    spec_for,
    sqlite_db,
    sqlite_query,
)
from tests.targets.contract import ContractEnv, TargetContract

ACME = "lon1.acme"  # Acme's voicemail context
PHONES, OCC = "lon1.phones", "lon1.occupiers"
JANE, RAJ, MAIN = "442079460121", "442079460122", "+442079460120"


@pytest.fixture(autouse=True)
def _outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_OUTBOX", str(tmp_path / "outbox"))


def _plan(target: AsteriskTarget, desired: list[Any]) -> list[Any]:
    return order_changes(diff(target.read(), desired, target.write_only), target.kind_order)


def test_apply_writes_coherent_endpoints_routes_and_business_hours(
        tmp_path: Path, backend: tuple[dict[str, Any], Any]) -> None:
    settings, query = backend
    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path, **settings)
    want = desired.resources["lon1/pbx"]
    with AsteriskTarget(spec, credential()) as target:
        changes = _plan(target, want)
        assert {c.op for c in changes} == {"create"}
        rendered = "\n".join(target.render(changes))
        assert "BEGIN;" in rendered and "'***'" in rendered
        result = target.apply(changes)
        assert result.changed
        assert _plan(target, want) == []  # the second plan is empty
    rows = snapshot(query)
    eps = {r[0]: r for r in rows["ps_endpoints"]}
    # Each assigned number: an endpoint in the site's phones context with the occupier's key
    # as accountcode, its aor (the only place of `mailboxes`: MWI by subscription) and auth,
    # a DID row, and the extension among the occupier's rows.
    for ep, ext, name in ((JANE, 2121, "Jane Okafor"), (RAJ, 2122, "Raj Patel")):
        _id, ctx, cid, mailboxes, account, aors, auth = eps[ep]
        assert (ctx, account, aors, auth, mailboxes) == (PHONES, "acme", ep, ep, None)
        assert cid == f'"{name}" <+{ep}>'
        assert (ep, 2, f"{ext}@{ACME}") in rows["ps_aors"]
        assert any(a[0] == ep and a[1] == "userpass" and a[2] == ep and len(a[3]) >= 20
                   for a in rows["ps_auths"])
        assert ("lon1.did_in", f"+{ep}", 1, "Set", "CHANNEL(accountcode)=acme") \
            in rows["extensions"]
        assert ("lon1.did_in", f"+{ep}", 2, "Goto", f"{OCC},acme.{ext},1") in rows["extensions"]
        assert (OCC, f"acme.{ext}", 1, "Dial", f"PJSIP/{ep},20") in rows["extensions"]
        assert (OCC, f"acme.{ext}", 2, "VoiceMail", f"{ext}@{ACME},u") in rows["extensions"]
    # Unassigned numbers get no endpoint; nothing of Kestrel (starts 2027) or other sites.
    assert set(eps) == {JANE, RAJ}
    assert all(r[0].startswith("lon1.") for r in rows["extensions"])
    # Main number: DID -> main, by business hours, then "if unanswered" (a forward here,
    # through the trunk with Acme's accountcode on the leg that costs).
    dial = {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows["extensions"]}
    assert dial[("lon1.did_in", MAIN, 2)] == ("Goto", f"{OCC},acme.main,1")
    assert dial[(OCC, "acme.main", 1)] == (
        "GotoIfTime", "08:30-18:00,mon&tue&wed&thu&fri,*,*,Europe/London"
                      "?acme.main-in,1:acme.main-out,1")
    assert dial[(OCC, "acme.main-in", 1)] == ("Dial", f"PJSIP/{JANE}&PJSIP/{RAJ},25")
    assert dial[(OCC, "acme.main-in", 2)] == ("Goto", "acme.main-na,1")
    assert dial[(OCC, "acme.main-out", 1)] == ("VoiceMail", f"{MAIN[1:]}@{ACME},u")
    assert dial[(OCC, "acme.main-na", 1)] == ("Set", "CHANNEL(accountcode)=acme")
    assert dial[(OCC, "acme.main-na", 2)] == ("Dial", "PJSIP/+447700900123@trunk,20")
    # Outside calls: national and mobile for Acme (the default), every other class refused.
    assert dial[(OCC, "acme.out", 1)] == (
        "Return", '${IF($["${ARG1}" = "mobile" | "${ARG1}" = "national"]?allow:deny)}')
    boxes = {(r[0], r[1]): r for r in rows["voicemail"]}
    assert set(boxes) == {(ACME, "2121"), (ACME, "2122"), (ACME, MAIN[1:])}
    # The main number's box is mailed to Acme's admin (Jane); every box has the site's zone.
    assert boxes[(ACME, MAIN[1:])][4] == "jane@acme.example"
    assert {r[0] for r in query("SELECT tz FROM voicemail")} == {"lon1"}
    # Secrets went to the outbox, one SIP password per endpoint, matching the database.
    sent = mails(tmp_path / "outbox")
    sip = [m for m in sent if "SIP account" in m]
    assert len(sip) == 2
    auths = {a[0]: a[3] for a in rows["ps_auths"]}
    assert {password_in(m) for m in sip} == {auths[JANE], auths[RAJ]}
    assert auths[JANE] not in rendered
    # Jane's desk phone: a Yealink file named by its MAC, with her credentials.
    cfg = (tmp_path / "prov" / "lon1" / "805ec0123456.cfg").read_text()
    assert cfg.startswith("#!version:1.0.0.1\n## reconciler ")
    assert f"account.1.user_name = {JANE}\n" in cfg
    assert f"account.1.password = {auths[JANE]}\n" in cfg


def test_removed_number_deletes_only_its_rows_and_scope_is_kept(
        tmp_path: Path, backend: tuple[dict[str, Any], Any]) -> None:
    settings, query = backend
    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path, **settings)
    want = desired.resources["lon1/pbx"]
    with AsteriskTarget(spec, credential()) as target:
        target.apply(_plan(target, want))
        # Rows outside the scope: another site's context, a default context, an operator
        # endpoint on the site's own support number, a number outside the ranges.
        foreign = [
            "INSERT INTO extensions (context, exten, priority, app, appdata) VALUES "
            "('man1.acme', '3000', 1, 'Dial', 'PJSIP/x'), ('default', 's', 1, 'Hangup', ''), "
            "('lon1-reception', '2000', 1, 'Dial', 'PJSIP/desk'), "
            # The operator's own DIDs in the site's inbound context: the support line and a
            # number from no range of the site.
            "('lon1.did_in', '+442079460100', 1, 'Goto', 'lon1-reception,2000,1'), "
            "('lon1.did_in', '+441234567890', 1, 'Hangup', '')",
            "INSERT INTO ps_endpoints (id, context) VALUES ('442079460100', 'ops'), "
            "('441234567890', 'ops'), ('alice', 'ops')",
            "INSERT INTO voicemail (context, mailbox, password) VALUES ('default', '1', '1234')",
        ]
        target.db._connect()
        with target.db.transaction() as cur:
            for sql in foreign:
                cur.execute(sql)
        before = snapshot(query)
        assert _plan(target, want) == []
        # Raj's number is released: only his rows go.
        gone = [r for r in want if r.key not in (RAJ, "+" + RAJ, f"{ACME}/2122",
                                                 f"{OCC}/acme.2122")]
        changes = _plan(target, gone)
        assert {(c.op, c.kind, c.key) for c in changes} == {
            ("delete", "pbx_endpoint", RAJ), ("delete", "pbx_did", "+" + RAJ),
            ("delete", "pbx_extension", f"{OCC}/acme.2122"),
            ("delete", "pbx_voicemail", f"{ACME}/2122")}
        target.apply(changes)
        after = snapshot(query)
    removed = {t: sorted(set(before[t]) - set(after[t])) for t in before}
    added = {t: sorted(set(after[t]) - set(before[t])) for t in before}
    assert [r[0] for r in removed["ps_endpoints"]] == [RAJ]
    assert [r[0] for r in removed["ps_aors"]] == [RAJ] and [r[0] for r in removed["ps_auths"]] \
        == [RAJ]
    assert {(r[0], r[1]) for r in removed["extensions"]} == {("lon1.did_in", "+" + RAJ),
                                                             (OCC, "acme.2122")}
    assert [(r[0], r[1]) for r in removed["voicemail"]] == [(ACME, "2122")]
    assert all(not v for v in added.values())
    assert ("lon1.did_in", "+442079460100", 1, "Goto", "lon1-reception,2000,1") \
        in after["extensions"]
    for row in (("442079460100", "ops"), ("441234567890", "ops"), ("alice", "ops")):
        assert any(r[:2] == row for r in after["ps_endpoints"])


def test_update_keeps_the_sip_password_and_sends_no_mail(
        tmp_path: Path, backend: tuple[dict[str, Any], Any]) -> None:
    settings, query = backend
    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path, **settings)
    want = desired.resources["lon1/pbx"]
    with AsteriskTarget(spec, credential()) as target:
        target.apply(_plan(target, want))
        pw = {r[0]: r[3] for r in snapshot(query)["ps_auths"]}
        sent = len(mails(tmp_path / "outbox"))
        moved = [r if r.key != JANE else type(r)(r.target, r.kind, r.key,
                                                 {**r.attrs, "callerid": '"Jane O." <+1>'},
                                                 r.owner) for r in want]
        changes = _plan(target, moved)
        assert [(c.op, c.key, c.fields) for c in changes] == [("update", JANE, ("callerid",))]
        target.apply(changes)
    assert {r[0]: r[3] for r in snapshot(query)["ps_auths"]} == pw
    assert len(mails(tmp_path / "outbox")) == sent


class TestAsteriskContract(TargetContract):
    @pytest.fixture
    def contract_env(self, tmp_path: Path) -> Iterator[ContractEnv]:
        db = sqlite_db(tmp_path / "asterisk.sqlite")
        _root, desired = estate_spec(tmp_path)
        spec = spec_for(desired, "lon1", tmp_path, path=str(db))
        query = sqlite_query(db)
        prov = tmp_path / "prov" / "lon1"

        def state() -> Any:
            files = sorted((p.name, p.read_text()) for p in prov.glob("*")) \
                if prov.is_dir() else []
            return snapshot(query), files

        def fail() -> None:
            # A real database refusal part-way through the transaction.
            with sqlite3.connect(db) as conn:
                conn.execute("CREATE TRIGGER fault BEFORE INSERT ON voicemail "
                             "BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
            conn.close()

        def clear() -> None:
            with sqlite3.connect(db) as conn:
                conn.execute("DROP TRIGGER fault")
            conn.close()

        yield ContractEnv(spec=spec, credential=credential(),
                          desired=desired.resources["lon1/pbx"], snapshot=state,
                          inject_failure=fail, clear_faults=clear)


def test_fault_mid_transaction_leaves_the_database_unchanged(tmp_path: Path) -> None:
    db = sqlite_db(tmp_path / "asterisk.sqlite")
    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path, path=str(db))
    query = sqlite_query(db)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TRIGGER fault BEFORE INSERT ON extensions WHEN NEW.exten = 'acme.main-na' "
                     "BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
    conn.close()
    before = snapshot(query)
    with AsteriskTarget(spec, credential()) as target:
        changes = _plan(target, desired.resources["lon1/pbx"])
        with pytest.raises(TargetError, match="injected fault"):
            target.apply(changes)
    assert snapshot(query) == before
    assert not (tmp_path / "outbox").exists()  # no password mailed for what was not written
    assert not (tmp_path / "prov" / "lon1").exists()


class TestAsteriskContractPostgres(TargetContract):
    """The same contract on PostgreSQL with the schema Asterisk's migrations build."""

    @pytest.fixture
    def contract_env(self, tmp_path: Path, postgres: Any) -> Iterator[ContractEnv]:
        import psycopg

        dsn = postgres_db(postgres)
        _root, desired = estate_spec(tmp_path)
        spec = spec_for(desired, "lon1", tmp_path, dsn=dsn)
        prov = tmp_path / "prov" / "lon1"

        def query(sql: str) -> list[tuple[Any, ...]]:
            with psycopg.connect(dsn) as conn:
                return [tuple(r) for r in conn.execute(sql).fetchall()]  # type: ignore[arg-type]

        def state() -> Any:
            files = sorted((p.name, p.read_text()) for p in prov.glob("*")) \
                if prov.is_dir() else []
            return snapshot(query), files

        def run(sql: str) -> None:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(sql)  # type: ignore[arg-type]

        def fail() -> None:
            run("CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$")
            run("CREATE TRIGGER fault BEFORE INSERT ON voicemail FOR EACH ROW "
                "EXECUTE FUNCTION fault()")

        def clear() -> None:
            run("DROP TRIGGER fault ON voicemail")

        yield ContractEnv(spec=spec, credential=credential(),
                          desired=desired.resources["lon1/pbx"], snapshot=state,
                          inject_failure=fail, clear_faults=clear)


def test_the_database_comes_from_the_credential_or_is_asked_for(tmp_path: Path) -> None:
    from reconciler.engine.credentials import Credential
    from reconciler.errors import ConfigError

    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path)
    cred = Credential("pbx-db", {"dsn": "postgresql://db.lon1:5432/asterisk",
                                 "username": "rt", "password": "p@ss word"})
    target = AsteriskTarget(spec, cred)
    assert target.db.dsn == "postgresql://rt:p%40ss%20word@db.lon1:5432/asterisk"
    with pytest.raises(ConfigError, match="no realtime database"):
        AsteriskTarget(spec, Credential("pbx-db", {"username": "rt", "password": "x"}))


def test_a_new_phone_model_replaces_the_old_file(tmp_path: Path) -> None:
    db = sqlite_db(tmp_path / "asterisk.sqlite")
    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path, path=str(db))
    want = desired.resources["lon1/pbx"]
    prov = tmp_path / "prov" / "lon1"
    (prov / "000000000000.cfg").parent.mkdir(parents=True)
    (prov / "000000000000.cfg").write_text("#!version:1.0.0.1\n# the operator's default\n")
    with AsteriskTarget(spec, credential()) as target:
        target.apply(_plan(target, want))
        assert sorted(p.name for p in prov.iterdir()) == ["000000000000.cfg", "805ec0123456.cfg"]
        snom = [type(r)(r.target, r.kind, r.key, {**r.attrs, "model": "snom-d785"}, r.owner)
                if r.kind == "handset" else r for r in want]
        changes = _plan(target, snom)
        assert [(c.op, c.kind, c.fields) for c in changes] == [("update", "handset", ("model",))]
        target.apply(changes)
        assert _plan(target, snom) == []
    assert sorted(p.name for p in prov.iterdir()) == ["000000000000.cfg", "805ec0123456.xml"]
    xml = (prov / "805ec0123456.xml").read_text()
    assert "<user_name idx=\"1\" perm=\"R\">442079460121</user_name>" in xml


def test_the_shipped_postgresql_ddl_is_enough_for_the_target(tmp_path: Path,
                                                             postgres: Any) -> None:
    import uuid

    import psycopg

    ddl = (Path(__file__).resolve().parents[2] / "templates" / "asterisk" /
           "realtime.postgresql.sql").read_text()
    dsn = postgres.create_database("min" + uuid.uuid4().hex[:8])
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(ddl)  # type: ignore[arg-type]
    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path, dsn=dsn)
    want = desired.resources["lon1/pbx"]
    with AsteriskTarget(spec, credential()) as target:
        target.apply(_plan(target, want))
        assert _plan(target, want) == []
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*) FROM ps_auths").fetchone() == (2,)
