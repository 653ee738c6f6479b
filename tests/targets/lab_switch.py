"""A contract environment for one lab switch of the example estate, seeded like `lab up`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reconciler.cli.lab import build_lab
from reconciler.engine.credentials import Credential
from reconciler.intent import compile_estate
from reconciler.lab.launcher import Lab
from reconciler.model.estate import load_estate
from tests.conftest import copy_estate
from tests.targets.contract import ContractEnv

AT = dt.date(2026, 12, 15)


@contextmanager
def lab_switch_env(tmp_path: Path, kind: str, target: str, endpoint_keys: tuple[str, ...],
                   fault: Callable[[Any], None], *, at: dt.date = AT,
                   edit: Callable[[Path], None] | None = None) -> Iterator[ContractEnv]:
    """Only `target` of the lab component `kind` runs; `fault(device)` arms a failure.

    `edit(root)` changes the copied estate first (another platform, model or site option).
    """
    root = copy_estate(tmp_path / "estate")
    if edit is not None:
        edit(root)
    estate = load_estate(root)
    plan = build_lab(estate, tmp_path)
    comps = [{**c, "devices": [d for d in c["devices"] if d["name"] == target]}
             for c in plan.components if c["kind"] == kind]
    desired = compile_estate(estate, at)
    with Lab({"components": comps}, tmp_path) as lab:
        device = lab.handle(kind).device(target)
        spec = desired.targets[target].with_settings(**{
            k: v for k, v in lab.endpoints()[target].items() if k in endpoint_keys})
        cred_name = spec.credentials or ""
        yield ContractEnv(
            spec=spec, credential=Credential(cred_name, plan.credentials[cred_name]),
            desired=desired.resources[target], snapshot=device.running_config,
            inject_failure=lambda: fault(device), clear_faults=device.faults.clear)
