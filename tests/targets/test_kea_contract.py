"""The target contract for Kea, against a real kea-dhcp4 with a hand-made subnet."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from tests.conftest import REPO_ROOT
from tests.targets.contract import ContractEnv, TargetContract

TARGET = "lon1/dhcp"


@pytest.fixture(scope="module")
def desired() -> Any:
    return compile_estate(load_estate(REPO_ROOT), dt.date(2026, 12, 15))


class TestKeaContract(TargetContract):
    @pytest.fixture
    def contract_env(self, kea: Any, desired: Any) -> Iterator[ContractEnv]:
        spec = desired.targets[TARGET].with_settings(path=str(kea.socket_path))
        # Real Kea has no fault injection; `test_kea.py` shows a refused change instead.
        yield ContractEnv(spec=spec, credential=None, desired=desired.resources[TARGET],
                          snapshot=lambda: json.dumps(kea.command("config-get"), sort_keys=True))


class TestKeaHttpContract(TargetContract):
    """The same through the Kea Control Agent; a failure is the agent going away mid-run."""

    @pytest.fixture
    def contract_env(self, kea: Any, desired: Any) -> Iterator[ContractEnv]:
        from reconciler.engine.credentials import Credential
        from reconciler.lab.kea import KeaUnavailable
        from reconciler.lab.kea_agent import KeaAgent

        try:
            agent = KeaAgent(kea, "reconciler", "contract-pw-1")
        except KeaUnavailable as exc:
            pytest.skip(reason=f"the HTTP contract needs the real agent: {exc}")
        spec = desired.targets[TARGET].with_settings(url=agent.url)
        with agent:
            yield ContractEnv(
                spec=spec, credential=Credential("lon1-dhcp", {"username": "reconciler",
                                                               "password": "contract-pw-1"}),
                desired=desired.resources[TARGET],
                snapshot=lambda: json.dumps(kea.command("config-get"), sort_keys=True),
                inject_failure=agent.stop, clear_faults=agent.start)
