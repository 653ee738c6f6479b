"""A saved plan is an untrusted file between `plan --out` and `apply FILE`.

Each reproduction of a tampered plan: refused without the signature `plan` added, and,
signed again with the lab's key (a stolen key, a forged file), still unable to inject a
command, run a template, send a login elsewhere or walk past a refusal or the guard.
"""

from __future__ import annotations

import copy
import json
import socket
from typing import TYPE_CHECKING, Any

import pyeapi
import pytest
from ruamel.yaml import YAML

from tests.gitops.conftest import EstateGit

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

SWITCH = "lon1/acc-3a"
BACKDOOR = "username backdoor privilege 15 secret 0 pwned"


def saved_plan(lab_estate: LabEstate, *args: str) -> tuple[Any, dict[str, Any]]:
    out = lab_estate.root / "plan.json"
    lab_estate.cli("plan", "--out", str(out), *args)
    return out, json.loads(out.read_text())


def target_of(plan: dict[str, Any], tid: str) -> dict[str, Any]:
    return next(t for t in plan["targets"] if t["target"] == tid)


def eapi_running_config(lab_estate: LabEstate, tid: str) -> str:
    """The switch's running-config as the real client library reads it over eAPI."""
    ep = YAML(typ="safe").load(lab_estate.endpoints.read_text())["targets"][tid]
    device = lab_estate.eos(tid)
    conn = pyeapi.connect(transport=ep.get("transport", "http"), host=ep["host"],
                          port=ep["port"], username=device.username, password=device.password)
    reply = conn.execute(["enable", "show running-config"], encoding="text")
    return str(reply["result"][1]["output"])


def test_an_unsigned_or_forged_plan_and_a_newline_in_a_description_are_refused(
        lab_estate: LabEstate) -> None:
    out, plan = saved_plan(lab_estate)
    before, running = lab_estate.configs(), eapi_running_config(lab_estate, SWITCH)

    def refused(data: dict[str, Any], message: str, *, sign: bool) -> None:
        lab_estate.write_plan(out, data, sign=sign)
        res = lab_estate.cli("apply", str(out), "--yes")
        assert res.exit_code == 1 and message in res.output, res.output

    # The reproduction: a second line in a port description, and in the commands shown.
    evil = copy.deepcopy(plan)
    tp = target_of(evil, SWITCH)
    i, change = next((i, c) for i, c in enumerate(tp["changes"])
                     if c["kind"] == "port" and (c["after"] or {}).get("description"))
    line = tp["commands"].index(f"description {change['after']['description']}")
    change["after"]["description"] += "\n" + BACKDOOR
    tp["commands"].insert(line + 1, BACKDOOR)  # what the description renders to
    refused(evil, "the signature does not match", sign=False)
    refused(evil, f"{SWITCH}: change {i + 1} (port {change['key']}) after.description",
            sign=True)
    # The MAC: missing, or not this plan's.
    unsigned = {k: v for k, v in plan.items() if k != "mac"}
    refused(unsigned, "plan.json is not signed", sign=False)
    refused({**plan, "mac": "hmac-sha256:" + "0" * 64}, "the signature does not match",
            sign=False)
    # A target the estate does not have is refused, whatever the file says of it.
    stranger = copy.deepcopy(plan)
    stranger["targets"].append({**copy.deepcopy(target_of(plan, SWITCH)),
                                "target": "lon1/acc-9z"})
    for c in stranger["targets"][-1]["changes"]:
        c["target"] = "lon1/acc-9z"
    refused(stranger, "the plan names target lon1/acc-9z, which the estate does not have",
            sign=True)
    assert lab_estate.configs() == before
    now = eapi_running_config(lab_estate, SWITCH)
    assert now == running and "backdoor" not in now


def test_connection_settings_and_templates_in_a_plan_are_never_used(
        lab_estate: LabEstate, tmp_path: Any) -> None:
    out, plan = saved_plan(lab_estate)
    # The file says nothing of where, how or with which templates (checked last).
    kept = [sorted(t) for t in plan["targets"]]
    # A fake switch that would take the login, and templates that would run.
    fake = socket.socket()
    fake.bind(("127.0.0.1", 0))
    fake.listen(8)
    fake.setblocking(False)
    evil = tmp_path / "evil" / "arista_eos"
    evil.mkdir(parents=True)
    (evil / "port.j2").write_text("EVIL-TEMPLATE-RAN\n")
    _host, port = fake.getsockname()
    tp = target_of(plan, SWITCH)
    settings = {"host": "127.0.0.1", "port": port, "transport": "http",
                "templates_dir": str(evil.parent)}
    tp.update(settings)
    creds = YAML(typ="safe").load(lab_estate.credentials.read_text())
    login = next(n for n, f in creds.items() if f.get("username") == "admin")
    tp["spec"] = {"settings": settings, "credentials": login, "scope": {}}
    tp["templates_dir"] = str(evil.parent)
    lab_estate.eos(SWITCH).received.clear()
    try:
        lab_estate.write_plan(out, plan, sign=False)
        res = lab_estate.cli("apply", str(out), "--yes")
        assert res.exit_code == 1 and "the signature does not match" in res.output
        lab_estate.write_plan(out, plan)  # signed: still only the estate says where and how
        res = lab_estate.cli("apply", str(out), "--yes")
        assert res.exit_code == 0, res.output
        with pytest.raises(BlockingIOError):
            fake.accept()  # the login never went to the fake server
    finally:
        fake.close()
    sent = lab_estate.eos(SWITCH).received
    assert "EVIL-TEMPLATE-RAN" not in sent and tp["commands"][0] in sent
    assert all(set(t) >= {"target", "changes", "commands", "live_digest", "templates"}
               and not set(t) & {"spec", "settings", "credentials", "held"} for t in kept)


def test_refusals_and_guard_figures_are_judged_again_at_apply(lab_estate: LabEstate) -> None:
    g = EstateGit(lab_estate.root)
    assert lab_estate.cli("apply", "--yes").exit_code == 0
    # Northwind's file deleted while its contract runs: refused (offboarding), and the
    # guard refuses losing most of man1's ports and numbers at once.
    g.delete("occupiers/northwind-legal.yaml")
    g.commit("northwind leaves (the wrong way: its contract is in force)")
    out, plan = saved_plan(lab_estate)
    guard, refusals = plan["guard_refusals"], plan["refusals"]
    assert "site man1: 6 of 8 occupied ports would be lost (75% > 20%)" in guard
    assert any("occupiers/northwind-legal.yaml was deleted" in r for r in refusals)
    before = lab_estate.configs()
    # Everything the file says of refusals and the guard, deleted or inflated.
    plan["refusals"], plan["guard_refusals"], plan["date_losses"], plan["errors"] = [], [], [], []
    for tp in plan["targets"]:
        tp["held"] = {"port": {"someone-else": 10_000}, "pbx_did": {"someone-else": 10_000}}
        tp["live_kinds"] = {"port": 10_000}
        tp["date_driven"] = [[c["kind"], c["key"]] for c in tp["changes"]]
        tp["refusals"] = []
    lab_estate.write_plan(out, plan)
    res = lab_estate.cli("apply", str(out), "--yes")
    assert res.exit_code == 1, res.output
    for msg in guard + refusals:
        assert msg in res.output
    assert lab_estate.configs() == before
