"""Files that hold secrets (outbox mail, desk-phone configs): written where they belong.

The folder a secret is written to may sit in a git work tree a pull request can
change; a committed symbolic link there must not send a password elsewhere. So the
folder is opened without following a link (its own name, and every component below
a trusted root), files are created and replaced relative to that open folder
(`openat`-style, `O_NOFOLLOW`), and names are single path components.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


class UnsafePath(OSError):
    """A folder or file that is a symbolic link, or a name that is not one component."""


def _check_name(name: str) -> None:
    if not _NAME_RE.fullmatch(name) or name in (".", ".."):
        raise UnsafePath(errno.EINVAL, f"{name!r} is not a plain file name")


def _open_dir(name: str, parent: int | None, shown: Path, create: bool, mode: int) -> int:
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
        try:
            os.mkdir(name, mode, dir_fd=parent)
        except FileExistsError:
            pass  # another thread of this run made it a moment ago (targets send at once)
        return _open_dir(name, parent, shown, False, mode)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafePath(errno.ELOOP, f"{shown} is a symbolic link or not a folder: "
                             "refusing to write secrets through it") from None
        raise


@contextmanager
def open_folder(root: Path, below: str = "", *, create: bool = True,
                mode: int = 0o700) -> Iterator[int]:
    """A descriptor of `root/below`; neither `root` itself nor any component of `below`
    may be a symbolic link (what lies above `root` is the caller's trusted choice)."""
    root = Path(os.path.abspath(root))
    if create:
        root.parent.mkdir(parents=True, exist_ok=True)
    parent = os.open(root.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fd = _open_dir(root.name, parent, root, create, mode)
    finally:
        os.close(parent)
    shown = root
    try:
        for part in [p for p in below.split("/") if p]:
            _check_name(part)
            shown = shown / part
            nxt = _open_dir(part, fd, shown, create, mode)
            os.close(fd)
            fd = nxt
        yield fd
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def create_new(folder: int, name: str, data: bytes, mode: int = 0o600) -> None:
    """A new file (never an existing one, never through a link)."""
    _check_name(name)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode,
                 dir_fd=folder)
    _write_all(fd, data)


def replace(folder: int, name: str, data: bytes, mode: int = 0o600) -> None:
    """Atomically replace `name` (a link of that name is replaced, never followed)."""
    _check_name(name)
    tmp = f".{name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode, dir_fd=folder)
    try:
        _write_all(fd, data)
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=folder)
        except OSError:
            pass
        raise


def remove(folder: int, name: str) -> None:
    """Remove `name` if present (a link is removed itself, its target is left alone)."""
    _check_name(name)
    try:
        os.unlink(name, dir_fd=folder)
    except FileNotFoundError:
        pass
