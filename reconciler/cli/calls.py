"""`reconciler calls --month YYYY-MM`: the monthly call-charge report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .. import clock
from ..errors import ConfigError
from ..model.history import read_history
from ..reports.calls import build_report, month_bounds
from ..reports.calls_output import summary_json, summary_text, write_report
from ..reports.cdr import Cdr, Malformed, read_cdr_table, read_master_csv
from ..reports.tariff import load_tariffs
from .common import OUT, RepoOpt, handle_errors, load

CdrOpt = Annotated[list[Path] | None, typer.Option(
    "--cdr", help="An Asterisk cdr_csv Master.csv (16, 18 or 21 columns); repeatable.",
    show_default=False)]
CdrDbOpt = Annotated[str | None, typer.Option(
    "--cdr-db", help="The `cdr` table: a SQLite file or a postgresql:// DSN.",
    envvar="RECONCILER_CDR_DB", show_default=False)]


@handle_errors
def calls_cmd(month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
              repo: RepoOpt = Path("."),
              cdr: CdrOpt = None,
              cdr_db: CdrDbOpt = None,
              out: Annotated[Path | None, typer.Option(
                  "--out", "-o", help="Folder for the CSV and HTML files "
                  "(default: calls-YYYY-MM).", show_default=False)] = None,
              fmt: Annotated[str, typer.Option("--format", "-f",
                                               help="What to print: text, csv, json")] = "text",
              tariffs: Annotated[Path | None, typer.Option(
                  "--tariffs", help="Tariff file (default: the built-in tariffs).",
                  show_default=False)] = None,
              allow_partial: Annotated[bool, typer.Option(
                  "--allow-partial", help="Also report the current, unfinished month.")] = False
              ) -> None:
    """Rate a month of Asterisk CDRs and write per-occupier and operator reports."""
    try:
        since, until = month_bounds(month)
    except ValueError:
        raise typer.BadParameter(f"{month!r} is not YYYY-MM", param_hint="--month") from None
    if fmt not in ("text", "csv", "json"):
        raise typer.BadParameter("use text, csv or json", param_hint="--format")
    today = clock.today()
    if until.date() > today and not allow_partial:
        raise ConfigError(f"{month} is not over yet (reports are for completed months); "
                          "pass --allow-partial for a provisional report")
    if not cdr and not cdr_db:
        raise ConfigError("no CDRs: pass --cdr Master.csv (repeatable) and/or --cdr-db")
    estate = load(repo)
    records: list[Cdr | Malformed] = []
    for path in cdr or []:
        if not path.is_file():
            raise ConfigError(f"no CDR file at {path}")
        records += list(read_master_csv(path))
    if cdr_db:
        try:
            records += list(read_cdr_table(cdr_db, since, until))
        except Exception as exc:  # noqa: BLE001 - sqlite3/psycopg errors, said plainly
            raise ConfigError(f"cannot read the cdr table: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}") from None
    report = build_report(month, records, estate, read_history(estate.root), load_tariffs(tariffs))
    for m in report.malformed:
        OUT.info(f"skipped malformed CDR {m}")
    for r, why in report.unattributed:
        OUT.info(f"not charged: {r.source}: {why}")
    written = write_report(report, estate, out or Path(f"calls-{month}"))
    OUT.info(f"wrote {len(written)} files in {(out or Path(f'calls-{month}'))}")
    if fmt == "json":
        OUT.out(json.dumps(summary_json(report, estate), indent=2))
    elif fmt == "csv":
        OUT.out((out or Path(f"calls-{month}")).joinpath("operator-summary.csv").read_text())
    else:
        OUT.out(summary_text(report, estate))
