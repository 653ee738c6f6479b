"""The lab Dashboard API with the official `meraki` SDK unchanged: validation, errors,
rate limiting, pagination, faults, and fidelity to the real operation shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import meraki
import pytest

from reconciler.lab.meraki_clients import DAY, MAX_TIMESPAN
from reconciler.lab.meraki_schema import shapes
from reconciler.lab.meraki_server import MerakiLab
from reconciler.targets.meraki_client import CALLER, OrgRateLimiter, connect
from tests.conftest import realdata

KEY = "lab-key-0123456789"
MAX = MAX_TIMESPAN
NET = "L_100"


@pytest.fixture
def lab() -> Iterator[MerakiLab]:
    lab = MerakiLab(rate=1000.0)
    lab.seed({"orgs": [{"id": "549236", "name": "Operator", "api_key": KEY},
                       {"id": "777", "name": "Other", "api_key": "other-key-000"}],
              "networks": [{"id": NET, "org": "549236", "name": "lon1",
                            "ssids": {"0": ["Members", "8021x-radius"],
                                      "2": ["Devices", "ipsk-without-radius"]},
                            "policies": [{"name": "Facilities IoT", "vlan": "900"}]},
                           {"id": "L_777", "org": "777", "name": "elsewhere"}]})
    lab.start()
    try:
        yield lab
    finally:
        lab.stop()


def sdk(lab: MerakiLab, key: str = KEY, **kw: Any) -> Any:
    opts: dict[str, Any] = {"suppress_logging": True, "output_log": False,
                            "smart_flow_enabled": False, "maximum_retries": 2, "caller": CALLER,
                            "single_request_timeout": 5}
    opts.update(kw)
    return meraki.DashboardAPI(key, base_url=lab.base_url, **opts)


def rejected(call: Any, *args: Any, **kwargs: Any) -> tuple[int, list[str]]:
    with pytest.raises(meraki.APIError) as info:
        call(*args, **kwargs)
    return info.value.status, info.value.message["errors"]


def test_invalid_payloads_are_refused_with_the_dashboards_error_shape(lab: MerakiLab) -> None:
    d = sdk(lab)
    before = lab.dashboard.snapshot(NET)
    assert rejected(d.networks.createNetworkGroupPolicy, NET, name="rcl-a",
                    vlanTagging={"settings": "custom", "vlanId": 120}) == (
        400, ["'vlanTagging.vlanId' must be a string"])
    assert rejected(d.networks.createNetworkGroupPolicy, NET, name=None) == (
        400, ["'name' must be specified"])
    status, errors = rejected(d.networks.createNetworkGroupPolicy, NET, name="x",
                              vlanTagging={"settings": "tagged", "vlanId": "5"})
    assert status == 400 and "'vlanTagging.settings' must be one of" in errors[0]
    pid = lab.dashboard.list_policies(NET)[0]["groupPolicyId"]
    assert rejected(d.wireless.createNetworkWirelessSsidIdentityPsk, NET, 2, name="k",
                    groupPolicyId=int(pid)) == (400, ["'groupPolicyId' must be a string"])
    assert rejected(d.wireless.createNetworkWirelessSsidIdentityPsk, NET, 2, name="k",
                    groupPolicyId="999999")[0] == 400
    assert rejected(d.wireless.createNetworkWirelessSsidIdentityPsk, NET, 2, name="k",
                    groupPolicyId=pid, passphrase="short")[0] == 400
    # Identity PSKs only exist on an iPSK SSID.
    assert rejected(d.wireless.createNetworkWirelessSsidIdentityPsk, NET, 0, name="k",
                    groupPolicyId=pid)[0] == 400
    # Raw HTTP for what the SDK would stop client-side: an unknown enum and unknown field.
    with httpx.Client(base_url=lab.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        r = c.post(f"/networks/{NET}/clients/provision",
                   json={"clients": [{"mac": "00:11:22:33:44:55"}], "devicePolicy": "VIP"})
        assert r.status_code == 400 and "devicePolicy" in r.json()["errors"][0]
        r = c.post(f"/networks/{NET}/groupPolicies", json={"name": "n", "colour": "red"})
        assert r.json() == {"errors": ["'colour' is not a valid parameter"]}
        r = c.post(f"/networks/{NET}/clients/provision", json={"devicePolicy": "Normal"})
        assert r.json() == {"errors": ["'clients' must be specified"]}
    assert lab.dashboard.snapshot(NET) == before  # nothing refused left a trace


def test_valid_calls_keep_state_like_the_dashboard(lab: MerakiLab) -> None:
    d = sdk(lab)
    p = d.networks.createNetworkGroupPolicy(NET, name="rcl-acme",
                                            vlanTagging={"settings": "custom", "vlanId": "120"})
    psk = d.wireless.createNetworkWirelessSsidIdentityPsk(
        NET, 2, name="rcl-acme.printer.v1", groupPolicyId=p["groupPolicyId"],
        passphrase="correct-horse-1")
    assert psk["groupPolicyId"] == p["groupPolicyId"]
    assert rejected(d.wireless.createNetworkWirelessSsidIdentityPsk, NET, 2,
                    name="rcl-acme.printer.v1", groupPolicyId=p["groupPolicyId"]) == (
        400, ["Name has already been taken"])
    # A policy in use cannot go; once its key is gone it can.
    assert rejected(d.networks.deleteNetworkGroupPolicy, NET, p["groupPolicyId"])[0] == 400
    assert d.wireless.deleteNetworkWirelessSsidIdentityPsk(NET, 2, psk["id"]) is None
    d.networks.deleteNetworkGroupPolicy(NET, p["groupPolicyId"])
    assert [x["name"] for x in d.networks.getNetworkGroupPolicies(NET)] == ["Facilities IoT"]
    assert rejected(d.networks.getNetworkGroupPolicy, NET, p["groupPolicyId"])[0] == 404


def test_keys_and_organisations_are_enforced(lab: MerakiLab) -> None:
    assert rejected(sdk(lab, key="wrong-key-000").networks.getNetworkGroupPolicies, NET) == (
        401, ["Invalid API key"])
    # A network of another organisation does not exist for this key.
    assert rejected(sdk(lab).networks.getNetworkGroupPolicies, "L_777")[0] == 404
    assert [o["id"] for o in sdk(lab).organizations.getOrganizations()] == ["549236"]


def test_over_the_rate_the_answer_is_429_with_retry_after(lab: MerakiLab) -> None:
    lab.set_rate(3)
    with httpx.Client(base_url=lab.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        answers = [c.get(f"/networks/{NET}/groupPolicies") for _ in range(5)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429]
    assert answers[3].json() == {"errors": ["API rate limit exceeded for organization"]}
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert [r.org for r in lab.requests()] == ["549236"] * 5


def test_pagination_links_are_absolute_and_the_products_sdk_follows_them(lab: MerakiLab) -> None:
    d = sdk(lab)
    pid = lab.dashboard.list_policies(NET)[0]["groupPolicyId"]
    macs = [f"00:1b:a9:00:00:0{i}" for i in range(7)]
    d.networks.provisionNetworkClients(NET, clients=[{"mac": m, "name": f"dev{i}"}
                                                     for i, m in enumerate(macs)],
                                       devicePolicy="Group policy", groupPolicyId=pid)
    with httpx.Client(headers={"Authorization": f"Bearer {KEY}"}) as c:
        first = c.get(f"{lab.base_url}/networks/{NET}/policies/byClient",
                      params={"perPage": 3, "timespan": 3600})
        links = first.links
        assert set(links) == {"first", "next", "last"}  # no prev on the first page
        assert all(v["url"].startswith(lab.base_url + f"/networks/{NET}/policies/byClient?")
                   for v in links.values())
        assert "timespan=3600" in links["next"]["url"]  # the window is carried along
        second = c.get(links["next"]["url"])
        assert set(second.links) == {"first", "prev", "next", "last"}
        back = c.get(second.links["prev"]["url"]).json()
        assert back == first.json()
        last = c.get(links["last"]["url"])
        assert len(last.json()) == 3 and "next" not in last.links
    # The official SDK keeps absolute links only for meraki.com hosts; the product's
    # set-up of it follows them to any Dashboard host.
    product = connect(KEY, lab.base_url, OrgRateLimiter(1000), timeout=5, max_retries=2,
                      retry_wait=1)
    lab.clear_log()
    got = product.networks.getNetworkPoliciesByClient(NET, perPage=3, total_pages="all")
    assert sorted(c["name"] for c in got) == [f"dev{i}" for i in range(7)]
    assert len(lab.requests()) == 3
    assert product.networks.getNetworkClient(NET, got[0]["clientId"])["mac"] in macs
    product.networks.updateNetworkClientPolicy(NET, macs[0], devicePolicy="Normal")
    assert len(product.networks.getNetworkPoliciesByClient(NET, perPage=3,
                                                           total_pages="all")) == 6
    product._session.close()


def test_client_lists_hold_only_the_documented_time_window(lab: MerakiLab) -> None:
    """Default window one day, at most 31; a client's own policy answers whatever its age."""
    d = sdk(lab)
    pid = lab.dashboard.list_policies(NET)[0]["groupPolicyId"]
    d.networks.provisionNetworkClients(NET, clients=[{"mac": "00:1b:a9:00:00:01",
                                                      "name": "printer"}],
                                       devicePolicy="Group policy", groupPolicyId=pid)
    assert len(d.networks.getNetworkPoliciesByClient(NET)) == 1
    lab.dashboard.clock.advance(2 * DAY)
    assert d.networks.getNetworkPoliciesByClient(NET) == []  # the default window: one day
    assert len(d.networks.getNetworkPoliciesByClient(NET, timespan=MAX)) == 1
    assert len(d.networks.getNetworkClients(NET, timespan=MAX)) == 1
    lab.dashboard.clock.advance(58 * DAY)
    assert d.networks.getNetworkPoliciesByClient(NET, timespan=MAX) == []
    assert d.networks.getNetworkClients(NET, timespan=MAX) == []
    policy = d.networks.getNetworkClientPolicy(NET, "00:1b:a9:00:00:01")
    assert (policy["devicePolicy"], policy["groupPolicyId"]) == ("Group policy", pid)
    lab.dashboard.seen(NET, "00:1b:a9:00:00:01")  # back on the network
    assert len(d.networks.getNetworkPoliciesByClient(NET)) == 1
    for query, error in (({"timespan": MAX + 1}, "'timespan' must be greater than 0 and less "
                                                 "than or equal to 2678400 seconds (31 days)"),
                         ({"t0": 0}, "'t0' must be within the last 31 days"),
                         ({"perPage": 2}, "'perPage' must be an integer between 3 and 1000")):
        assert rejected(d.networks.getNetworkPoliciesByClient, NET, **query) == (400, [error])
    assert rejected(d.networks.getNetworkClients, NET, timespan=MAX + 1)[0] == 400
    assert rejected(d.networks.getNetworkClientPolicy, NET, "00:1b:a9:99:99:99")[0] == 404


