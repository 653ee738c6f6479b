"""diff(live, desired): smallest change set; rollback is the same diff swapped."""

from __future__ import annotations

import random

from reconciler.engine.diff import apply_changes, diff, order_changes
from reconciler.engine.resources import Resource, canonical


def r(kind: str, key: str, **attrs: object) -> Resource:
    return Resource("sw", kind, key, attrs)


def test_create_update_delete_with_changed_fields_only() -> None:
    live = [r("vlan", "100", name="a"), r("port", "Ethernet1", vlan=999, enabled=False,
                                           description="vacant")]
    desired = [r("port", "Ethernet1", vlan=100, enabled=True, description="vacant"),
               r("vlan", "101", name="b")]
    changes = {(c.op, c.kind, c.key): c for c in diff(live, desired)}
    assert set(changes) == {("delete", "vlan", "100"), ("update", "port", "Ethernet1"),
                            ("create", "vlan", "101")}
    assert changes[("update", "port", "Ethernet1")].fields == ("enabled", "vlan")


def test_sets_compare_as_sets_and_lists_keep_order() -> None:
    assert diff([r("trunk", "Et49", vlans=[20, 100])],
                [r("trunk", "Et49", vlans=frozenset({100, 20}))]) == []
    # An ordered list (a hunt group, say) is a change when reordered.
    assert len(diff([r("hunt", "g", members=[1, 2])], [r("hunt", "g", members=[2, 1])])) == 1


def test_write_only_fields_are_not_compared() -> None:
    live = [r("radius_user", "a", group="g", password_version=1)]
    desired = [r("radius_user", "a", group="g", password_version=2)]
    assert diff(live, desired, {"radius_user": frozenset({"password_version"})}) == []
    assert len(diff(live, desired)) == 1


def test_order_upserts_by_kind_and_deletes_reversed() -> None:
    changes = diff([r("vlan", "5", name="x"), r("svi", "Vlan5", address=None)],
                   [r("port", "Ethernet2", vlan=7), r("vlan", "7", name="y")])
    ordered = order_changes(changes, ("vlan", "svi", "trunk", "port"))
    assert [(c.op, c.kind) for c in ordered] == [("create", "vlan"), ("create", "port"),
                                                ("delete", "svi"), ("delete", "vlan")]


def test_rollback_is_the_diff_swapped_round_trip() -> None:
    rng = random.Random(7)
    for _ in range(200):
        def state() -> list[Resource]:
            keys = rng.sample(range(12), rng.randint(0, 12))
            return [r("port", f"Ethernet{k}", vlan=rng.choice([1, 100, 101]),
                      enabled=rng.random() < 0.5) for k in keys]
        before, after = state(), state()
        forward = diff(before, after)
        reached = apply_changes(before, forward)
        assert diff(reached, after) == []
        back = diff(reached, before)
        restored = apply_changes(reached, back)
        assert sorted((x.key, canonical(x.attrs)) for x in restored) == \
               sorted((x.key, canonical(x.attrs)) for x in before)
