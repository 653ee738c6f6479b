"""The outbox: generated secrets reach people as mail, never git, plans or logs.

By default each message is an `.eml` file under `outbox/` of the estate repository
(git-ignored; the CLI points it there), for an operator's mail tooling to send;
`RECONCILER_OUTBOX` names another folder; with `RECONCILER_SMTP_HOST` set, mail is
sent through that SMTP server instead. Files are readable by the owner only, and
the folder is never reached through a symbolic link.
Nothing here logs or returns a message body.
"""

from __future__ import annotations

import os
import re
import smtplib
import threading
import uuid
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from . import safefiles
from .clock import now_utc

ENV_DIR = "RECONCILER_OUTBOX"
ENV_FROM = "RECONCILER_MAIL_FROM"
# With an SMTP host ("host" or "host:port") mail is sent there instead of written as files;
# RECONCILER_SMTP_STARTTLS=1 upgrades the session, _USERNAME/_PASSWORD log in.
ENV_SMTP = "RECONCILER_SMTP_HOST"
_TAG_RE = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
_lock = threading.Lock()
_default_dir: Path | None = None


def set_default_dir(path: Path) -> None:
    """Where messages go when RECONCILER_OUTBOX is not set (the CLI: <repo>/outbox)."""
    global _default_dir
    with _lock:
        _default_dir = path


def outbox_dir() -> Path:
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    return _default_dir or Path("outbox")


def send(to: Sequence[str], subject: str, body: str, tag: str) -> Path:
    """Write one message; returns its file. `tag` names the file (validated)."""
    if not _TAG_RE.fullmatch(tag):
        raise ValueError(f"outbox tag {tag!r} must match {_TAG_RE.pattern}")
    msg = EmailMessage()
    msg["From"] = os.environ.get(ENV_FROM, "reconciler@localhost")
    msg["To"] = ", ".join(to) if to else "undisclosed-recipients:;"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now_utc())
    msg["Message-ID"] = make_msgid(domain="reconciler.local")
    msg.set_content(body)
    if os.environ.get(ENV_SMTP):
        return _send_smtp(msg)
    folder = outbox_dir()
    name = f"{now_utc().strftime('%Y%m%dT%H%M%S')}-{tag}-{uuid.uuid4().hex[:8]}.eml"
    # The folder may sit in the estate repository: a committed `outbox` symlink must not
    # carry a password elsewhere, so nothing here follows a link (`safefiles`).
    with safefiles.open_folder(folder) as fd:
        safefiles.create_new(fd, name, bytes(msg))
    return folder / name


def _send_smtp(msg: EmailMessage) -> Path:
    """Hand one message to the configured SMTP server; returns `smtp:<host>`."""
    host, _, port = os.environ[ENV_SMTP].partition(":")
    try:
        with smtplib.SMTP(host, int(port or 25), timeout=30) as smtp:
            if os.environ.get("RECONCILER_SMTP_STARTTLS") == "1":
                smtp.starttls()
            user = os.environ.get("RECONCILER_SMTP_USERNAME")
            if user:
                smtp.login(user, os.environ.get("RECONCILER_SMTP_PASSWORD", ""))
            smtp.send_message(msg)
    except (smtplib.SMTPException, ValueError) as exc:
        # the cause is kept out of the message: SMTP replies may echo what was sent
        raise OSError(f"SMTP delivery through {host} failed ({type(exc).__name__})") from None
    return Path(f"smtp:{host}")
