"""Wi-Fi Secure fails closed in every intermediate state, against the real FreeRADIUS.

Two enumerations, each login checked over PAP (pyrad, every user and MAC device at
lon1, man1 and a NAS of no site) and PEAP (eapol_test, the logins the step touches):

- every prefix of an apply's statements (a contract end, a start with new accounts, a
  VLAN change, a user removed, Wi-Fi Secure turned off, a MAC device removed), as if the
  run had stopped there with its transaction committed;
- every single row of ours deleted, and every group, membership set and credential set
  deleted as a whole (a hand-deleted row, an emptied group, a partial teardown).

An Access-Accept is allowed only as the state before or after grants it: that NAS, that
VLAN. With the row design of before issue 14 forced back, the same enumeration finds the
leak: the checks can fail.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from reconciler.engine.credentials import Credential
from reconciler.engine.diff import diff, order_changes
from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from reconciler.targets.freeradius import FreeradiusTarget
from reconciler.targets.freeradius_auth import generate_password
from reconciler.targets.freeradius_rows import statements
from tests.radius.legacy_design import force_legacy_design
from tests.radius.states import Logins, expected_answers, grants, restore, snapshot

if TYPE_CHECKING:
    from tests.radius.conftest import RadiusLab

pytestmark = [pytest.mark.lab, pytest.mark.parametrize("radius", ["sqlite"], indirect=True)]

BEFORE = "2027-01-04"  # acme's last day in London; greenleaf on VLAN 101
AFTER = "2027-02-01"   # acme ended there, Kestrel starts at man1 (new accounts)
FULL = "2026-11-26"    # every contract of the story running
JANE, MAYA, AMARA = "jane@acme.example", "maya.green@greenleaf.example", \
    "amara.nwosu@kestrel-labs.example"
OSCAR = "oscar.lind@greenleaf.example"
PRINTER = "001ba95c1001"  # northwind's, MAC-authenticated at man1
OLD_KIND_ORDER = ("radius_group", "radius_user", "radius_mac")


def _target(radius: RadiusLab, day: str) -> tuple[FreeradiusTarget, list[Any]]:
    desired = compile_estate(load_estate(radius.root), dt.date.fromisoformat(day))
    target = FreeradiusTarget(desired.targets["radius"],
                              Credential("radius-db", {"dsn": radius.dsn}))
    return target, desired.resources["radius"]


def _edits_for_after(radius: RadiusLab) -> None:
    radius.edit_occupier("greenleaf-studio", lambda d: d["contracts"][0]["network"].update(
        vlan=110))  # a VLAN change
    radius.edit_occupier("greenleaf-studio", lambda d: d["users"].pop(1))  # oscar removed
    radius.edit_occupier("acme", lambda d: d["users"][2].update(wifi_secure=False))  # li.wei
    radius.edit_occupier("northwind-legal", lambda d: d.pop("devices"))  # the MAC printer


def _prefix_leaks(radius: RadiusLab, old_order: bool = False) -> list[str]:
    radius.apply(BEFORE)
    passwords = radius.new_passwords()
    logins = Logins(radius, passwords, {PRINTER}, [grants(radius, BEFORE)])
    before_rows = snapshot(radius)
    assert logins.answers() == expected_answers(logins, logins.allowed[0])
    _edits_for_after(radius)
    logins.allowed.append(grants(radius, AFTER))
    target, desired = _target(radius, AFTER)
    with target:
        kind_order = OLD_KIND_ORDER if old_order else target.kind_order
        changes = order_changes(diff(target.read(), desired, target.write_only), kind_order)
        secrets = {c.key: generate_password() for c in changes
                   if c.kind == "radius_user" and c.op == "create"}
        todo = [st for c in changes for st in statements([c], target.scope, secrets)] \
            if old_order else statements(changes, target.scope, secrets)
        passwords.update(secrets)
        kinds = {(c.op, c.kind) for c in changes}
        assert {("delete", "radius_group"), ("create", "radius_group"),
                ("update", "radius_group"), ("create", "radius_user"),
                ("delete", "radius_user"), ("update", "radius_user"),
                ("delete", "radius_mac")} <= kinds
        touched = [(JANE, "lon1-wlc"), (MAYA, "lon1-wlc"), (AMARA, "man1-wlc"),
                   (OSCAR, "lon1-wlc")]
        leaks: list[str] = []
        for k in range(len(todo) + 1):
            restore(radius, before_rows)
            with target.db.transaction():
                for st in todo[:k]:
                    target.db.execute(st)
            leaks += [f"after {k}/{len(todo)} statements: {w}" for w in logins.leaks(touched)]
    # the last prefix is the whole apply: exactly what the estate says after
    assert logins.answers() == expected_answers(logins, logins.allowed[1])
    return leaks


def test_every_prefix_of_an_apply_grants_only_what_before_or_after_grants(
        radius: RadiusLab) -> None:
    assert _prefix_leaks(radius) == []


def test_the_prefixes_of_the_earlier_statement_order_leak(radius: RadiusLab) -> None:
    """Before: groups first, each change's rows replaced in turn, removals last. A user
    being removed then briefly gets the occupier's new VLAN, granted neither before nor
    after."""
    leaks = _prefix_leaks(radius, old_order=True)
    assert any("oscar.lind@greenleaf.example at lon1-wlc: Access-Accept, VLAN 110; "
               "allowed VLAN 101" in w for w in leaks), leaks


Step = tuple[str, tuple[Any, ...]]


def _deletions(radius: RadiusLab) -> list[tuple[str, list[Step]]]:
    """(label, statements): every row of ours alone, then each resource's rows at once."""
    out: list[tuple[str, list[Step]]] = []
    for rid, user, attr in radius.sql("SELECT id, username, attribute FROM radcheck"):
        out.append((f"radcheck {user} {attr}", [("DELETE FROM radcheck WHERE id = ?", (rid,))]))
    for rid, user, group in radius.sql("SELECT id, username, groupname FROM radusergroup"):
        out.append((f"membership {user} {group}",
                    [("DELETE FROM radusergroup WHERE id = ?", (rid,))]))
    for table in ("radgroupcheck", "radgroupreply"):
        for rid, group, attr in radius.sql(f"SELECT id, groupname, attribute FROM {table}"):  # noqa: S608
            out.append((f"{table} {group} {attr}",
                        [(f"DELETE FROM {table} WHERE id = ?", (rid,))]))  # noqa: S608
    groups = {g for (g,) in radius.sql("SELECT groupname FROM radgroupcheck UNION "
                                       "SELECT groupname FROM radgroupreply")}
    for g in sorted(groups):
        out.append((f"group {g} emptied", [
            (f"DELETE FROM {table} WHERE groupname = ?", (g,))  # noqa: S608
            for table in ("radgroupcheck", "radgroupreply")]))
    for (user,) in radius.sql("SELECT DISTINCT username FROM radusergroup"):
        out.append((f"every membership of {user}",
                    [("DELETE FROM radusergroup WHERE username = ?", (user,))]))
        out.append((f"every credential row of {user}",
                    [("DELETE FROM radcheck WHERE username = ?", (user,))]))
    return out


