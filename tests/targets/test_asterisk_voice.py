"""The Asterisk target's voice features on Asterisk's own schema: SIP password rotation by
credential_version, MWI by subscription (mailboxes on the AOR only), rows of the older
layout replaced, DIDs rewritten when the carrier's number format changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine.diff import diff, order_changes
from reconciler.engine.resources import Resource
from reconciler.targets.asterisk import AsteriskTarget
from tests.targets.asterisk_env import credential, estate_spec, mails, password_in, spec_for

JANE, RAJ = "442079460121", "442079460122"


@pytest.fixture(autouse=True)
def _outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_OUTBOX", str(tmp_path / "outbox"))


def _plan(target: AsteriskTarget, desired: list[Resource]) -> list[Any]:
    return order_changes(diff(target.read(), desired, target.write_only), target.kind_order)


def _with(resources: list[Resource], key: str, **attrs: Any) -> list[Resource]:
    return [replace(r, attrs={**r.attrs, **attrs}) if r.key == key else r for r in resources]


def test_a_new_credential_version_rotates_the_sip_password(
        tmp_path: Path, backend: tuple[dict[str, Any], Any]) -> None:
    settings, query = backend
    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path, **settings)
    want = desired.resources["lon1/pbx"]
    with AsteriskTarget(spec, credential()) as target:
        target.apply(_plan(target, want))
        before = dict(query("SELECT id, password FROM ps_auths"))
        sent = set(mails(tmp_path / "outbox"))
        # Jane's user file says credential_version: 2 (her desk phone follows).
        rotated = _with(_with(want, JANE, credential_version=2), "805ec0123456",
                        credential_version=2)
        changes = _plan(target, rotated)
        assert [(c.kind, c.key, c.fields) for c in changes] == [
            ("pbx_endpoint", JANE, ("credential_version",)),
            ("handset", "805ec0123456", ("credential_version",))]
        assert "***" in "\n".join(target.render(changes))
        target.apply(changes)
        assert _plan(target, rotated) == []
    after = dict(query("SELECT id, password FROM ps_auths"))
    assert after[RAJ] == before[RAJ] and after[JANE] != before[JANE] and len(after[JANE]) >= 20
    new = [m for m in mails(tmp_path / "outbox") if m not in sent]
    assert len(new) == 1 and "To: jane@acme.example" in new[0] and "a new password" in new[0]
    assert password_in(new[0]) == after[JANE]
    cfg = (tmp_path / "prov" / "lon1" / "805ec0123456.cfg").read_text()
    assert f"account.1.password = {after[JANE]}\n" in cfg
    assert "voice_mail.number.1 = *97\n" in cfg  # the handset's voicemail key
    assert query("SELECT set_var FROM ps_endpoints WHERE id = '442079460121'") == [
        ("RECONCILER_CREDENTIAL=2",)]


OLD_LAYOUT = [
    # What the previous version wrote: mailboxes on the endpoint and the AOR (Asterisk then
    # refuses every MWI SUBSCRIBE), one dialplan context per occupier.
    "INSERT INTO ps_endpoints (id, aors, auth, context, callerid, mailboxes, accountcode) "
    "VALUES ('442079460121', '442079460121', '442079460121', 'lon1.acme', "
    "'\"Jane Okafor\" <+442079460121>', '2121@lon1.acme', 'acme')",
    "INSERT INTO ps_aors (id, max_contacts, remove_existing, mailboxes) VALUES "
    "('442079460121', 2, 'yes', '2121@lon1.acme')",
    "INSERT INTO ps_auths (id, auth_type, username, password) VALUES "
    "('442079460121', 'userpass', '442079460121', 'the-old-password-kept-123')",
    "INSERT INTO extensions (context, exten, priority, app, appdata) VALUES "
    "('lon1.acme', '2121', 1, 'Dial', 'PJSIP/442079460121,20'), "
    "('lon1.acme', 'main-na', 1, 'Dial', 'PJSIP/+447700900123@trunk,20'), "
    "('lon1.did_in', '+442079460121', 1, 'Goto', 'lon1.acme,2121,1')",
]


def test_rows_of_the_older_layout_are_replaced_and_the_password_kept(
        tmp_path: Path, backend: tuple[dict[str, Any], Any]) -> None:
    settings, query = backend
    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path, **settings)
    want = desired.resources["lon1/pbx"]
    with AsteriskTarget(spec, credential()) as target:
        target.db._connect()
        with target.db.transaction() as cur:
            for sql in OLD_LAYOUT:
                cur.execute(sql)
        changes = _plan(target, want)
        ops = {(c.op, c.kind, c.key): c for c in changes}
        ep = ops[("update", "pbx_endpoint", JANE)]
        assert set(ep.fields) >= {"context", "unsolicited_mwi", "caller_id"}
        assert ("delete", "pbx_extension", "lon1.acme/2121") in ops
        assert ("delete", "pbx_main_number", "lon1.acme/main-na") in ops
        assert ("update", "pbx_did", "+442079460121") in ops
        target.apply(changes)
        assert _plan(target, want) == []
    assert query("SELECT mailboxes FROM ps_endpoints WHERE id = '442079460121'") == [(None,)]
    assert query("SELECT mailboxes, voicemail_extension FROM ps_aors WHERE id = '442079460121'") \
        == [("2121@lon1.acme", "*97")]
    assert query("SELECT password FROM ps_auths WHERE id = '442079460121'") == [
        ("the-old-password-kept-123",)]
    assert query("SELECT count(*) FROM extensions WHERE context = 'lon1.acme'") == [(0,)]


def test_dids_follow_the_carriers_number_format(
        tmp_path: Path, backend: tuple[dict[str, Any], Any]) -> None:
    settings, query = backend
    _root, desired = estate_spec(tmp_path)
    spec = spec_for(desired, "lon1", tmp_path, **settings)
    want = desired.resources["lon1/pbx"]
    national = [replace(r, attrs={**r.attrs, "exten": "0" + r.key[3:]})
                if r.kind == "pbx_did" else r for r in want]
    with AsteriskTarget(spec, credential()) as target:
        target.apply(_plan(target, want))
        changes = _plan(target, national)
        assert {c.kind for c in changes} == {"pbx_did"}
        assert all(c.op == "update" and c.fields == ("exten",) for c in changes)
        target.apply(changes)
        assert _plan(target, national) == []
    dids = sorted(r[0] for r in query("SELECT DISTINCT exten FROM extensions WHERE context = "
                                      "'lon1.did_in'"))
    assert dids == ["02079460101", "02079460102", "02079460120", "02079460121", "02079460122"]