def test_faults_server_errors_latency_and_refused_requests(lab: MerakiLab) -> None:
    d = sdk(lab)
    lab.faults.set(http_500=1)
    assert d.networks.getNetworkGroupPolicies(NET)  # the SDK retries a 500
    assert [r.status for r in lab.requests()] == [500, 200]
    lab.faults.set(error_regex=r"^POST /networks/\w+/groupPolicies$", error_message="nope")
    assert rejected(d.networks.createNetworkGroupPolicy, NET, name="x") == (400, ["nope"])
    lab.faults.clear()
    lab.faults.set(latency=0.05)
    assert d.networks.createNetworkGroupPolicy(NET, name="x")["name"] == "x"


def test_embedded_shapes_are_the_real_spec() -> None:
    real = json.loads(realdata("meraki", "shapes_v1.42.0.json").read_text())["operations"]
    by_id = {v["operationId"]: (route, v) for route, v in real.items()}
    for op, ours in shapes().items():
        route, theirs = by_id[op]
        assert ours["route"] == route
        assert ours["request_body"] == theirs["request_body"]


def test_responses_have_the_real_fields(lab: MerakiLab) -> None:
    real = json.loads(realdata("meraki", "shapes_v1.42.0.json").read_text())["operations"]
    examples = {v["operationId"]: v["responses"] for v in real.values()}

    def fields(op: str) -> set[str]:
        ex = (examples[op].get("200") or examples[op].get("201"))["example"]
        return set((ex[0] if isinstance(ex, list) else ex).keys())

    d = sdk(lab)
    p = d.networks.createNetworkGroupPolicy(NET, name="p", vlanTagging={"settings": "custom",
                                                                        "vlanId": "7"})
    assert set(p) == fields("createNetworkGroupPolicy")
    assert set(d.networks.getNetworkGroupPolicies(NET)[0]) == fields("getNetworkGroupPolicies")
    k = d.wireless.createNetworkWirelessSsidIdentityPsk(NET, 2, name="k",
                                                         groupPolicyId=p["groupPolicyId"])
    listed = d.wireless.getNetworkWirelessSsidIdentityPsks(NET, 2)[0]
    assert set(listed) == fields("getNetworkWirelessSsidIdentityPsks")
    # The created key has every field the list returns (the v1.42 example shows fewer).
    assert fields("createNetworkWirelessSsidIdentityPsk") <= set(k) == set(listed)
    assert fields("getNetworkWirelessSsid") <= set(d.wireless.getNetworkWirelessSsid(NET, 2))
    prov = d.networks.provisionNetworkClients(NET, clients=[{"mac": "00:11:22:33:44:55"}],
                                              devicePolicy="Group policy",
                                              groupPolicyId=p["groupPolicyId"])
    assert set(prov) == fields("provisionNetworkClients")
    assert fields("getNetworkClientPolicy") <= set(
        d.networks.getNetworkClientPolicy(NET, "00:11:22:33:44:55"))
