"""The lab Dashboard against the official spec (v1.75.1, as `meraki-client` generated it):
every operation it serves, requests and answers, field by field."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reconciler.lab.meraki_server import MerakiLab
from reconciler.targets.meraki_client import OrgRateLimiter, connect
from tests.lab.meraki_spec import SPEC_VERSION, exchange_gaps, operations, record
from tests.lab.test_meraki_lab import KEY, NET


@pytest.fixture
def lab() -> Iterator[MerakiLab]:
    lab = MerakiLab(rate=1000.0)
    lab.seed({"orgs": [{"id": "549236", "name": "Operator", "api_key": KEY}],
              "networks": [{"id": NET, "org": "549236", "name": "lon1",
                            "ssids": {"2": ["Devices", "ipsk-without-radius"]}}]})
    lab.start()
    try:
        yield lab
    finally:
        lab.stop()


def test_every_operation_the_lab_serves_matches_the_spec(lab: MerakiLab) -> None:
    assert SPEC_VERSION == "v1.75.1"
    served = {op for *_, op in lab.routes}
    assert served <= set(operations())  # every route is a real operation
    seen = record(lab)
    # The SDK as the product sets it up (it follows the Dashboard's absolute page links).
    d = connect(KEY, lab.base_url, OrgRateLimiter(1000), timeout=5, max_retries=2, retry_wait=1)
    d.organizations.getOrganizations()
    d.networks.getNetwork(NET)
    d.wireless.getNetworkWirelessSsids(NET)
    d.wireless.getNetworkWirelessSsid(NET, 2)
    p = d.networks.createNetworkGroupPolicy(NET, name="rcl-acme",
                                            vlanTagging={"settings": "custom", "vlanId": "120"})
    pid = p["groupPolicyId"]
    d.networks.getNetworkGroupPolicies(NET)
    d.networks.getNetworkGroupPolicy(NET, pid)
    d.networks.updateNetworkGroupPolicy(NET, pid, vlanTagging={"settings": "custom",
                                                               "vlanId": "121"})
    k = d.wireless.createNetworkWirelessSsidIdentityPsk(NET, 2, name="rcl-acme.cam.v1",
                                                         groupPolicyId=pid)
    d.wireless.getNetworkWirelessSsidIdentityPsks(NET, 2)
    d.wireless.getNetworkWirelessSsidIdentityPsk(NET, 2, k["id"])
    d.wireless.updateNetworkWirelessSsidIdentityPsk(NET, 2, k["id"], passphrase="rotated-key-1")
    d.wireless.deleteNetworkWirelessSsidIdentityPsk(NET, 2, k["id"])
    macs = [f"00:1b:a9:00:00:0{i}" for i in range(4)]
    d.networks.provisionNetworkClients(NET, clients=[{"mac": m, "name": f"rcl-acme.d{i}"}
                                                     for i, m in enumerate(macs)],
                                       devicePolicy="Group policy", groupPolicyId=pid)
    listed = d.networks.getNetworkPoliciesByClient(NET, perPage=3, timespan=86400,
                                                   total_pages="all")
    d.networks.getNetworkClients(NET, perPage=3, total_pages="all")
    d.networks.getNetworkClient(NET, listed[0]["clientId"])
    d.networks.getNetworkClientPolicy(NET, macs[0])
    d.networks.updateNetworkClientPolicy(NET, macs[0], devicePolicy="Normal")
    d.networks.updateNetworkClientPolicy(NET, macs[0], devicePolicy="Group policy",
                                         groupPolicyId=pid)
    d.networks.updateNetworkClientPolicy(NET, macs[0], devicePolicy="Normal")
    for m in macs[1:]:
        d.networks.updateNetworkClientPolicy(NET, m, devicePolicy="Normal")
    d.networks.deleteNetworkGroupPolicy(NET, pid)
    assert {e.op_id for e in seen} == served  # the scenario covers every operation
    assert [e for e in seen if e.status >= 400] == []
    assert exchange_gaps(seen) == []


def test_a_request_outside_the_spec_is_seen_by_the_check(lab: MerakiLab) -> None:
    """The check itself: an unknown parameter and a thin answer are both reported."""
    seen = record(lab)
    with httpx.Client(base_url=lab.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        c.get(f"/networks/{NET}/policies/byClient", params={"perPage": 3, "colour": "red"})
    assert exchange_gaps(seen) == ["getNetworkPoliciesByClient: unknown parameter 'colour'"]
    thin = [type(seen[0])(seen[0].op_id, "GET", seen[0].path, {}, None, 200,
                          [{"clientId": "k1", "name": "x"}])]
    assert exchange_gaps(thin) == ["getNetworkPoliciesByClient: missing assigned"]
