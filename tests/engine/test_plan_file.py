"""Saved-plan signing and value checks without a lab (the lab's tampering tests:
tests/e2e/test_plan_tampering.py)."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.engine import plan_file
from reconciler.engine.credentials import CredentialStore
from reconciler.engine.plan_values import check_change
from reconciler.errors import CredentialsError, PlanError
from reconciler.targets import TARGETS

KEY = "a-plan-signing-key-of-some-length"


def store(**env: str) -> CredentialStore:
    return CredentialStore(environ=env)


def test_the_key_comes_from_the_credential_store_by_its_usual_name() -> None:
    assert plan_file.signing_key(store()) is None
    assert plan_file.signing_key(store(RECONCILER_CRED_PLAN_SIGNING_KEY=KEY)) == KEY.encode()
    with pytest.raises(CredentialsError, match="at least 16"):
        plan_file.signing_key(store(RECONCILER_CRED_PLAN_SIGNING_KEY="short"))


def test_any_change_to_a_signed_plan_breaks_its_mac() -> None:
    data: dict[str, Any] = {"format_version": 3, "at": "2026-11-26", "targets": [],
                            "refusals": ["x"]}
    signed = plan_file.sign(data, KEY.encode())
    plan_file.verify(signed, KEY.encode(), "p.json")
    for changed in ({**signed, "refusals": []}, {**signed, "at": "2026-11-27"},
                    {k: v for k, v in signed.items() if k != "mac"}):
        with pytest.raises(PlanError, match="signature does not match|is not signed"):
            plan_file.verify(changed, KEY.encode(), "p.json")
    with pytest.raises(PlanError, match="signature does not match"):
        plan_file.verify(signed, b"another-key-entirely-000", "p.json")
    with pytest.raises(PlanError, match="no plan-signing key"):
        plan_file.verify(signed, None, "p.json")


def port(description: str, key: str = "Ethernet3") -> dict[str, Any]:
    return {"op": "update", "target": "lon1/acc-2a", "kind": "port", "key": key,
            "owner": "acme", "live_owner": "(site)", "fields": ["description"],
            "before": {"description": "vacant space:3.04", "enabled": True},
            "after": {"description": description, "enabled": True}}


@pytest.mark.parametrize("value", ["occ:acme space:3.01\nusername backdoor secret 0 x",
                                   "occ:acme\rx", "occ:acme space:3.01 | bash",
                                   "occ:acme\u2028x"])
def test_a_switch_value_outside_the_models_characters_is_refused(value: str) -> None:
    eos = TARGETS["arista_eos"]
    assert check_change(port("occ:acme space:3.01"), "lon1/acc-2a", eos, 1).after == {
        "description": "occ:acme space:3.01", "enabled": True}
    with pytest.raises(PlanError, match=r"change 1 \(port Ethernet3\) after.description"):
        check_change(port(value), "lon1/acc-2a", eos, 1)


def test_keys_owners_and_kinds_follow_the_model() -> None:
    eos = TARGETS["arista_eos"]
    for bad, match in ((port("x", key="Ethernet3\nreload"), "key"),
                       ({**port("x"), "owner": "Acme Ltd"}, "owner"),
                       ({**port("x"), "kind": "radius_user"}, "kind"),
                       ({**port("x"), "target": "lon1/core1"}, "target")):
        with pytest.raises(PlanError, match=match):
            check_change(bad, "lon1/acc-2a", eos, 1)
