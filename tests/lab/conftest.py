"""Fixtures for the lab emulator tests: a running EOS lab and pyeapi nodes against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyeapi
import pytest

from reconciler.lab.eos_server import DeviceSpec, EosLab

REPO = Path(__file__).resolve().parents[2]


def _main_checkout(repo: Path) -> Path | None:
    """In a git worktree `.git` is a file; the main checkout is where `shared` sits beside."""
    git = repo / ".git"
    if not git.is_file():
        return None
    gitdir = Path(git.read_text().split(":", 1)[1].strip())
    gitdir = gitdir if gitdir.is_absolute() else repo / gitdir
    commondir = gitdir / "commondir"
    if not commondir.is_file():
        return None
    common = (gitdir / commondir.read_text().strip()).resolve()
    return common.parent


def find_realdata() -> Path | None:
    candidates = [REPO / ".." / "shared" / "realdata"]
    main = _main_checkout(REPO)
    if main is not None:
        candidates.append(main / ".." / "shared" / "realdata")
    for candidate in candidates:
        if (candidate / "arista_eos").is_dir():
            return candidate.resolve()
    return None


@pytest.fixture(scope="session")
def realdata() -> Path:
    found = find_realdata()
    if found is None:
        pytest.skip(reason=f"realdata not found at {REPO / '..' / 'shared' / 'realdata'}: "
                    "shared/realdata is beside the repository in CI")
    return found / "arista_eos"


def connect(lab: EosLab, name: str, **kwargs: Any) -> Any:
    """A pyeapi Node for device `name`, with its credentials unless overridden."""
    host, port = lab.address(name)
    device = lab.device(name)
    return pyeapi.connect(transport="http", host=host, port=port,
                          username=kwargs.pop("username", device.username),
                          password=kwargs.pop("password", device.password),
                          return_node=True, **kwargs)


@pytest.fixture(name="connect")
def connect_fixture() -> Callable[..., Any]:
    return connect


@pytest.fixture
def lab() -> Iterator[EosLab]:
    """One default switch `sw1` (Ethernet1-8, Management1) on a free port."""
    with EosLab([DeviceSpec("sw1", ports=8, username="netops", password="s3cret")]) as running:
        yield running


@pytest.fixture
def node(lab: EosLab) -> Any:
    return connect(lab, "sw1")
