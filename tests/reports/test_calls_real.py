"""`reconciler calls` on what real Asterisks recorded: the independent check's run on the
previous rows (shared realdata) and this repository's own recorded run on the current rows
(tests/data/asterisk/22.10.1-run), whose realtime rows are also what the code writes today."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine.diff import diff, order_changes
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from reconciler.targets.asterisk import AsteriskTarget
from tests.conftest import REPO_ROOT, copy_estate, realdata
from tests.targets.asterisk_env import credential, sqlite_db

RUN = REPO_ROOT / "tests" / "data" / "asterisk" / "22.10.1-run"
RUN_DAY = "2026-12-07"
# The run's edits to the example estate, in order (see the run's README).
EDITS = [
    ("sites/lon1.yaml", "provisioning_dir: provisioning/lon1}",
     "provisioning_dir: provisioning/lon1, sip_server: 127.0.0.1, trunk_host: 127.0.0.2, "
     "trunk_port: 15070}"),
    ("occupiers/acme.yaml", "        label: Raj Patel\n",
     "        label: Raj Patel\n        features: {caller_id: withheld}\n"),
    ("sites/lon1.yaml", 'business_hours: {days: mon-fri, open: "08:30", close: "18:00"}',
     'business_hours: {days: mon-sun, open: "00:00", close: "23:59"}'),
    ("occupiers/acme.yaml", "role: admin, wifi_secure: true, home_site: lon1}",
     "role: admin, wifi_secure: true, home_site: lon1, credential_version: 2}"),
    ("sites/lon1.yaml", "trunk_port: 15070}", "trunk_port: 15070, number_format: national}"),
]


def run_estate(dest: Path) -> Path:
    """The example estate as the recorded run left it."""
    root = copy_estate(dest)
    for rel, old, new in EDITS:
        path = root / rel
        text = path.read_text()
        assert text.count(old) == 1, (rel, old)
        path.write_text(text.replace(old, new))
    (root / "occupiers" / "zephyr-print.yaml").write_bytes(
        (RUN / "estate" / "zephyr-print.yaml").read_bytes())
    return root


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open() as fh:
        return list(csv.DictReader(fh))


def test_the_independent_checks_cdrs_bill_the_forward_to_acme(
        estate_dir: Path, tmp_path: Path, cli: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows of the previous version: the forward through the trunk has dst=main-na,
    dcontext=lon1.acme and no accountcode; DID calls end in lon1.acme; ring-all legs."""
    monkeypatch.setenv("RECONCILER_TODAY", "2027-01-10")
    master = realdata("asterisk", "22.10.1", "real-run", "cdr-Master.csv")
    res = cli("calls", "--repo", estate_dir, "--month", "2026-12", "--cdr", master,
              "--out", tmp_path / "r", "--format", "json")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    # 15 lines: 8 calls from the carrier (one with two ring-all legs and the forward, two
    # with two legs each), 2 between phones, 1 forward charged.
    assert (summary["calls"], summary["inbound"], summary["on_net"], summary["unanswered"],
            summary["emergency"]) == (1, 8, 2, 0, 0)
    assert summary["unattributed"] == [] and summary["malformed"] == []
    (leg,) = read_csv(tmp_path / "r" / "acme" / "calls-2026-12.csv")
    assert (leg["extension"], leg["destination"], leg["rate"], leg["billsec"],
            leg["client_amount"], leg["cdr"]) == (
        "main", "+447700900123", "UK mobile", "2", "0.0900", "1796598852.13")


