"""The flash file system of an emulated Catalyst: `dir`, `more`, `verify /md5`, SCP.

Files live in a private directory per switch, so the SSH server's SCP (asyncssh's SFTP
machinery, rooted there) and the CLI (`copy flash:x running-config`, `configure replace`)
see the same files, as on the switch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import asyncssh

TOTAL = 122_185_728  # a 2960-X's 128 MB flash
_NAME_RE = re.compile(r"^(?:flash:)?/?([A-Za-z0-9._-]{1,64})$")
BOOT_IMAGE = "c2960x-universalk9-mz.152-7.E8.bin"
IMAGE_SIZE = 25_675_776


class Flash:
    """One switch's `flash:`; the boot image is only a size in the listing."""

    def __init__(self) -> None:
        self._root: Path | None = None

    @property
    def root(self) -> Path:
        """Made on first use (a switch driven without SSH never needs one)."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="ios-flash-"))
            self._root.chmod(0o700)
        return self._root

    def close(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    @staticmethod
    def name(path: str) -> str | None:
        """`flash:x.txt`, `flash:/x.txt` -> `x.txt`; None for anything else."""
        m = _NAME_RE.fullmatch(path)
        return m.group(1) if m else None

    def read(self, path: str) -> str | None:
        name = self.name(path)
        if name is None or not (self.root / name).is_file():
            return None
        return (self.root / name).read_text(encoding="utf-8", errors="replace")

    def write(self, path: str, text: str) -> bool:
        name = self.name(path)
        if name is None:
            return False
        (self.root / name).write_text(text, encoding="utf-8")
        return True

    def delete(self, path: str) -> bool:
        name = self.name(path)
        if name is None or not (self.root / name).is_file():
            return False
        (self.root / name).unlink()
        return True

    def md5(self, path: str) -> str | None:
        name = self.name(path)
        if name is None or not (self.root / name).is_file():
            return None
        return hashlib.md5((self.root / name).read_bytes(), usedforsecurity=False).hexdigest()

    def listing(self, only: str | None = None) -> str:
        """`dir flash:` as a Catalyst prints it (sizes, dates, bytes free)."""
        files = sorted(p for p in self.root.iterdir() if p.is_file())
        if only is not None:
            files = [p for p in files if p.name == only]
            if not files:
                return f"%Error opening flash:/{only} (No such file or directory)\n"
        rows = [f"Directory of flash:/{only or ''}", ""]
        if only is None:
            rows.append(f"    2  -rwx    {IMAGE_SIZE:>10}   Mar 1 1993 00:04:12 +00:00  "
                        f"{BOOT_IMAGE}")
        used = IMAGE_SIZE
        for n, path in enumerate(files, 3):
            size = path.stat().st_size
            used += size
            when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            rows.append(f"{n:>5}  -rwx    {size:>10}  {when:%b %d %Y %H:%M:%S} +00:00  "
                        f"{path.name}")
        rows += ["", f"{TOTAL} bytes total ({TOTAL - used} bytes free)"]
        return "\n".join(rows) + "\n"

    def sftp_factory(self) -> Any:
        """The SFTP server SCP runs on: rooted in this flash, `flash:` prefixes understood."""
        root = str(self.root).encode()

        class FlashSFTP(asyncssh.SFTPServer):
            def __init__(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
                super().__init__(chan, chroot=root)

            def map_path(self, path: bytes) -> bytes:
                if path.startswith(b"flash:"):
                    path = path[len(b"flash:"):]
                return super().map_path(path)

        return FlashSFTP
