"""Asterisk call detail records: `Master.csv` of cdr_csv and the `cdr` table.

cdr_csv writes 16 columns by default; `loguniqueid` + `loguserfield` (on in the
shipped cdr.conf) make 18, and `newcdrcolumns` adds peeraccount, linkedid and
sequence for 21 (see cdr_csv.c `build_csv_record`). Other widths are ambiguous
and reported as malformed, like any line that does not parse: with its line
number, never silently dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BASE = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
        "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags")
LAYOUTS: dict[int, tuple[str, ...]] = {
    16: BASE,
    18: (*BASE, "uniqueid", "userfield"),
    21: (*BASE, "uniqueid", "userfield", "peeraccount", "linkedid", "sequence"),
}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION")


@dataclass(frozen=True)
class Cdr:
    source: str  # file:line or table:row, for the report
    accountcode: str
    src: str
    dst: str
    dcontext: str
    channel: str
    start: dt.datetime
    answer: dt.datetime | None
    duration: int
    billsec: int
    disposition: str
    uniqueid: str = ""
    dstchannel: str = ""
    lastdata: str = ""
    linkedid: str = ""

    @property
    def call_id(self) -> str:
        """The call this leg belongs to: legs of one call (ring-all, a forward after a
        hunt group) share the linkedid, or at least the uniqueid of the calling channel."""
        return self.linkedid or self.uniqueid or self.source


@dataclass(frozen=True)
class Malformed:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def _time(value: Any, field: str, required: bool) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if value in (None, ""):
        if required:
            raise ValueError(f"{field} is empty")
        return None
    try:
        return dt.datetime.strptime(str(value).strip(), TIME_FORMAT)
    except ValueError:
        raise ValueError(f"{field} {str(value)[:30]!r} is not YYYY-MM-DD HH:MM:SS") from None


def _int(value: Any, field: str) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{field} {str(value)[:20]!r} is not a whole number") from None
    if n < 0:
        raise ValueError(f"{field} is negative")
    return n


def from_fields(source: str, rec: dict[str, Any]) -> Cdr:
    """One record from named fields; ValueError says what is wrong."""
    start = _time(rec.get("start"), "start", True)
    assert start is not None
    duration, billsec = _int(rec.get("duration"), "duration"), _int(rec.get("billsec"), "billsec")
    if billsec > duration:
        raise ValueError(f"billsec {billsec} exceeds duration {duration}")
    disposition = str(rec.get("disposition") or "").strip()
    if disposition not in DISPOSITIONS:
        raise ValueError(f"unknown disposition {disposition[:20]!r}")
    return Cdr(source, str(rec.get("accountcode") or ""), str(rec.get("src") or ""),
               str(rec.get("dst") or ""), str(rec.get("dcontext") or ""),
               str(rec.get("channel") or ""), start, _time(rec.get("answer"), "answer", False),
               duration, billsec, disposition, str(rec.get("uniqueid") or ""),
               str(rec.get("dstchannel") or ""), str(rec.get("lastdata") or ""),
               str(rec.get("linkedid") or ""))


def parse_master_csv(lines: Iterable[str], name: str) -> Iterator[Cdr | Malformed]:
    """Records of a Master.csv, each line on its own (a bad line cannot swallow the next)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        source = f"{name}:{number}"
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error as exc:
            yield Malformed(source, f"not CSV: {exc}")
            continue
        layout = LAYOUTS.get(len(fields))
        if layout is None:
            yield Malformed(source, f"{len(fields)} fields; cdr_csv writes 16, 18 or 21")
            continue
        try:
            yield from_fields(source, dict(zip(layout, fields, strict=True)))
        except ValueError as exc:
            yield Malformed(source, str(exc))


def read_master_csv(path: Path) -> Iterator[Cdr | Malformed]:
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        yield from parse_master_csv(fh, path.name)


COLUMNS = ("accountcode", "src", "dst", "dcontext", "channel", "dstchannel", "lastdata",
           "start", "answer", "duration", "billsec", "disposition", "uniqueid", "linkedid")


def read_cdr_table(db: str, since: dt.datetime, until: dt.datetime) -> Iterator[Cdr | Malformed]:
    """Rows of the `cdr` table (cdr_odbc/cdr_pgsql layout) that started in [since, until).

    `db` is a SQLite file or a postgresql:// DSN.
    """
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    sql = f'SELECT {cols} FROM cdr WHERE start >= ? AND start < ? ORDER BY start'  # noqa: S608
    if db.startswith(("postgresql://", "postgres://")):
        import psycopg

        with psycopg.connect(db) as conn:
            rows = conn.execute(sql.replace("?", "%s"), (since, until)).fetchall()
    else:
        import sqlite3

        # Read-only: a mistyped path must not create an empty database.
        conn2 = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn2.execute(sql, (since.strftime(TIME_FORMAT),
                                       until.strftime(TIME_FORMAT))).fetchall()
        finally:
            conn2.close()
    for i, row in enumerate(rows, start=1):
        rec = dict(zip(COLUMNS, row, strict=True))
        source = f"cdr:{rec.get('uniqueid') or f'row {i}'}"
        try:
            yield from_fields(source, rec)
        except ValueError as exc:
            yield Malformed(source, str(exc))
