"""Many emulated switches in one process, and the `python -m` entry point."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from reconciler.lab.eos_server import DeviceSpec, EosLab, load_specs

REPO = Path(__file__).resolve().parents[2]


def test_twenty_devices_keep_independent_state(connect: Callable[..., Any]) -> None:
    specs = [DeviceSpec(f"sw{i:02d}", ports=4) for i in range(20)]
    with EosLab(specs) as lab:
        ports = {lab.address(name)[1] for name in lab.names}
        assert len(ports) == 20

        def configure(i: int) -> None:
            connect(lab, f"sw{i:02d}").config([f"vlan {100 + i}", f"name tenant-{i}"])

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(configure, range(20)))
        for i in range(20):
            node = connect(lab, f"sw{i:02d}")
            vlans = node.enable("show vlan")[0]["result"]["vlans"]
            assert set(vlans) == {"1", str(100 + i)}
            assert vlans[str(100 + i)]["name"] == f"tenant-{i}"
            assert node.enable("show hostname")[0]["result"]["hostname"] == f"sw{i:02d}"
            assert lab.device(f"sw{i:02d}").counters.snapshot()["requests"] == 3


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def test_one_loopback_address_per_device_on_a_shared_port(
        connect: Callable[..., Any]) -> None:
    port = _free_port("127.0.1.1")
    specs = [DeviceSpec(f"leaf{k}", host=f"127.0.1.{k}", port=port) for k in (1, 2, 3)]
    with EosLab(specs) as lab:
        assert {lab.address(s.name) for s in specs} == {(f"127.0.1.{k}", port) for k in (1, 2, 3)}
        connect(lab, "leaf2").config(["hostname changed"])
        names = [connect(lab, s.name).enable("show hostname")[0]["result"]["hostname"]
                 for s in specs]
        assert names == ["leaf1", "changed", "leaf3"]


def test_two_hundred_devices_in_one_process(connect: Callable[..., Any]) -> None:
    specs = [DeviceSpec(f"edge{i:03d}", ports=48) for i in range(200)]
    with EosLab(specs) as lab:
        def touch(name: str) -> str:
            node = connect(lab, name)
            node.config(["interface Ethernet7", "switchport access vlan 10"])
            return str(node.enable("show hostname")[0]["result"]["hostname"])

        with ThreadPoolExecutor(max_workers=16) as pool:
            assert list(pool.map(touch, lab.names)) == lab.names
        assert all(lab.device(n).running.interfaces["Ethernet7"].access_vlan == 10
                   for n in lab.names)


def test_add_a_device_to_a_running_lab(connect: Callable[..., Any]) -> None:
    with EosLab() as lab:
        lab.add(DeviceSpec("late", hostname="late-arrival"))
        reply = connect(lab, "late").enable("show hostname")
        assert reply[0]["result"]["hostname"] == "late-arrival"


def test_load_specs_defaults_generate_and_seed_file(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.cfg").write_text("hostname from-file\nvlan 7\n   name seven\n")
    specs = load_specs({
        "defaults": {"username": "ops", "password": "pw", "ports": 4},
        "devices": [{"name": "a", "seed_file": "seeds/a.cfg"}],
        "generate": {"count": 3, "name": "gen{n}", "host": "127.0.1.{n}", "port": 18080},
    }, tmp_path)
    assert [s.name for s in specs] == ["a", "gen1", "gen2", "gen3"]
    assert specs[0].seed_config is not None and "from-file" in specs[0].seed_config
    assert (specs[3].host, specs[3].port, specs[3].username, specs[3].ports) == (
        "127.0.1.3", 18080, "ops", 4)
    with pytest.raises(ValueError, match="unknown device keys"):
        load_specs({"devices": [{"name": "x", "colour": "red"}]})


def test_python_dash_m_entry_point(tmp_path: Path, connect: Callable[..., Any]) -> None:
    config = tmp_path / "lab.json"
    config.write_text(json.dumps({"devices": [
        {"name": "core", "seed_config": "hostname core\nvlan 42\n   name answer\n"},
        {"name": "access", "ports": 2},
    ]}))
    ready = tmp_path / "ready.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler.lab.eos_server", "--config", str(config),
         "--ready-file", str(ready)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not ready.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "emulator did not become ready"
            time.sleep(0.05)
        endpoints = json.loads(ready.read_text())
        assert oct(ready.stat().st_mode & 0o777) == "0o600"  # it holds the device logins
        assert endpoints["pid"] == proc.pid
        core = endpoints["devices"]["core"]
        import pyeapi  # local: only this test talks to a separate process

        node = pyeapi.connect(transport="http", host=core["host"], port=core["port"],
                              username="admin", password="admin", return_node=True)
        assert node.api("vlans").get("42")["name"] == "answer"
        assert endpoints["devices"]["access"]["port"] != core["port"]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert b"2 devices up" in err
