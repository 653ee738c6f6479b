"""Where generated secrets leave the reconciler: invitations by mail.

By default each message is an `.eml` file in a git-ignored `outbox/` folder (an
operator forwards them, or a mail robot picks them up); with an SMTP host
configured it is sent instead. Nothing else ever sees a generated secret: not
git, not plans, not logs.

Settings (target settings first, then the environment):
`outbox_dir` / RECONCILER_OUTBOX_DIR, `smtp_host` / RECONCILER_SMTP_HOST,
`smtp_port` / RECONCILER_SMTP_PORT (default 587, STARTTLS unless 25),
`smtp_from` / RECONCILER_SMTP_FROM, RECONCILER_SMTP_USERNAME / _PASSWORD.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import smtplib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_DIR = "outbox"
DEFAULT_FROM = "reconciler@localhost"


@dataclass(frozen=True)
class Outbox:
    directory: Path | None = Path(DEFAULT_DIR)
    smtp_host: str | None = None
    smtp_port: int = 587
    sender: str = DEFAULT_FROM
    smtp_username: str | None = None
    smtp_password: str | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None = None,
                      environ: Mapping[str, str] | None = None) -> Outbox:
        s = settings or {}
        env = os.environ if environ is None else environ

        def pick(key: str, var: str) -> str | None:
            value = s.get(key) or env.get(var)
            return str(value) if value else None

        host = pick("smtp_host", "RECONCILER_SMTP_HOST")
        port = pick("smtp_port", "RECONCILER_SMTP_PORT")
        try:
            port_no = int(port) if port else 587
        except ValueError:
            raise ConfigError(f"SMTP port {port!r} is not a number") from None
        directory = pick("outbox_dir", "RECONCILER_OUTBOX_DIR")
        return cls(directory=None if host else Path(directory or DEFAULT_DIR), smtp_host=host,
                   smtp_port=port_no, sender=pick("smtp_from", "RECONCILER_SMTP_FROM")
                   or DEFAULT_FROM, smtp_username=env.get("RECONCILER_SMTP_USERNAME"),
                   smtp_password=env.get("RECONCILER_SMTP_PASSWORD"))

    def __repr__(self) -> str:  # never show the SMTP password
        where = f"smtp {self.smtp_host}:{self.smtp_port}" if self.smtp_host else self.directory
        return f"Outbox({where})"

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        msg["Message-ID"] = make_msgid(domain="reconciler.invalid")
        msg.set_content(body)
        return msg

    def send(self, to: str, subject: str, body: str) -> str:
        """Deliver one message; returns where it went (a file path or the SMTP host)."""
        msg = self.message(to, subject, body)
        if self.smtp_host:
            try:
                with smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=30) as smtp:
                    if self.smtp_port != 25:
                        smtp.starttls()
                    if self.smtp_username and self.smtp_password:
                        smtp.login(self.smtp_username, self.smtp_password)
                    smtp.send_message(msg)
            except (OSError, smtplib.SMTPException) as exc:
                raise ConfigError(f"cannot send mail through {self.smtp_host}:"
                                  f"{self.smtp_port}: {type(exc).__name__}") from None
            return f"smtp://{self.smtp_host}"
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        # The file name carries no address: a hash keeps files of one person together.
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        who = hashlib.sha256(to.encode()).hexdigest()[:10]
        path = self.directory / f"{stamp}-{who}-{uuid.uuid4().hex[:8]}.eml"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(bytes(msg))
        return str(path)