def test_the_recorded_runs_cdrs_are_rated_right(tmp_path: Path, cli: Callable[..., Any],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_TODAY", "2027-01-10")
    root = run_estate(tmp_path / "estate")
    res = cli("calls", "--repo", root, "--month", "2026-12", "--cdr", RUN / "cdr-Master.csv",
              "--out", tmp_path / "r", "--format", "json")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    # 8 calls from the carrier (A05, A12, A13, A19, A20, B02, C03, D02), 5 on-net (an
    # extension, a DID of the site, three voicemail logins), 999 and 112 counted, never
    # charged; 6 legs through the trunk charged, one of them a carrier's call Jane
    # transferred out (A20).
    assert (summary["calls"], summary["inbound"], summary["on_net"], summary["unanswered"],
            summary["emergency"]) == (6, 8, 5, 0, 2)
    assert summary["unattributed"] == [] and summary["malformed"] == []
    legs = [(r["extension"], r["number"], r["destination"], r["rate"], r["client_amount"])
            for r in read_csv(tmp_path / "r" / "acme" / "calls-2026-12.csv")]
    assert legs == [
        ("2121", "+442079460121", "+447700900123", "UK mobile", "0.0900"),    # A06
        ("2122", "+442079460122", "+442079460000", "UK landline", "0.0300"),  # A07 (main CLI)
        ("", "", "+447700900123", "UK mobile", "0.0900"),                     # A20 transferred
        ("main", "", "+447700900123", "UK mobile", "0.0900"),                 # C03 the forward
        ("2122", "+442079460122", "+447700900123", "UK mobile", "0.0900"),    # C04 withheld
        ("2121", "+442079460121", "+447700900123", "UK mobile", "0.0900"),    # D03 national
    ]
    assert not (tmp_path / "r" / "zephyr-print").exists()  # only emergency calls: free


def test_the_rows_the_real_asterisk_ran_are_what_the_code_writes(tmp_path: Path) -> None:
    """If this fails, the rows changed since the recorded run: check them on a real
    Asterisk again and record a new run."""
    root = run_estate(tmp_path / "estate")
    import datetime as dt

    desired = compile_estate(load_estate(root), dt.date.fromisoformat(RUN_DAY))
    db = sqlite_db(tmp_path / "asterisk.sqlite")
    spec = desired.targets["lon1/pbx"].with_settings(path=str(db),
                                                     provisioning_dir=str(tmp_path / "prov"))
    with AsteriskTarget(spec, credential()) as target:
        target.apply(order_changes(diff(target.read(), desired.resources["lon1/pbx"],
                                        target.write_only), target.kind_order))
    conn = sqlite3.connect(db)
    try:
        for table in ("extensions", "ps_endpoints", "ps_aors", "voicemail"):
            recorded = read_csv(RUN / "rows" / f"{table}.csv")
            cols = list(recorded[0])
            ours = conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()  # noqa: S608
            want = sorted(tuple(r[c] for c in cols) for r in recorded)
            got = sorted(tuple("" if v is None else str(v) for v in row) for row in ours)
            assert got == want, table
    finally:
        conn.close()


def test_the_recorded_run_shows_what_the_issue_asks(tmp_path: Path) -> None:
    sip = (RUN / "sip-messages.txt").read_text()
    log = (RUN / "messages.log").read_text()

    def step(name: str) -> str:
        return sip.split(f"== {name}\n", 1)[1].split("\n== ", 1)[0]

    assert "<- SIP/2.0 200 OK" in step("A03-mwi-subscribe-jane")
    assert "Messages-Waiting: yes" in step("A14-mwi-subscribe-jane-after-message")
    assert "already configured for unsolicited MWI" not in log
    for name in ("A15-jane-voicemail-feature-code", "A16-jane-voicemail-key"):
        assert "INVITE sip:*97@" in step(name) and "<- SIP/2.0 200 OK" in step(name)
    assert log.count('VoiceMailMain("PJSIP/442079460121-') == 3
    assert log.count("Playing 'vm-youhave") == 3
    carrier = step("carrier-uas-A") + step("carrier-uas-B") + step("carrier-uas-C") + \
        step("carrier-uas-D")
    assert 'From: "Jane Okafor" <sip:+442079460121@' in carrier
    assert 'From: "Raj Patel" <sip:+442079460120@' in carrier      # caller ID: main
    for n in ("999", "112"):  # from the barred occupier, presenting the site's number
        assert f'<- INVITE sip:{n}@127.0.0.2:15070 SIP/2.0\n     From: "Ana Zephyr" ' \
               '<sip:+442079460100@' in carrier
    assert "Privacy: id" in carrier and "<sip:anonymous@anonymous.invalid>" in carrier
    assert 'From: "Jane Okafor" <sip:02079460121@' in carrier      # national format
    for name, code in (("A08-jane-intl-barred", 403), ("B05-barred-mobile-refused", 403),
                       ("B06-barred-national-refused", 403), ("A18-raj-main-box-refused", 403),
                       ("B07-other-occupiers-ext-refused", 404)):
        assert f"<- SIP/2.0 {code} " in step(name), name
    # Blind transfers of a carrier's call by Jane (REFER): to Raj's extension, and out.
    assert 'Executing [2122@lon1.phones:1] Goto("PJSIP/trunk-' in log
    assert '<- INVITE sip:+447700900123@127.0.0.2:15070 SIP/2.0\n     From: "sipp" ' \
           '<sip:+447700900555@' in carrier
    results = (RUN / "results.txt").read_text()
    assert results.count("  ok ") == 38 and "BAD" not in results
