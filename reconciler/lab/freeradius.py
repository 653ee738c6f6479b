"""Debian's real FreeRADIUS in the foreground with a private configuration.

Loopback only, free non-default ports, a private directory; the SQL tables are
FreeRADIUS's own schema (the `schema.sql` Debian ships), in SQLite by default or
in a PostgreSQL database. Readiness is checked with a Status-Server request, and
the server is stopped by its PID.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
import socket
import sqlite3
import struct
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

MODCONFDIR = Path("/etc/freeradius/3.0/mods-config")


class FreeradiusUnavailable(RuntimeError):
    """FreeRADIUS is not installed here (Debian packages `freeradius`, `freeradius-utils`)."""


def find_binary() -> str:
    for name in ("freeradius", "radiusd"):
        path = shutil.which(name) or (f"/usr/sbin/{name}" if Path("/usr/sbin", name).exists()
                                      else None)
        if path and (MODCONFDIR / "sql" / "main" / "sqlite" / "schema.sql").exists():
            return path
    raise FreeradiusUnavailable("FreeRADIUS is not installed (Debian package `freeradius`; "
                                "PostgreSQL also needs `freeradius-postgresql`)")


def schema_sql(dialect: str) -> str:
    """FreeRADIUS's own rlm_sql schema for `sqlite` or `postgresql`, as the package ships it."""
    return (MODCONFDIR / "sql" / "main" / dialect / "schema.sql").read_text()


def create_sqlite_db(path: Path) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path) as db:  # one transaction: one sync, not one per index
            db.executescript("BEGIN;\n" + schema_sql("sqlite") + "\nCOMMIT;")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def status_server(host: str, port: int, secret: str, timeout: float = 0.2) -> bool:
    """One Status-Server request (RFC 5997) with its Message-Authenticator; True on a reply."""
    ident = secrets.randbelow(256)
    auth = os.urandom(16)
    attr_len = 18
    header = struct.pack("!BBH", 12, ident, 20 + attr_len) + auth
    blank = header + bytes([80, attr_len]) + bytes(16)
    mac = hmac.new(secret.encode(), blank, hashlib.md5).digest()
    packet = header + bytes([80, attr_len]) + mac
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.connect((host, port))  # connected: "port unreachable" ends the wait at once
            s.send(packet)
            data = s.recv(4096)
        except OSError:
            return False
    return len(data) >= 20 and data[0] == 2 and data[1] == ident


def make_certificate(certdir: Path) -> None:
    """A throwaway self-signed server certificate for EAP (PEAP/TTLS)."""
    certdir.mkdir(parents=True, exist_ok=True)
    key, pem = certdir / "server.key", certdir / "server.pem"
    if key.exists() and pem.exists():
        return
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30", "-subj",
                    "/CN=reconciler-lab-radius", "-keyout", str(key), "-out", str(pem)],
                   check=True, capture_output=True)


