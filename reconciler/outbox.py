"""The outbox: generated secrets reach people as mail, never git, plans or logs.

Every message is first *queued*: an `.eml` file under `outbox/` of the estate
repository (git-ignored; the CLI points it there; `RECONCILER_OUTBOX` names another
folder), written and fsync'ed, its folder fsync'ed, and a `mail-queued` record in the
journal of the run. Only then does the change that made the secret count as applied.
*Delivery* is a separate step (`deliver`, the `reconciler outbox deliver` command, and
the end of every apply when SMTP is configured): each queued message is handed to the
SMTP server, then an empty marker of its name is left under `sent/` and the message
(with its secret) removed. A delivery that fails leaves the message queued for the
next attempt; nothing is lost and nothing is sent twice by us.

A message made `once` has a name derived from what it says (a key's name, version and
a digest of its value), so a resumed run that queues the same key again finds it
queued or sent and skips it. Files are readable by the owner only, and the folder is
never reached through a symbolic link (`safefiles`). Nothing here logs a message body.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from . import safefiles
from .clock import now_utc

ENV_DIR = "RECONCILER_OUTBOX"
ENV_FROM = "RECONCILER_MAIL_FROM"
SENT = "sent"  # markers of delivered messages (empty files: the secret is gone)
_TAG_RE = re.compile(r"^[A-Za-z0-9._-]{1,120}$")
_lock = threading.Lock()
_default_dir: Path | None = None
Recorder = Callable[[Mapping[str, Any]], None]
_recorder: Recorder | None = None
_queued: dict[str, list[tuple[Path, str]]] = {}  # this run's messages, by target


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


@contextmanager
def recording(recorder: Recorder) -> Iterator[None]:
    """During a run: every queued message is journalled, and remembered by target so a
    rolled-back target's messages can be withdrawn before anyone receives them."""
    global _recorder
    with _lock:
        _recorder = recorder
        _queued.clear()
    try:
        yield
    finally:
        with _lock:
            _recorder = None
            _queued.clear()


def _record(event: Mapping[str, Any]) -> None:
    rec = _recorder
    if rec is not None:
        rec(event)


def send(to: Sequence[str], subject: str, body: str, tag: str, *, target: str = "",
         once: str | None = None) -> Path:
    """Queue one message durably; returns its file. `tag` names the file (validated).

    With `once` (the secret itself, or anything that tells this message apart) the name
    is `tag` plus a digest of it, and a message of that name already queued or sent is
    not queued again (a resumed run re-sending what it could not confirm)."""
    if not _TAG_RE.fullmatch(tag):
        raise ValueError(f"outbox tag {tag!r} must match {_TAG_RE.pattern}")
    msg = EmailMessage()
    msg["From"] = os.environ.get(ENV_FROM, "reconciler@localhost")
    msg["To"] = ", ".join(to) if to else "undisclosed-recipients:;"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now_utc())
    msg["Message-ID"] = make_msgid(domain="reconciler.local")
    msg.set_content(body)
    folder = outbox_dir()
    if once is not None:
        # 12 hex digits of a salted digest: tells values apart, reveals nothing usable.
        name = f"{tag}-{hashlib.sha256((tag + once).encode()).hexdigest()[:12]}.eml"
    else:
        name = f"{now_utc().strftime('%Y%m%dT%H%M%S')}-{tag}-{uuid.uuid4().hex[:8]}.eml"
    # The folder may sit in the estate repository: a committed `outbox` symlink must not
    # carry a password elsewhere, so nothing here follows a link (`safefiles`).
    with safefiles.open_folder(folder) as fd:
        if once is not None and (_exists(fd, name) or _sent(fd, name)):
            _record({"event": "mail-already-queued", "file": name, "target": target})
            return folder / name
        safefiles.create_new(fd, name, bytes(msg))
        os.fsync(fd)  # the name itself is durable too, not only the bytes
    with _lock:
        _queued.setdefault(target, []).append((folder, name))
    _record({"event": "mail-queued", "file": name, "target": target})
    return folder / name


def withdraw(target: str) -> list[str]:
    """Remove what this run queued for `target` (its change was rolled back)."""
    with _lock:
        mine = _queued.pop(target, [])
    gone = []
    for folder, name in mine:
        with safefiles.open_folder(folder, create=False) as fd:
            if not _exists(fd, name):
                continue  # delivered already (or removed by hand)
            safefiles.remove(fd, name)
        gone.append(name)
        _record({"event": "mail-withdrawn", "file": name, "target": target})
    return gone


def _exists(fd: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _sent(fd: int, name: str) -> bool:
    try:
        sub = os.open(SENT, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
    except FileNotFoundError:
        return False
    try:
        return _exists(sub, name)
    finally:
        os.close(sub)


def queued(folder: Path | None = None) -> list[str]:
    """Names of the messages waiting for delivery, oldest name first."""
    folder = folder or outbox_dir()
    if not os.path.lexists(folder):
        return []
    with safefiles.open_folder(folder, create=False) as fd:
        return sorted(n for n in os.listdir(fd) if n.endswith(".eml") and not n.startswith("."))


def read_queued(folder: Path, name: str) -> bytes:
    with safefiles.open_folder(folder, create=False) as fd:
        return safefiles.read(fd, name)


def mark_sent(folder: Path, name: str) -> None:
    """Delivered: leave an empty marker of the name, then drop the message and its secret."""
    with safefiles.open_folder(folder, SENT) as sent:
        try:
            safefiles.create_new(sent, name, b"")
        except FileExistsError:
            pass
        os.fsync(sent)
    with safefiles.open_folder(folder, create=False) as fd:
        safefiles.remove(fd, name)
        os.fsync(fd)
