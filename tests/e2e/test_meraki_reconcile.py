"""End to end on the lab Dashboard API: occupier policies and shared Wi-Fi devices.

The lab Dashboard answers the official SDK; assertions read its state and its own
request log (never wall-clock timings).
"""

from __future__ import annotations

import email
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from ruamel.yaml import YAML

from reconciler.lab.meraki_clients import DAY, MAX_TIMESPAN
from tests.lab.meraki_spec import exchange_gaps, record

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

AT = "2026-12-15"
LON1_NET = "L_646829496481105433"
MAN1_NET = "L_646829496481105522"
PREFIX = "rcl-"


def _set_rate(le: LabEstate, rate: float) -> None:
    """The lab Dashboard's per-organisation rate, and the targets told the same."""
    le.lab.handle("meraki").set_rate(rate)
    yaml = YAML(typ="safe")
    doc = yaml.load(le.endpoints.read_text())
    for tid, ep in doc["targets"].items():
        if tid.endswith("/wifi"):
            ep["requests_per_second"] = rate
    with le.endpoints.open("w") as fh:
        yaml.dump(doc, fh)


@pytest.fixture
def wifi(lab_estate: LabEstate) -> Iterator[LabEstate]:
    _set_rate(lab_estate, 1000.0)  # fast tests; the rate test sets the real one
    yield lab_estate
    # Every request the target sent passed the Dashboard's validation and rules.
    # (A 404 for a device's policy by MAC means "never provisioned": the read's answer.)
    refused = [(r.method, r.path, r.status) for r in _lab(lab_estate).requests()
               if 400 <= r.status < 500 and not r.injected
               and (r.operation, r.status) != ("getNetworkClientPolicy", 404)]
    assert refused == []



def _lab(le: LabEstate) -> Any:
    return le.lab.handle("meraki")


def _state(le: LabEstate, net: str = LON1_NET) -> dict[str, Any]:
    return dict(_lab(le).dashboard.snapshot(net))


def _wifi_changes(le: LabEstate, target: str = "lon1/wifi") -> tuple[int, list[dict[str, Any]]]:
    rc, plan = le.plan_json("--at", AT, "--target", target)
    assert plan["errors"] == []
    return rc, [c for t in plan["targets"] for c in t["changes"]]


def _apply(le: LabEstate, *targets: str) -> Any:
    args = [a for t in targets for a in ("--target", t)]
    res = le.cli("apply", "--yes", "--at", AT, *args)
    assert res.exit_code == 0, res.output
    return res


def _edit_yaml(path: Path, fn: Any) -> None:
    yaml = YAML()
    doc = yaml.load(path.read_text())
    fn(doc)
    with path.open("w") as fh:
        yaml.dump(doc, fh)


def _mails(le: LabEstate) -> list[email.message.Message]:
    return [email.message_from_bytes(p.read_bytes())
            for p in sorted((le.root / "outbox").glob("*.eml"))]


def _key_in(msg: email.message.Message) -> str:
    body = msg.get_payload(decode=True).decode()  # type: ignore[union-attr]
    m = re.search(r"Key:\s+(\S+)", body)
    assert m
    return m.group(1)


QUILL = """\
id: quill-press
name: Quill Press Ltd
contracts:
  - site: lon1
    start: 2026-12-01
    services:
      internet: {bandwidth_mbps: 100}
users:
  - {email: ada@quill.example, name: Ada Quill, role: admin}
  - {email: ben@quill.example, name: Ben Quill}
devices:
  - {name: printer-1, mac: "00:1b:a9:01:02:03", site: lon1, kind: printer}
  - {name: projector-1, mac: "00:1b:a9:01:02:04", site: lon1, kind: av}
"""


