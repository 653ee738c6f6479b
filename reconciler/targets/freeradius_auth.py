"""Wi-Fi Secure credentials as FreeRADIUS stores them, and its user-name escaping.

What is stored, and why (no Cleartext-Password for people):
- `NT-Password` (MD4 of the UTF-16LE password): MSCHAPv2, the inner method of
  PEAP that every Wi-Fi client speaks, cannot work from anything else.
- `SSHA2-512-Password` (salted SHA-512): what PAP (and EAP-TTLS/PAP) checks,
  so PAP does not lean on the unsalted NT hash.
MAC-authenticated devices use `Cleartext-Password` = the MAC itself, which is
not a secret (the NAS sends it as both user name and password).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets

# Unambiguous characters only: the password is typed from an invitation by hand.
ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 20  # about 117 bits

# rlm_sql's default `safe_characters`; everything else is sent as =XX in queries.
SAFE_CHARACTERS = frozenset("@abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_: /")


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def nt_hash(password: str) -> str:
    """Upper-case hex, as `smbencrypt` prints it and FreeRADIUS reads it."""
    from Crypto.Hash import MD4  # hashlib has no MD4 under OpenSSL 3; imported when used

    return MD4.new(password.encode("utf-16le")).hexdigest().upper()


def ssha512(password: str, salt: bytes | None = None) -> str:
    """`0x` + hex of SHA-512(password + salt) + salt: FreeRADIUS's SSHA2-512 form."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.sha512(password.encode() + salt).digest()
    return "0x" + (digest + salt).hex()


def check_ssha512(password: str, stored: str) -> bool:
    raw = bytes.fromhex(stored[2:] if stored.startswith("0x") else stored)
    digest, salt = raw[:64], raw[64:]
    return hashlib.sha512(password.encode() + salt).digest() == digest


def sql_escape(name: str) -> str:
    """A user name as rlm_sql expands %{SQL-User-Name}: unsafe bytes become =XX.

    Rows must hold the escaped form, or a name such as `a+b@x.example` would
    never be found by the server's own queries.
    """
    out = []
    for ch in name:
        if ch in SAFE_CHARACTERS:
            out.append(ch)
        elif ord(ch) > 127:
            out.append(ch)  # rlm_sql passes multi-byte UTF-8 through
        else:
            out.append(f"={ord(ch):02X}")
    return "".join(out)


def sql_unescape(stored: str) -> str:
    return re.sub(r"=([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), stored)
