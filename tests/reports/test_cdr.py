"""Parsing Asterisk CDRs: Master.csv in its 16-, 18- and 21-column forms, real samples,
malformed lines reported by line number, and the `cdr` table."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from reconciler.reports.cdr import (
    Cdr,
    Malformed,
    parse_master_csv,
    read_cdr_table,
    read_master_csv,
)
from tests.conftest import realdata
from tests.reports.cdrgen import cdr_line

BASE = dict(accountcode="acme", src="+442079460121", dst="07700900123", dcontext="lon1.acme",
            clid='"Jane Okafor" <+442079460121>', channel="PJSIP/442079460121-0000002a",
            dstchannel="PJSIP/trunk-0000002b", lastapp="Dial", lastdata="PJSIP/07700900123@trunk",
            start="2026-10-05 09:15:00", answer="2026-10-05 09:15:07", end="2026-10-05 09:17:10",
            duration=130, billsec=123, disposition="ANSWERED", amaflags="DOCUMENTATION",
            uniqueid="1759655700.42", userfield="", peeraccount="", linkedid="1759655700.42",
            sequence=7)


@pytest.mark.parametrize("columns", [16, 18, 21])
def test_each_cdr_csv_layout_parses_to_the_same_call(columns: int) -> None:
    line = cdr_line(BASE, columns)
    assert line.count(",") >= columns - 1
    (rec,) = parse_master_csv([line], "Master.csv")
    assert isinstance(rec, Cdr)
    assert (rec.src, rec.dst, rec.channel, rec.dcontext, rec.billsec, rec.duration) == (
        "+442079460121", "07700900123", "PJSIP/442079460121-0000002a", "lon1.acme", 123, 130)
    assert rec.start == dt.datetime(2026, 10, 5, 9, 15)
    assert rec.uniqueid == ("" if columns == 16 else "1759655700.42")


def test_real_cdr_csv_samples_parse(tmp_path: Path) -> None:
    recs = []
    for name in ("testsuite_self_test_Master.csv", "rsclib_ast_cdr_doctest_line.csv"):
        recs += list(read_master_csv(realdata("asterisk", "cdr_samples", name)))
    assert all(isinstance(r, Cdr) for r in recs)
    by_id = {r.uniqueid: r for r in recs if isinstance(r, Cdr)}
    assert by_id["1270167992.0"].duration == 7 and by_id["1270167992.0"].channel == "Console/dsp"
    iax = by_id["asterisk-1240499812.774"]
    assert (iax.duration, iax.billsec, iax.disposition) == (45, 45, "ANSWERED")
    assert iax.channel == "lcr/439" and iax.dst == "11" and iax.start == dt.datetime(2009, 4, 23, 15, 16, 52)


def test_unanswered_call_has_an_empty_unquoted_answer() -> None:
    line = cdr_line({**BASE, "answer": "", "billsec": 0, "disposition": "NO ANSWER"}, 18)
    assert ',,"2026-10-05 09:17:10",130,0,"NO ANSWER"' in line
    (rec,) = parse_master_csv([line], "Master.csv")
    assert isinstance(rec, Cdr) and rec.answer is None and rec.billsec == 0


def test_malformed_lines_are_reported_with_their_line_numbers() -> None:
    good = cdr_line(BASE, 18)
    lines = [good,
             cdr_line(BASE, 18).rsplit(",", 1)[0],                          # 17 fields
             cdr_line({**BASE, "start": "05/10/2026 09:15"}, 16),
             cdr_line({**BASE, "billsec": "12x"}, 21),
             cdr_line({**BASE, "billsec": 500}, 16),                       # > duration
             cdr_line({**BASE, "disposition": "MAYBE"}, 16),
             '"acme","+44","0770,"broken quote',
             "",
             good]
    out = list(parse_master_csv(lines, "Master.csv"))
    bad = [r for r in out if isinstance(r, Malformed)]
    assert [str(b).split(":")[1] for b in bad] == ["2", "3", "4", "5", "6", "7"]
    assert "17 fields; cdr_csv writes 16, 18 or 21" in bad[0].reason
    assert "start '05/10/2026 09:15' is not YYYY-MM-DD HH:MM:SS" in bad[1].reason
    assert "billsec '12x' is not a whole number" in bad[2].reason
    assert "exceeds duration" in bad[3].reason and "unknown disposition" in bad[4].reason
    assert [r.source for r in out if isinstance(r, Cdr)] == ["Master.csv:1", "Master.csv:9"]


def test_cdr_table_rows_of_the_month(tmp_path: Path) -> None:
    db = tmp_path / "cdr.sqlite"
    schema = (Path(__file__).resolve().parents[2] / "templates" / "asterisk" /
              "realtime.sqlite.sql").read_text()
    with sqlite3.connect(db) as conn:
        conn.executescript(schema)
        for start, billsec in (("2026-09-30 23:59:59", 10), ("2026-10-01 00:00:00", 20),
                               ("2026-10-31 23:59:59", 30), ("2026-11-01 00:00:00", 40)):
            conn.execute("INSERT INTO cdr (src, dst, dcontext, channel, start, duration, billsec, "
                         "disposition, uniqueid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         ("+442079460121", "07700900123", "lon1.acme", "PJSIP/1-1", start, 50,
                          billsec, "ANSWERED", f"u{billsec}"))
        conn.execute("INSERT INTO cdr (start, duration, billsec, disposition, uniqueid) VALUES "
                     "('2026-10-02 10:00:00', 5, 9, 'ANSWERED', 'broken')")
    conn.close()
    out = list(read_cdr_table(str(db), dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1)))
    assert [r.billsec for r in out if isinstance(r, Cdr)] == [20, 30]
    assert [str(r) for r in out if isinstance(r, Malformed)] == [
        "cdr:broken: billsec 9 exceeds duration 5"]


def test_cdr_table_on_postgresql_with_asterisks_schema(postgres: object) -> None:
    import psycopg

    sql = realdata("asterisk", "22.10.1", "postgresql_cdr.sql").read_text()
    dsn = postgres.create_database("cdr" + str(id(sql))[-6:])  # type: ignore[attr-defined]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]
        conn.execute("INSERT INTO cdr (src, dst, dcontext, channel, start, answer, \"end\", "
                     "duration, billsec, disposition, uniqueid) VALUES (%s, %s, %s, %s, %s, %s, "
                     "%s, %s, %s, %s, %s)",
                     ("+442079460121", "07700900123", "lon1.acme", "PJSIP/442079460121-1",
                      dt.datetime(2026, 10, 3, 12), dt.datetime(2026, 10, 3, 12, 0, 5),
                      dt.datetime(2026, 10, 3, 12, 2), 120, 115, "ANSWERED", "pg1"))
    (rec,) = read_cdr_table(dsn, dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1))
    assert isinstance(rec, Cdr) and rec.billsec == 115 and rec.answer is not None
