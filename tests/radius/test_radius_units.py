"""Pure parts of the RADIUS feature: hashes, escaping, intent, validation rules."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine.resources import Change
from reconciler.errors import ConfigError
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from reconciler.targets.freeradius_auth import (
    ALPHABET,
    check_ssha512,
    generate_password,
    nt_hash,
    sql_escape,
    sql_unescape,
    ssha512,
)
from reconciler.targets.freeradius_rows import Scope, statements


def test_nt_hash_matches_smbencrypt() -> None:
    # `smbencrypt S3cret-pass` (freeradius-utils) prints this NT hash
    assert nt_hash("S3cret-pass") == "188F0ADDE26C6DEEF053D3BE93805C42"


def test_ssha512_is_salted_and_checks_only_the_right_password() -> None:
    a, b = ssha512("pw-one"), ssha512("pw-one")
    assert a != b and a.startswith("0x") and len(a) == 2 + 2 * (64 + 16)
    assert check_ssha512("pw-one", a) and not check_ssha512("pw-two", a)


def test_generated_passwords_are_long_random_and_unambiguous() -> None:
    pws = {generate_password() for _ in range(200)}
    assert len(pws) == 200
    assert all(len(p) == 20 and set(p) <= set(ALPHABET) for p in pws)
    assert not set("0O1lI") & set(ALPHABET)


@pytest.mark.parametrize(("name", "stored"), [
    ("jane@acme.example", "jane@acme.example"),
    ("ops+wifi@acme.example", "ops=2Bwifi@acme.example"),
    ("a=b@x.example", "a=3Db@x.example"),
])
def test_user_names_are_stored_as_rlm_sql_escapes_them(name: str, stored: str) -> None:
    assert sql_escape(name) == stored and sql_unescape(stored) == name


def _radius(root: Path, day: str) -> dict[tuple[str, str], Any]:
    state = compile_estate(load_estate(root), dt.date.fromisoformat(day))
    return {(r.kind, r.key): r for r in state.resources["radius"]}


def test_intent_follows_contract_dates_and_mac_auth(estate_dir: Path) -> None:
    res = _radius(estate_dir, "2026-11-26")
    # one row selects the NAS, one grants: the NAS and the VLAN together, no reply rows
    assert res[("radius_group", "rcl-acme@lon1")].attrs == {
        "check": ["NAS-Identifier == lon1-wlc", "Reconciler-Grant := nas=lon1-wlc vlan=102"],
        "reply": []}
    # Bluefin ended (deprovisioned), Kestrel starts in 2027: no groups, no users
    assert not any("bluefin" in k or "kestrel" in k for _kind, k in res)
    assert ("radius_user", "owen.price@northwind-legal.example") not in res  # wifi_secure off
    # MAC auth only where the site enables it: Manchester's printer, not Greenleaf's (London)
    macs = {k for kind, k in res if kind == "radius_mac"}
    assert "001ba95c1001" in macs and not macs & {"3cd92b4e1102", "00107fa39c20"}
    assert res[("radius_mac", "001ba95c1001")].attrs == {
        "groups": {"rcl-northwind-legal@man1": 10},
        "check": ["Reconciler-Cleartext-Password := 001ba95c1001"]}
    later = _radius(estate_dir, "2027-02-01")
    assert ("radius_group", "rcl-kestrel-labs@man1") in later
    assert later[("radius_user", "jane@acme.example")].attrs["groups"] == {"rcl-acme@man1": 10}


def test_accounts_come_a_lead_time_ahead_and_the_grant_on_the_start_day(
        estate_dir: Path) -> None:
    # Kestrel Labs starts at man1 on 2027-02-01; man1 keeps the default lead of 7 days.
    amara = ("radius_user", "amara.nwosu@kestrel-labs.example")
    grant = ("radius_group", "rcl-kestrel-labs@man1")
    assert amara not in _radius(estate_dir, "2027-01-24")
    early = _radius(estate_dir, "2027-01-25")
    assert early[amara].attrs["groups"] == {"rcl-kestrel-labs@man1": 10}
    assert early[amara].attrs["invite"]["starts"] == "2027-02-01"
    assert grant not in early  # an account, no access yet
    on_day = _radius(estate_dir, "2027-02-01")
    assert grant in on_day and "starts" not in on_day[amara].attrs["invite"]
    path = estate_dir / "sites" / "man1.yaml"
    path.write_text(path.read_text().replace("mac_auth: true,", "mac_auth: true, "
                                             "invite_lead_days: 14,"))
    assert amara in _radius(estate_dir, "2027-01-18")


def test_values_outside_the_scope_never_become_sql() -> None:
    scope = Scope({"group_prefix": "rcl-", "deny_group": "rcl-deny"}, "Tmp-String-9")
    bad = [
        Change("create", "radius", "radius_group", "staff", None, {"check": [], "reply": []}),
        Change("create", "radius", "radius_group", "rcl-a@b", None,
               {"check": ["NAS-Identifier == x' OR 1=1 --"], "reply": []}),
        Change("create", "radius", "radius_user", "Robert'); DROP TABLE radcheck;--", None,
               {"groups": {}, "credential_version": 1}),
        Change("create", "radius", "radius_mac", "zz", None, {"groups": {}, "check": []}),
        # only the rows the server's policy expects: no Auth-Type, no plain password
        Change("create", "radius", "radius_group", "rcl-a@b", None,
               {"check": ["Auth-Type := Accept"], "reply": []}),
        Change("create", "radius", "radius_mac", "001122334455", None,
               {"groups": {}, "check": ["Cleartext-Password := 001122334455"]}),
    ]
    for c in bad:
        with pytest.raises(ConfigError):
            statements([c], scope)


@pytest.mark.parametrize(("old", "new", "rule"), [
    ("nas_identifier: man1-wlc", "nas_identifier: lon1-wlc", "radius-nas"),
    ("mac_auth: true, credentials: radius-db", "mac_auth: true, credentials: other-db",
     "radius-server"),
])
def test_sites_sharing_a_radius_server_agree(estate_dir: Path, cli: Callable[..., Any],
                                            old: str, new: str, rule: str) -> None:
    path = estate_dir / "sites" / "man1.yaml"
    path.write_text(path.read_text().replace(old, new))
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if "radius:" in ln)
    res = cli("validate", "--repo", str(estate_dir))
    assert res.exit_code == 1
    assert re.search(rf"sites/man1\.yaml:{line}:\d+: \[{rule}\]", res.output), res.output


def test_a_server_shared_by_sites_is_selected_by_either_site(estate_dir: Path) -> None:
    from reconciler.service.desired import select

    state = compile_estate(load_estate(estate_dir), dt.date(2026, 11, 26))
    assert state.targets["radius"].site == "lon1"
    for site in ("lon1", "man1"):
        assert "radius" in select(state, [site], None).targets
    man1 = set(select(state, ["man1"], None).targets)
    assert {"radius", "man1/core1", "man1/acc-1a"} <= man1
    assert not any(t.startswith("lon1/") for t in man1)


def test_a_login_with_someone_elses_password_rows_is_not_taken_over(
        estate_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from reconciler.engine.credentials import Credential
    from reconciler.engine.diff import diff, order_changes
    from reconciler.errors import TargetRejected
    from reconciler.lab.freeradius import MINIMAL_SQLITE_SCHEMA
    from reconciler.targets.freeradius import FreeradiusTarget

    monkeypatch.setenv("RECONCILER_OUTBOX", str(tmp_path / "outbox"))
    db = tmp_path / "radius.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(MINIMAL_SQLITE_SCHEMA)
        conn.execute("INSERT INTO radcheck (username, attribute, op, value) "
                     "VALUES ('jane@acme.example', 'Cleartext-Password', ':=', 'old')")
    state = compile_estate(load_estate(estate_dir), dt.date(2026, 11, 26))
    with FreeradiusTarget(state.targets["radius"],
                          Credential("radius-db", {"dsn": f"sqlite:///{db}"})) as target:
        changes = order_changes(diff(target.read(), state.resources["radius"],
                                     target.write_only), target.kind_order)
        with pytest.raises(TargetRejected, match="jane@acme.example is a RADIUS user that "
                           "reconciler did not make .it holds radcheck Cleartext-Password"):
            target.apply(changes)
        assert target.read() == []
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM radcheck").fetchone() == (1,)
    assert not (tmp_path / "outbox").exists()


def _columns(schema: str) -> dict[str, list[str]]:
    import sqlite3

    from reconciler.targets.freeradius_db import TABLES

    with sqlite3.connect(":memory:") as db:
        db.executescript(schema)
        return {t: [r[1].lower() for r in db.execute(f"PRAGMA table_info({t})")]
                for t in TABLES}


@pytest.mark.realdata
def test_lab_schemas_have_freeradius_own_tables_and_columns() -> None:
    from reconciler.lab.freeradius import MINIMAL_SQLITE_SCHEMA, MODCONFDIR
    from tests.conftest import realdata

    upstream = _columns(realdata("freeradius", "v3.2.10", "sqlite_schema.sql").read_text())
    assert upstream["radusergroup"] == ["id", "username", "groupname", "priority"]
    assert _columns(MINIMAL_SQLITE_SCHEMA) == upstream
    shipped = MODCONFDIR / "sql" / "main" / "sqlite" / "schema.sql"
    if shipped.exists():
        assert _columns(shipped.read_text()) == upstream
