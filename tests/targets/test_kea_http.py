"""The Kea target through the real Kea Control Agent (HTTP, basic auth)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.engine.credentials import Credential
from reconciler.engine.diff import diff
from reconciler.engine.resources import Resource, TargetSpec
from reconciler.errors import TargetAuthError
from reconciler.targets.kea import KeaTarget

PASSWORD = "lab-agent-pw-1"


@pytest.fixture
def agent(kea: Any) -> Iterator[Any]:
    from reconciler.lab.kea import KeaUnavailable
    from reconciler.lab.kea_agent import KeaAgent

    try:
        a = KeaAgent(kea, "reconciler", PASSWORD)
    except KeaUnavailable as exc:
        pytest.skip(reason=f"the HTTP transport test needs the real agent: {exc}")
    with a:
        yield a


def spec(url: str) -> TargetSpec:
    return TargetSpec("lon1/dhcp", "kea", "lon1", {"url": url}, {"site": "lon1"}, "lon1-dhcp")


def test_apply_and_read_through_the_control_agent(agent: Any, kea: Any) -> None:
    want = [Resource("lon1/dhcp", "dhcp_subnet", "172.16.5.0/24", {
        "id": 0xAC1005, "router": "172.16.5.1", "pool": "172.16.5.21-172.16.5.254",
        "dns_servers": ["9.9.9.9"], "reservations": []}, "acme")]
    cred = Credential("lon1-dhcp", {"username": "reconciler", "password": PASSWORD})
    with KeaTarget(spec(agent.url), cred) as t:
        assert t.read() == []
        t.apply(diff(t.read(), want))
        assert diff(t.read(), want) == []
    assert "172.16.5.0/24" in {s["subnet"] for s in kea.subnets()}


def test_wrong_password_is_an_auth_error_without_the_password(agent: Any) -> None:
    cred = Credential("lon1-dhcp", {"username": "reconciler", "password": "wrong-pw-99"})
    with KeaTarget(spec(agent.url), cred) as t, pytest.raises(TargetAuthError) as err:
        t.read()
    assert "wrong-pw-99" not in str(err.value) and PASSWORD not in str(err.value)