class FreeradiusServer:
    """`start()`, `endpoint()`, `stop()`; a context manager."""

    def __init__(self, workdir: Path, templates: Path, *, sqlite_path: Path | None = None,
                 postgres: Mapping[str, Any] | None = None, secret: str | None = None,
                 radius_db: str = "radius") -> None:
        self.binary = find_binary()
        self.workdir = workdir
        self.templates = templates
        self.sqlite_path = sqlite_path or workdir / "radius.db"
        self.postgres = dict(postgres) if postgres else None
        self.secret = secret or secrets.token_hex(12)
        self.radius_db = str(self.postgres.get("dbname", radius_db)) if self.postgres \
            else radius_db
        self.auth_port = 0
        self.acct_port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def raddb(self) -> Path:
        return self.workdir / "raddb"

    @property
    def ca_cert(self) -> Path:
        return self.raddb / "certs" / "server.pem"

    @property
    def log_file(self) -> Path:
        return self.workdir / "log" / "radiusd.out"

    def _render(self) -> None:
        # The product's rule holds in the lab too: templates render in the immutable
        # sandbox, with no filters or globals at all (this one needs none).
        env = ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader(str(self.templates)),
            undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
            lstrip_blocks=True, autoescape=False)
        env.filters, env.globals = {}, {}
        text = env.get_template("freeradius/radiusd.conf.j2").render(
            workdir=str(self.workdir), modconfdir=str(MODCONFDIR), secret=self.secret,
            dialect="postgresql" if self.postgres else "sqlite",
            sqlite_path=str(self.sqlite_path), pg=self.postgres or {}, radius_db=self.radius_db,
            auth_port=self.auth_port, acct_port=self.acct_port)
        conf = self.raddb / "radiusd.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        # The local dictionary of the configuration directory: the reconciler's attributes.
        shutil.copyfile(self.templates / "freeradius" / "dictionary", self.raddb / "dictionary")

    def start(self, timeout: float = 15.0) -> FreeradiusServer:
        for sub in ("raddb", "log", "run"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        make_certificate(self.raddb / "certs")
        if not self.postgres:
            create_sqlite_db(self.sqlite_path)
        for _attempt in range(3):  # a free port can be taken between choosing and binding
            self.auth_port, self.acct_port = free_udp_port(), free_udp_port()
            self._render()
            log = self.log_file.open("ab")
            self.proc = subprocess.Popen([self.binary, "-f", "-l", "stdout", "-d",
                                          str(self.raddb)], stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
            log.close()
            deadline = time.monotonic() + timeout
            while self.proc.poll() is None and time.monotonic() < deadline:
                if status_server("127.0.0.1", self.auth_port, self.secret):
                    return self
                time.sleep(0.02)
            self.stop()
            if "Address already in use" not in self.log_text():
                break
        raise RuntimeError(f"FreeRADIUS did not start; its output:\n{self.log_text()[-2000:]}")

    def log_text(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    def endpoint(self) -> dict[str, Any]:
        return {"host": "127.0.0.1", "port": self.auth_port, "acct_port": self.acct_port,
                "secret": self.secret, "ca_cert": str(self.ca_cert),
                "sqlite_path": None if self.postgres else str(self.sqlite_path)}

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def __enter__(self) -> FreeradiusServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# The five tables the reconciler and the authorize queries use, for a lab without
# FreeRADIUS installed (the database still works; no server answers).
MINIMAL_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS radcheck (id INTEGER PRIMARY KEY AUTOINCREMENT,
  username varchar(64) NOT NULL default '', attribute varchar(64) NOT NULL default '',
  op char(2) NOT NULL DEFAULT '==', value varchar(253) NOT NULL default '');
CREATE TABLE IF NOT EXISTS radreply (id INTEGER PRIMARY KEY AUTOINCREMENT,
  username varchar(64) NOT NULL default '', attribute varchar(64) NOT NULL default '',
  op char(2) NOT NULL DEFAULT '=', value varchar(253) NOT NULL default '');
CREATE TABLE IF NOT EXISTS radgroupcheck (id INTEGER PRIMARY KEY AUTOINCREMENT,
  groupname varchar(64) NOT NULL default '', attribute varchar(64) NOT NULL default '',
  op char(2) NOT NULL DEFAULT '==', value varchar(253) NOT NULL default '');
CREATE TABLE IF NOT EXISTS radgroupreply (id INTEGER PRIMARY KEY AUTOINCREMENT,
  groupname varchar(64) NOT NULL default '', attribute varchar(64) NOT NULL default '',
  op char(2) NOT NULL DEFAULT '=', value varchar(253) NOT NULL default '');
CREATE TABLE IF NOT EXISTS radusergroup (id INTEGER PRIMARY KEY AUTOINCREMENT,
  username varchar(64) NOT NULL default '', groupname varchar(64) NOT NULL default '',
  priority int(11) NOT NULL default '1');
"""


def start_component(config: Mapping[str, Any], workdir: Path) -> tuple[dict[str, Any],
                                                                     list[Any]]:
    """Lab component: one server (or, without FreeRADIUS, just its database) per entry."""
    endpoints: dict[str, Any] = {}
    servers: list[FreeradiusServer] = []
    try:
        installed = bool(find_binary())
    except FreeradiusUnavailable:
        installed = False
    try:
        for entry in config.get("servers", []):
            db = Path(entry["sqlite_path"])
            db.unlink(missing_ok=True)  # a lab starts fresh, like its switches
            ep: dict[str, Any] = {}
            if installed:
                srv = FreeradiusServer(workdir / "freeradius" / entry["name"],
                                       Path(config["templates"]), sqlite_path=db).start()
                servers.append(srv)
                ep.update(srv.endpoint())
            else:
                db.parent.mkdir(parents=True, exist_ok=True)
                with sqlite3.connect(db) as conn:
                    conn.executescript("BEGIN;\n" + MINIMAL_SQLITE_SCHEMA + "\nCOMMIT;")
                ep.update({"sqlite_path": str(db), "server": "not installed"})
            endpoints[entry["name"]] = ep
    except BaseException:
        for srv in servers:
            srv.stop()
        raise
    return endpoints, servers
