"""A core switch at a site with a DHCP server, through the CLI: the first apply converges
and the second plan is empty, on EOS and on IOS alike.

The IOS core used to be given `ip helper-address` lines by nobody and read none back, so
verify failed on `svi Vlan<N>` and the whole run rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli.lab import build_lab, write_lab_files
from reconciler.lab.launcher import Lab
from reconciler.model.estate import load_estate
from tests.conftest import copy_estate
from tests.targets.switch_sites import AT, CORE, HELPER, KIND, lon1_on

pytestmark = pytest.mark.lab


@pytest.mark.parametrize("platform", ["arista_eos", "cisco_ios"])
def test_first_apply_converges_and_the_second_plan_is_empty(
        platform: str, tmp_path: Path, cli: Callable[..., Any]) -> None:
    root = copy_estate(tmp_path / "estate")
    lon1_on(platform, root)
    work = root / ".lab"
    work.mkdir()
    plan = build_lab(load_estate(root), work)
    switches = [{**c, "devices": [d for d in c["devices"] if d["name"] == CORE]}
                for c in plan.components if c["kind"] == KIND[platform]]
    with Lab({"components": switches}, work) as lab:
        endpoints, creds = write_lab_files(work, plan, lab.endpoints())
        args = ("--repo", root, "--endpoints", endpoints, "--credentials", creds,
                "--at", AT.isoformat(), "--target", CORE)
        res = cli("apply", "--yes", *args)
        assert res.exit_code == 0, res.output
        config = lab.handle(KIND[platform]).device(CORE).running_config()
        assert f"ip helper-address {HELPER}" in config
        res = cli("plan", "--format", "json", *args)
        assert res.exit_code == 0, res.output
        tp = next(t for t in json.loads(res.stdout)["targets"] if t["target"] == CORE)
        assert tp["changes"] == [] and tp["commands"] == []
