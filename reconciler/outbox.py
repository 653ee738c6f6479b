"""Where generated secrets go: one `.eml` file per message in an outbox folder.

The outbox folder is git-ignored; an operator's mail relay (or a person) sends
the files on. Secrets are written here and to the live system only.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

SENDER = "reconciler@localhost"


class Outbox:
    def __init__(self, directory: Path | str) -> None:
        self.dir = Path(directory)

    def send(self, to: str, subject: str, body: str) -> Path:
        msg = EmailMessage()
        msg["From"] = SENDER
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        msg.set_content(body)
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        # Owner-only: the message carries a secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(msg.as_bytes())
        return path
