"""The target contract for Cisco IOS, against a lab switch seeded like `lab up` does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.targets.contract import ContractEnv, TargetContract
from tests.targets.lab_switch import lab_switch_env

TARGET = "man1/acc-1a"  # IOS access switch: voice ports, a vacant space, an uplink trunk


class TestIosContract(TargetContract):
    @pytest.fixture
    def contract_env(self, tmp_path: Path) -> Iterator[ContractEnv]:
        # IOS has no sessions: the 7th line fails after six went through.
        with lab_switch_env(tmp_path, "ios", TARGET, ("host", "port", "fast_cli", "delay_factor"),
                            lambda d: d.faults.set(error_on_config_line=7)) as env:
            yield env
