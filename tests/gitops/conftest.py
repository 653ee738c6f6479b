"""Throwaway git repositories of the example estate, and targets kept in memory.

`MemoryLive` plays every live system from a dict, so a plan can be checked for
scoping without a lab: the live state is whatever the test says was applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import git
import pytest

from reconciler.engine.resources import Change, Resource
from reconciler.engine.target import ApplyResult, BaseTarget
from tests.conftest import copy_estate

AT = dt.date(2026, 11, 26)

# A pull request's new occupier at man1, moving in on the day kestrel-labs (already in
# the estate) moves into 1.03: every service, so a plan of it shows every kind.
ZEPHYR_DAY = dt.date(2027, 2, 1)
ZEPHYR_MAN1 = """\
# Zephyr Design: onboarded by a pull request, moves into 1.04 in February.
id: zephyr
name: Zephyr Design Ltd
contracts:
  - site: man1
    start: 2027-02-01
    occupancies:
      - {space: "1.04", move_in: 2027-02-01}
    services:
      internet: {bandwidth_mbps: 100}
      voice: {lines: 1}
      wifi_secure: true
    network: {vlan: 103, subnet: 172.17.3.0/24}
    main_number: "+441614960020"
    numbers:
      - {number: "+441614960021", extension: 3021, user: ana@zephyr.example, label: Ana Lima}
users:
  - {email: ana@zephyr.example, name: Ana Lima, role: admin, wifi_secure: true}
devices:
  - {name: printer-z1, mac: "00:1b:a9:5c:30:01", site: man1, kind: printer,
     reservation: 172.17.3.10}
"""


class EstateGit:
    """A git repository holding a copy of the example estate."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = git.Repo.init(root)
        with self.repo.config_writer() as cw:
            cw.set_value("user", "name", "Test")
            cw.set_value("user", "email", "test@example.invalid")
        (root / ".gitignore").write_text(".lab/\n")
        self.commit("example estate")

    def commit(self, message: str) -> str:
        self.repo.git.add("-A")
        self.repo.index.commit(message)
        return self.repo.head.commit.hexsha

    def edit(self, rel: str, old: str, new: str) -> None:
        p = self.root / rel
        text = p.read_text()
        assert old in text, f"{old!r} not in {rel}"
        p.write_text(text.replace(old, new, 1))

    def write(self, rel: str, text: str) -> None:
        (self.root / rel).write_text(text)

    def delete(self, rel: str) -> None:
        (self.root / rel).unlink()


@pytest.fixture
def estate_git(tmp_path: Path) -> EstateGit:
    return EstateGit(copy_estate(tmp_path / "estate"))


class MemoryLive:
    """Live resources by target id; a target class reading and writing them."""

    def __init__(self) -> None:
        self.state: dict[str, dict[tuple[str, str], Resource]] = {}
        live = self

        class MemoryTarget(BaseTarget):
            platform: ClassVar[str] = "memory"
            kind_order: ClassVar[tuple[str, ...]] = ("vlan", "svi", "trunk", "port")
            # as the real targets declare them: written, never read back or compared
            write_only: ClassVar[dict[str, frozenset[str]]] = {
                "radius_user": frozenset({"invite"}), "pbx_endpoint": frozenset({"notify"}),
                "pbx_voicemail": frozenset({"notify"}), "wifi_psk": frozenset({"passphrase"})}

            def read(self) -> list[Resource]:
                return list(live.state.get(self.spec.id, {}).values())

            def render(self, changes: Sequence[Change]) -> list[str]:
                return [f"{c.op} {c.kind} {c.key}" for c in changes]

            def apply(self, changes: Sequence[Change]) -> ApplyResult:
                have = live.state.setdefault(self.spec.id, {})
                for c in changes:
                    if c.op == "delete":
                        have.pop((c.kind, c.key), None)
                    else:
                        assert c.after is not None
                        have[(c.kind, c.key)] = Resource(c.target, c.kind, c.key, c.after,
                                                         c.owner)
                return ApplyResult(self.spec.id, list(changes), self.render(changes), True)

        self.target_class = MemoryTarget

    def registry(self, platforms: Sequence[str]) -> dict[str, Any]:
        return {p: self.target_class for p in platforms}

    def load(self, resources: dict[str, list[Resource]]) -> None:
        self.state = {t: {(r.kind, r.key): r for r in rs} for t, rs in resources.items()}


class NoCredentials:
    def get(self, name: str) -> None:
        return None


@pytest.fixture
def memory_live() -> Iterator[MemoryLive]:
    yield MemoryLive()


@pytest.fixture
def no_creds() -> Callable[[], NoCredentials]:
    return NoCredentials