def test_onboarding_an_occupier_with_two_devices(wifi: LabEstate) -> None:
    _apply(wifi, "lon1/wifi")
    (wifi.root / "occupiers" / "quill-press.yaml").write_text(QUILL)
    assert wifi.run_cli("allocate", "--repo", str(wifi.root)).exit_code == 0
    vlan = YAML(typ="safe").load((wifi.root / "occupiers" / "quill-press.yaml").read_text())[
        "contracts"][0]["network"]["vlan"]

    rc, changes = _wifi_changes(wifi)
    assert rc == 2
    assert {(c["op"], c["kind"], c["key"]) for c in changes} == {
        ("create", "wifi_policy", "rcl-quill-press"),
        ("create", "wifi_psk", "rcl-quill-press.printer-1"),
        ("create", "wifi_psk", "rcl-quill-press.projector-1")}
    policy = next(c for c in changes if c["kind"] == "wifi_policy")
    assert policy["after"] == {"vlan": vlan}

    _lab(wifi).clear_log()
    rc, _ = wifi.plan_json("--at", AT, "--target", "lon1/wifi")
    # Reading a network takes two calls: its group policies and the SSID's keys.
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in _lab(wifi).requests()] == [
        ("GET", "groupPolicies"), ("GET", "identityPsks")]
    _lab(wifi).clear_log()
    res = _apply(wifi, "lon1/wifi")
    state = _state(wifi)
    assert state["policies"]["rcl-quill-press"]["vlanTagging"] == {"settings": "custom",
                                                                   "vlanId": str(vlan)}
    psks = state["psks"][2]
    assert {n: p["policy"] for n, p in psks.items() if "quill" in n} == {
        "rcl-quill-press.printer-1.v1": "rcl-quill-press",
        "rcl-quill-press.projector-1.v1": "rcl-quill-press"}
    # Every request the target sent passed the Dashboard's validation.
    assert [r for r in _lab(wifi).requests() if r.status >= 400] == []

    # Keys reach the occupier's admin only, and nowhere else.
    mails = [m for m in _mails(wifi) if "quill" in str(m["Subject"]) or
             "ada@quill.example" in str(m["To"])]
    assert sorted(str(m["To"]) for m in mails) == ["ada@quill.example"] * 2
    keys = {p["passphrase"] for n, p in psks.items() if "quill" in n}
    assert {_key_in(m) for m in mails} == keys
    plan_text = wifi.cli("plan", "--format", "json", "--at", AT).stdout
    for key in keys:
        assert key not in res.output and key not in plan_text

    rc, again = _wifi_changes(wifi)
    assert rc == 0 and again == []


def test_removing_a_device_deletes_only_its_key(wifi: LabEstate) -> None:
    _apply(wifi, "lon1/wifi")
    before = _state(wifi)
    occ = wifi.root / "occupiers" / "greenleaf-studio.yaml"
    _edit_yaml(occ, lambda d: d["devices"].pop(1))  # display-2-01

    rc, changes = _wifi_changes(wifi)
    assert rc == 2
    assert [(c["op"], c["kind"], c["key"]) for c in changes] == [
        ("delete", "wifi_psk", "rcl-greenleaf-studio.display-2-01")]
    _lab(wifi).clear_log()
    _apply(wifi, "lon1/wifi")
    assert [r.method for r in _lab(wifi).requests() if r.method != "GET"] == ["DELETE"]
    after = _state(wifi)
    gone = before["psks"][2].pop("rcl-greenleaf-studio.display-2-01.v1")
    assert gone["policy"] == "rcl-greenleaf-studio"
    assert after == before  # the printer keeps its key; nothing else moved
    assert _wifi_changes(wifi) == (0, [])


def test_an_occupier_vlan_move_updates_its_policy_in_place(wifi: LabEstate) -> None:
    _apply(wifi, "lon1/wifi")
    dash = _lab(wifi).dashboard
    ids = {p["name"]: p["groupPolicyId"] for p in dash.list_policies(LON1_NET)}
    keys_before = dash.list_psks(LON1_NET, 2)
    occ = wifi.root / "occupiers" / "greenleaf-studio.yaml"
    _edit_yaml(occ, lambda d: d["contracts"][0]["network"].update(vlan=150))

    rc, changes = _wifi_changes(wifi)
    assert rc == 2
    assert [(c["op"], c["key"], c["fields"], c["after"]) for c in changes] == [
        ("update", "rcl-greenleaf-studio", ["vlan"], {"vlan": 150})]
    _lab(wifi).clear_log()
    _apply(wifi, "lon1/wifi")
    writes = [(r.method, r.path) for r in _lab(wifi).requests() if r.method != "GET"]
    assert writes == [("PUT", f"/api/v1/networks/{LON1_NET}/groupPolicies/"
                              f"{ids['rcl-greenleaf-studio']}")]
    policy = dash.get_policy(LON1_NET, ids["rcl-greenleaf-studio"])
    assert policy["vlanTagging"] == {"settings": "custom", "vlanId": "150"}
    assert dash.list_psks(LON1_NET, 2) == keys_before  # same keys, same ids, same policy
    assert _wifi_changes(wifi) == (0, [])


def _outside(state: dict[str, Any]) -> dict[str, Any]:
    return {"policies": {k: v for k, v in state["policies"].items() if not k.startswith(PREFIX)},
            "psks": {n: {k: v for k, v in s.items() if not k.startswith(PREFIX)}
                     for n, s in state["psks"].items()},
            "clients": {k: v for k, v in state["clients"].items()
                        if not v["name"].startswith(PREFIX)},
            "ssids": state["ssids"]}


