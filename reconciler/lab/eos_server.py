"""eAPI over HTTP for emulated EOS switches, many per process, plus lab control endpoints.

    python -m reconciler.lab.eos_server --config lab.json --ready-file ready.json

Per device: `POST /command-api` (JSON-RPC 2.0 `runCmds`, HTTP Basic auth), and the control
endpoints `GET /_lab/state`, `GET /_lab/counters`, `POST /_lab/counters/reset`,
`POST /_lab/reset`, `GET|POST|DELETE /_lab/faults`.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import selectors
import signal
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from reconciler.lab.eos_device import DropConnection, EosDevice
from reconciler.lab.files import write_private

Json = dict[str, Any]


@dataclass
class DeviceSpec:
    """How to start one emulated switch (also the JSON config entry, same keys)."""

    name: str
    host: str = "127.0.0.1"
    port: int = 0  # 0: pick a free port
    username: str = "admin"
    password: str = "admin"
    seed_config: str | None = None  # running-config text; None: a default switch
    hostname: str | None = None  # overrides the seed's hostname (default switch: name)
    ports: int = 8  # Ethernet1..N of a default switch
    model: str = "vEOS-lab"
    version: str = "4.32.2F"


class _DeviceServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], device: EosDevice) -> None:
        self.device = device
        self._halt = threading.Event()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn) per address, which
        # stalls for 127.0.1.k addresses; the name is only used for CGI, so skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def run(self) -> None:
        """Like serve_forever, but `halt` wakes it at once instead of after a poll tick."""
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            while not self._halt.is_set():
                if selector.select(5.0) and not self._halt.is_set():
                    self.handle_request()  # ready, so this does not block

    def halt(self) -> None:
        self._halt.set()
        try:  # a throwaway connection wakes the selector
            host, port = self.server_address[:2]
            with socket.create_connection((str(host), int(port)), timeout=1):
                pass
        except OSError:
            pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as pyeapi expects
    # Headers and body are two writes: without TCP_NODELAY, Nagle's algorithm holds the
    # body until the client's delayed ACK (40 ms a response on Linux).
    disable_nagle_algorithm = True
    timeout = 60  # idle keep-alive connections give up eventually
    server: _DeviceServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        return  # thousands of requests: stay quiet

    # ------------------------------------------------------------ plumbing

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, payload: Json | str, content_type: str = "application/json",
              extra: Mapping[str, str] | None = None) -> None:
        data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        device = self.server.device
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return user == device.username and password == device.password

    # ------------------------------------------------------------ verbs

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        device = self.server.device
        if self.path == "/_lab/state":
            self._send(200, device.state())
        elif self.path == "/_lab/counters":
            self._send(200, device.counters.snapshot())
        elif self.path == "/_lab/faults":
            self._send(200, device.faults.snapshot())
        else:
            self._send(404, {"error": f"no such endpoint {self.path}"})

    def do_DELETE(self) -> None:  # noqa: N802
        if self.path == "/_lab/faults":
            self.server.device.faults.clear()
            self._send(200, self.server.device.faults.snapshot())
        else:
            self._send(404, {"error": f"no such endpoint {self.path}"})

    def do_POST(self) -> None:  # noqa: N802
        device = self.server.device
        body = self._body()
        if self.path == "/command-api":
            self._command_api(device, body)
        elif self.path == "/_lab/faults":
            try:
                changes = json.loads(body or b"{}")
                if not isinstance(changes, dict):
                    raise ValueError("expected a JSON object")
                device.faults.update(changes)
            except ValueError as exc:
                self._send(400, {"error": str(exc)})
                return
            self._send(200, device.faults.snapshot())
        elif self.path == "/_lab/reset":
            device.reset()
            self._send(200, {"reset": device.name})
        elif self.path == "/_lab/counters/reset":
            device.counters.reset()
            self._send(200, device.counters.snapshot())
        else:
            self._send(404, {"error": f"no such endpoint {self.path}"})

    def _command_api(self, device: EosDevice, body: bytes) -> None:
        device.counters.request()
        delay = device.faults.latency()
        if delay > 0:
            time.sleep(delay)
        if device.faults.take_http_error():
            status = device.faults.http_status()
            self._send(status, f"<html><body>{status} injected error</body></html>", "text/html")
            return
        if not self._authorized():
            self._send(401, "Unauthorized", "text/plain",
                       {"WWW-Authenticate": 'Basic realm="Arista eAPI"'})
            return
        try:
            request = json.loads(body)
            if not isinstance(request, dict):
                raise ValueError("not an object")
        except ValueError:
            self._send(200, {"jsonrpc": "2.0", "id": None,
                             "error": {"code": -32700, "message": "Parse error"}})
            return
        rpc_id = request.get("id")
        params = request.get("params")
        if request.get("method") != "runCmds":
            payload: Json = {"error": {"code": -32601, "message": "Method not found"}}
        elif not isinstance(params, dict) or not isinstance(params.get("cmds"), list):
            payload = {"error": {"code": -32602, "message": "Invalid params: cmds missing"}}
        else:
            try:
                payload = device.run_cmds(params["cmds"], str(params.get("format", "json")))
            except DropConnection:
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
        self._send(200, {"jsonrpc": "2.0", "id": rpc_id, **payload})


class EosLab:
    """Many emulated switches in one process, each on its own address:port."""

    def __init__(self, specs: Iterable[DeviceSpec] = ()) -> None:
        self._specs: dict[str, DeviceSpec] = {}
        self._devices: dict[str, EosDevice] = {}
        self._servers: dict[str, _DeviceServer] = {}
        self._threads: list[threading.Thread] = []
        self.started = False
        for spec in specs:
            self.add(spec)

    def add(self, spec: DeviceSpec) -> EosDevice:
        """Add a device; it starts at once if the lab is running."""
        if spec.name in self._devices:
            raise ValueError(f"duplicate device name {spec.name!r}")
        device = EosDevice(
            spec.name, username=spec.username, password=spec.password,
            seed_config=spec.seed_config, hostname=spec.hostname, ports=spec.ports,
            model=spec.model, version=spec.version,
        )
        self._specs[spec.name] = spec
        self._devices[spec.name] = device
        if self.started:
            self._serve(spec.name)
        return device

    def _serve(self, name: str) -> None:
        spec = self._specs[name]
        server = _DeviceServer((spec.host, spec.port), self._devices[name])
        self._servers[name] = server
        thread = threading.Thread(target=server.run, name=f"eos-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def start(self) -> EosLab:
        if not self.started:
            self.started = True
            try:
                for name in self._devices:
                    self._serve(name)
            except OSError:
                self.stop()
                raise
        return self

    def stop(self) -> None:
        """Stop every server and close its listening socket."""
        for server in self._servers.values():
            server.halt()
        for thread in self._threads:
            thread.join(timeout=10)
        for server in self._servers.values():
            server.server_close()
        self._servers.clear()
        self._threads.clear()
        self.started = False

    def __enter__(self) -> EosLab:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def names(self) -> list[str]:
        return list(self._devices)

    def device(self, name: str) -> EosDevice:
        return self._devices[name]

    def address(self, name: str) -> tuple[str, int]:
        """The bound (host, port); the port is known once started."""
        host, port = self._servers[name].server_address[:2]
        return str(host), int(port)

    def endpoints(self) -> dict[str, Json]:
        out: dict[str, Json] = {}
        for name in self._servers:
            host, port = self.address(name)
            out[name] = {"host": host, "port": port,
                         "url": f"http://{host}:{port}/command-api"}
        return out

    @classmethod
    def from_config(cls, data: Mapping[str, Any], base_dir: Path | None = None) -> EosLab:
        """Build from the JSON config format (see `load_specs`)."""
        return cls(load_specs(data, base_dir))


def load_specs(data: Mapping[str, Any], base_dir: Path | None = None) -> list[DeviceSpec]:
    """`{"defaults": {...}, "devices": [{...}], "generate": {"count": N, ...}}` -> specs.

    Device keys are DeviceSpec fields, plus `seed_file` (a path, relative to the config
    file). `generate` makes `count` devices; its `name`/`host`/`hostname` values may use
    `{n}` (1-based index), e.g. `"host": "127.0.1.{n}"`.
    """
    known = {f.name for f in fields(DeviceSpec)}
    defaults = dict(data.get("defaults", {}))
    entries: list[dict[str, Any]] = [dict(e) for e in data.get("devices", [])]
    gen = data.get("generate")
    if gen:
        template = dict(gen)
        count = int(template.pop("count"))
        for n in range(1, count + 1):
            entries.append({k: v.format(n=n) if isinstance(v, str) else v
                            for k, v in template.items()})
    specs: list[DeviceSpec] = []
    for entry in entries:
        merged = {**defaults, **entry}
        seed_file = merged.pop("seed_file", None)
        if seed_file is not None:
            path = Path(seed_file)
            if not path.is_absolute() and base_dir is not None:
                path = base_dir / path
            merged["seed_config"] = path.read_text()
        unknown = set(merged) - known
        if unknown:
            raise ValueError(f"unknown device keys {sorted(unknown)}")
        specs.append(DeviceSpec(**merged))
    return specs


def _write_ready(path: Path, lab: EosLab) -> None:
    write_private(path, json.dumps({"pid": os.getpid(), "devices": lab.endpoints()}, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run emulated Arista EOS eAPI switches.")
    parser.add_argument("--config", required=True, type=Path, help="lab JSON file")
    parser.add_argument("--ready-file", type=Path, help="written with bound ports once up")
    args = parser.parse_args(argv)
    config_path: Path = args.config
    lab = EosLab.from_config(json.loads(config_path.read_text()), config_path.parent)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    lab.start()
    if args.ready_file:
        _write_ready(args.ready_file, lab)
    print(f"eos lab: {len(lab.names)} devices up", file=sys.stderr, flush=True)
    try:
        while not stop.wait(0.5):  # short waits keep the main thread responsive to signals
            pass
    finally:
        lab.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
