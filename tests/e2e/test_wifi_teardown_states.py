"""Wi-Fi controller teardown: no state between two Dashboard calls lets a device in untagged.

An ended occupier's device keys (PSKs) and MAC-provisioned clients go before, never
after, the group policy that tags them with the occupier's VLAN; a run that would
delete a policy and leave a key bound to it is refused before any call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from reconciler.engine.resources import Change
from reconciler.errors import TargetRejected
from reconciler.targets import meraki_apply
from tests.e2e.test_meraki_reconcile import LON1_NET, MAN1_NET, _edit_yaml, _set_rate

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

BEFORE, AFTER = "2026-12-15", "2026-12-16"
ENDED = {"greenleaf-studio": "lon1", "northwind-legal": "man1"}


def _no_key_without_its_vlan(state: dict[str, Any]) -> list[str]:
    """Managed keys and clients whose policy is missing or tags no VLAN."""
    policies = state["policies"]

    def tagged(name: str | None) -> bool:
        tag = (policies.get(name or "") or {}).get("vlanTagging") or {}
        return tag.get("settings") == "custom" and bool(tag.get("vlanId"))
    bad = [f"psk {k}" for keys in state["psks"].values() for k, v in keys.items()
           if k.startswith("rcl-") and not tagged(v["policy"])]
    bad += [f"client {mac}" for mac, c in state["clients"].items()
            if str(c["name"]).startswith("rcl-") and not tagged(c["policy"])]
    return bad


def test_every_state_of_a_teardown_keeps_keys_with_their_policy(
        lab_estate: LabEstate, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_rate(lab_estate, 1000.0)
    assert lab_estate.cli("apply", "--yes", "--at", BEFORE).exit_code == 0
    dash = lab_estate.lab.handle("meraki").dashboard
    for occ in ENDED:  # both contracts end on BEFORE, with teardown
        _edit_yaml(lab_estate.root / "occupiers" / f"{occ}.yaml", _end_on_before)
    states: list[tuple[str, list[str]]] = []
    real = meraki_apply.ApplyRun._did

    def after_each_call(self: Any, what: str, reverse: Any) -> None:
        real(self, what, reverse)
        for net in (LON1_NET, MAN1_NET):
            states.append((what, _no_key_without_its_vlan(dash.snapshot(net))))
    monkeypatch.setattr(meraki_apply.ApplyRun, "_did", after_each_call)

    res = lab_estate.cli("apply", "--yes", "--at", AFTER, "--target", "lon1/wifi",
                         "--target", "man1/wifi", "--allow-mass-change")
    assert res.exit_code == 0, res.output
    calls = [what for what, _bad in states]
    # the keys and the client went first, then the policies, one call at a time
    assert {"delete key rcl-greenleaf-studio.printer-2f", "release 00:1b:a9:5c:10:01",
            "delete policy rcl-greenleaf-studio", "delete policy rcl-northwind-legal"} <= \
        set(calls)
    assert calls.index("delete key rcl-greenleaf-studio.printer-2f") < \
        calls.index("delete policy rcl-greenleaf-studio")
    assert calls.index("release 00:1b:a9:5c:10:01") < calls.index("delete policy rcl-northwind-legal")
    assert [(what, bad) for what, bad in states if bad] == []
    final = dash.snapshot(LON1_NET)
    assert not any("greenleaf" in k for keys in final["psks"].values() for k in keys)


def _end_on_before(doc: Any) -> None:
    """The contract ends on BEFORE with teardown; its leases with it (rule 3)."""
    c = doc["contracts"][0]
    c.update(end=BEFORE, deprovision_on_end=True)
    for o in c["occupancies"]:
        o["move_out"] = BEFORE


def test_a_policy_is_not_deleted_while_a_key_is_bound_to_it(lab_estate: LabEstate) -> None:
    import datetime as dt

    from reconciler.cli.live import apply_endpoints
    from reconciler.engine.credentials import CredentialStore
    from reconciler.engine.plan import open_target
    from reconciler.intent import compile_estate
    from reconciler.model.estate import load_estate
    from reconciler.targets import TARGETS

    _set_rate(lab_estate, 1000.0)
    assert lab_estate.cli("apply", "--yes", "--at", BEFORE).exit_code == 0
    dash = lab_estate.lab.handle("meraki").dashboard
    before = dash.snapshot(LON1_NET)
    desired = apply_endpoints(compile_estate(load_estate(lab_estate.root), dt.date(2026, 12, 15)),
                              lab_estate.endpoints)
    spec = desired.targets["lon1/wifi"]
    with open_target(spec, TARGETS, CredentialStore(lab_estate.credentials)) as target:
        live = {r.key: r for r in target.read()}
        policy = live["rcl-greenleaf-studio"]
        only_policy = [Change("delete", spec.id, "wifi_policy", policy.key, dict(policy.attrs),
                              None, "greenleaf-studio")]
        with pytest.raises(TargetRejected, match="rcl-greenleaf-studio.printer-2f"):
            target.apply(only_policy)
    assert dash.snapshot(LON1_NET) == before
