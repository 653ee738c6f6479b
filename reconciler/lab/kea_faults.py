"""Fault injection in front of a real kea-dhcp4's UNIX control socket.

Kea itself cannot be told to fail, so the lab puts a small proxy on the path the
target connects to: it relays every command to the real server, unless a fault is
armed for that command, in which case it answers as Kea does when it refuses
(`{"result": 1, "text": ...}`) or closes the connection without an answer, and the
command never reaches the server.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any, Literal

FaultKind = Literal["refuse", "drop"]


class KeaSocketProxy:
    """A UNIX socket that relays Kea control commands, with faults by command name."""

    def __init__(self, upstream: Path) -> None:
        self.upstream = str(upstream)
        self._dir = Path(tempfile.mkdtemp(prefix="rcl-keap-"))
        self.path = self._dir / "kea4.sock"
        self._faults: dict[str, FaultKind] = {}
        self.seen: list[str] = []
        self._lock = threading.Lock()
        self._srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._srv.bind(str(self.path))
        self._srv.listen(16)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def fail(self, command: str, kind: FaultKind = "refuse") -> None:
        """Make every later `command` fail until `clear()`."""
        with self._lock:
            self._faults[command] = kind

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def close(self) -> None:
        try:
            self._srv.close()
        finally:
            try:
                os.unlink(self.path)
                os.rmdir(self._dir)
            except OSError:
                pass

    def __enter__(self) -> KeaSocketProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._srv.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            raw = _read_request(conn)
            try:
                name = str(json.loads(raw).get("command", ""))
            except (ValueError, AttributeError):
                name = ""
            with self._lock:
                self.seen.append(name)
                fault = self._faults.get(name)
            if fault == "drop":
                return
            if fault == "refuse":
                reply: Any = {"result": 1, "text": f"injected fault: {name} refused"}
                conn.sendall(json.dumps(reply).encode())
                return
            conn.sendall(_relay(self.upstream, raw))


def _read_request(conn: socket.socket) -> bytes:
    """Kea's clients send one JSON document and wait: read until it parses."""
    buf = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return buf
        buf += data
        try:
            json.loads(buf)
            return buf
        except ValueError:
            continue


def _relay(upstream: str, raw: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(30)
        s.connect(upstream)
        s.sendall(raw)
        chunks = []
        while data := s.recv(65536):
            chunks.append(data)
    return b"".join(chunks)
