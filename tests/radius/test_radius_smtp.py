"""Invitations through SMTP when it is configured, instead of .eml files."""

from __future__ import annotations

import email
import email.policy
import re
import socketserver
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.radius.radius_client import Secret

if TYPE_CHECKING:
    from tests.radius.conftest import RadiusLab


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: every message is kept, nothing is relayed."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        data: list[bytes] | None = None
        while line := self.rfile.readline():
            if data is not None:
                if line == b".\r\n":
                    self.server.messages.append(b"".join(data))  # type: ignore[attr-defined]
                    data = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                data = []
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("radius", ["sqlite"], indirect=True)
def test_invitations_go_by_smtp_when_a_host_is_set(
        radius: RadiusLab, smtp_server: socketserver.ThreadingTCPServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_SMTP_HOST", f"127.0.0.1:{smtp_server.server_address[1]}")
    radius.apply()
    assert not radius.outbox.exists()  # nothing written to disk
    msgs = [email.message_from_bytes(m, policy=email.policy.default)
            for m in smtp_server.messages]  # type: ignore[attr-defined]
    by_to = {str(m["To"]): m for m in msgs}
    assert "jane@acme.example" in by_to and len(msgs) == len(by_to)
    m = re.search(r"Password: (\S+)", by_to["jane@acme.example"].get_content())
    assert m
    assert radius.pap("jane@acme.example", Secret(m.group(1)), "lon1-wlc").vlan == "102"


@pytest.mark.parametrize("radius", ["sqlite"], indirect=True)
def test_an_unreachable_smtp_server_fails_the_run_and_leaves_no_account(
        radius: RadiusLab, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("RECONCILER_SMTP_HOST", f"127.0.0.1:{port}")
    before = radius.rows()
    res = radius.cli("apply", "--yes", "--target", "radius", "--at", "2026-11-26")
    assert res.exit_code == 1
    assert "could not be delivered" in res.output
    assert "restored to the state before this run: radius" in res.output
    assert radius.rows() == before  # rolled back: no account whose password nobody got
