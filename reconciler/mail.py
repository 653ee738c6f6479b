"""Delivering the outbox by SMTP: settings from the credential store, one message at a time.

The SMTP server is named by the credential `smtp` (fields `host`, `port`, `username`,
`password`, `starttls`), i.e. `RECONCILER_CRED_SMTP_HOST=...` or the credentials file,
as every other credential; the older `RECONCILER_SMTP_HOST` ("host" or "host:port",
with `RECONCILER_SMTP_STARTTLS`/`_USERNAME`/`_PASSWORD`) still works. Without either,
nothing is delivered here and the queued files wait for whoever sends them.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from . import outbox
from .engine.credentials import CredentialStore
from .errors import CredentialsError

ENV_SMTP = "RECONCILER_SMTP_HOST"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    starttls: bool = False
    username: str = ""
    password: str = field(default="", repr=False)


def smtp_settings(creds: CredentialStore | None = None,
                  environ: Mapping[str, str] | None = None) -> SmtpSettings | None:
    """Where to deliver, or None when no SMTP server is configured."""
    env = os.environ if environ is None else environ
    fields: dict[str, str] = {}
    if creds is not None:
        try:
            fields = dict(creds.get("smtp"))
        except CredentialsError:
            fields = {}
    if not fields.get("host") and env.get(ENV_SMTP):
        host, _, port = env[ENV_SMTP].partition(":")
        fields = {"host": host, "port": port, "starttls": env.get("RECONCILER_SMTP_STARTTLS", ""),
                  "username": env.get("RECONCILER_SMTP_USERNAME", ""),
                  "password": env.get("RECONCILER_SMTP_PASSWORD", "")}
    if not fields.get("host"):
        return None
    try:
        number = int(fields.get("port") or 25)
    except ValueError:
        raise CredentialsError(f"the SMTP port {fields.get('port')!r} is not a number") \
            from None
    return SmtpSettings(fields["host"], number, fields.get("starttls", "") in ("1", "true", "yes"),
                        fields.get("username", ""), fields.get("password", ""))


@dataclass
class Delivery:
    sent: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # still queued
    error: str | None = None


def deliver(settings: SmtpSettings, folder: Path | None = None,
            record: outbox.Recorder | None = None) -> Delivery:
    """Send every queued message; the first failure stops (a relay that is down refuses
    them all) and leaves the rest queued."""
    say = record or (lambda _e: None)
    folder = folder or outbox.outbox_dir()
    out = Delivery(left=outbox.queued(folder))
    if not out.left:
        return out
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password)
            while out.left:
                name = out.left[0]
                msg = message_from_bytes(outbox.read_queued(folder, name), policy=policy.SMTP)
                smtp.send_message(msg)
                outbox.mark_sent(folder, name)
                out.sent.append(out.left.pop(0))
                say({"event": "mail-delivered", "file": name})
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        # the cause is kept short: SMTP replies may echo what was sent
        out.error = f"SMTP delivery through {settings.host} failed ({type(exc).__name__})"
        say({"event": "mail-delivery-failed", "error": out.error, "left": len(out.left)})
    return out


def summary(d: Delivery) -> dict[str, Any]:
    return {"sent": len(d.sent), "left": len(d.left), "error": d.error}