def test_objects_outside_the_managed_prefix_are_untouched(wifi: LabEstate) -> None:
    dash = _lab(wifi).dashboard
    # More hand-made objects, one of them bound to nothing the reconciler owns.
    pid = dash.seed_policy(LON1_NET, "Staff devices", "42")
    dash.seed_psk(LON1_NET, 2, "reception-ipad", pid)
    before = {net: _outside(_state(wifi, net)) for net in (LON1_NET, MAN1_NET)}
    outside_ids = {p["groupPolicyId"] for net in (LON1_NET, MAN1_NET)
                   for p in dash.list_policies(net) if not p["name"].startswith(PREFIX)}
    outside_ids |= {p["id"] for p in dash.list_psks(LON1_NET, 2)}

    rc, plan = wifi.plan_json("--at", AT)
    wifi_plans = [t for t in plan["targets"] if t["platform"] == "meraki"]
    assert all(c["key"].startswith(PREFIX) or c["kind"] == "wifi_client"
               for t in wifi_plans for c in t["changes"])
    assert [t["live_count"] for t in wifi_plans] == [0, 0]  # hand-made objects are not read in

    _apply(wifi)
    # Prune: every device goes, and Acme's London contract ends with deprovisioning.
    for occ in (wifi.root / "occupiers").glob("*.yaml"):
        _edit_yaml(occ, lambda d: d.pop("devices", None))
    res = wifi.cli("apply", "--yes", "--at", "2027-06-01", "--target", "lon1/wifi",
                   "--target", "man1/wifi")
    assert res.exit_code == 0, res.output
    assert "rcl-acme" not in _state(wifi)["policies"]
    assert not [k for s in _state(wifi)["psks"].values() for k in s if k.startswith(PREFIX)]
    for net in (LON1_NET, MAN1_NET):
        assert _outside(_state(wifi, net)) == before[net]
    touched = [r.path for r in _lab(wifi).requests() if r.method != "GET"]
    assert touched and not any(path.rsplit("/", 1)[-1] in outside_ids for path in touched)


def test_rotation_by_credential_version_and_mac_mode(wifi: LabEstate) -> None:
    _apply(wifi)
    old = _state(wifi)["psks"][2]["rcl-greenleaf-studio.printer-2f.v1"]["passphrase"]
    man1 = _state(wifi, MAN1_NET)["clients"]
    assert man1["00:1b:a9:5c:21:07"] == {"name": "rcl-acme.printer-m1",
                                         "devicePolicy": "Group policy", "policy": "rcl-acme"}
    occ = wifi.root / "occupiers" / "greenleaf-studio.yaml"
    _edit_yaml(occ, lambda d: d["devices"][0].update(credential_version=2))
    rc, changes = _wifi_changes(wifi)
    assert [(c["op"], c["key"], c["fields"]) for c in changes] == [
        ("update", "rcl-greenleaf-studio.printer-2f", ["credential_version"])]
    _apply(wifi, "lon1/wifi")
    psks = _state(wifi)["psks"][2]
    new = psks["rcl-greenleaf-studio.printer-2f.v2"]["passphrase"]
    assert new != old and "rcl-greenleaf-studio.printer-2f.v1" not in psks
    printer = [_key_in(m) for m in _mails(wifi) if "printer-2f" in str(m["Subject"])]
    assert sorted(printer) == sorted([old, new])  # first key, then the rotated one

    acme = wifi.root / "occupiers" / "acme.yaml"
    _edit_yaml(acme, lambda d: d.pop("devices"))
    rc, changes = _wifi_changes(wifi, "man1/wifi")
    assert [(c["op"], c["kind"], c["key"]) for c in changes] == [
        ("delete", "wifi_client", "00:1b:a9:5c:21:07")]
    _apply(wifi, "man1/wifi")
    assert "00:1b:a9:5c:21:07" not in _state(wifi, MAN1_NET)["clients"]
    assert _wifi_changes(wifi, "man1/wifi") == (0, [])


def test_the_organisation_rate_limit_holds_and_429_is_retried_once(lab_estate: LabEstate) -> None:
    rate = 10  # Meraki's limit per organisation; both sites share one organisation
    _set_rate(lab_estate, rate)
    lab = _lab(lab_estate)
    lab.faults.set(http_429=1)  # the Dashboard also pushes back once, as when others share it
    lab.clear_log()
    res = lab_estate.cli("apply", "--yes", "--at", AT, "--target", "lon1/wifi",
                         "--target", "man1/wifi")
    assert res.exit_code == 0, res.output
    log = lab.requests()
    assert len(log) > rate * 1.5  # enough traffic for the limit to matter
    # The only refusal is the injected one: the limiter itself never had to refuse.
    refused = [i for i, r in enumerate(log) if r.status == 429]
    assert len(refused) == 1
    for i in refused:  # the next attempt of the same request went through
        retry = next(r for r in log[i + 1:] if r.digest == log[i].digest)
        assert retry.status < 300
    # Never more than `rate` requests (refused ones included) in any one second.
    times = sorted(r.at for r in log)
    busiest = max(sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times))
    assert busiest <= rate
    assert {r.org for r in log} == {"549236"}
    assert lab_estate.plan_json("--at", AT, "--target", "lon1/wifi",
                                "--target", "man1/wifi")[0] == 0


