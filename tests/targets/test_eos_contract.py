"""The target contract for Arista EOS, against a lab switch seeded like `lab up` does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.cli.lab import build_lab
from reconciler.engine.credentials import Credential
from reconciler.intent import compile_estate
from reconciler.lab.launcher import Lab
from reconciler.model.estate import load_estate
from tests.conftest import copy_estate
from tests.targets.contract import ContractEnv, TargetContract

TARGET = "lon1/acc-3a"  # access switch with voice ports, vacant spaces and an uplink


class TestEosContract(TargetContract):
    @pytest.fixture
    def contract_env(self, tmp_path: Path) -> Iterator[ContractEnv]:
        root = copy_estate(tmp_path / "estate")
        estate = load_estate(root)
        plan = build_lab(estate, tmp_path)
        comps = [{**c, "devices": [d for d in c["devices"] if d["name"] == TARGET]}
                 for c in plan.components if c["kind"] == "eos"]
        desired = compile_estate(estate, dt.date(2026, 12, 15))
        with Lab({"components": comps}, tmp_path) as lab:
            device = lab.handle("eos").device(TARGET)
            spec = desired.targets[TARGET].with_settings(**{
                k: v for k, v in lab.endpoints()[TARGET].items() if k in ("host", "port",
                                                                          "transport")})
            cred_name = spec.credentials or ""
            yield ContractEnv(
                spec=spec, credential=Credential(cred_name, plan.credentials[cred_name]),
                desired=desired.resources[TARGET], snapshot=device.running_config,
                inject_failure=lambda: device.faults.set(error_regex=r"^description occ:acme"),
                clear_faults=device.faults.clear)
