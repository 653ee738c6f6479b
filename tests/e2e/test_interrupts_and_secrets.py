"""Runs stopped by a signal, and generated secrets delivered exactly once, on the lab.

Each apply that is interrupted runs as its own `python -m reconciler` process; the lab
(and its fault switches) stays in this test process.
"""

from __future__ import annotations

import email
import json
import re
import signal
import socket
import socketserver
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from ruamel.yaml import YAML

from reconciler.engine.journal import unfinished_run
from tests.e2e.test_apply_concurrency import DEADLINE, records, spawn, wait_for
from tests.e2e.test_apply_faults import full_state
from tests.radius.test_radius_smtp import _Smtp

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

AT = "2026-12-15"
LON1_NET = "L_646829496481105433"
JANE_LINE = "442079460121"


def _dead_port() -> int:
    with socket.socket() as s:  # a relay that is down: nobody listens here
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sigterm_mid_apply_rolls_back_and_closes_the_run(lab_estate: LabEstate) -> None:
    le = lab_estate
    before = full_state(le)
    device = le.eos("lon1/core1")
    device.faults.set(stall_regex=r"^commit$")  # core1 holds its commit while we signal
    first = spawn(le, "apply", "--yes")
    wait_for(lambda: int(device.counters.snapshot()["by_word"].get("commit", 0)) > 0, first)
    first.send_signal(signal.SIGTERM)
    wait_for(lambda: any(r["event"] == "interrupted" for r in records(le)), first)
    device.faults.clear()  # the commit in flight finishes; then everything is undone
    out, _ = first.communicate(timeout=DEADLINE)
    assert first.returncode == 128 + signal.SIGTERM, out
    assert "interrupted by SIGTERM" in out and "Traceback" not in out
    recs = records(le)
    end = recs[-1]
    assert end["event"] == "run-end" and end["result"] == "interrupted"
    touched = {r["target"] for r in recs if r["event"] == "apply"}
    assert "lon1/core1" in touched and touched <= set(end["restored"])
    assert end["restore_failed"] == []
    assert full_state(le) == before
    assert unfinished_run(le.root / ".reconciler" / "journal.jsonl") is None


def _keys(le: LabEstate) -> dict[str, str]:
    """Our identity PSKs on the lab Dashboard: name -> passphrase."""
    snap = le.lab.handle("meraki").dashboard.snapshot(LON1_NET)
    return {name: p["passphrase"] for s in snap["psks"].values() for name, p in s.items()
            if name.startswith("rcl-")}


def _key_mails(folder: Path) -> list[str]:
    out = []
    for p in sorted(folder.glob("*wifi-key-*.eml")):
        body = email.message_from_bytes(p.read_bytes()).get_payload(decode=True)
        m = re.search(r"Key:\s+(\S+)", body.decode())  # type: ignore[union-attr]
        assert m
        out.append(m.group(1))
    return out


