"""Tests of the EOS CLI syntax helpers: VLAN lists, interface names, the block tree."""

from __future__ import annotations

import random
from typing import Any

import pytest

from reconciler.switching.vlans import ALL_VLANS, compress_vlan_list, expand_vlan_list
from reconciler.targets.eos_syntax import interface_type, normalise_interface, parse_blocks

# ---------------------------------------------------------------- VLAN lists

@pytest.mark.parametrize(("text", "expected"), [
    ("10,20-22", {10, 20, 21, 22}),
    ("none", set()),
    ("NONE", set()),
    ("1", {1}),
    ("4094", {4094}),
    ("5-5", {5}),
    (" 10 , 20 - 21 ", {10, 20, 21}),
    ("3,1,2", {1, 2, 3}),
])
def test_expand_vlan_list(text: str, expected: set[int]) -> None:
    assert expand_vlan_list(text) == expected


def test_expand_all_is_every_vlan() -> None:
    assert expand_vlan_list("all") == set(range(1, 4095)) == set(ALL_VLANS)


@pytest.mark.parametrize("junk", [
    "", " ", "0", "4095", "10-5", "10,,20", "10-", "-10", "a", "10;20", "1 2", "vlan10",
    "²", "1-4095", "1" * 5000])
def test_expand_vlan_list_rejects_junk(junk: str) -> None:
    with pytest.raises(ValueError):
        expand_vlan_list(junk)


@pytest.mark.parametrize(("vlans", "expected"), [
    ({10, 20, 21, 22}, "10,20-22"),
    (set(), "none"),
    ([7], "7"),
    ([1, 2], "1-2"),
    ([3, 1, 2, 2, 10], "1-3,10"),
    (range(1, 4095), "1-4094"),
])
def test_compress_vlan_list(vlans: Any, expected: str) -> None:
    assert compress_vlan_list(vlans) == expected


@pytest.mark.parametrize("bad", [[0], [4095], [True], [-1]])
def test_compress_vlan_list_rejects_bad_ids(bad: list[int]) -> None:
    with pytest.raises(ValueError):
        compress_vlan_list(bad)


def test_vlan_list_round_trip_random_sets() -> None:
    rng = random.Random(20240611)
    for _ in range(500):
        size = rng.choice([0, 1, 2, 5, 50, 400])
        low, high = rng.choice([(1, 30), (1, 4094), (4000, 4094)])
        vlans = {rng.randint(low, high) for _ in range(size)}
        text = compress_vlan_list(vlans)
        assert expand_vlan_list(text) == vlans
        assert compress_vlan_list(expand_vlan_list(text)) == text  # canonical form
        # Canonical: ranges never touch or overlap, so nothing could be merged further.
        if vlans:
            bounds = [[int(x) for x in part.split("-")] for part in text.split(",")]
            assert all(len(b) == 1 or b[0] < b[1] for b in bounds)
            assert all(nxt[0] > prev[-1] + 1 for prev, nxt in zip(bounds, bounds[1:], strict=False))


# ---------------------------------------------------------------- interface names

@pytest.mark.parametrize(("raw", "expected"), [
    ("et1", "Ethernet1"),
    ("Eth1", "Ethernet1"),
    ("ethernet1/1", "Ethernet1/1"),
    ("Ethernet49/1", "Ethernet49/1"),
    ("e3", "Ethernet3"),
    ("ETHERNET 5", "Ethernet5"),
    ("po1", "Port-Channel1"),
    ("port-channel10", "Port-Channel10"),
    ("Port-Channel1.100", "Port-Channel1.100"),
    ("portchannel2", "Port-Channel2"),
    ("vlan10", "Vlan10"),
    ("Vlan10", "Vlan10"),
    ("vl20", "Vlan20"),
    ("vx1", "Vxlan1"),
    ("ma1", "Management1"),
    ("Management0", "Management0"),
    ("lo0", "Loopback0"),
    (" Ethernet1 ", "Ethernet1"),
])
def test_normalise_interface(raw: str, expected: str) -> None:
    assert normalise_interface(raw) == expected


@pytest.mark.parametrize("raw", ["v1", "Foo1", "Ethernet", "Application1"])
def test_normalise_interface_leaves_unknown_or_ambiguous_names(raw: str) -> None:
    # "v" could be Vlan or Vxlan: guessing would put config on the wrong interface.
    assert normalise_interface(raw) == raw


def test_normalise_interface_rejects_empty() -> None:
    with pytest.raises(ValueError):
        normalise_interface("  ")


def test_interface_type() -> None:
    assert interface_type("Ethernet1/1") == "Ethernet"
    assert interface_type("Port-Channel1") == "Port-Channel"
    assert interface_type("junk") == ""



# ---------------------------------------------------------------- block tree

def test_blocks_nest_by_indent_without_recursion_limit() -> None:
    deep = "\n".join(" " * i + f"line{i}" for i in range(5000))
    blocks = parse_blocks(deep)
    depth, node = 0, blocks[0]
    while node.children:
        depth, node = depth + 1, node.children[0]
    assert depth == 4999
