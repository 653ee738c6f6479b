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
    """Over the server's own control socket, through the lab's fault proxy: a failure is
    Kea refusing `config-set` after `config-test` passed."""

    @pytest.fixture
    def contract_env(self, kea: Any, desired: Any) -> Iterator[ContractEnv]:
        from reconciler.lab.kea_faults import KeaSocketProxy

        with KeaSocketProxy(kea.socket_path) as proxy:
            spec = desired.targets[TARGET].with_settings(path=str(proxy.path))
            yield ContractEnv(
                spec=spec, credential=None, desired=desired.resources[TARGET],
                snapshot=lambda: json.dumps(kea.command("config-get"), sort_keys=True),
                inject_failure=lambda: proxy.fail("config-set"), clear_faults=proxy.clear)

    def test_the_fault_proxy_refuses_only_what_is_armed(self, contract_env: ContractEnv) -> None:
        """Control: through the proxy a read works and the armed command fails as Kea would."""
        from reconciler.errors import TargetRejected
        from reconciler.targets.kea import KeaTarget

        target = KeaTarget(contract_env.spec, None)
        assert target.command("version-get") is not None
        assert contract_env.inject_failure is not None
        contract_env.inject_failure()
        with pytest.raises(TargetRejected, match="injected fault: config-set refused"):
            target.command("config-set", {"Dhcp4": {}})


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
