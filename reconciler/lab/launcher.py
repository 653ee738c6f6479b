"""Run every emulator and lab server of a lab config in one process.

    python -m reconciler.lab.launcher --config lab.json --ready-file ready.json

A lab config lists components by kind; each kind is started by a function in
`COMPONENTS` that returns its endpoints (name -> address) and a stop callable.
The ready file, written once everything listens, maps names to endpoints.
Knows nothing of estates: the CLI builds the config (it plays the devices).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from reconciler.lab.files import write_private

Json = dict[str, Any]


@dataclass
class Running:
    endpoints: dict[str, Json]
    stop: Callable[[], None]
    handle: Any = None  # the emulator object, for tests that inspect device state


Starter = Callable[[Mapping[str, Any], Path], Running]


def _start_eos(config: Mapping[str, Any], workdir: Path) -> Running:
    from .eos_server import EosLab

    lab = EosLab.from_config(config, workdir).start()
    eps = {name: {**ep, "transport": "http"} for name, ep in lab.endpoints().items()}
    return Running(eps, lab.stop, lab)


def _start_ios(config: Mapping[str, Any], workdir: Path) -> Running:
    from .ios_server import IosLab

    lab = IosLab.from_config(config, workdir).start()
    return Running(lab.endpoints(), lab.stop, lab)


def _start_freeradius(config: Mapping[str, Any], workdir: Path) -> Running:
    from .freeradius import start_component

    endpoints, servers = start_component(config, workdir)

    def stop() -> None:
        for srv in servers:
            srv.stop()
    return Running(endpoints, stop, {srv.workdir.name: srv for srv in servers})


def _start_meraki(config: Mapping[str, Any], workdir: Path) -> Running:
    from .meraki_server import MerakiLab

    lab = MerakiLab.from_config(config).start()
    ep = {"base_url": lab.base_url, "requests_per_second": lab.limiter.rate}
    return Running({name: dict(ep) for name in config.get("targets", [])}, lab.stop, lab)


def _start_asterisk(config: Mapping[str, Any], workdir: Path) -> Running:
    from .asterisk_db import PbxLab

    lab = PbxLab(config, workdir).start()
    return Running(lab.endpoints(), lab.stop, lab)


def _start_kea(config: Mapping[str, Any], workdir: Path) -> Running:
    from .kea import KeaLab

    lab = KeaLab.from_config(config, workdir).start()
    return Running(lab.endpoints(), lab.stop, lab)


COMPONENTS: dict[str, Starter] = {"eos": _start_eos, "ios": _start_ios, "meraki": _start_meraki,
                                  "freeradius": _start_freeradius, "asterisk": _start_asterisk,
                                  "kea": _start_kea}


@dataclass
class Lab:
    """All components of one lab config; a context manager."""

    config: Mapping[str, Any]
    workdir: Path
    running: list[tuple[str, Running]] = field(default_factory=list)

    def start(self) -> Lab:
        try:
            for comp in self.config.get("components", []):
                kind = comp["kind"]
                starter = COMPONENTS.get(kind)
                if starter is None:
                    raise ValueError(f"unknown lab component kind {kind!r}; known: "
                                     f"{', '.join(sorted(COMPONENTS))}")
                self.running.append((kind, starter(comp, self.workdir)))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        while self.running:
            _kind, r = self.running.pop()
            try:
                r.stop()
            except Exception:  # noqa: BLE001 - stop the rest regardless
                pass

    def endpoints(self) -> dict[str, Json]:
        out: dict[str, Json] = {}
        for _kind, r in self.running:
            out.update(r.endpoints)
        return out

    def handle(self, kind: str) -> Any:
        for k, r in self.running:
            if k == kind:
                return r.handle
        raise KeyError(kind)

    def __enter__(self) -> Lab:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the reconciler lab components.")
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--ready-file", required=True, type=Path)
    args = parser.parse_args(argv)
    config = json.loads(args.config.read_text())
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    lab = Lab(config, args.config.parent).start()
    control = None
    try:
        from .control import Control

        control = Control([(k, r.handle) for k, r in lab.running]).start()
        write_private(args.ready_file, json.dumps({"pid": os.getpid(),
                                                   "endpoints": lab.endpoints(),
                                                   "control": control.endpoint()}, indent=2))
        stop.wait()
    finally:
        if control is not None:
            control.stop()
        lab.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
