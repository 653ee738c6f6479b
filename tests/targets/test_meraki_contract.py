"""The target contract for the Meraki Dashboard, against the lab Dashboard seeded like
`lab up` does (hand-made objects outside the managed prefix included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler import outbox
from reconciler.engine.credentials import Credential
from reconciler.intent import compile_estate
from reconciler.lab.launcher import Lab
from reconciler.labplan import build_lab
from reconciler.model.estate import load_estate
from tests.conftest import copy_estate
from tests.targets.contract import ContractEnv, TargetContract


class TestMerakiContract(TargetContract):
    target = "lon1/wifi"  # identity PSK mode: policies and per-device keys
    # The keys fail after the policies were made: those must be undone.
    fail_on = r"^POST .*/identityPsks$"

    @pytest.fixture
    def contract_env(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                     ) -> Iterator[ContractEnv]:
        monkeypatch.setenv(outbox.ENV_DIR, str(tmp_path / "outbox"))
        root = copy_estate(tmp_path / "estate")
        estate = load_estate(root)
        plan = build_lab(estate, tmp_path)
        comps = [c for c in plan.components if c["kind"] == "meraki"]
        desired = compile_estate(estate, dt.date(2026, 12, 15))
        with Lab({"components": comps}, tmp_path) as lab:
            meraki = lab.handle("meraki")
            meraki.set_rate(1000.0)
            spec = desired.targets[self.target].with_settings(
                base_url=meraki.base_url, requests_per_second=1000.0)
            net = spec.settings["network_id"]
            cred_name = spec.credentials or ""
            yield ContractEnv(
                spec=spec, credential=Credential(cred_name, plan.credentials[cred_name]),
                desired=desired.resources[self.target],
                snapshot=lambda: meraki.dashboard.snapshot(net),
                inject_failure=lambda: meraki.faults.set(error_regex=self.fail_on),
                clear_faults=meraki.faults.clear)


class TestMerakiMacModeContract(TestMerakiContract):
    target = "man1/wifi"  # MAC mode: the shared device is provisioned by its MAC
    fail_on = r"^POST .*/clients/provision$"
