"""Ownership everywhere: every target names the occupier of what it reads, so deleting an
occupier's file is refused whatever the selection, and `show --live` finds its objects."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

import pytest

from tests.gitops.conftest import EstateGit

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

AT = "2026-11-26"
NW = "northwind-legal"
PLATFORMS = {"arista_eos", "cisco_ios", "meraki", "freeradius", "asterisk"}


def pbx_rows(le: LabEstate) -> list[tuple[Any, ...]]:
    conn: sqlite3.Connection = le.lab.handle("asterisk").connect()
    try:
        return [tuple(r) for table in ("ps_endpoints", "ps_aors", "ps_auths", "extensions",
                                       "voicemail")
                for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]  # noqa: S608
    finally:
        conn.close()


def state(le: LabEstate) -> dict[str, Any]:
    meraki = le.lab.handle("meraki").dashboard
    return {"switches": le.configs(), "pbx": pbx_rows(le),
            "wifi": {n: json.dumps(meraki.snapshot(n), sort_keys=True, default=str)
                     for n in sorted(meraki.networks)}}


def test_a_deleted_occupier_is_refused_for_every_target_and_site(lab_estate: LabEstate) -> None:
    g = EstateGit(lab_estate.root)
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    g.delete(f"occupiers/{NW}.yaml")
    g.commit("northwind leaves (the wrong way: its contract is in force)")
    before = state(lab_estate)

    # Every target holding Northwind's objects names them as Northwind's.
    code, plan = lab_estate.plan_json("--at", AT, "--site", "man1", "--allow-offboard", NW)
    assert code in (1, 2)
    holders = {t["target"]: t["platform"] for t in plan["targets"]
               if any(NW in (c["owner"], c["live_owner"]) or
                      (c["kind"] == "trunk" and c["op"] == "update") for c in t["changes"])}
    assert PLATFORMS <= set(holders.values()), holders

    for selection in [["--site", "man1"], *(["--target", t] for t in sorted(holders))]:
        res = lab_estate.cli("apply", "--yes", "--at", AT, *selection)
        assert res.exit_code == 1, (selection, res.output)
        assert f"{NW}: occupiers/{NW}.yaml was deleted" in res.output, selection
        assert f"--allow-offboard {NW}" in res.output
        code, plan = lab_estate.plan_json("--at", AT, *selection)
        assert code == 1 and plan["refusals"][0].startswith(f"{NW}: "), selection
    assert state(lab_estate) == before  # no selection touched anything
    journal = (lab_estate.root / ".reconciler" / "journal.jsonl").read_text()
    assert journal.count('"event": "run-start"') == 1  # only the first, full apply ran

    # Its PBX objects (and the rest) are still live, and `show --live` lists them.
    res = lab_estate.cli("show", NW, "--live", "--at", AT, "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["sites"]
    live = {(r["target"], r["kind"], r["key"]) for s in rows for r in s["live"]}
    assert {(r["target"], r["kind"]) for s in rows for r in s["live"]} >= {
        ("man1/pbx", "pbx_endpoint"), ("man1/pbx", "pbx_did"), ("man1/pbx", "pbx_voicemail"),
        ("man1/pbx", "pbx_extension"), ("man1/pbx", "pbx_main_number"), ("man1/pbx", "handset"),
        ("man1/acc-1a", "port"), ("radius", "radius_user"), ("man1/wifi", "wifi_policy")}
    assert ("man1/pbx", "pbx_endpoint", "441614960011") in live
    assert {r["state"] for s in rows for r in s["live"]} == {"unexpected"}
    text = lab_estate.cli("show", NW, "--live", "--at", AT).stdout
    assert f"{NW}: no file in occupiers/" in text
    assert "UNEXPECTED man1/pbx pbx_did +441614960011" in text


def test_show_live_lists_the_occupiers_pbx_objects(lab_estate: LabEstate) -> None:
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    conn: sqlite3.Connection = lab_estate.lab.handle("asterisk").connect()
    with conn:  # a box someone added by hand in Northwind's context
        conn.execute("INSERT INTO voicemail (context, mailbox, password, fullname) "
                     "VALUES ('man1.northwind-legal', '3999', '1234', 'By Hand')")
    conn.close()
    res = lab_estate.cli("show", NW, "--live", "--at", AT, "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["sites"][0]["live"]
    pbx = {(r["kind"], r["key"]): r["state"] for r in rows if r["target"] == "man1/pbx"}
    assert pbx[("pbx_endpoint", "441614960011")] == "ok"
    assert pbx[("pbx_did", "+441614960010")] == "ok"
    assert pbx[("pbx_voicemail", "man1.northwind-legal/3999")] == "unexpected"
    assert sum(1 for s in pbx.values() if s == "ok") >= 10
