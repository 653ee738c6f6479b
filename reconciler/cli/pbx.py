"""`reconciler pbx static`: the PBX server's files an operator installs once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from ..reports.pbx_static import BACKENDS, static_files
from .common import OUT, RepoOpt, handle_errors, load

pbx_app = typer.Typer(help="The PBX (Asterisk): its one-time static configuration.",
                      no_args_is_help=True, rich_markup_mode=None)


@pbx_app.command("static")
@handle_errors
def static_cmd(site: Annotated[list[str], typer.Option(
                   "--site", help="A site of the PBX server (repeatable); the files cover "
                   "every site on that server.", metavar="SITE")],
               repo: RepoOpt = Path("."),
               backend: Annotated[str, typer.Option(
                   "--backend", help="Realtime driver: " + " or ".join(BACKENDS))] = "pgsql",
               db: Annotated[str | None, typer.Option(
                   "--db", help="The realtime database: postgresql://user@host:port/name "
                   "or, with --backend sqlite3, the file's path on the PBX (no password).",
                   show_default=False)] = None,
               bind: Annotated[str, typer.Option(
                   "--bind", help="Address and port of the SIP transport.",
                   metavar="ADDR:PORT")] = "0.0.0.0:5060",
               out: Annotated[Path | None, typer.Option(
                   "--out", "-o", help="Write one file per name into this folder instead of "
                   "printing them.", show_default=False, metavar="DIR")] = None) -> None:
    """Print (or write) extensions.conf, pjsip.conf, sorcery.conf, extconfig.conf, the
    realtime driver's file, voicemail.conf, cdr.conf and modules.conf for the PBX server
    of --site: fixed contexts per site, so occupiers never need a hand edit or a reload.
    """
    if db and "@" in db and ":" in db.split("://", 1)[-1].split("@", 1)[0]:
        raise typer.BadParameter("leave the password out of --db (it is never printed)",
                                 param_hint="--db")
    if not re.fullmatch(r"[0-9A-Za-z.:\[\]-]{1,60}:\d{1,5}", bind):
        raise typer.BadParameter("use ADDRESS:PORT, e.g. 0.0.0.0:5060", param_hint="--bind")
    files = static_files(load(repo), site, backend, db, bind)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
        OUT.info(f"wrote {len(files)} files in {out}")
        return
    OUT.out("\n".join(text.rstrip("\n") + "\n" for text in files.values()))
