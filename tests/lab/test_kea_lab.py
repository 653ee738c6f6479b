"""The lab's private kea-dhcp4: starts on loopback, answers on its socket, stops by PID."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from reconciler.lab.launcher import Lab


def test_private_server_answers_and_holds_only_the_hand_made_subnet(kea: Any) -> None:
    reply = kea.command("version-get")
    assert reply["result"] == 0 and reply["text"].startswith("2.")
    assert [s["subnet"] for s in kea.subnets()] == ["192.0.2.0/24"]
    cfg = kea.command("config-get")["arguments"]["Dhcp4"]
    assert cfg["lease-database"]["name"].startswith(str(kea.root))
    assert cfg["interfaces-config"]["interfaces"] == ["lo/127.0.0.1"]


def test_entering_a_started_server_does_not_start_another(own_kea: Any) -> None:
    kea = own_kea
    pid = kea.proc.pid
    with kea.start():
        assert kea.proc.pid == pid


def test_stop_ends_the_process(own_kea: Any) -> None:
    kea = own_kea
    pid = kea.proc.pid
    kea.stop()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    assert kea.proc is None


def test_lab_component_starts_one_server_per_target(kea: Any, tmp_path: Path) -> None:
    # `kea` only guarantees the binary is here; the lab starts its own servers.
    config = {"components": [{"kind": "kea", "servers": [{"name": "lon1/dhcp"},
                                                           {"name": "man1/dhcp"}]}]}
    with Lab(config, tmp_path) as lab:
        eps = lab.endpoints()
        assert set(eps) == {"lon1/dhcp", "man1/dhcp"}
        assert eps["lon1/dhcp"]["path"] != eps["man1/dhcp"]["path"]
        pids = [s.proc.pid for s in lab.handle("kea").servers.values()]
        assert all(os.path.exists(e["path"]) for e in eps.values())
    assert all(not Path(f"/proc/{p}/cmdline").exists() or not Path(f"/proc/{p}/cmdline").read_bytes()
               for p in pids)
