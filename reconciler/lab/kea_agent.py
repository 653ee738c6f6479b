"""The Kea Control Agent (Debian `kea-ctrl-agent`) in front of a lab kea-dhcp4.

HTTP on a free loopback port with basic auth, forwarding to the server's UNIX
control socket: the way a production reconciler reaches Kea over the network.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from reconciler.lab.files import write_private

from .kea import KeaServer, KeaUnavailable


def find_agent() -> str:
    for cand in (shutil.which("kea-ctrl-agent"), "/usr/sbin/kea-ctrl-agent"):
        if cand and os.access(cand, os.X_OK):
            return cand
    raise KeaUnavailable("kea-ctrl-agent not found; install the Debian package kea-ctrl-agent")


def _free_tcp_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class KeaAgent:
    """`start()`, `url`, `stop()` for one agent in front of one `KeaServer`."""

    def __init__(self, server: KeaServer, username: str, password: str) -> None:
        self.binary = find_agent()
        self.server = server
        self.port = _free_tcp_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.root: Path = server.root
        self.config_file = self.root / "kea-ctrl-agent.conf"
        write_private(self.config_file, json.dumps({"Control-agent": {
            "http-host": "127.0.0.1", "http-port": self.port,
            "authentication": {"type": "basic", "realm": "kea-lab",
                               "clients": [{"user": username, "password": password}]},
            "control-sockets": {"dhcp4": {"socket-type": "unix",
                                          "socket-name": str(server.socket_path)}},
            "loggers": [{"name": "kea-ctrl-agent", "severity": "INFO",
                         "output_options": [{"output": str(self.root / "kea-ctrl-agent.log")}]}],
        }}, indent=2))  # it holds the lab password
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> KeaAgent:
        env = {**os.environ, "KEA_PIDFILE_DIR": str(self.root), "KEA_LOCKFILE_DIR": str(self.root)}
        out = (self.root / "kea-ctrl-agent.out").open("wb")
        self.proc = subprocess.Popen([self.binary, "-c", str(self.config_file)], stdout=out,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.url, data=b"{}", timeout=1).close()  # noqa: S310
                return self
            except urllib.error.HTTPError:
                return self  # it answers (401 without credentials): it listens
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("kea-ctrl-agent did not start: " + (
                    self.root / "kea-ctrl-agent.out").read_text(errors="replace")[-2000:])
            time.sleep(0.02)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> KeaAgent:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
