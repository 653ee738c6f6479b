"""End to end on the bundled lab: the PBX's realtime database and desk-phone files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

ACME, NW = "lon1.acme", "man1.northwind-legal"  # voicemail contexts
OCC = "lon1.occupiers"


def rows(lab_estate: LabEstate, sql: str) -> list[tuple[Any, ...]]:
    conn = lab_estate.lab.handle("asterisk").connect()
    try:
        return [tuple(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def pbx_changes(plan: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(c["op"], c["kind"], c["key"]) for t in plan["targets"]
            if t["platform"] == "asterisk" for c in t["changes"]}


def test_plan_apply_converge_and_phones_provisioned(lab_estate: LabEstate) -> None:
    rc, plan = lab_estate.plan_json()
    assert rc == 2 and plan["errors"] == []
    changes = pbx_changes(plan)
    assert ("create", "pbx_endpoint", "442079460121") in changes
    assert ("create", "pbx_did", "+441614960010") in changes  # Northwind's main number
    assert ("create", "handset", "805ec07a1011") in changes
    assert ("create", "pbx_did", "+442079460101") in changes  # unassigned: to the main number
    assert not any(k == "442079460101" for _o, _k, k in changes)  # ... and no endpoint
    text = lab_estate.cli("plan").stdout
    assert "INSERT INTO ps_auths" in text and "'***'" in text

    assert lab_estate.cli("apply", "--yes").exit_code == 0
    eps = rows(lab_estate, "SELECT id, context, accountcode FROM ps_endpoints ORDER BY id")
    assert eps == [("441614960011", "man1.phones", "northwind-legal"),
                   ("441614960012", "man1.phones", "northwind-legal"),
                   ("442079460121", "lon1.phones", "acme"),
                   ("442079460122", "lon1.phones", "acme")]
    dids = rows(lab_estate, "SELECT context, exten, appdata FROM extensions WHERE app = 'Goto' "
                            "AND context LIKE '%did_in' ORDER BY exten")
    assert ("man1.did_in", "+441614960010", "man1.occupiers,northwind-legal.main,1") in dids
    # Unassigned numbers (Acme 2, Northwind 4) ring the occupier's main number.
    assert ("lon1.did_in", "+442079460101", f"{OCC},acme.main,1") in dids
    assert len(dids) == 12
    # Every SIP password went to its user, and only there.
    outbox = lab_estate.root / "outbox"
    mails = [p.read_text() for p in outbox.glob("*.eml")]
    sip = [m for m in mails if "SIP account" in m]
    assert len(sip) == 4 and any("To: priya.shah@northwind-legal.example" in m for m in sip)
    for m in sip:
        pw = re.search(r"password: (\S+)", m)
        assert pw and (pw.group(1),) in rows(lab_estate, "SELECT password FROM ps_auths")
    phones = lab_estate.root / ".lab" / "provisioning"
    assert sorted(p.name for p in phones.rglob("*.cfg")) == ["805ec0123456.cfg",
                                                            "805ec07a1011.cfg"]
    rc, again = lab_estate.plan_json()
    assert rc == 0 and again["summary"] == {"create": 0, "update": 0, "delete": 0}


def _drop_number(path: Path, number: str) -> None:
    text = path.read_text()
    new = re.sub(r"      - number: \"" + re.escape(number) + r"\"\n(        .*\n)*", "", text)
    assert new != text
    # One line fewer, or `validate` asks for a replacement number.
    new = re.sub(r"voice: \{lines: (\d+)", lambda m: f"voice: {{lines: {int(m.group(1)) - 1}",
                 new, count=1)
    path.write_text(new)


def test_released_number_and_phone_remove_only_their_rows(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes").exit_code == 0
    before = set(rows(lab_estate, "SELECT context, exten, priority, app, appdata FROM extensions"))
    # An operator's own dialplan in the same database, outside every occupier context.
    conn = lab_estate.lab.handle("asterisk").connect()
    with conn:
        conn.execute("INSERT INTO extensions (context, exten, priority, app, appdata) VALUES "
                     "('lon1-reception', '2000', 1, 'Dial', 'PJSIP/desk')")
        conn.execute("INSERT INTO ps_endpoints (id, context) VALUES ('442079460100', 'ops')")
    conn.close()
    _drop_number(lab_estate.root / "occupiers" / "acme.yaml", "+442079460121")
    rc, plan = lab_estate.plan_json()
    assert rc == 2
    assert pbx_changes(plan) == {
        ("delete", "pbx_endpoint", "442079460121"), ("delete", "pbx_did", "+442079460121"),
        ("delete", "pbx_extension", f"{OCC}/acme.2121"),
        ("delete", "pbx_voicemail", f"{ACME}/2121"), ("delete", "handset", "805ec0123456"),
        # The hunt group of the main number now rings Raj alone; Jane was Acme's only admin
        # with a phone, so nobody reaches the main number's box by phone any more.
        ("update", "pbx_main_number", f"{OCC}/acme.main-in"),
        ("delete", "pbx_policy", f"{OCC}/acme.*98")}
    assert lab_estate.cli("apply", "--yes").exit_code == 0
    after = set(rows(lab_estate, "SELECT context, exten, priority, app, appdata FROM extensions"))
    assert {r[:2] for r in before - after} == {
        ("lon1.did_in", "+442079460121"), (OCC, "acme.2121"), (OCC, "acme.main-in"),
        (OCC, "acme.*98")}
    assert (OCC, "acme.main-in", 1, "Dial", "PJSIP/442079460122,25") in after
    assert ("lon1-reception", "2000", 1, "Dial", "PJSIP/desk") in after
    assert ("442079460100", "ops") in rows(lab_estate, "SELECT id, context FROM ps_endpoints")
    assert not (lab_estate.root / ".lab" / "provisioning" / "lon1" / "805ec0123456.cfg").exists()
    assert lab_estate.plan_json()[0] == 0


def test_contract_end_with_deprovision_removes_the_occupier_from_the_pbx(
        lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", "2026-12-15").exit_code == 0
    rc, plan = lab_estate.plan_json("--at", "2027-02-01")  # Acme's London contract ended
    assert rc == 2
    gone = pbx_changes(plan)
    assert gone and all(op == "delete" for op, _k, _key in gone)
    assert lab_estate.cli("apply", "--yes", "--at", "2027-02-01").exit_code == 0
    left = rows(lab_estate, "SELECT DISTINCT context, substr(exten, 1, 5) FROM extensions "
                            "WHERE context LIKE '%.occupiers' OR context LIKE '%.did_in' "
                            "ORDER BY 1, 2")
    assert {c for c, _e in left} == {"man1.did_in", "man1.occupiers"}
    assert not any(e.startswith("acme.") for _c, e in left)
    # The site's own rows stay: the next occupier's phones need them.
    assert rows(lab_estate, "SELECT count(*) FROM extensions WHERE context = 'lon1.phones'") \
        != [(0,)]


def test_a_pbx_refusal_rolls_back_the_whole_run(lab_estate: LabEstate) -> None:
    switches = lab_estate.configs()
    conn = lab_estate.lab.handle("asterisk").connect()
    with conn:
        conn.execute("CREATE TRIGGER fault BEFORE INSERT ON voicemail WHEN NEW.mailbox = '3012' "
                     "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    conn.close()
    res = lab_estate.cli("apply", "--yes")
    assert res.exit_code == 1
    assert "man1/pbx" in res.output and "disk full" in res.output
    # The PBX transaction never committed, lon1's PBX and every switch were put back.
    assert rows(lab_estate, "SELECT count(*) FROM ps_endpoints") == [(0,)]
    assert rows(lab_estate, "SELECT count(*) FROM extensions") == [(0,)]
    assert lab_estate.configs() == switches
