"""Real RADIUS clients for the tests: pyrad (PAP, MSCHAPv2) and eapol_test (PEAP)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

DICT_DIR = Path("/usr/share/freeradius")
DICTS = ("rfc2865", "rfc2866", "rfc2868", "rfc2869", "rfc3580", "microsoft")


class Secret(str):
    """A generated password in a test: pytest's failure reports show *** instead."""

    def __repr__(self) -> str:
        return "'***'"


@dataclass
class Reply:
    accepted: bool
    attrs: dict[str, list[object]]

    @property
    def vlan(self) -> str | None:
        v = self.attrs.get("Tunnel-Private-Group-Id")
        return str(v[0]) if v else None


class RadiusClient:
    def __init__(self, host: str, port: int, secret: str) -> None:
        pytest.importorskip("pyrad", reason="pyrad is a dev dependency (pip install -e .[dev])")
        from pyrad.client import Client
        from pyrad.dictionary import Dictionary

        if not (DICT_DIR / "dictionary.rfc3580").exists():
            pytest.skip(reason="FreeRADIUS dictionaries not installed (Debian package freeradius-common)")
        self.dictionary = Dictionary(*(str(DICT_DIR / f"dictionary.{d}") for d in DICTS))
        self.host, self.port, self.secret = host, port, secret
        self.client = Client(server=host, authport=port, secret=secret.encode(),
                             dict=self.dictionary)
        self.client.timeout, self.client.retries = 3, 2

    def _send(self, req: object) -> Reply:
        from pyrad import packet

        reply = self.client.SendPacket(req)
        attrs = {k: reply[k] for k in reply.keys() if isinstance(k, str)}
        return Reply(reply.code == packet.AccessAccept, attrs)

    def pap(self, user: str, password: str, nas: str) -> Reply:
        from pyrad import packet

        req = self.client.CreateAuthPacket(code=packet.AccessRequest, User_Name=user,
                                           NAS_Identifier=nas)
        req["User-Password"] = req.PwCrypt(password)
        return self._send(req)

    def mac(self, mac_hex: str, nas: str) -> Reply:
        from pyrad import packet

        req = self.client.CreateAuthPacket(code=packet.AccessRequest, User_Name=mac_hex,
                                           NAS_Identifier=nas, Service_Type="Call-Check")
        req["User-Password"] = req.PwCrypt(mac_hex)
        return self._send(req)

    def mschapv2(self, user: str, password: str, nas: str) -> Reply:
        """RFC 2759 computed here; the server's authenticator response is checked too."""
        from pyrad import packet

        auth_chal, peer_chal = os.urandom(16), os.urandom(16)
        nt_response, expect = _mschapv2(user, password, auth_chal, peer_chal)
        req = self.client.CreateAuthPacket(code=packet.AccessRequest, User_Name=user,
                                           NAS_Identifier=nas)
        req["MS-CHAP-Challenge"] = auth_chal
        req["MS-CHAP2-Response"] = bytes([1, 0]) + peer_chal + b"\0" * 8 + nt_response
        reply = self._send(req)
        if reply.accepted:
            success = reply.attrs["MS-CHAP2-Success"][0]
            assert isinstance(success, bytes) and success[1:].decode() == expect
        return reply


def _nt_hash(pw: str) -> bytes:
    from Crypto.Hash import MD4

    return MD4.new(pw.encode("utf-16le")).digest()


def _des_key(k7: bytes) -> bytes:
    bits = int.from_bytes(k7, "big")
    return bytes((((bits >> (56 - 7 * (i + 1))) & 0x7F) << 1) for i in range(8))


def _mschapv2(user: str, pw: str, auth_chal: bytes, peer_chal: bytes) -> tuple[bytes, str]:
    from Crypto.Cipher import DES
    from Crypto.Hash import MD4

    challenge = hashlib.sha1(peer_chal + auth_chal + user.encode()).digest()[:8]
    z = _nt_hash(pw) + b"\0" * 5
    ntr = b"".join(DES.new(_des_key(z[i:i + 7]), DES.MODE_ECB).encrypt(challenge)
                   for i in (0, 7, 14))
    m1 = b"Magic server to client signing constant"
    m2 = b"Pad to make it do more than one iteration"
    d = hashlib.sha1(MD4.new(_nt_hash(pw)).digest() + ntr + m1).digest()
    return ntr, "S=" + hashlib.sha1(d + challenge + m2).hexdigest().upper()


def peap(host: str, port: int, secret: str, ca_cert: str, user: str, password: str, nas: str,
         workdir: Path) -> Reply:
    """PEAP/MSCHAPv2 through wpa_supplicant's eapol_test, a real 802.1X supplicant."""
    binary = shutil.which("eapol_test")
    if binary is None:
        pytest.skip(reason="eapol_test not installed (Debian package eapoltest)")
    conf = workdir / f"peap-{hashlib.sha1(user.encode()).hexdigest()[:8]}.conf"
    conf.write_text("network={\n  key_mgmt=WPA-EAP\n  eap=PEAP\n"
                    f'  identity="{user}"\n  anonymous_identity="anonymous"\n'
                    f'  password="{password}"\n  ca_cert="{ca_cert}"\n'
                    '  phase2="auth=MSCHAPV2"\n}\n')
    res = subprocess.run([binary, "-c", str(conf), "-a", host, "-p", str(port), "-s", secret,
                          "-r", "0", "-t", "10", f"-N32:s:{nas}"],
                         capture_output=True, text=True, timeout=30, check=False)
    conf.unlink()
    attrs: dict[str, list[object]] = {}
    m = re.search(r"Attribute 81 \(Tunnel-Private-Group-Id\) length=\d+\n\s+Value: ([0-9a-f]+)",
                  res.stdout)
    if m:
        raw = bytes.fromhex(m.group(1))
        attrs["Tunnel-Private-Group-Id"] = [(raw[1:] if raw and raw[0] < 0x20 else raw).decode()]
    return Reply(res.returncode == 0 and "SUCCESS" in res.stdout, attrs)
