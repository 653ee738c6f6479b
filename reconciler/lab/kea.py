"""A real ISC Kea DHCPv4 server (Debian `kea-dhcp4-server`) with a private config.

Loopback only, DHCP on a free port, UNIX control socket, memfile leases and
logs in its own folder; nothing of a system Kea is touched. Optionally started
inside a network namespace (tests that exchange DHCP packets), which the
control socket reaches all the same: it is a file.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

UNMANAGED_SUBNET = {"id": 1, "subnet": "192.0.2.0/24",
                    "pools": [{"pool": "192.0.2.100-192.0.2.200"}],
                    "user-context": {"comment": "site office LAN, set up by hand"}}


class KeaUnavailable(RuntimeError):
    """No kea-dhcp4 binary here (install the Debian package `kea-dhcp4-server`)."""


def find_kea() -> str:
    for cand in (shutil.which("kea-dhcp4"), "/usr/sbin/kea-dhcp4"):
        if cand and os.access(cand, os.X_OK):
            return cand
    raise KeaUnavailable("kea-dhcp4 not found; install the Debian package kea-dhcp4-server")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def lab_config(root: Path, sock: Path, subnets: list[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo/127.0.0.1"], "dhcp-socket-type": "udp"},
        "control-socket": {"socket-type": "unix", "socket-name": str(sock)},
        "lease-database": {"type": "memfile", "name": str(root / "leases4.csv"),
                           "lfc-interval": 0},
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": str(root / "kea-dhcp4.log")}]}],
        "valid-lifetime": 3600,
        "subnet4": [dict(s) for s in subnets],
    }}


class KeaServer:
    """`start()`, `command()`, `leases()`, `stop()`; a context manager."""

    def __init__(self, workdir: Path | None = None, name: str = "kea",
                 subnets: list[Mapping[str, Any]] | None = None, netns: str | None = None,
                 dhcp_port: int | None = None) -> None:
        self.binary = find_kea()
        self._own_root = workdir is None
        self.root = Path(tempfile.mkdtemp(prefix="rcl-kea-")) if workdir is None \
            else workdir / name
        self.root.mkdir(parents=True, exist_ok=True)
        sock = self.root / "kea4.sock"
        self._sockdir: Path | None = None
        if len(str(sock)) > 100:  # UNIX socket paths hold 107 bytes
            self._sockdir = Path(tempfile.mkdtemp(prefix="rcl-kea-"))
            sock = self._sockdir / "kea4.sock"
        self.socket_path = sock
        self.netns = netns
        # In a namespace of its own the standard port is free; on the host, take any.
        self.dhcp_port = dhcp_port or (67 if netns else free_udp_port())
        self.config_file = self.root / "kea-dhcp4.conf"
        self.initial = lab_config(self.root, sock,
                                  [UNMANAGED_SUBNET] if subnets is None else subnets)
        self.config_file.write_text(json.dumps(self.initial, indent=2))
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> KeaServer:
        if self.proc is not None and self.proc.poll() is None:
            return self  # already running (`with server.start():` enters once more)
        cmd = [self.binary, "-c", str(self.config_file), "-p", str(self.dhcp_port)]
        if self.netns:
            cmd = ["ip", "netns", "exec", self.netns, *cmd]
        env = {**os.environ, "KEA_PIDFILE_DIR": str(self.root), "KEA_LOCKFILE_DIR": str(self.root)}
        out = (self.root / "kea-dhcp4.out").open("wb")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.command("version-get")
                return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = (self.root / "kea-dhcp4.out").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"kea-dhcp4 did not start: {log}")
            time.sleep(0.02)

    def command(self, name: str, arguments: Any = None) -> dict[str, Any]:
        msg: dict[str, Any] = {"command": name}
        if arguments is not None:
            msg["arguments"] = arguments
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(str(self.socket_path))
            s.sendall(json.dumps(msg).encode())
            chunks = []
            while data := s.recv(65536):
                chunks.append(data)
        reply: dict[str, Any] = json.loads(b"".join(chunks))
        return reply

    def reset(self) -> None:
        """Back to the configuration it started with (tests share one server per worker)."""
        for name, args in (("config-set", self.initial), ("config-write", None)):
            reply = self.command(name, args)
            if reply.get("result") != 0:
                raise RuntimeError(f"kea {name} failed: {reply.get('text')}")

    def subnets(self) -> list[dict[str, Any]]:
        return list(self.command("config-get")["arguments"]["Dhcp4"]["subnet4"])

    def leases(self) -> list[dict[str, str]]:
        """The memfile lease file as rows (address, hwaddr, subnet_id, ...)."""
        path = self.root / "leases4.csv"
        if not path.exists():
            return []
        lines = path.read_text().splitlines()
        head = lines[0].split(",") if lines else []
        return [dict(zip(head, ln.split(","), strict=False)) for ln in lines[1:] if ln]

    def endpoint(self) -> dict[str, Any]:
        return {"path": str(self.socket_path), "host": "127.0.0.1", "port": self.dhcp_port}

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self._sockdir is not None:
            shutil.rmtree(self._sockdir, ignore_errors=True)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> KeaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class KeaLab:
    """One private Kea per DHCP target of the estate (the `kea` lab component)."""

    def __init__(self, servers: dict[str, KeaServer]) -> None:
        self.servers = servers

    @classmethod
    def from_config(cls, config: Mapping[str, Any], workdir: Path) -> KeaLab:
        servers = {}
        for i, s in enumerate(config.get("servers", [])):
            servers[s["name"]] = KeaServer(workdir, f"kea-{i}")
        return cls(servers)

    def start(self) -> KeaLab:
        started = []
        try:
            for s in self.servers.values():
                started.append(s.start())
        except BaseException:
            for s in started:
                s.stop()
            raise
        return self

    def server(self, name: str) -> KeaServer:
        return self.servers[name]

    def endpoints(self) -> dict[str, dict[str, Any]]:
        return {name: s.endpoint() for name, s in self.servers.items()}

    def stop(self) -> None:
        for s in self.servers.values():
            s.stop()
