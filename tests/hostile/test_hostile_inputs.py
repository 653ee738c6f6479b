"""Hostile-input suite: every bad estate exits 1 at file:line:col with the rule, no traceback,
and never reaches a device.

`plan` runs against a live lab for the example estate: the lab's request counters
must stay at zero, and a socket guard fails any outgoing connection at all.
"""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.lab.launcher import Lab
from reconciler.labplan import build_lab, write_lab_files
from reconciler.model.estate import load_estate
from tests.conftest import REPO_ROOT, copy_estate
from tests.hostile.cases import CASES, Case


class Lab_:
    def __init__(self, lab: Lab, endpoints: Path, credentials: Path) -> None:
        self.lab, self.endpoints, self.credentials = lab, endpoints, credentials

    def requests(self) -> int:
        """Requests the lab's emulators served (EOS switches, the Meraki Dashboard)."""
        eos = self.lab.handle("eos")
        total = sum(eos.device(n).counters.snapshot()["requests"] for n in eos.names)
        try:
            total += len(self.lab.handle("meraki").log)
        except KeyError:
            pass
        return total


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab_]:
    root = copy_estate(tmp_path_factory.mktemp("hostile") / "estate")
    work = root / ".lab"
    work.mkdir()
    plan = build_lab(load_estate(root), work)
    with Lab({"components": plan.components}, work) as running:
        ep, cred = write_lab_files(work, plan, running.endpoints())
        yield Lab_(running, ep, cred)


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every outgoing connection attempt is recorded and fails."""
    attempts: list[Any] = []

    def guard(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise ConnectionRefusedError("hostile-input suite: no connections allowed")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard)
    return attempts


def plan(cli: Callable[..., Any], root: Path, lab: Lab_) -> Any:
    return cli("plan", "--repo", str(root), "--endpoints", str(lab.endpoints),
               "--credentials", str(lab.credentials))


def test_the_guards_would_see_a_connection(tmp_path: Path, cli: Callable[..., Any], lab: Lab_,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: the untouched estate does reach the lab, and the socket guard notices."""
    root = copy_estate(tmp_path / "estate")
    before = lab.requests()
    assert plan(cli, root, lab).exit_code == 2
    assert lab.requests() > before
    attempts: list[Any] = []

    def guard(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise ConnectionRefusedError("guarded")

    monkeypatch.setattr(socket.socket, "connect", guard)
    assert plan(cli, root, lab).exit_code == 1
    assert attempts


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 150
    rules = {c.rule for c in CASES}
    assert {"schema", "yaml-alias", "yaml-tag", "yaml-syntax", "yaml-duplicate-key",
            "yaml-size", "yaml-encoding", "yaml-key", "port-ref", "file-name"} <= rules


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_estate_is_refused_before_any_connection(case: Case, tmp_path: Path,
                                                     cli: Callable[..., Any], lab: Lab_,
                                                     no_connections: list[Any]) -> None:
    root = tmp_path / "estate"
    shutil.copytree(REPO_ROOT / "sites", root / "sites")
    (root / "occupiers").mkdir()
    for f in case.files():
        if (REPO_ROOT / f).exists():
            shutil.copy(REPO_ROOT / f, root / f)
    line = case.apply(root)
    before = lab.requests()
    res = plan(cli, root, lab)
    out = res.output
    assert res.exit_code == 1, out
    assert "Traceback" not in out and "internal error" not in out, out
    where = str(line) if line is not None else r"\d+"
    pattern = rf"^{re.escape(case.file)}:{where}:\d+: \[{re.escape(case.rule)}\] "
    assert re.search(pattern, out, re.M), f"expected {case.file}:{line}: [{case.rule}] in:\n{out}"
    assert no_connections == []
    assert lab.requests() == before
