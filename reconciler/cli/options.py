"""Options of the commands that may change live systems, and the Reconciler they drive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..engine.credentials import CredentialStore, settings_secrets
from ..service import ApplyPolicy, Reconciler
from .common import OUT, credentials
from .progress import CliEvents

WaitOpt = Annotated[float, typer.Option(
    "--wait", min=0, help="If another run holds a site's lock, wait up to SECONDS for it "
    "(default: refuse at once, naming the holder).", show_default=False, metavar="SECONDS")]
JournalOpt = Annotated[Path | None, typer.Option(
    "--journal", help="Journal file (JSON lines). Default: .reconciler/journal.jsonl in the "
    "estate repository.", envvar="RECONCILER_JOURNAL", show_default=False, metavar="FILE")]
ResumeOpt = Annotated[bool, typer.Option(
    "--resume", help="Finish the last interrupted apply recorded in the journal: plan its "
    "targets again for its date and apply that.")]
AllowMassOpt = Annotated[bool, typer.Option(
    "--allow-mass-change", help="Go ahead even if occupiers of a site would lose more than "
    "the allowed share of their ports, VLANs, gateways, trunk entries, users, keys or lines.")]
ShareOpt = Annotated[float, typer.Option(
    "--mass-change-share", min=0, max=100, help="Percent of what a site's occupiers hold of "
    "one kind that a run may take away without --allow-mass-change.",
    envvar="RECONCILER_MASS_CHANGE_SHARE", metavar="PERCENT")]
ChangedSinceOpt = Annotated[str | None, typer.Option(
    "--changed-since", help="Only the targets affected by estate files changed since this git "
    "ref (e.g. origin/main); a changed site file takes the whole site. `plan` also previews the "
    "change's effect on each later date it brings (this estate vs REF on the same day), and "
    "the blast-radius guard judges the change against this ref (else HEAD).",
    show_default=False, metavar="REF")]
AllowOffboardOpt = Annotated[list[str] | None, typer.Option(
    "--allow-offboard", help="Prune the live resources of this occupier although its file was "
    "deleted while a contract is in force (repeatable).", show_default=False, metavar="ID")]


def policy(wait: float = 0.0, allow_mass_change: bool = False, share_percent: float = 20.0,
           allow_offboard: list[str] | None = None) -> ApplyPolicy:
    return ApplyPolicy(wait=wait, allow_mass_change=allow_mass_change,
                       mass_change_share=share_percent / 100,
                       allow_offboard=tuple(allow_offboard or ()))


def reconciler(repo: Path, creds_file: Path | None, endpoints: Path | None,
               journal: Path | None = None, on_plan: Callable[[Any], None] | None = None,
               on_run: Callable[[Any], None] | None = None) -> Reconciler:
    rec = Reconciler(repo, credentials(creds_file), events=CliEvents(on_plan, on_run),
                     endpoints=endpoints, journal=journal)
    for fields in rec.endpoints.values():
        OUT.secrets += settings_secrets(fields)  # an inline DSN password: never printed
    return rec


def offline_reconciler(repo: Path) -> Reconciler:
    """No credentials and no endpoints: a plan of a pull request that may not see them."""
    return Reconciler(repo, CredentialStore(environ={}), events=CliEvents(None, None))
