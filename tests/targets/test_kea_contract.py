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


class TestKeaContract(TargetContract):
    @pytest.fixture
    def contract_env(self, kea: Any) -> Iterator[ContractEnv]:
        desired = compile_estate(load_estate(REPO_ROOT), dt.date(2026, 12, 15))
        spec = desired.targets[TARGET].with_settings(path=str(kea.socket_path))
        # Real Kea has no fault injection; `test_kea.py` shows a refused change instead.
        yield ContractEnv(spec=spec, credential=None, desired=desired.resources[TARGET],
                          snapshot=lambda: json.dumps(kea.command("config-get"), sort_keys=True))
