"""One HTTP control endpoint for a whole lab: every component's own counters and state.

    GET  /_lab/counters         {kind: {name: counters}} for every component that counts
    POST /_lab/counters/reset   start counting from zero
    GET  /_lab/state            {kind: {name: running-config}} of the switches

The EOS switches also answer these on their own eAPI ports; SSH (IOS) cannot, and the
Dashboard, Kea and the databases are other servers, so the launcher serves them all
here on one loopback port (named `control` in the ready file). Counts are what each
server saw: requests and commands per switch, requests per Dashboard organisation
(with 429s), commands per Kea server (from its own log).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

Json = dict[str, Any]


def _switch_counters(lab: Any) -> dict[str, Json]:
    return {name: lab.device(name).counters.snapshot() for name in lab.names}


def _switch_reset(lab: Any) -> None:
    for name in lab.names:
        lab.device(name).counters.reset()


def _switch_state(lab: Any) -> dict[str, str]:
    return {name: lab.device(name).running_config() for name in lab.names}


def _meraki_counters(lab: Any) -> dict[str, Json]:
    """Per organisation: requests received, refused with 429, and accepted by operation."""
    out: dict[str, Json] = {}
    for r in lab.requests():
        org = out.setdefault(r.org or "-", {"requests": 0, "rate_limited": 0,
                                            "by_operation": Counter()})
        org["requests"] += 1
        if r.accepted:
            org["by_operation"][r.operation or f"{r.method} (no route)"] += 1
        else:
            org["rate_limited"] += 1
    return {k: {**v, "by_operation": dict(v["by_operation"])} for k, v in out.items()}


class _KeaLogCounts:
    """Commands each Kea received, from its own log (`COMMAND_RECEIVED` lines)."""

    MARK = "COMMAND_RECEIVED"

    def __init__(self, lab: Any) -> None:
        self.lab = lab
        self.offsets: dict[str, int] = {}

    def _log(self, name: str) -> Path:
        return Path(self.lab.server(name).root) / "kea-dhcp4.log"

    def counters(self) -> dict[str, Json]:
        out: dict[str, Json] = {}
        for name in self.lab.servers:
            words: Counter[str] = Counter()
            try:
                with self._log(name).open("rb") as fh:
                    fh.seek(self.offsets.get(name, 0))
                    text = fh.read().decode(errors="replace")
            except OSError:
                text = ""
            for line in text.splitlines():
                if self.MARK in line and "'" in line:
                    words[line.split("'")[1]] += 1
            out[name] = {"requests": sum(words.values()), "commands": sum(words.values()),
                         "by_word": dict(words)}
        return out

    def reset(self) -> None:
        for name in self.lab.servers:
            try:
                self.offsets[name] = self._log(name).stat().st_size
            except OSError:
                self.offsets[name] = 0


class Control:
    """The counters, reset and state of the running components of a `launcher.Lab`."""

    def __init__(self, running: list[tuple[str, Any]]) -> None:
        self.counters: dict[str, Callable[[], dict[str, Json]]] = {}
        self.resets: dict[str, Callable[[], None]] = {}
        self.states: dict[str, Callable[[], dict[str, str]]] = {}
        for kind, handle in running:
            if handle is None:
                continue
            if kind in ("eos", "ios"):
                self.counters[kind] = partial(_switch_counters, handle)
                self.resets[kind] = partial(_switch_reset, handle)
                self.states[kind] = partial(_switch_state, handle)
            elif kind == "meraki":
                self.counters[kind] = partial(_meraki_counters, handle)
                self.resets[kind] = handle.clear_log
            elif kind == "kea":
                kea = _KeaLogCounts(handle)
                kea.reset()
                self.counters[kind] = kea.counters
                self.resets[kind] = kea.reset
        self._server: ThreadingHTTPServer | None = None

    def snapshot(self) -> Json:
        return {kind: fn() for kind, fn in self.counters.items()}

    def reset(self) -> None:
        for fn in self.resets.values():
            fn()

    def state(self) -> Json:
        return {kind: fn() for kind, fn in self.states.items()}

    def start(self, host: str = "127.0.0.1") -> Control:
        control = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def _send(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                routes: Mapping[str, Callable[[], Any]] = {
                    "/_lab/counters": control.snapshot, "/_lab/state": control.state}
                fn = routes.get(self.path)
                self._send(200, fn()) if fn else self._send(404, {"error": self.path})

            def do_POST(self) -> None:  # noqa: N802
                if self.path == "/_lab/counters/reset":
                    control.reset()
                    self._send(200, {"reset": sorted(control.resets)})
                else:
                    self._send(404, {"error": self.path})

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True,
                         name="lab-control").start()
        return self

    def endpoint(self) -> Json:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return {"host": str(host), "port": int(port)}

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
