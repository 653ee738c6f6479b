"""Invitations through SMTP when it is configured, instead of .eml files."""

from __future__ import annotations

import email
import email.message
import email.policy
import json
import re
import socketserver
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

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


def _received(server: socketserver.ThreadingTCPServer) -> dict[str, email.message.Message]:
    msgs = [email.message_from_bytes(m, policy=email.policy.default)
            for m in server.messages]  # type: ignore[attr-defined]
    by_to = {str(m["To"]): m for m in msgs}
    assert len(msgs) == len(by_to)  # nobody got two
    return by_to  # type: ignore[return-value]


def _password(msg: email.message.Message) -> Secret:
    m = re.search(r"Password: (\S+)", msg.get_content())  # type: ignore[attr-defined]
    assert m
    return Secret(m.group(1))


@pytest.mark.parametrize("radius", ["sqlite"], indirect=True)
def test_invitations_go_by_smtp_when_a_host_is_set(
        radius: RadiusLab, smtp_server: socketserver.ThreadingTCPServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_SMTP_HOST", f"127.0.0.1:{smtp_server.server_address[1]}")
    radius.apply()
    # Queued durably first, delivered once the run ended: nothing with a secret stays.
    assert list(radius.outbox.glob("*.eml")) == []
    assert list((radius.outbox / "sent").iterdir())
    assert all(p.stat().st_size == 0 for p in (radius.outbox / "sent").iterdir())
    by_to = _received(smtp_server)
    assert "jane@acme.example" in by_to
    assert radius.pap("jane@acme.example", _password(by_to["jane@acme.example"]),
                      "lon1-wlc").vlan == "102"


@pytest.mark.parametrize("radius", ["sqlite"], indirect=True)
def test_smtp_down_mid_apply_keeps_the_invitations_queued_until_delivered_once(
        radius: RadiusLab, smtp_server: socketserver.ThreadingTCPServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a relay that is down: a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("RECONCILER_SMTP_HOST", f"127.0.0.1:{port}")
    res = radius.apply()  # the accounts are in, their invitations durably queued
    assert "stay queued" in res.output
    queued = sorted(radius.outbox.glob("*.eml"))
    assert queued and all(p.stat().st_mode & 0o077 == 0 for p in queued)
    log = [json.loads(line) for line in
           (radius.root / ".reconciler" / "journal.jsonl").read_text().splitlines()]
    assert {r["file"] for r in log if r["event"] == "mail-queued"} == {p.name for p in queued}
    assert [r["result"] for r in log if r["event"] == "run-end"] == ["ok"]
    assert radius.cli("plan", "--target", "radius", "--at", "2026-11-26").exit_code == 0

    # The relay is back: `outbox deliver` sends each message once, then nothing is left.
    monkeypatch.setenv("RECONCILER_CRED_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RECONCILER_CRED_SMTP_PORT", str(smtp_server.server_address[1]))
    def deliver() -> Any:
        return radius.run_cli("outbox", "deliver", "--repo", str(radius.root),
                              "--credentials", str(radius.credentials))

    first = deliver()
    assert first.exit_code == 0, first.output
    assert f"{len(queued)} message(s) delivered, 0 left" in first.output
    again = deliver()
    assert again.exit_code == 0 and "0 message(s) delivered" in again.output
    by_to = _received(smtp_server)
    assert len(by_to) == len(queued)
    assert radius.pap("jane@acme.example", _password(by_to["jane@acme.example"]),
                      "lon1-wlc").vlan == "102"


@pytest.mark.parametrize("radius", ["sqlite"], indirect=True)
def test_a_rolled_back_rotation_gives_the_old_password_back_and_mails_nothing(
        radius: RadiusLab) -> None:
    radius.apply()
    old = radius.new_passwords()["jane@acme.example"]

    def rotate(doc: dict[str, Any]) -> None:
        next(u for u in doc["users"] if u["email"] == "jane@acme.example")[
            "credential_version"] = 2
    radius.edit_occupier("acme", rotate)
    # The rotation commits, then a stray membership appears with it: verify fails after
    # the commit and the run rolls the rotation back.
    radius.sql("CREATE TRIGGER stray AFTER INSERT ON radcheck "
               "WHEN NEW.value = 'credential_version=2' BEGIN "
               "INSERT INTO radusergroup (username, groupname, priority) "
               "VALUES (NEW.username, 'rcl-greenleaf-studio@lon1', 5); END")
    res = radius.cli("apply", "--yes", "--target", "radius", "--at", "2026-11-26")
    assert res.exit_code == 1 and "restored to the state before this run: radius" in res.output
    assert radius.new_mail() == []  # the undone password's invitation was withdrawn
    # Jane's old password works again (the real server says so), not a new one nobody has.
    assert radius.pap("jane@acme.example", old, "lon1-wlc").vlan == "102"
