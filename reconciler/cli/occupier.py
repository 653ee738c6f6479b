"""`reconciler show` (network information) and `reconciler guide` (welcome pack)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..engine.resources import OCCUPIER_ID
from ..reports.netinfo import network_info
from ..reports.render import render
from .common import (
    OUT,
    AtOpt,
    CredOpt,
    EndpointsOpt,
    RepoOpt,
    handle_errors,
    load,
    parse_date,
)

OccupierArg = Annotated[str, typer.Argument(help="Occupier id (its file name in occupiers/).",
                                            show_default=False)]
ShowFormat = ("text", "json", "markdown")


def _templates(repo: Path) -> Path | None:
    own = repo.resolve() / "templates"
    return own if own.is_dir() else None


@handle_errors
def show_cmd(occupier: OccupierArg, repo: RepoOpt = Path("."),
             site: Annotated[list[str] | None, typer.Option(
                 "--site", help="Only this site (repeatable).", show_default=False)] = None,
             fmt: Annotated[str, typer.Option("--format", "-f", help="text, json or markdown",
                                              case_sensitive=False)] = "text",
             at: AtOpt = None,
             live: Annotated[bool, typer.Option(
                 "--live", help="Also read the live systems and show differences.")] = False,
             creds_file: CredOpt = None, endpoints: EndpointsOpt = None) -> None:
    """Network information of an occupier per site: from git, and with --live, as it is."""
    fmt = fmt.lower()
    if fmt not in ShowFormat:
        raise typer.BadParameter(f"unknown format {fmt!r}; use text, json or markdown",
                                 param_hint="--format")
    estate = load(repo)
    day = parse_date(at)
    if live and occupier not in estate.occupiers and OCCUPIER_ID.fullmatch(occupier):
        # No file (deleted?): what the live systems still hold of it is all there is.
        rows = _live(repo, occupier, day, list(site or []), creds_file, endpoints)
        _show_orphan(occupier, day, rows, fmt)
        return
    info = network_info(estate, occupier, day, site)
    live_rows: dict[str, list[dict[str, Any]]] | None = None
    if live:
        live_rows = _live(repo, occupier, day, [s["site"] for s in info["sites"]],
                          creds_file, endpoints)
    if fmt == "json":
        if live_rows is not None:
            for s in info["sites"]:
                s["live"] = live_rows.get(s["site"], [])
        OUT.out(json.dumps(info, indent=2))
        return
    template = "show/text.j2" if fmt == "text" else "show/markdown.j2"
    OUT.out(render(template, _templates(repo), info=info, live=live_rows))


def _live(repo: Path, occupier: str, day: Any, sites: list[str], creds_file: Path | None,
          endpoints: Path | None) -> dict[str, list[dict[str, Any]]]:
    from .options import reconciler

    return reconciler(repo, creds_file, endpoints).occupier_status(occupier, day, sites)


def _show_orphan(occupier: str, day: Any, rows: dict[str, list[dict[str, Any]]],
                 fmt: str) -> None:
    held = {site: [r for r in rs if r["state"] != "ok"] for site, rs in sorted(rows.items())}
    held = {site: rs for site, rs in held.items() if rs}
    if fmt == "json":
        OUT.out(json.dumps({"occupier": {"id": occupier, "file": None}, "at": str(day),
                            "sites": [{"site": s, "live": rs} for s, rs in held.items()]},
                           indent=2))
        return
    n = sum(len(rs) for rs in held.values())
    head = (f"{occupier}: no file in occupiers/; the live systems hold {n} of its "
            f"object(s) on {day}")
    lines = [head if fmt == "text" else f"### {head}", ""]
    for site, rs in held.items():
        lines.append(f"== {site} ==" if fmt == "text" else f"#### {site}\n")
        for r in rs:
            what = f"{r['target']} {r['kind'] or ''} {r['key'] or ''}".strip()
            state = r["state"].upper() + (f" ({r['error']})" if r["error"] else "")
            lines.append(f"  ! {state:<11}{what}" if fmt == "text" else f"- **{state}** {what}")
        lines.append("")
    OUT.out("\n".join(lines))


@handle_errors
def guide_cmd(occupier: OccupierArg,
              site: Annotated[str, typer.Option("--site", help="The site of the welcome pack.",
                                                show_default=False)],
              repo: RepoOpt = Path("."), at: AtOpt = None,
              fmt: Annotated[str, typer.Option(
                  "--format", "-f", help="markdown or html (printed when no --out)",
                  case_sensitive=False)] = "markdown",
              out: Annotated[Path | None, typer.Option(
                  "--out", "-o", help="Folder to write <occupier>-<site>.html and .md into.",
                  show_default=False)] = None) -> None:
    """The occupier's welcome pack for one site (network, Wi-Fi Secure, phones, support)."""
    estate = load(repo)
    info = network_info(estate, occupier, parse_date(at), [site])
    extra = _templates(repo)
    pages = {"md": render("guide/guide.md.j2", extra, info=info),
             "html": render("guide/guide.html.j2", extra, info=info)}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for ext, text in pages.items():
            path = out / f"{occupier}-{site}.{ext}"
            path.write_text(OUT.mask(text), encoding="utf-8")
            OUT.info(f"wrote {path}")
        return
    fmt = fmt.lower()
    if fmt not in ("markdown", "html"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use markdown or html",
                                 param_hint="--format")
    OUT.out(pages["md" if fmt == "markdown" else "html"])
