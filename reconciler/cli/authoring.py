"""Authoring commands for pull requests: each edits YAML round-trip, allocates, validates.

If the estate does not pass afterwards, every file is put back as it was and the
problems are printed (exit 1): a PR author never hand-edits allocations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from .. import clock
from ..errors import InputError, InputIssue
from ..gitops.authoring import (
    AuthoringError,
    new_occupier_text,
    space_move_text,
    user_add_text,
    user_remove_text,
)
from ..intent.allocate import plan_allocations
from ..model.estate import OCCUPIERS_DIR, load_estate, load_files
from ..model.yamlio import apply_edits
from .common import OUT, RepoOpt, handle_errors

occupier_app = typer.Typer(help="Occupier files.", no_args_is_help=True)
user_app = typer.Typer(help="Users of an occupier.", no_args_is_help=True)

SiteArg = Annotated[str, typer.Option("--site", help="The site of the contract.", metavar="SITE")]
DateOpt = Annotated[str | None, typer.Option("--on", help="The day it takes effect "
                                             "(YYYY-MM-DD; default: today).", metavar="DATE")]


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else clock.today()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _occupier_path(root: Path, occ: str) -> Path:
    path = root / OCCUPIERS_DIR / f"{occ}.yaml"
    if path.parent.resolve() != (root / OCCUPIERS_DIR).resolve() or not path.is_file():
        raise AuthoringError(f"no occupier {occ!r} (no {OCCUPIERS_DIR}/{occ}.yaml)")
    return path


def edit_then_check(root: Path, path: Path, edit: Callable[[str | None], str], what: str
                    ) -> None:
    """Write the edit, allocate, validate the whole estate; restore everything on failure."""
    snapshot = {p: p.read_text(encoding="utf-8")
                for p in sorted((root / OCCUPIERS_DIR).glob("*.y*ml"))}
    original = snapshot.get(path)
    new = edit(original)
    path.write_text(new, encoding="utf-8")
    try:
        estate, issues = load_files(root)
        if issues:
            raise InputError(issues)
        edits, errors = plan_allocations(estate)
        if errors:
            raise InputError([InputIssue(e.file, *estate.files[e.file].locate(e.path),
                                         "allocation", e.message) for e in errors])
        if edits:
            apply_edits(root, edits)
        load_estate(root)
    except Exception:
        for p, text in snapshot.items():
            p.write_text(text, encoding="utf-8")
        if original is None:
            path.unlink(missing_ok=True)
        OUT.info("nothing was changed: the estate would not be valid")
        raise
    OUT.out(f"{path.relative_to(root)}: {what}")
    for e in edits:
        OUT.out(f"allocated: {e.describe}")
    OUT.info("valid. Commit and open a pull request: its plan comment shows what changes.")


@occupier_app.command("new")
@handle_errors
def occupier_new_cmd(occ_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. zephyr")],
                     name: Annotated[str, typer.Option("--name", help="Company name.")],
                     site: SiteArg,
                     space: Annotated[list[str] | None, typer.Option(
                         "--space", help="A space leased from the start (repeatable).",
                         metavar="SPACE")] = None,
                     start: Annotated[str | None, typer.Option(
                         "--start", help="Contract start and move-in (YYYY-MM-DD; default: "
                         "today).", metavar="DATE")] = None,
                     internet: Annotated[int | None, typer.Option(
                         "--internet", help="Internet bandwidth in Mbit/s.",
                         metavar="MBPS")] = None,
                     wifi_secure: Annotated[bool, typer.Option("--wifi-secure")] = False,
                     repo: RepoOpt = Path(".")) -> None:
    """Create an occupier file with its first contract; allocate its VLAN and subnet."""
    root = repo.resolve()
    text = new_occupier_text(occ_id, name, site, _day(start), list(space or []), internet,
                             wifi_secure)
    path = root / OCCUPIERS_DIR / f"{occ_id}.yaml"
    if path.exists():
        raise AuthoringError(f"{OCCUPIERS_DIR}/{occ_id}.yaml exists already")
    edit_then_check(root, path, lambda _old: text, f"new occupier {occ_id} at {site}")


@handle_errors
def space_move_cmd(occupier: Annotated[str, typer.Argument(metavar="OCCUPIER")],
                   site: SiteArg,
                   to: Annotated[str, typer.Option("--to", help="The space moved into.",
                                                   metavar="SPACE")],
                   from_: Annotated[str | None, typer.Option(
                       "--from", help="The space left the day before (omit to add a space).",
                       metavar="SPACE")] = None,
                   on: DateOpt = None, repo: RepoOpt = Path(".")) -> None:
    """Move an occupier into a space on a day (and out of another the day before)."""
    root = repo.resolve()
    path = _occupier_path(root, occupier)
    day = _day(on)
    edit_then_check(root, path, lambda old: space_move_text(old or "", site, to, day, from_),
                    f"space {to} at {site} from {day}"
                    + (f", leaving {from_} on {day - dt.timedelta(days=1)}" if from_ else ""))


@user_app.command("add")
@handle_errors
def user_add_cmd(occupier: Annotated[str, typer.Argument(metavar="OCCUPIER")],
                 email: Annotated[str, typer.Option("--email", metavar="EMAIL")],
                 name: Annotated[str, typer.Option("--name")],
                 admin: Annotated[bool, typer.Option("--admin")] = False,
                 wifi_secure: Annotated[bool, typer.Option("--wifi-secure")] = False,
                 home_site: Annotated[str | None, typer.Option("--home-site",
                                                               metavar="SITE")] = None,
                 repo: RepoOpt = Path(".")) -> None:
    """Add a user (an employee) to an occupier."""
    root = repo.resolve()
    path = _occupier_path(root, occupier)
    mail = email.strip().lower()
    edit_then_check(root, path, lambda old: user_add_text(
        old or "", mail, name, "admin" if admin else None, wifi_secure, home_site),
        f"user {mail} added")


@user_app.command("remove")
@handle_errors
def user_remove_cmd(occupier: Annotated[str, typer.Argument(metavar="OCCUPIER")],
                    email: Annotated[str, typer.Argument(metavar="EMAIL")],
                    repo: RepoOpt = Path(".")) -> None:
    """Remove a user from an occupier (their Wi-Fi account goes with the next apply)."""
    root = repo.resolve()
    path = _occupier_path(root, occupier)
    mail = email.strip().lower()
    edit_then_check(root, path, lambda old: user_remove_text(old or "", mail),
                    f"user {mail} removed")
