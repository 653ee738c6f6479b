"""`reconciler outbox`: what waits in the outbox, and delivering it by SMTP."""

from __future__ import annotations

from pathlib import Path

import typer

from .. import mail, outbox
from ..engine.journal import Journal
from ..errors import ConfigError
from .common import EXIT_ERROR, OUT, CredOpt, RepoOpt, credentials, handle_errors
from .options import JournalOpt

outbox_app = typer.Typer(
    help="Mail with generated secrets (Wi-Fi keys, invitations, SIP passwords, PINs). Apply "
         "queues each message in <repo>/outbox before the change counts as applied; "
         "`deliver` sends the queue by SMTP (the credential `smtp`).",
    no_args_is_help=True, rich_markup_mode=None)


def _folder(repo: Path) -> Path:
    outbox.set_default_dir(repo.resolve() / "outbox")
    return outbox.outbox_dir()


@outbox_app.command("status")
@handle_errors
def status_cmd(repo: RepoOpt = Path(".")) -> None:
    """Say how many messages wait for delivery (never what they say)."""
    folder = _folder(repo)
    waiting = outbox.queued(folder)
    OUT.out(f"{len(waiting)} message(s) queued in {folder}")


@outbox_app.command("deliver")
@handle_errors
def deliver_cmd(repo: RepoOpt = Path("."), creds_file: CredOpt = None,
                journal: JournalOpt = None) -> None:
    """Send every queued message through the SMTP server of the credential `smtp`
    (fields host, port, username, password, starttls). Each delivered message is removed
    (an empty marker of its name stays, so it is never queued again); one that fails
    stays queued and the exit code is 1."""
    folder = _folder(repo)
    settings = mail.smtp_settings(credentials(creds_file))
    if settings is None and not outbox.queued(folder):
        OUT.info(f"Nothing queued in {folder}.")
        return
    if settings is None:
        raise ConfigError("no SMTP server: give the credential `smtp` a `host` "
                          "(RECONCILER_CRED_SMTP_HOST or the credentials file)")
    log = Journal(journal or repo.resolve() / ".reconciler" / "journal.jsonl")
    done = mail.deliver(settings, folder, record=log.write)
    OUT.info(f"{len(done.sent)} message(s) delivered, {len(done.left)} left in {folder}")
    if done.error:
        OUT.error(done.error)
        raise typer.Exit(EXIT_ERROR)
