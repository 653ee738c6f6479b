"""Wi-Fi Secure on the real FreeRADIUS, after `reconciler apply`, on SQLite and PostgreSQL.

Each test sends real RADIUS requests (pyrad PAP/MSCHAPv2, eapol_test PEAP) to a
FreeRADIUS reading the rows the reconciler wrote.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.radius.conftest import DAY

if TYPE_CHECKING:
    from tests.radius.conftest import RadiusLab

pytestmark = pytest.mark.lab

JANE, LI, OSCAR = "jane@acme.example", "li.wei@acme.example", "oscar.lind@greenleaf.example"
LON, MAN = "lon1-wlc", "man1-wlc"
AFTER_ACME_LONDON = "2027-01-05"  # acme's London contract ended on 2027-01-04 (deprovision)


def test_user_of_a_multi_site_occupier_gets_its_vlan_at_each_site(radius: RadiusLab) -> None:
    rc, plan = radius.plan_json()
    assert rc == 2
    radius.apply()
    pw = radius.new_passwords()
    assert {JANE, LI, OSCAR} <= set(pw)
    # acme: VLAN 102 in London, 101 in Manchester, over PAP and MSCHAPv2
    for method in (radius.pap, radius.client.mschapv2):
        at_lon, at_man = method(JANE, pw[JANE], LON), method(JANE, pw[JANE], MAN)
        assert at_lon.accepted and at_lon.vlan == "102"
        assert at_man.accepted and at_man.vlan == "101"
        assert at_lon.attrs["Tunnel-Type"] == ["VLAN"]
        assert at_lon.attrs["Tunnel-Medium-Type"] == ["IEEE-802"]
    # greenleaf is only in London (VLAN 101 there)
    assert radius.pap(OSCAR, pw[OSCAR], LON).vlan == "101"
    no = radius.pap(OSCAR, pw[OSCAR], MAN)
    assert not no.accepted and no.attrs == {}  # a Reject carries no VLAN
    # a NAS of no site, a wrong password, a stranger
    assert not radius.pap(JANE, pw[JANE], "elsewhere-wlc").accepted
    assert not radius.pap(JANE, pw[OSCAR], LON).accepted
    assert not radius.client.mschapv2(JANE, pw[OSCAR], LON).accepted
    assert not radius.pap("nobody@acme.example", pw[JANE], LON).accepted
    # converged: the next plan is empty
    rc, again = radius.plan_json()
    assert rc == 0 and again["summary"] == {"create": 0, "update": 0, "delete": 0}


def test_peap_mschapv2_through_a_real_supplicant(radius: RadiusLab) -> None:
    radius.apply()
    pw = radius.new_passwords()
    at_man = radius.peap(JANE, pw[JANE], MAN)
    assert at_man.accepted and at_man.vlan == "101"
    assert radius.peap(JANE, pw[JANE], LON).vlan == "102"
    assert not radius.peap(JANE, "not-the-password", MAN).accepted
    assert not radius.peap(OSCAR, pw[OSCAR], MAN).accepted  # no contract in Manchester


def test_contract_end_wifi_off_and_removed_user_are_rejected(radius: RadiusLab) -> None:
    radius.apply()
    pw = radius.new_passwords()
    radius.edit_occupier("acme", lambda d: d["users"][2].update(wifi_secure=False))  # li.wei
    radius.edit_occupier("greenleaf-studio", lambda d: d["users"].pop(1))  # oscar.lind
    radius.apply(AFTER_ACME_LONDON)
    assert radius.new_mail() == []  # nobody new, nobody rotated
    # acme left London: Jane is rejected there, still in VLAN 101 in Manchester
    assert not radius.pap(JANE, pw[JANE], LON).accepted
    assert radius.pap(JANE, pw[JANE], MAN).vlan == "101"
    assert not radius.client.mschapv2(JANE, pw[JANE], LON).accepted
    # Wi-Fi Secure turned off for Li, Oscar removed: rejected everywhere, rows gone
    for user in (LI, OSCAR):
        assert not radius.pap(user, pw[user], LON).accepted
        assert not radius.pap(user, pw[user], MAN).accepted
        assert radius.sql("SELECT count(*) FROM radcheck WHERE username = ?", (user,)) == [(0,)]
        assert radius.sql("SELECT count(*) FROM radusergroup WHERE username = ?",
                          (user,)) == [(0,)]
    assert radius.sql("SELECT count(*) FROM radgroupreply WHERE groupname = ?",
                      ("rcl-acme@lon1",)) == [(0,)]


def test_rotation_sends_a_new_password_and_the_old_one_stops_working(radius: RadiusLab) -> None:
    radius.apply()
    old = radius.new_passwords()[JANE]
    radius.edit_occupier("acme", lambda d: d["users"][0].update(credential_version=2))
    rc, plan = radius.plan_json()
    assert rc == 2
    (change,) = [c for t in plan["targets"] for c in t["changes"]]
    assert (change["op"], change["key"], change["fields"]) == \
        ("update", JANE, ["credential_version"])
    radius.apply()
    mail = radius.new_mail()
    assert [str(m["To"]) for m in mail] == [JANE]
    assert "new Wi-Fi Secure password" in str(mail[0]["Subject"])
    new = _password(mail[0])
    assert new != old
    assert radius.pap(JANE, new, LON).vlan == "102"
    assert radius.client.mschapv2(JANE, new, MAN).vlan == "101"
    assert not radius.pap(JANE, old, LON).accepted
    assert not radius.client.mschapv2(JANE, old, MAN).accepted
    assert radius.plan_json()[0] == 0


def _password(msg: Any) -> str:
    import re

    from tests.radius.radius_client import Secret

    m = re.search(r"Password: (\S+)", msg.get_content())
    assert m
    return Secret(m.group(1))


def test_mac_authenticated_device_lands_in_its_occupier_vlan(radius: RadiusLab) -> None:
    radius.apply()
    printer = "001ba95c1001"  # northwind-legal's printer at man1, where mac_auth is on
    ok = radius.client.mac(printer, MAN)
    assert ok.accepted and ok.vlan == "100"
    assert not radius.client.mac(printer, LON).accepted
    assert not radius.client.mac("001ba95c1002", MAN).accepted


def test_secrets_appear_in_no_plan_log_or_repository_file(radius: RadiusLab) -> None:
    outputs = [radius.cli("plan", "--target", "radius", "--at", "2026-11-26").output,
               radius.cli("plan", "--format", "json", "--target", "radius").output,
               radius.apply().output]
    radius.edit_occupier("acme", lambda d: d["users"][0].update(credential_version=3))
    saved = radius.root / "plan.json"
    outputs.append(radius.cli("plan", "--target", "radius", "--out", str(saved)).output)
    outputs.append(radius.cli("apply", "--yes", str(saved)).output)
    invitation_printed = "Password:" in "".join(outputs)
    assert not invitation_printed
    mails = sorted(radius.outbox.glob("*.eml"))
    assert len(mails) >= 8
    secrets = [_password(m) for m in radius.new_mail()]
    from reconciler.targets.freeradius_auth import nt_hash

    hashes = [nt_hash(s) for s in secrets]
    assert len(set(secrets)) == len(secrets)
    # logins (good and bad) must not make the server store or log a password either
    assert radius.pap(JANE, secrets[-1], MAN).accepted
    assert not radius.pap(OSCAR, secrets[-1], LON).accepted
    public = outputs + [radius.server.log_text()]
    public += [p.read_text(errors="replace") for p in radius.root.rglob("*")
               if p.is_file() and radius.outbox not in p.parents]
    stored = [repr(radius.sql("SELECT * FROM radpostauth")), repr(radius.rows())]
    if radius.dialect == "sqlite":
        stored.append(radius.server.sqlite_path.read_bytes().decode("latin-1"))
    leaked = [i for i, s in enumerate(secrets) if any(s in t for t in public + stored)]
    assert leaked == []  # indexes only: a failing test must not print the secret
    assert [i for i, h in enumerate(hashes) if any(h in t for t in public)] == []
    assert all(m.stat().st_mode & 0o077 == 0 for m in mails)  # invitations are private


def test_rows_outside_the_managed_scope_are_untouched(radius: RadiusLab) -> None:
    foreign = [
        ("INSERT INTO radcheck (username, attribute, op, value) VALUES (?, ?, ?, ?)",
         ("legacy-admin", "Cleartext-Password", ":=", "hunter22")),
        ("INSERT INTO radusergroup (username, groupname, priority) VALUES (?, ?, ?)",
         ("legacy-admin", "staff", 1)),
        ("INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES (?, ?, ?, ?)",
         ("staff", "Tunnel-Private-Group-Id", ":=", "5")),
        # the prefix without the strict pattern is not ours either
        ("INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES (?, ?, ?, ?)",
         ("rcl-Odd Group", "NAS-Identifier", "==", "x")),
    ]
    for st in foreign:
        radius.sql(*st)
    before = radius.rows()
    radius.apply()
    assert radius.pap(JANE, radius.new_passwords()[JANE], LON).vlan == "102"
    mid = radius.rows()
    assert all(set(before[t]) <= set(mid[t]) for t in before)
    # A reply row set by hand on a user reconciler made is outside its scope: it stays.
    radius.sql("INSERT INTO radreply (username, attribute, op, value) VALUES (?, ?, ?, ?)",
               (JANE, "Session-Timeout", ":=", "3600"))
    before["radreply"] = sorted(before["radreply"] + [
        r for r in radius.rows()["radreply"] if JANE in r])
    # every occupier gone: all managed rows go
    for f in (radius.root / "occupiers").glob("*.yaml"):
        f.unlink()
    refused = radius.cli("apply", "--yes", "--target", "radius", "--at", DAY)
    assert refused.exit_code == 1 and "--allow-mass-change" in refused.output  # the guard
    radius.apply(DAY, "--allow-mass-change")
    assert radius.rows() == before
    assert radius.pap("legacy-admin", "hunter22", LON).vlan == "5"


def test_drift_in_a_group_is_reported_and_corrected(radius: RadiusLab) -> None:
    radius.apply()
    pw = radius.new_passwords()
    radius.sql("UPDATE radgroupcheck SET value = ? WHERE groupname = ? AND attribute = ?",
               ("nas=lon1-wlc vlan=999", "rcl-acme@lon1", "Reconciler-Grant"))
    radius.sql("DELETE FROM radusergroup WHERE username = ? AND groupname = ?",
               (OSCAR, "rcl-greenleaf-studio@lon1"))
    assert radius.pap(JANE, pw[JANE], LON).vlan == "999"  # the grant is what tags
    assert not radius.pap(OSCAR, pw[OSCAR], LON).accepted  # no membership: no grant
    rc, plan = radius.plan_json()
    assert rc == 2
    got = {(c["kind"], c["key"], tuple(c["fields"])) for t in plan["targets"]
           for c in t["changes"]}
    assert got == {("radius_group", "rcl-acme@lon1", ("check",)),
                   ("radius_user", OSCAR, ("groups",))}
    radius.apply()
    assert radius.new_mail() == []  # no credential was touched
    assert radius.pap(JANE, pw[JANE], LON).vlan == "102"
    assert radius.pap(OSCAR, pw[OSCAR], LON).vlan == "101"
    assert not radius.pap(OSCAR, pw[OSCAR], MAN).accepted
    assert radius.plan_json()[0] == 0


def test_a_fault_mid_apply_leaves_the_database_unchanged(radius: RadiusLab) -> None:
    # The database itself refuses one row late in the run (a real SQL error mid-transaction).
    if radius.dialect == "sqlite":
        radius.sql("CREATE TRIGGER boom BEFORE INSERT ON radusergroup WHEN NEW.username = "
                   "'sam.carter@orbit-analytics.example' BEGIN SELECT RAISE(ABORT, 'boom'); END")
    else:
        radius.sql("CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN IF NEW.username = "
                   "'sam.carter@orbit-analytics.example' THEN RAISE EXCEPTION 'boom'; END IF; "
                   "RETURN NEW; END $$ LANGUAGE plpgsql")
        radius.sql("CREATE TRIGGER boom BEFORE INSERT ON radusergroup FOR EACH ROW "
                   "EXECUTE FUNCTION boom()")
    before = radius.rows()
    res = radius.cli("apply", "--yes", "--target", "radius", "--at", "2026-11-26")
    assert res.exit_code == 1
    assert "refused a statement" in res.output
    assert radius.rows() == before
    assert radius.new_mail() == []  # no invitation for a password that was never stored


def test_plan_json_shows_sql_with_generated_placeholders(radius: RadiusLab) -> None:
    rc, plan = radius.plan_json()
    (tp,) = plan["targets"]
    cmds = "\n".join(tp["commands"])
    assert "INSERT INTO radcheck (username, attribute, op, value) VALUES " \
           "('jane@acme.example', 'Reconciler-NT-Password', ':=', <generated>);" in cmds
    assert "'rcl-acme@man1', 'Reconciler-Grant', ':=', 'nas=man1-wlc vlan=101'" in cmds
    assert json.dumps(plan).count("<generated>") == 2 * 7  # NT + SSHA2 for 7 users


def test_a_user_name_with_plus_logs_in_as_typed(radius: RadiusLab) -> None:
    # rlm_sql looks up 'ops=2Bwifi@...' for 'ops+wifi@...': rows hold that escaped form
    user = "ops+wifi@greenleaf.example"
    radius.edit_occupier("greenleaf-studio", lambda d: d["users"].append(
        {"email": user, "name": "Ops Desk", "wifi_secure": True}))
    radius.apply()
    pw = radius.new_passwords()[user]
    assert radius.pap(user, pw, LON).vlan == "101"
    assert radius.client.mschapv2(user, pw, LON).vlan == "101"
    assert radius.sql("SELECT count(*) FROM radusergroup WHERE username = ?",
                      ("ops=2Bwifi@greenleaf.example",)) == [(1,)]
    assert radius.plan_json()[0] == 0


def test_a_hand_made_member_of_a_managed_group_loses_the_membership_not_its_password(
        radius: RadiusLab) -> None:
    radius.apply()
    radius.sql("INSERT INTO radusergroup (username, groupname, priority) VALUES (?, ?, ?)",
               ("Bob Smith", "rcl-acme@lon1", 5))
    radius.sql("INSERT INTO radcheck (username, attribute, op, value) VALUES (?, ?, ?, ?)",
               ("Bob Smith", "NT-Password", ":=", "188F0ADDE26C6DEEF053D3BE93805C42"))
    rc, plan = radius.plan_json()
    assert rc == 2
    (change,) = [c for t in plan["targets"] for c in t["changes"]]
    assert (change["op"], change["kind"], change["key"]) == ("delete", "radius_user", "Bob Smith")
    radius.apply()
    assert radius.sql("SELECT groupname FROM radusergroup WHERE username = ?",
                      ("Bob Smith",)) == []
    assert radius.sql("SELECT attribute FROM radcheck WHERE username = ?",
                      ("Bob Smith",)) == [("NT-Password",)]
    assert radius.plan_json()[0] == 0


def test_accounts_go_out_a_week_ahead_and_work_from_the_start_day(radius: RadiusLab) -> None:
    amara = "amara.nwosu@kestrel-labs.example"  # Kestrel starts at man1 on 2027-02-01
    radius.apply("2027-01-24")
    assert amara not in radius.new_passwords()
    radius.apply("2027-01-25")  # man1's lead time: 7 days
    mail = {str(m["To"]): m.get_content() for m in radius.new_mail()}
    assert set(mail) == {amara, "dev.singh@kestrel-labs.example"}
    assert "It works from 2027-02-01" in mail[amara]
    pw = _password_of(mail[amara])
    assert not radius.pap(amara, pw, MAN).accepted  # an account, no access yet
    assert not radius.peap(amara, pw, MAN).accepted
    radius.apply("2027-02-01")
    assert radius.new_mail() == []  # the same account, now granted
    assert radius.pap(amara, pw, MAN).vlan == "102"
    assert radius.peap(amara, pw, MAN).vlan == "102"
    assert not radius.pap(amara, pw, LON).accepted


def _password_of(text: str) -> str:
    import re

    from tests.radius.radius_client import Secret

    m = re.search(r"Password: (\S+)", text)
    assert m
    return Secret(m.group(1))
