"""`reconciler calls`: a generated month on the example estate (in a throwaway git repo),
numbers that changed hands mid-month, totals, files, and the real CDR samples."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import git
import pytest

from reconciler import clock
from tests.conftest import copy_estate, realdata
from tests.reports.cdrgen import cdr_line

MONTH = "2026-10"
YOTTA = """\
id: yotta
name: Yotta Ltd
contracts:
  - site: lon1
    start: 2026-09-01
    end: 2026-10-15
    deprovision_on_end: true
    services:
      voice: {lines: 1, tariff: standard}
    main_number: "+442079460190"
    numbers:
      - {number: "+442079460199", extension: 2199, user: a@yotta.example}
users:
  - {email: a@yotta.example, name: Ann Yotta}
"""
ZETA = YOTTA.replace("yotta", "zeta").replace("Yotta", "Zeta").replace(
    "    start: 2026-09-01\n    end: 2026-10-15\n    deprovision_on_end: true\n",
    "    start: 2026-10-16\n").replace("2199", "2198").replace("+442079460190", "+442079460191")
KAPPA = """\
id: kappa
name: Kappa Partners
contracts:
  - site: lon1
    start: 2026-01-01
    services:
      voice: {lines: 1, tariff: business}
    main_number: "+442079460192"
    numbers:
      - {number: "+442079460122", extension: 2122, user: k@kappa.example}
users:
  - {email: k@kappa.example, name: Kay Kappa}
