"""Real logins against a RADIUS server: PAP in batches (pyrad packets over one UDP
socket per batch) and PEAP/MSCHAPv2 through wpa_supplicant's `eapol_test`.

Passwords come from where users get them: the invitations in the outbox.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DICT_DIR = Path("/usr/share/freeradius")
DICTS = ("rfc2865", "rfc2866", "rfc2868", "rfc2869", "rfc3580", "microsoft")
BATCH = 200  # requests per socket (RADIUS ids are one byte)
WINDOW = 4  # in flight at once: the lab server's SQL connection pool


class ProbeUnavailable(RuntimeError):
    """A client the rehearsal needs is missing (the message says which package)."""


@dataclass(frozen=True)
class Login:
    user: str
    password: str
    nas: str
    mac: bool = False  # MAC authentication (Service-Type Call-Check)


@dataclass(frozen=True)
class Answer:
    accepted: bool
    vlan: str | None

    def __str__(self) -> str:
        if not self.accepted:
            return "Access-Reject"
        return f"Access-Accept, VLAN {self.vlan}" if self.vlan else "Access-Accept, no VLAN"


def read_passwords(outbox: Path) -> dict[str, str]:
    """The newest Wi-Fi Secure password of each user, from the invitations (.eml)."""
    found: list[tuple[int, str, str]] = []
    for p in outbox.glob("*wifi-secure-*.eml") if outbox.is_dir() else []:
        msg = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        user = re.search(r"Username: (\S+)", text)
        pw = re.search(r"Password: (\S+)", text)
        if user and pw:
            found.append((p.stat().st_mtime_ns, user.group(1), pw.group(1)))
    return {u: pw for _t, u, pw in sorted(found)}


class RadiusProbe:
    def __init__(self, host: str, port: int, secret: str, ca_cert: str | None) -> None:
        try:
            from pyrad.dictionary import Dictionary
        except ImportError as exc:  # pragma: no cover - pyrad is a dependency
            raise ProbeUnavailable("the rehearsal needs pyrad (pip install pyrad)") from exc
        if not (DICT_DIR / "dictionary.rfc3580").exists():
            raise ProbeUnavailable("the rehearsal needs FreeRADIUS's dictionaries (Debian "
                                   "package freeradius-common)")
        self.dictionary = Dictionary(*(str(DICT_DIR / f"dictionary.{d}") for d in DICTS))
        self.host, self.port, self.secret, self.ca_cert = host, port, secret, ca_cert

    # -- PAP ----------------------------------------------------------------------------
    def pap(self, logins: Sequence[Login], timeout: float = 3.0) -> list[Answer]:
        out: list[Answer] = []
        for i in range(0, len(logins), BATCH):
            out += self._batch(logins[i:i + BATCH], timeout)
        return out

    def _request(self, ident: int, login: Login) -> tuple[Any, bytes]:
        from pyrad import packet

        req = packet.AuthPacket(code=packet.AccessRequest, id=ident,
                                secret=self.secret.encode(), dict=self.dictionary,
                                message_authenticator=True)
        req["User-Name"] = login.user
        req["NAS-Identifier"] = login.nas
        if login.mac:
            req["Service-Type"] = "Call-Check"
        req["User-Password"] = req.PwCrypt(login.password)
        return req, req.RequestPacket()

    def _batch(self, logins: Sequence[Login], timeout: float) -> list[Answer]:
        """Up to WINDOW requests in flight at once: more would find every SQL connection
        of the server busy, and rlm_sql answers that with a reject, not a wait."""
        from pyrad import packet

        reqs = [self._request(i, login) for i, login in enumerate(logins)]
        answers: dict[int, Answer] = {}
        sent: dict[int, tuple[float, int]] = {}  # id -> (when, attempts)
        todo = list(range(len(reqs)))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((self.host, self.port))
            while len(answers) < len(reqs):
                now = time.monotonic()
                for i, (when, tries) in list(sent.items()):
                    if now - when > timeout:
                        if tries >= 3:
                            raise TimeoutError(f"RADIUS server {self.host}:{self.port} did "
                                               f"not answer for {logins[i].user}")
                        s.send(reqs[i][1])
                        sent[i] = (now, tries + 1)
                while todo and len(sent) < WINDOW:
                    i = todo.pop(0)
                    s.send(reqs[i][1])
                    sent[i] = (now, 1)
                if not select.select([s], [], [], 0.2)[0]:
                    continue
                raw = s.recv(4096)
                if len(raw) < 20 or raw[1] not in sent:
                    continue
                req = reqs[raw[1]][0]
                reply = req.CreateReply(packet=raw)
                if not req.VerifyReply(reply, raw):
                    continue
                del sent[raw[1]]
                vlan = reply.get("Tunnel-Private-Group-Id")
                answers[raw[1]] = Answer(reply.code == packet.AccessAccept,
                                         str(vlan[0]) if vlan else None)
        return [answers[i] for i in range(len(reqs))]

    # -- PEAP -----------------------------------------------------------------------------
    def peap(self, logins: Sequence[Login], workers: int = 4) -> list[Answer]:
        binary = shutil.which("eapol_test")
        if binary is None:
            raise ProbeUnavailable("PEAP checks need eapol_test (Debian package eapoltest)")
        with tempfile.TemporaryDirectory(prefix="rcl-peap-") as tmp, \
                ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda a: self._peap_one(binary, Path(tmp), *a),
                                 enumerate(logins)))

    def _peap_one(self, binary: str, tmp: Path, n: int, login: Login) -> Answer:
        conf = tmp / f"peap-{n}.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write("network={\n  key_mgmt=WPA-EAP\n  eap=PEAP\n"
                     f'  identity="{login.user}"\n  anonymous_identity="anonymous"\n'
                     f'  password="{login.password}"\n'
                     + (f'  ca_cert="{self.ca_cert}"\n' if self.ca_cert else "")
                     + '  phase2="auth=MSCHAPV2"\n}\n')
        res = subprocess.run([binary, "-c", str(conf), "-a", self.host, "-p", str(self.port),
                              "-s", self.secret, "-r", "0", "-t", "10", f"-N32:s:{login.nas}"],
                             capture_output=True, text=True, timeout=30, check=False)
        m = re.search(r"Attribute 81 \(Tunnel-Private-Group-Id\) length=\d+\n\s+Value: "
                      r"([0-9a-f]+)", res.stdout)
        vlan = None
        if m:
            raw = bytes.fromhex(m.group(1))
            vlan = (raw[1:] if raw and raw[0] < 0x20 else raw).decode()
        return Answer(res.returncode == 0 and "SUCCESS" in res.stdout, vlan)
