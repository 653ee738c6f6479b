"""The Wi-Fi Secure design before issue 14, forced back for tests that prove our checks
catch its leak (and would catch it again).

Rows: a group `rcl-<occ>@<site>` whose check is the NAS and whose reply is the VLAN
(Fall-Through := No), every login also in `rcl-deny` (Auth-Type := Reject, last),
plain NT-Password / SSHA2-512-Password / Cleartext-Password. Drift: a change is
scheduled only when the live attributes, write-only ones included, equal an earlier
day's desired attributes. Together: an ended contract's group is deleted (scheduled),
its users are reported (their invitation never matches), and the emptied group stops
group processing before `rcl-deny`: Access-Accept, no VLAN, at every NAS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

import pytest

from reconciler import intent
from reconciler.engine.resources import Attrs, Change, Resource, canonical
from reconciler.gitops import drift
from reconciler.intent import radius as radius_intent
from reconciler.model.estate import Estate
from reconciler.model.site import Site
from reconciler.targets import freeradius_rows
from reconciler.targets.freeradius import FreeradiusTarget

DENY = "rcl-deny"


def _old_group(site: Site, vlan: int) -> dict[str, list[str]]:
    assert site.radius is not None
    return {"check": [f"NAS-Identifier == {site.radius.nas_identifier}"],
            "reply": sorted(["Fall-Through := No", "Tunnel-Medium-Type := IEEE-802",
                             f"Tunnel-Private-Group-Id := {vlan}", "Tunnel-Type := VLAN"])}


def _old_rows(r: Resource) -> Resource:
    attrs = dict(r.attrs)
    if r.kind in ("radius_user", "radius_mac"):
        attrs["groups"] = {**attrs["groups"], DENY: 1000}
    if r.kind == "radius_mac":
        attrs["check"] = [row.replace("Reconciler-Cleartext-Password", "Cleartext-Password")
                          for row in attrs["check"]]
    return replace(r, attrs=attrs)


def _same(live: Attrs | None, earlier: Attrs | None, fields: Sequence[str]) -> bool:
    if live is None or earlier is None:
        return live is None and earlier is None
    names = fields or sorted(set(live) | set(earlier))
    return all(canonical(live.get(f)) == canonical(earlier.get(f)) for f in names)


def _old_is_scheduled(c: Change, variants: drift.Variants, days: int) -> bool:
    seen = variants.get(c.id, [None] * days)
    return any(_same(c.before, v, c.fields) for v in seen)


def force_legacy_design(monkeypatch: pytest.MonkeyPatch) -> None:
    real = radius_intent.compile_radius

    def old_compile(estate: Estate, at: dt.date, state: intent.DesiredState) -> None:
        real(estate, at, state)
        for tid, spec in state.targets.items():
            if spec.platform == "freeradius":
                state.resources[tid] = [_old_rows(r) for r in state.resources[tid]] + [
                    Resource(tid, "radius_group", DENY,
                             {"check": ["Auth-Type := Reject"], "reply": []})]

    monkeypatch.setattr(radius_intent, "vlan_group", _old_group)
    monkeypatch.setattr(intent, "COMPILERS",
                        [old_compile if c is real else c for c in intent.COMPILERS])
    monkeypatch.setattr(freeradius_rows, "PASSWORD_ATTRS", ("NT-Password", "SSHA2-512-Password"))
    monkeypatch.setattr(freeradius_rows, "MAC_ATTRS", ("Cleartext-Password",))
    monkeypatch.setattr(freeradius_rows, "GROUP_ATTRS", (
        "NAS-Identifier", "Auth-Type", "Fall-Through", "Tunnel-Type", "Tunnel-Medium-Type",
        "Tunnel-Private-Group-Id"))
    monkeypatch.setattr(FreeradiusTarget, "kind_order",
                        ("radius_group", "radius_user", "radius_mac"))
    monkeypatch.setattr(drift, "is_scheduled", _old_is_scheduled)
