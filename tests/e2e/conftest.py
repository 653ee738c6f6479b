"""The bundled lab for a private copy of the example estate, started in-process.

The same planners as `reconciler lab up` build the lab, so the tests see what a
user sees; the emulator objects stay reachable to read device state and inject
faults.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine import plan_file
from reconciler.engine.credentials import CredentialStore
from reconciler.engine.plan_file import signing_key
from reconciler.lab.launcher import Lab
from reconciler.labplan import build_lab, kea_installed, write_lab_files
from reconciler.model.estate import load_estate
from tests.conftest import copy_estate


@dataclass
class LabEstate:
    root: Path
    lab: Lab
    endpoints: Path
    credentials: Path
    run_cli: Callable[..., Any]

    def cli(self, *args: str) -> Any:
        """Run a command on this estate against this lab."""
        return self.run_cli(*args, "--repo", str(self.root), "--endpoints", str(self.endpoints),
                            "--credentials", str(self.credentials))

    def plan_json(self, *args: str) -> tuple[int, dict[str, Any]]:
        res = self.cli("plan", "--format", "json", *args)
        return res.exit_code, json.loads(res.stdout)

    def write_plan(self, path: Path, data: dict[str, Any], *, sign: bool = True) -> None:
        """Write a (changed) plan file, signed with the lab's key as `plan --out` would:
        what apply still refuses then is refused by more than the signature."""
        key = signing_key(CredentialStore(self.credentials, environ={}))
        assert key is not None
        path.write_text(json.dumps(plan_file.sign(data, key) if sign else data))

    def eos(self, target: str) -> Any:
        return self.lab.handle("eos").device(target)

    def ios(self, target: str) -> Any:
        return self.lab.handle("ios").device(target)

    def configs(self) -> dict[str, str]:
        """Running-config text of every lab switch, EOS and IOS, by target id."""
        out: dict[str, str] = {}
        for kind in ("eos", "ios"):
            try:
                lab = self.lab.handle(kind)
            except KeyError:
                continue
            out.update({name: lab.device(name).running_config() for name in lab.names})
        return out


@pytest.fixture
def lab_estate(tmp_path: Path, cli: Callable[..., Any], story_day: str) -> Iterator[LabEstate]:
    """The lab for the example estate; a command without `--at` runs on the story day."""
    root = copy_estate(tmp_path / "estate")
    if not kea_installed():
        # Without kea-dhcp4 the lab cannot play the DHCP servers: run the rest without them.
        print("lab_estate: kea-dhcp4 not installed; the sites' dhcp: entries are left out")
        for site in (root / "sites").glob("*.yaml"):
            site.write_text("".join(ln for ln in site.read_text().splitlines(keepends=True)
                                    if not ln.startswith("dhcp:")))
    work = root / ".lab"
    work.mkdir()
    plan = build_lab(load_estate(root), work)
    with Lab({"components": plan.components}, work) as lab:
        ep, cred = write_lab_files(work, plan, lab.endpoints())
        yield LabEstate(root, lab, ep, cred, cli)
