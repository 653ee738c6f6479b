"""`reconciler lab generate`: valid, deterministic, sized as asked, platforms as known."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reconciler.lab.generate import Sizes, generate, write_estate


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def test_generated_estate_validates_and_needs_no_allocation(
        tmp_path: Path, cli: Callable[..., Any]) -> None:
    out = tmp_path / "est"
    res = cli("lab", "generate", "--sites", "4", "--occupiers", "40", "--users", "410",
              "--switches", "9", "--seed", "3", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "4 sites and 40 occupiers" in res.stdout
    res = cli("validate", "--repo", str(out))
    assert res.exit_code == 0, res.output
    assert "4 sites, 40 occupiers" in res.stdout
    res = cli("allocate", "--check", "--repo", str(out))
    assert res.exit_code == 0, res.output


def test_sizes_are_what_was_asked() -> None:
    sites, occs = generate(Sizes(5, 50, 1003, switches=12, seed=1))
    assert len(sites) == 5 and len(occs) == 50
    assert sum(len(s["switches"]) for s in sites.values()) == 12
    assert sum(len(o["users"]) for o in occs.values()) == 1003
    assert all(sum(sw["role"] == "core" for sw in s["switches"].values()) == 1
               for s in sites.values())
    emails = [u["email"] for o in occs.values() for u in o["users"]]
    assert len(set(emails)) == len(emails)
    # Every site keeps vacant spaces for moves.
    for sid, s in sites.items():
        spaces = {sp["id"] for f in s["floors"] for sp in f["spaces"]}
        leased = {o["space"] for d in occs.values() for c in d["contracts"] if c["site"] == sid
                  for o in c["occupancies"]}
        assert leased < spaces and len(spaces - leased) >= 4


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        write_estate(Sizes(3, 20, 100, seed=seed), tmp_path / name)
    a, b, c = (files(tmp_path / n) for n in "abc")
    assert a == b
    assert a.keys() == c.keys() and a != c


def test_platforms_appear_only_once_their_targets_exist() -> None:
    only_eos, _ = generate(Sizes(2, 4, 8, switches=6))
    assert {sw["platform"] for s in only_eos.values() for sw in s["switches"].values()} == \
        {"arista_eos"}
    assert not any(k in s for s in only_eos.values() for k in ("wifi", "radius", "pbx"))
    every = frozenset({"arista_eos", "cisco_ios", "meraki", "freeradius", "asterisk"})
    mixed, _ = generate(Sizes(2, 4, 8, switches=6, platforms=every))
    ios = [(sid, name) for sid, s in mixed.items() for name, sw in s["switches"].items()
           if sw["platform"] == "cisco_ios"]
    assert ios and all(name.startswith("acc-") for _, name in ios)
    refs = [p for s in mixed.values() for f in s["floors"] for sp in f["spaces"]
            for p in sp["ports"]]
    assert any("GigabitEthernet1/0/" in r for r in refs)
    assert all(k in s for s in mixed.values() for k in ("wifi", "radius", "pbx"))
    assert not any("dhcp" in s for s in mixed.values())  # Kea not known: no DHCP
    with_kea, _ = generate(Sizes(2, 4, 8, switches=6, platforms=every | {"kea"},
                                 organizations=2))
    assert all(s["dhcp"]["platform"] == "kea" for s in with_kea.values())
    # Wi-Fi spread over the organisations asked for (each has its own rate limit).
    assert len({s["wifi"]["organization_id"] for s in with_kea.values()}) == 2


def test_mixed_platform_estate_validates(tmp_path: Path, cli: Callable[..., Any]) -> None:
    every = frozenset({"arista_eos", "cisco_ios", "meraki", "freeradius", "asterisk", "kea"})
    write_estate(Sizes(2, 10, 30, switches=5, platforms=every, organizations=2),
                 tmp_path / "mixed")
    res = cli("validate", "--repo", str(tmp_path / "mixed"))
    assert res.exit_code == 0, res.output


def test_impossible_sizes_are_refused(tmp_path: Path, cli: Callable[..., Any]) -> None:
    res = cli("lab", "generate", "--sites", "4", "--switches", "3", "--out", str(tmp_path / "x"))
    assert res.exit_code == 1
    assert "every site needs at least its core switch" in res.output
    res = cli("lab", "generate", "--sites", "1", "--occupiers", "300", "--out",
              str(tmp_path / "y"))
    assert res.exit_code == 1 and "at most 250 occupiers per site" in res.output
