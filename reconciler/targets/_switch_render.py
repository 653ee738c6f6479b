"""Commands for a switch change, for its hardware model: a refused line never leaves here.

Templates see the model's features as `hw` (`hw.routed_ports`, ...; every feature is on
when the site names no model) and may call `refuse(reason)` for a change the model cannot
make. Whatever they render is then checked against the model's refusal rules, the same
rules the lab emulator enforces, so a plan never holds a line the switch would reject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..engine.resources import Change
from ..errors import ConfigError, TargetRejected
from ..switching.hardware import SwitchModel, check_lines, lookup
from ._render import render_changes


class _Features(dict[str, bool]):
    """`hw.<feature>` in a template: what the model says, True for anything unlisted."""

    def __missing__(self, key: str) -> bool:
        return True


class ModelRefusal(Exception):
    """Raised by `refuse(...)` in a template."""


def _refuse(reason: str) -> str:
    raise ModelRefusal(reason)


def switch_model(platform: str, target_id: str, name: str | None) -> SwitchModel | None:
    """The target's model from its settings; ConfigError when it is not in the catalogue."""
    if name is None:
        return None
    try:
        return lookup(platform, name)
    except ValueError as exc:
        raise ConfigError(f"{target_id}: {exc}") from None


def render_switch(platform: str, changes: Sequence[Change], templates_dir: str | None,
                  model: SwitchModel | None, target_id: str) -> list[str]:
    features: Mapping[str, bool] = model.features if model else {}
    try:
        lines = render_changes(platform, changes, templates_dir, hw=_Features(features),
                               refuse=_refuse)
    except ModelRefusal as exc:
        where = f"a {model.name}" if model else "this switch"
        raise TargetRejected(target_id, f"{where} cannot make this change: {exc}") from None
    problem = check_lines(model, lines)
    if problem:
        raise TargetRejected(target_id, f"{problem}; the change cannot be made on this switch")
    return lines