"""


def commit(repo: git.Repo, message: str, when: str) -> None:
    repo.git.add(A=True)
    repo.index.commit(message, author_date=when, commit_date=when)


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """The example estate plus numbers that change hands in October 2026."""
    root = copy_estate(tmp_path / "estate")
    (root / "occupiers" / "yotta.yaml").write_text(YOTTA)
    (root / "occupiers" / "zeta.yaml").write_text(ZETA)
    repo = git.Repo.init(root)
    commit(repo, "estate", "2026-09-01T08:00:00+0000")
    # 20 October: Raj's number leaves Acme (one line fewer) for Kappa.
    acme = root / "occupiers" / "acme.yaml"
    text = acme.read_text()
    text = re.sub(r'      - number: "\+442079460122"\n(        .*\n)*', "", text)
    acme.write_text(text.replace("voice: {lines: 4,", "voice: {lines: 3,"))
    (root / "occupiers" / "kappa.yaml").write_text(KAPPA)
    commit(repo, "number moves to kappa", "2026-10-20T12:00:00+0000")
    return root


def call(start: str, channel: str, dst: str, billsec: int, *, src: str = "",
         dcontext: str = "lon1.acme", disposition: str = "ANSWERED", uid: str = "",
         dstchannel: str = "PJSIP/trunk-1") -> dict[str, Any]:
    """One leg; the accountcode is left empty: these legs are attributed by the calling
    number and the git history (the accountcode case is in test_calls_pbx)."""
    t = dt.datetime.fromisoformat(start)
    return dict(accountcode="", src=src, dst=dst, dcontext=dcontext, clid="", channel=channel,
                dstchannel=dstchannel, lastapp="Dial", lastdata="", start=start,
                answer=(t + dt.timedelta(seconds=5)).isoformat(sep=" ") if billsec else "",
                end=(t + dt.timedelta(seconds=billsec + 5)).isoformat(sep=" "),
                duration=billsec + 5, billsec=billsec, disposition=disposition,
                amaflags="DOCUMENTATION", uniqueid=uid or f"u-{start[8:10]}-{billsec}",
                userfield="", peeraccount="", linkedid="", sequence=1)


JANE, RAJ, PRIYA, SHARED = ("PJSIP/442079460121-0001", "PJSIP/442079460122-0002",
                            "PJSIP/441614960011-0003", "PJSIP/442079460199-0004")
CALLS = [
    call("2026-10-05 09:15:00", JANE, "07700900123", 123, uid="jane-mobile"),   # 3 min mobile
    call("2026-10-05 10:00:00", JANE, "02079460000", 59, uid="jane-land"),      # 1 min UK
    call("2026-10-06 11:00:00", JANE, "0012125550123", 61, uid="jane-us"),      # 2 min USA
    call("2026-10-07 11:00:00", JANE, "+442079460120", 30),                     # on-net
    # Inbound: the CDR holds the last context (the occupier's rows), not the DID context.
    call("2026-10-07 12:00:00", "PJSIP/trunk-9", "acme.main-in", 40, dcontext="lon1.occupiers",
         dstchannel="PJSIP/442079460122-0000000a"),
    call("2026-10-08 12:00:00", JANE, "07700900123", 0, disposition="NO ANSWER"),
    call("2026-10-10 12:00:00", RAJ, "07700900555", 60, uid="raj-acme"),        # Acme's then
    call("2026-10-25 12:00:00", RAJ, "07700900555", 90, uid="raj-kappa"),       # Kappa's now
    call("2026-10-10 15:00:00", SHARED, "02071234567", 120, uid="yotta-1"),     # Yotta's
    call("2026-10-20 15:00:00", SHARED, "02071234567", 180, uid="zeta-1"),      # Zeta's
    call("2026-10-12 08:00:00", PRIYA, "01614960999", 300, dcontext="man1.northwind-legal",
         uid="priya-1"),
    call("2026-10-13 08:00:00", "Local/x-1", "07700900123", 10, src="9999",
         dcontext="default", uid="stray"),                                      # nobody's
    call("2026-11-01 00:00:00", JANE, "07700900123", 60, uid="next-month"),
    # A phone known only by its extension in Acme's context (no number in the channel).
    call("2026-10-14 09:00:00", "PJSIP/desk-7f", "02079460000", 45, src="2121",
         uid="jane-ext"),
]


def write_month(path: Path) -> Path:
    lines = [cdr_line(c, (16, 18, 21)[i % 3]) for i, c in enumerate(CALLS)]
    lines.insert(3, '"acme","+44","07700 broken line')
    path.write_text("\n".join(lines) + "\n")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open() as fh:
        return list(csv.DictReader(fh))


def test_a_generated_month_bills_each_occupier_for_its_own_calls(
        estate: Path, tmp_path: Path, cli: Callable[..., Any]) -> None:
    master = write_month(tmp_path / "Master.csv")
    out = tmp_path / "report"
    res = cli("calls", "--repo", estate, "--month", MONTH, "--cdr", master, "--out", out,
              "--format", "json", "--allow-partial")
    assert res.exit_code == 0, res.output
    assert "skipped malformed CDR Master.csv:4:" in res.stderr
    assert "not charged: Master.csv:13:" in res.stderr   # the stray call, said, not dropped
    summary = json.loads(res.stdout)
    assert summary["malformed"][0]["cdr"] == "Master.csv:4"
    assert (summary["inbound"], summary["on_net"], summary["unanswered"]) == (1, 1, 1)

    items = {occ: read_csv(out / occ / f"calls-{MONTH}.csv")
             for occ in ("acme", "kappa", "yotta", "zeta", "northwind-legal")}
    # 16-column lines have no uniqueid: name each call by its start time.
    uid = {c["start"]: c["uniqueid"] for c in CALLS}
    for rows in items.values():
        for r in rows:
            r["cdr"] = uid[r["start"]]
    ids = {occ: sorted(r["cdr"] for r in rows) for occ, rows in items.items()}
    assert ids == {"acme": ["jane-ext", "jane-land", "jane-mobile", "jane-us", "raj-acme"],
                   "kappa": ["raj-kappa"], "yotta": ["yotta-1"], "zeta": ["zeta-1"],
                   "northwind-legal": ["priya-1"]}
    acme = {r["cdr"]: r for r in items["acme"]}
    # Standard tariff, whole minutes: 123 s -> 3 min of UK mobile at 0.09.
    assert (acme["jane-mobile"]["billed_seconds"], acme["jane-mobile"]["client_amount"]) == (
        "180", "0.2700")
    assert acme["jane-us"]["destination"] == "+12125550123"
    assert acme["jane-us"]["client_amount"] == "0.1500"   # 0.05 connection + 2 min at 0.05
    # Kappa's business tariff bills by the second: 90 s of mobile at 0.06/min.
    assert items["kappa"][0]["client_amount"] == "0.0900"

    ops = {(r["occupier"], r["site"]): r for r in read_csv(out / "operator-summary.csv")}
    assert set(ops) == {("acme", "lon1"), ("kappa", "lon1"), ("yotta", "lon1"),
                        ("zeta", "lon1"), ("northwind-legal", "man1")}
    for (occ, _site), row in ops.items():
        assert Decimal(row["client_amount"]) == sum(
            (Decimal(r["client_amount"]) for r in items[occ]), Decimal(0)).quantize(
            Decimal("0.01"))
        assert int(row["calls"]) == len(items[occ])
    assert ops[("acme", "lon1")]["billing_ref"] == "ACME-0042"
    assert Decimal(ops[("acme", "lon1")]["operator_amount"]) < Decimal(
        ops[("acme", "lon1")]["client_amount"])
    exts = read_csv(out / "acme" / f"extensions-{MONTH}.csv")
    assert [(r["extension"], r["calls"], r["minutes"]) for r in exts] == [
        ("2121", "4", "7.00"), ("2122", "1", "1.00")]
    html = (out / f"calls-{MONTH}.html").read_text()
    assert "<svg" in html and html.count("<rect") == 31 and "northwind-legal" in html


def test_only_completed_months_unless_partial_is_allowed(
        estate: Path, tmp_path: Path, cli: Callable[..., Any]) -> None:
    master = write_month(tmp_path / "Master.csv")
    this_month = clock.today().strftime("%Y-%m")
    res = cli("calls", "--repo", estate, "--month", this_month, "--cdr", master,
              "--out", tmp_path / "r")
    assert res.exit_code == 1 and "not over yet" in res.output
    res = cli("calls", "--repo", estate, "--month", this_month, "--cdr", master,
              "--out", tmp_path / "r", "--allow-partial", "--format", "csv")
    assert res.exit_code == 0 and res.stdout.startswith("month,site,occupier,")


def test_the_real_cdr_samples_are_read_and_accounted_for(
        estate: Path, tmp_path: Path, cli: Callable[..., Any]) -> None:
    files = [realdata("asterisk", "cdr_samples", n) for n in
             ("testsuite_self_test_Master.csv", "rsclib_ast_cdr_doctest_line.csv")]
    res = cli("calls", "--repo", estate, "--month", "2010-04", "--out", tmp_path / "r",
              *[a for f in files for a in ("--cdr", f)])
    assert res.exit_code == 0, res.output
    # Console calls to extension 1 of the test suite: answered, never through a trunk: on-net.
    assert "not charged" not in res.stderr
    assert "0 charged, 0 inbound, 2 on-net" in res.stdout
    assert "0 malformed, 1 outside the month" in res.stdout


def test_the_cdr_table_gives_the_same_bill_as_master_csv(
        estate: Path, tmp_path: Path, cli: Callable[..., Any]) -> None:
    import sqlite3

    db = tmp_path / "cdr.sqlite"
    ddl = (Path(__file__).resolve().parents[2] / "templates" / "asterisk" /
           "realtime.sqlite.sql").read_text()
    cols = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
            "lastdata", "start", "answer", "end", "duration", "billsec", "disposition",
            "amaflags", "uniqueid", "userfield", "peeraccount", "linkedid", "sequence")
    with sqlite3.connect(db) as conn:
        conn.executescript(ddl)
        names, marks = ", ".join(f'"{c}"' for c in cols), ", ".join("?" * len(cols))
        conn.executemany(f"INSERT INTO cdr ({names}) VALUES ({marks})",  # noqa: S608
                         [tuple(c[k] or None if k == "answer" else c[k] for k in cols)
                          for c in CALLS])
    conn.close()
    master = write_month(tmp_path / "Master.csv")
    for args, out in ((("--cdr", master), tmp_path / "a"), (("--cdr-db", db), tmp_path / "b")):
        res = cli("calls", "--repo", estate, "--month", MONTH, *args, "--out", out,
                  "--allow-partial")
        assert res.exit_code == 0, res.output
    assert (tmp_path / "a" / "operator-summary.csv").read_text() == \
        (tmp_path / "b" / "operator-summary.csv").read_text()
    assert len(read_csv(tmp_path / "b" / "operator-summary.csv")) == 5
