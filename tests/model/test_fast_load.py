"""The fast (libyaml) path and the parse cache give what the round-trip loader gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.model import cache as cache_mod
from reconciler.model import loader
from reconciler.model.estate import load_estate


def test_fast_path_values_equal_round_trip_values(estate_dir: Path) -> None:
    texts = [p.read_text() for p in sorted(estate_dir.rglob("*.yaml"))]
    assert loader._fast_yaml() is not None, "ruamel.yaml.clib is a pinned dependency"
    for text in texts:
        assert loader._fast_load(text) == loader.plain(loader._yaml().load(text))


@pytest.mark.parametrize("text", [
    "a: [x:y]\n",  # YAML 1.2 allows it, libyaml does not: the round-trip loader decides
    "%YAML 1.1\n---\na: yes\n",  # another YAML version: round-trip path
    "a: &x [1]\nb: *x\n",  # aliases are refused with a location, not silently shared
])
def test_fast_path_steps_aside(text: str) -> None:
    assert loader._fast_load(text) is None


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("RECONCILER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache_mod, "MIN_FILES", 0)
    cache_mod.forget()
    return tmp_path / "cache"


def test_cache_serves_unchanged_files_and_reparses_changed_ones(
        estate_dir: Path, cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_estate(estate_dir)
    assert list(cached.glob("estate-*.json"))
    acme = estate_dir / "occupiers" / "acme.yaml"
    acme.write_text(acme.read_text().replace("name: Acme Robotics Ltd", "name: Acme Two Ltd"))
    parsed: list[str] = []
    real = loader._fast_load
    monkeypatch.setattr(loader, "_fast_load", lambda t: parsed.append(t) or real(t))
    second = load_estate(estate_dir)
    assert len(parsed) == 1 and "Acme Two" in parsed[0]  # only the edited file was parsed
    assert second.occupiers["acme"].name == "Acme Two Ltd"
    assert second.sites == first.sites
    # A new process (no memo) finds every file on disk.
    cache_mod.forget()
    parsed.clear()
    load_estate(estate_dir)
    assert parsed == []


def test_error_in_a_cached_file_is_still_located(
        estate_dir: Path, cached: Path, cli: Callable[..., Any]) -> None:
    load_estate(estate_dir)  # fills the cache
    site = estate_dir / "sites" / "lon1.yaml"
    site.write_text(site.read_text().replace('id: "3.04"', 'id: "3.40"'))
    occ = estate_dir / "occupiers" / "harbour-coffee.yaml"  # unchanged: served from cache
    line = next(i for i, ln in enumerate(occ.read_text().splitlines(), 1) if '"3.04"' in ln)
    res = cli("validate", "--repo", str(estate_dir))
    assert res.exit_code == 1
    assert f"occupiers/harbour-coffee.yaml:{line}:" in res.output
    assert "space-exists" in res.output or "does not exist" in res.output


def test_cache_off_writes_nothing(estate_dir: Path, cached: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_CACHE", "0")
    load_estate(estate_dir)
    assert not cached.exists()