def test_sigkill_during_key_mails_then_resume_delivers_every_key_once(
        lab_estate: LabEstate, monkeypatch: pytest.MonkeyPatch) -> None:
    le = lab_estate
    lab = le.lab.handle("meraki")
    # The SSID's name is read when the first new key's mail is written: the run stalls
    # there with keys made on the Dashboard and none of them mailed yet.
    lab.faults.set(stall_regex=r"^GET /networks/[^/]+/wireless/ssids/\d+$")
    first = spawn(le, "apply", "--yes", "--at", AT, "--target", "lon1/wifi")
    wait_for(lambda: len(_keys(le)) > 0, first)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=DEADLINE)
    lab.faults.clear()
    made = _keys(le)
    assert made and _key_mails(le.root / "outbox") == []  # keys nobody was told

    # The relay is down during the resume: the keys are queued, not lost.
    monkeypatch.setenv("RECONCILER_SMTP_HOST", f"127.0.0.1:{_dead_port()}")
    res = le.cli("apply", "--resume", "--yes")
    assert res.exit_code == 0, res.output
    assert "queued for delivery" in res.output and "stay queued" in res.output
    keys = _keys(le)
    assert set(made) <= set(keys)
    assert sorted(_key_mails(le.root / "outbox")) == sorted(keys.values())  # each once
    assert le.cli("apply", "--resume", "--yes").exit_code == 0  # nothing left: no re-send
    assert sorted(_key_mails(le.root / "outbox")) == sorted(keys.values())

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.messages = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("RECONCILER_CRED_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("RECONCILER_CRED_SMTP_PORT", str(server.server_address[1]))
        for _ in range(2):  # delivering twice sends nothing twice
            res = le.run_cli("outbox", "deliver", "--repo", str(le.root),
                             "--credentials", str(le.credentials))
            assert res.exit_code == 0, res.output
    finally:
        server.shutdown()
        server.server_close()
    sent = [re.search(rb"Key:\s+(\S+)", m) for m in server.messages]  # type: ignore[attr-defined]
    wifi = sorted(m.group(1).decode() for m in sent if m)
    assert wifi == sorted(keys.values())
    assert _key_mails(le.root / "outbox") == []


def _sip_password(le: LabEstate, line: str) -> str:
    conn = le.lab.handle("asterisk").connect()  # what Asterisk's realtime reads
    try:
        return str(conn.execute("SELECT password FROM ps_auths WHERE id = ?",
                                (line,)).fetchone()[0])
    finally:
        conn.close()


def test_a_rollback_restores_the_previous_sip_password(lab_estate: LabEstate) -> None:
    le = lab_estate
    assert le.cli("apply", "--yes").exit_code == 0
    old = _sip_password(le, JANE_LINE)
    mails = {p.name for p in (le.root / "outbox").glob("*.eml")}
    # Jane's new credential_version rotates her SIP password (PBX, wave 3) and her Wi-Fi
    # Secure login (RADIUS, the last wave); RADIUS then refuses the write.
    path = le.root / "occupiers" / "acme.yaml"
    yaml = YAML()
    doc = yaml.load(path.read_text())
    jane = next(u for u in doc["users"] if u["email"] == "jane@acme.example")
    jane["credential_version"] = 2
    with path.open("w") as fh:
        yaml.dump(doc, fh)
    (db,) = list((le.root / ".lab" / "freeradius").glob("*/radius.db"))
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TRIGGER fault BEFORE INSERT ON radcheck "
                     "BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
    conn.close()

    res = le.cli("apply", "--yes")
    assert res.exit_code == 1, res.output
    recs = records(le)
    assert "lon1/pbx" in recs[-1]["restored"]
    assert _sip_password(le, JANE_LINE) == old  # her old password, not a new one
    # ... and the mail of the password that was undone never leaves the outbox.
    assert {p.name for p in (le.root / "outbox").glob("*.eml")} == mails
    queued = {r["file"] for r in recs if r["event"] == "mail-queued"}
    withdrawn = {r["file"] for r in recs if r["event"] == "mail-withdrawn"}
    assert queued - mails and queued - mails <= withdrawn
    assert old not in json.dumps(recs)  # the password itself is never journalled


def test_resume_finishes_a_run_whose_rollback_failed(lab_estate: LabEstate) -> None:
    le = lab_estate
    core = le.eos("lon1/core1")
    core.faults.set(error_regex=r"^commit$", error_skip=1)  # its change commits, its undo not
    (db,) = list((le.root / ".lab" / "freeradius").glob("*/radius.db"))
    with sqlite3.connect(db) as conn:  # the last wave fails: everything is rolled back
        conn.execute("CREATE TRIGGER fault BEFORE INSERT ON radcheck "
                     "BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
    conn.close()
    res = le.cli("apply", "--yes")
    assert res.exit_code == 1, res.output
    end = records(le)[-1]
    assert end["event"] == "run-end" and end["restore_failed"] == ["lon1/core1"]
    journal = le.root / ".reconciler" / "journal.jsonl"
    left = unfinished_run(journal)
    assert left is not None and left.run == end["run"]  # half-applied: resume's to finish

    core.faults.clear()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER fault")
    conn.close()
    res = le.cli("apply", "--resume", "--yes")
    assert res.exit_code == 0, res.output
    assert f"Resuming run {left.run}" in res.output
    assert unfinished_run(journal) is None
    assert le.plan_json()[0] == 0
