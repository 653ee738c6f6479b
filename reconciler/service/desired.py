"""The desired state a use-case works on: load, compile for a date, select, scope.

Also where targets are reached (an endpoints file, e.g. the lab's) and which
templates they render with (an estate's own `templates/` folder), without touching
the estate files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ..engine.resources import TargetSpec
from ..errors import ConfigError
from ..gitops.planning import scoped
from ..gitops.scope import Scope
from ..intent import DesiredState, compile_estate
from ..model.estate import Estate, load_estate


@dataclass
class Desired:
    """An estate, what it wants on one day (in scope), and that scope (changed-since)."""

    estate: Estate
    state: DesiredState
    scope: Scope | None = None

    @property
    def at(self) -> dt.date:
        return self.state.at

    @property
    def sites(self) -> set[str]:
        return {s for spec in self.state.targets.values() for s in sites_of(spec)}


def sites_of(spec: TargetSpec) -> list[str]:
    """A target shared by sites (one RADIUS server) lists them all in its scope."""
    return [spec.site, *spec.scope.get("sites", [])]


def load(root: Path, *, check_allocations: bool = True) -> Estate:
    return load_estate(root.resolve(), check_allocations=check_allocations)


def select(desired: DesiredState, sites: Iterable[str] | None,
           targets: Iterable[str] | None) -> DesiredState:
    """Only the targets of these sites and/or these target ids (each must exist)."""
    sites, targets = list(sites or []), list(targets or [])
    if not sites and not targets:
        return desired
    known_sites = {s for spec in desired.targets.values() for s in sites_of(spec)}
    for s in sites:
        if s not in known_sites:
            raise ConfigError(f"no targets at site {s!r}; sites: {', '.join(sorted(known_sites))}")
    for t in targets:
        if t not in desired.targets:
            raise ConfigError(f"no target {t!r}; targets: {', '.join(sorted(desired.targets))}")
    keep = [tid for tid, spec in desired.targets.items()
            if (not sites or set(sites_of(spec)) & set(sites))
            and (not targets or tid in targets)]
    return desired.select(keep)


def read_endpoints(path: Path | None) -> dict[str, dict[str, Any]]:
    """target id -> settings overriding where it is reached (e.g. the lab's loopback ports)."""
    if path is None:
        return {}
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read endpoints file {path}: {exc.strerror}") from None
    targets = data.get("targets", {}) if isinstance(data, dict) else {}
    return {str(t): dict(f) for t, f in targets.items() if isinstance(f, dict)}


def pointed(spec: TargetSpec, overrides: Mapping[str, Any],
            templates_dir: Path | None) -> TargetSpec:
    """Where the target is reached now (`overrides`, e.g. the lab's endpoints), and the
    estate's templates it renders with; a `templates_dir` from anywhere else is dropped."""
    settings = {**spec.settings, **overrides}
    settings.pop("templates_dir", None)
    if templates_dir is not None:
        settings["templates_dir"] = str(templates_dir)
    return TargetSpec(spec.id, spec.platform, spec.site, settings, spec.scope, spec.credentials)


def with_settings(specs: Mapping[str, TargetSpec], overrides: Mapping[str, Mapping[str, Any]],
                  templates_dir: Path | None) -> dict[str, TargetSpec]:
    """Specs pointed at their endpoints, rendering with the estate's templates if any."""
    return {tid: pointed(spec, overrides.get(tid, {}), templates_dir)
            for tid, spec in specs.items()}


def compile_for(root: Path, estate: Estate, at: dt.date, sites: Iterable[str] | None,
                targets: Iterable[str] | None, changed_since: str | None) -> Desired:
    desired = select(compile_estate(estate, at), sites, targets)
    desired, scope = scoped(root, desired, changed_since)
    return Desired(estate, desired, scope)
