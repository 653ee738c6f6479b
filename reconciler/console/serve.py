"""`reconciler console serve`: the built site on a local port, for a look before publishing.

Loopback only by default: the console holds personal data, and this is a
preview, not a host.
"""

from __future__ import annotations

import functools
import http.server
from collections.abc import Callable
from pathlib import Path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def make_server(folder: Path, host: str = "127.0.0.1",
                port: int = 0) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_Quiet, directory=str(folder))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(folder: Path, host: str, port: int, ready: Callable[[str], None]) -> None:
    """Serve until interrupted; `ready` gets the URL once the port is open."""
    with make_server(folder, host, port) as httpd:
        port_open = httpd.server_address[1]
        ready(f"http://{host}:{port_open}/")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
