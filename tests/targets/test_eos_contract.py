"""The target contract for Arista EOS, against a lab switch seeded like `lab up` does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.targets.contract import ContractEnv, TargetContract
from tests.targets.lab_switch import lab_switch_env

TARGET = "lon1/acc-3a"  # access switch with voice ports, vacant spaces and an uplink


class TestEosContract(TargetContract):
    @pytest.fixture
    def contract_env(self, tmp_path: Path) -> Iterator[ContractEnv]:
        # An error part-way through the session: EOS aborts it, nothing is committed.
        with lab_switch_env(tmp_path, "eos", TARGET, ("host", "port", "transport"),
                            lambda d: d.faults.set(error_regex=r"^description occ:acme")) as env:
            yield env