def test_plan_json_carries_no_secret(wifi: LabEstate) -> None:
    _apply(wifi, "lon1/wifi")
    secrets = [p["passphrase"] for p in _state(wifi)["psks"][2].values()]
    creds = YAML(typ="safe").load(wifi.credentials.read_text())
    secrets.append(creds["meraki-org"]["api_key"])
    occ = wifi.root / "occupiers" / "greenleaf-studio.yaml"
    _edit_yaml(occ, lambda d: d["devices"][0].update(credential_version=3))
    res = wifi.cli("plan", "--format", "json", "--at", AT)
    text = json.dumps(json.loads(res.stdout)) + res.output
    assert all(s not in text for s in secrets)


def test_a_failing_network_rolls_back_the_other_by_reverse_calls(wifi: LabEstate) -> None:
    before = {net: _state(wifi, net) for net in (LON1_NET, MAN1_NET)}
    switches = wifi.configs()
    # man1 refuses the device provisioning after its policies were made.
    _lab(wifi).faults.set(error_regex=rf"^POST /networks/{MAN1_NET}/clients/provision$")
    res = wifi.cli("apply", "--yes", "--at", AT)
    assert res.exit_code == 1
    assert "man1/wifi" in res.output and "rolled back" in res.output
    # lon1 had applied its policies and keys: the engine undid them with the reverse calls.
    assert {net: _state(wifi, net) for net in (LON1_NET, MAN1_NET)} == before
    assert wifi.configs() == switches
    deletes = [r.path for r in _lab(wifi).requests() if r.method == "DELETE"]
    assert any("/identityPsks/" in p for p in deletes) and any("/groupPolicies/" in p
                                                               for p in deletes)
    _lab(wifi).faults.clear()
    _apply(wifi)
    assert wifi.plan_json("--at", AT)[0] == 0


def test_many_keys_are_written_a_few_at_a_time(wifi: LabEstate) -> None:
    occ = wifi.root / "occupiers" / "greenleaf-studio.yaml"
    _edit_yaml(occ, lambda d: d["devices"].extend(
        {"name": f"sensor-{i}", "mac": f"00:1b:a9:77:00:{i:02x}", "site": "lon1",
         "kind": "sensor"} for i in range(12)))
    lab = _lab(wifi)
    lab.faults.set(latency=0.02)  # slow answers, so that concurrent requests overlap
    lab.clear_log()
    _apply(wifi, "lon1/wifi")
    writes = [r for r in lab.requests() if r.method == "POST" and "identityPsks" in r.path]
    assert len(writes) == 14
    assert 1 <= lab.max_in_flight <= 4  # the target's bound (settings.concurrency)
    assert len(_state(wifi)["psks"][2]) == 14 + 1  # and the hand-made one
    assert _wifi_changes(wifi) == (0, [])


def test_a_printer_away_for_60_days_stays_provisioned_and_the_plan_stays_empty(
        wifi: LabEstate) -> None:
    """The Dashboard lists clients seen in the last 31 days at most; the MAC-provisioned
    printer must still be read (by MAC) after two months off, not provisioned again."""
    printer = "00:1b:a9:5c:21:07"
    _apply(wifi, "man1/wifi")
    assert _wifi_changes(wifi, "man1/wifi") == (0, [])
    dashboard = _lab(wifi).dashboard
    dashboard.clock.advance(60 * DAY)
    longest = {"timespan": [str(MAX_TIMESPAN)]}
    assert dashboard.policies_by_client(MAN1_NET, longest) == []  # off every list
    seen = record(_lab(wifi))
    assert _wifi_changes(wifi, "man1/wifi") == (0, [])
    res = wifi.cli("apply", "--yes", "--at", AT, "--target", "man1/wifi")
    assert res.exit_code == 0 and printer in _state(wifi, MAN1_NET)["clients"]
    assert not [e for e in seen if e.method != "GET"]  # nothing was provisioned again
    by_client = [e for e in seen if e.op_id == "getNetworkPoliciesByClient"]
    assert by_client and all(e.query["timespan"] == [str(MAX_TIMESPAN)] for e in by_client)
    looked_up = [e.path.rsplit("/", 2)[-2] for e in seen if e.op_id == "getNetworkClientPolicy"]
    assert looked_up.count(printer) == 2  # one lookup by MAC per run
    assert exchange_gaps(seen) == []  # the product's requests, as the spec has them
