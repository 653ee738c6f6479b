"""SSH for emulated Cisco IOS switches (asyncssh), many per process, one port each.

Password authentication against the device's own user (no system users); the shell
echoes input when it reads it, as IOS does, prompts `host>` / `host#`, asks for the
enable secret without echo, and answers every line through `ios_cli.Session`. SCP
reaches the switch's `flash:` (`ios_flash`).
All devices share one event loop in a daemon thread, so `IosLab` starts and stops
from synchronous code (tests, the lab launcher).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from types import TracebackType
from typing import Any

import asyncssh

from reconciler.lab.ios_cli import IosDevice, Session

Json = dict[str, Any]
# netmiko settings a client may use against these switches: they answer at once, so the
# lab's endpoints file opts into them (a real switch keeps netmiko's safe defaults).
LAB_CLIENT_SETTINGS: Json = {"fast_cli": True, "delay_factor": 0.1}


@dataclass
class IosDeviceSpec:
    """How to start one emulated switch (also the JSON config entry, same keys)."""

    name: str
    host: str = "127.0.0.1"
    port: int = 0  # 0: pick a free port
    username: str = "admin"
    password: str = "admin"
    secret: str | None = None  # enable secret; default: the password
    seed_config: str | None = None  # running-config text; None: a default switch
    hostname: str | None = None
    ports: int = 8
    model: str | None = None  # a cisco_ios model of switching/hardware.yaml; None: the default


class _Server(asyncssh.SSHServer):
    def __init__(self, device: IosDevice, live: set[asyncssh.SSHServerConnection]) -> None:
        self.device = device
        self.live = live
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.live.add(conn)
        self.device.counters.request()  # a round trip here is an SSH session

    def connection_lost(self, exc: Exception | None) -> None:
        if self.conn is not None:
            self.live.discard(self.conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == self.device.username and password == self.device.password


class _Terminal:
    """The switch's line discipline: input is echoed when the CLI reads it, as on IOS.

    (A line editor that echoes on arrival prints typed-ahead Enters before the previous
    prompt, so two quick Enters show two prompts on one line and a client such as
    netmiko takes both for its prompt.)
    """

    def __init__(self, process: asyncssh.SSHServerProcess[str]) -> None:
        self.stdin = process.stdin
        self.stdout = process.stdout
        self._skip_lf = False  # a CR ended the last line; its LF is not another line

    def write(self, text: str) -> None:
        self.stdout.write(text.replace("\r\n", "\n").replace("\n", "\r\n"))

    async def readline(self, echo: bool = True) -> str | None:
        chars: list[str] = []
        while True:
            try:
                ch = await self.stdin.read(1)
            except asyncssh.TerminalSizeChanged:
                continue  # a resized window is no input
            if not ch:
                return None
            if ch == "\n" and self._skip_lf:
                self._skip_lf = False
                continue
            self._skip_lf = ch == "\r"
            if ch in "\r\n":
                self.write("\n")
                return "".join(chars)
            if ch in ("\x7f", "\b"):
                if chars:
                    chars.pop()
                    if echo:
                        self.stdout.write("\b \b")
            elif ch >= " " or ch == "\t":
                chars.append(ch)
                if echo:
                    self.stdout.write(ch)


async def _shell(device: IosDevice, process: asyncssh.SSHServerProcess[str]) -> None:
    session = Session(device)
    term = _Terminal(process)
    try:
        term.write("\n" + session.prompt())
        while True:
            line = await term.readline()
            if line is None:
                break
            delay = device.faults.latency()
            if delay > 0:
                await asyncio.sleep(delay)
            # In a worker thread: a stalled command (fault) must not freeze the other switches.
            reply = await asyncio.get_running_loop().run_in_executor(
                None, session.execute, line)
            if reply.drop:
                process.channel.abort()
                return
            if reply.ask_password:
                term.write("Password: ")
                secret = await term.readline(echo=False)
                reply = session.enable(secret or "")
            if reply.ask is not None:  # e.g. `Destination filename [startup-config]?`
                term.write(reply.output + reply.ask.question)
                answer = await term.readline()
                with device.lock:
                    reply.output = reply.ask.then(answer or "")
            term.write(reply.output)
            if reply.close:
                break
            term.write(session.prompt())
    except (asyncssh.BreakReceived, asyncssh.SignalReceived, asyncssh.TerminalSizeChanged,
            asyncssh.ConnectionLost, BrokenPipeError, ConnectionError):
        pass
    process.exit(0)


class IosLab:
    """Many emulated IOS switches in one process, each on its own address:port."""

    def __init__(self, specs: Iterable[IosDeviceSpec] = ()) -> None:
        self._specs: dict[str, IosDeviceSpec] = {}
        self._devices: dict[str, IosDevice] = {}
        self._servers: dict[str, Any] = {}
        self._live: set[asyncssh.SSHServerConnection] = set()  # open client sessions
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        for spec in specs:
            self.add(spec)

    def add(self, spec: IosDeviceSpec) -> IosDevice:
        if spec.name in self._devices:
            raise ValueError(f"duplicate device name {spec.name!r}")
        device = IosDevice(spec.name, username=spec.username, password=spec.password,
                           secret=spec.secret, seed_config=spec.seed_config,
                           hostname=spec.hostname, ports=spec.ports, model=spec.model)
        self._specs[spec.name] = spec
        self._devices[spec.name] = device
        if self._loop is not None:
            self._run(self._serve(spec.name))
        return device

    def _run(self, coro: Any) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    async def _serve(self, name: str) -> None:
        spec, device = self._specs[name], self._devices[name]

        def shell(process: asyncssh.SSHServerProcess[str]) -> Any:
            return _shell(device, process)

        self._servers[name] = await asyncssh.create_server(
            lambda: _Server(device, self._live), spec.host, spec.port, server_host_keys=[_host_key()],
            process_factory=shell, line_editor=False, encoding="utf-8",
            sftp_factory=device.flash.sftp_factory(), allow_scp=True,
            keepalive_interval=0, login_timeout=30)

    def start(self) -> IosLab:
        if self._loop is not None:
            return self
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="ios-lab", daemon=True)
        self._thread.start()
        try:
            for name in self._devices:
                self._run(self._serve(name))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return

        async def close_all() -> None:
            for server in self._servers.values():
                server.close()
            for conn in list(self._live):  # a stopped switch drops its sessions
                conn.close()
            for server in self._servers.values():
                await server.wait_closed()
            for conn in list(self._live):
                await asyncio.wait_for(conn.wait_closed(), 5)
            await asyncio.sleep(0)  # let the shell tasks see the close and finish

        try:
            self._run(close_all())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            loop.close()
            self._servers.clear()
            self._loop = None
            self._thread = None
            for device in self._devices.values():
                device.flash.close()

    def __enter__(self) -> IosLab:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def names(self) -> list[str]:
        return list(self._devices)

    def device(self, name: str) -> IosDevice:
        return self._devices[name]

    def address(self, name: str) -> tuple[str, int]:
        sock = self._servers[name].sockets[0]
        host, port = sock.getsockname()[:2]
        return str(host), int(port)

    def endpoints(self) -> dict[str, Json]:
        out: dict[str, Json] = {}
        for name in self._servers:
            host, port = self.address(name)
            out[name] = {"host": host, "port": port, "transport": "ssh", **LAB_CLIENT_SETTINGS}
        return out

    @classmethod
    def from_config(cls, data: Mapping[str, Any], base_dir: Path | None = None) -> IosLab:
        """`{"devices": [{...IosDeviceSpec keys, or seed_file...}]}`."""
        known = {f.name for f in fields(IosDeviceSpec)}
        specs = []
        for entry in data.get("devices", []):
            merged = dict(entry)
            seed_file = merged.pop("seed_file", None)
            if seed_file is not None:
                path = Path(seed_file)
                if not path.is_absolute() and base_dir is not None:
                    path = base_dir / path
                merged["seed_config"] = path.read_text()
            unknown = set(merged) - known
            if unknown:
                raise ValueError(f"unknown device keys {sorted(unknown)}")
            specs.append(IosDeviceSpec(**merged))
        return cls(specs)


_KEY: list[asyncssh.SSHKey] = []
_KEY_LOCK = threading.Lock()


def _host_key() -> asyncssh.SSHKey:
    """One throwaway host key per process (clients do not pin it)."""
    with _KEY_LOCK:
        if not _KEY:
            _KEY.append(asyncssh.generate_private_key("ssh-ed25519"))
        return _KEY[0]
