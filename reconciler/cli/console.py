"""`reconciler console build|serve`: the operator console (a static site from git)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import OUT, AtOpt, RepoOpt, handle_errors, parse_date

console_app = typer.Typer(help="The operator console: the estate, its timeline and its live "
                          "state as a static web site built from git.", no_args_is_help=True,
                          rich_markup_mode=None)

OutOpt = Annotated[Path, typer.Option(
    "--out", "-o", help="Folder to write the site into (replaced if it holds an earlier "
    "build; refused if it holds anything else).", metavar="DIR")]
JournalsOpt = Annotated[list[Path] | None, typer.Option(
    "--journal", help="Apply journal(s): a .jsonl file or a folder of them (repeatable). "
    "Default: .reconciler/journal.jsonl of the estate.", show_default=False, metavar="PATH")]
DriftOpt = Annotated[list[Path] | None, typer.Option(
    "--drift", help="Drift report(s) from `reconciler drift --report FILE`: a file or a "
    "folder of *.json (repeatable).", show_default=False, metavar="PATH")]
CallsOpt = Annotated[list[Path] | None, typer.Option(
    "--calls", help="Call-charge reports from `reconciler calls`: a calls-YYYY-MM folder or "
    "the folder holding them (repeatable).", show_default=False, metavar="DIR")]


def _build(repo: Path, out: Path, at: str | None, journal: list[Path] | None,
           drift: list[Path] | None, calls: list[Path] | None) -> Path:
    from ..console.build import build
    from ..console.data import Sources

    src = Sources(repo.resolve(), parse_date(at) if at else None, tuple(journal or ()),
                  tuple(drift or ()), tuple(calls or ()))
    res = build(src, out, progress=lambda step: OUT.info(f"console: {step} written"))
    for n in res.notes:
        OUT.info(f"note: {n}")
    index = res.sizes.get("index.html", 0)
    OUT.info(f"wrote {res.pages} pages and {res.files} files to {out} in {res.seconds:.1f} s "
             f"(estate page {index / 1024:.0f} KiB)")
    return out


@console_app.command("build")
@handle_errors
def build_cmd(out: OutOpt, repo: RepoOpt = Path("."), at: AtOpt = None,
              journal: JournalsOpt = None, drift: DriftOpt = None,
              calls: CallsOpt = None) -> None:
    """Write the console for the estate as of a day (default today): open DIR/index.html."""
    _build(repo, out, at, journal, drift, calls)


@console_app.command("serve")
@handle_errors
def serve_cmd(repo: RepoOpt = Path("."), at: AtOpt = None,
              out: Annotated[Path, typer.Option(
                  "--out", "-o", help="Folder to build into and serve.",
                  metavar="DIR")] = Path(".reconciler/console"),
              no_build: Annotated[bool, typer.Option(
                  "--no-build", help="Serve DIR as it is; build nothing.")] = False,
              host: Annotated[str, typer.Option(
                  "--host", help="Address to listen on (loopback: only this machine).")]
              = "127.0.0.1",
              port: Annotated[int, typer.Option("--port", min=0, max=65535,
                                                help="Port (0: any free one).")] = 8000,
              journal: JournalsOpt = None, drift: DriftOpt = None,
              calls: CallsOpt = None) -> None:
    """Build the console (unless --no-build) and serve it locally until Ctrl-C."""
    from ..console.serve import serve

    if not no_build:
        out = _build(repo, (repo / out) if not out.is_absolute() else out, at, journal,
                     drift, calls)
    elif not (out / "index.html").is_file():
        from ..errors import ConfigError

        raise ConfigError(f"no console in {out}: build it first (drop --no-build)")
    serve(out, host, port, lambda url: OUT.info(f"serving {out} at {url} (Ctrl-C stops)"))