def _single_row_leaks(radius: RadiusLab, only: str = "") -> list[str]:
    radius.apply(FULL)
    logins = Logins(radius, radius.new_passwords(), {PRINTER}, [grants(radius, FULL)])
    assert logins.answers() == expected_answers(logins, logins.allowed[0])
    full = snapshot(radius)
    members: dict[str, list[str]] = {}
    for _id, user, group, _prio in full["radusergroup"]:
        members.setdefault(group, []).append(user)
    leaks: list[str] = []
    for label, steps in _deletions(radius):
        if not label.startswith(only):
            continue
        restore(radius, full)
        for sql, params in steps:
            radius.sql(sql, params)
        # PEAP for the login the deletion touches: its own, or a member of the group
        words = label.split()
        who = words[1] if words[0] in ("radcheck", "membership") else words[-1] \
            if words[0] == "every" else sorted(members.get(words[1], [""]))[0]
        nases = [*logins.allowed[0].get(who, {}), "no-such-site-wlc"]
        leaks += [f"{label}: {w}" for w in logins.leaks([(who, nas) for nas in nases])]
    return leaks


def test_no_single_row_or_resource_deleted_opens_anything(radius: RadiusLab) -> None:
    assert _single_row_leaks(radius) == []


def test_the_enumerations_find_the_leak_of_the_earlier_row_design(
        radius: RadiusLab, monkeypatch: pytest.MonkeyPatch) -> None:
    force_legacy_design(monkeypatch)
    leaks = _single_row_leaks(radius, only="group")
    # an emptied group: Access-Accept without a VLAN wherever the login is tried
    assert any(w.startswith("group rcl-acme@lon1 emptied: PAP jane@acme.example at "
                            "no-such-site-wlc: Access-Accept, no VLAN") for w in leaks), leaks
    assert any("PEAP" in w and "no VLAN" in w for w in leaks), leaks
