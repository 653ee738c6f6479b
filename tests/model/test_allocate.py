"""`reconciler allocate`: lowest free, stable, and the rest of each file byte-identical."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from reconciler.model.estate import load_estate
from reconciler.model.yamlio import Edit, edit_text


def strip_network(path: Path) -> str:
    text = path.read_text()
    path.write_text(re.sub(r"^    network: .*\n", "", text, flags=re.M))
    return text


def test_allocate_writes_only_new_lines(estate_dir: Path, cli: Callable[..., object],
                                        story_day: str) -> None:
    """On the story day every contract runs, so every one gets its network back."""
    originals = {}
    for name in ("acme", "orbit-analytics", "northwind-legal"):
        originals[name] = strip_network(estate_dir / "occupiers" / f"{name}.yaml")
    stripped = {n: (estate_dir / "occupiers" / f"{n}.yaml").read_text() for n in originals}
    result = cli("validate", "--repo", estate_dir)
    assert result.exit_code == 1 and "[allocation-missing]" in result.output  # type: ignore[attr-defined]
    assert "reconciler allocate" in result.output  # type: ignore[attr-defined]

    result = cli("allocate", "--repo", estate_dir)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    for name, original in originals.items():
        now = (estate_dir / "occupiers" / f"{name}.yaml").read_text()
        # Same allocation as before (lowest free, deterministic) ...
        assert now == original, name
        # ... and every line of the stripped file is still there, in order.
        old_lines = stripped[name].splitlines()
        new_lines = [ln for ln in now.splitlines() if not ln.startswith("    network: ")]
        assert new_lines == old_lines
    assert cli("validate", "--repo", estate_dir).exit_code == 0  # type: ignore[attr-defined]


def test_existing_allocations_never_move(estate_dir: Path, cli: Callable[..., object]) -> None:
    # Free VLAN 101 at lon1 (greenleaf leaves git): orbit keeps 103 and acme keeps 102.
    (estate_dir / "occupiers" / "greenleaf-studio.yaml").unlink()
    strip_network(estate_dir / "occupiers" / "harbour-coffee.yaml")
    result = cli("allocate", "--repo", estate_dir)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    estate = load_estate(estate_dir)
    nets = {o: c.network for o, occ in estate.occupiers.items() for c in occ.contracts
            if c.site == "lon1" and c.network}
    assert nets["acme"].vlan == 102 and nets["orbit-analytics"].vlan == 103
    # The newcomer takes the lowest VLAN free over its whole contract period: bluefin
    # released 100 the day before harbour starts, so it rests (pools.network_cooldown_days);
    # greenleaf's 101 is free (its file is gone, and outside git there is no history).
    assert nets["harbour-coffee"].vlan == 101
    assert nets["harbour-coffee"].subnet == "172.16.1.0/24"


def test_check_mode_reports_and_writes_nothing(estate_dir: Path,
                                               cli: Callable[..., object]) -> None:
    path = estate_dir / "occupiers" / "orbit-analytics.yaml"
    strip_network(path)
    before = path.read_text()
    result = cli("allocate", "--check", "--repo", estate_dir)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "missing: orbit-analytics@lon1" in result.output  # type: ignore[attr-defined]
    assert path.read_text() == before


def test_pool_exhaustion_is_an_error(estate_dir: Path, cli: Callable[..., object]) -> None:
    site = estate_dir / "sites" / "man1.yaml"
    site.write_text(site.read_text().replace("occupier_vlans: 100-899", "occupier_vlans: 100-101"))
    strip_network(estate_dir / "occupiers" / "kestrel-labs.yaml")
    result = cli("allocate", "--repo", estate_dir)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "occupiers/kestrel-labs.yaml" in result.output  # type: ignore[attr-defined]
    assert "no free VLAN" in result.output  # type: ignore[attr-defined]


def test_flow_style_contract_falls_back_to_round_trip() -> None:
    text = ("# keep me\nid: x\ncontracts:\n  - {site: lon1, start: 2026-01-01}  # inline\n"
            "users: []\n")
    new = edit_text(text, [Edit("f", ("contracts", 0), "network",
                                {"vlan": 100, "subnet": "172.16.0.0/24"})])
    assert "# keep me" in new and "# inline" in new
    assert "network: {vlan: 100, subnet: 172.16.0.0/24}" in new
