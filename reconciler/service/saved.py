"""Saved plans between `plan --out` and `apply FILE`: signed when written, and read back
as untrusted input (engine.plan_file says what a file may carry and how it is checked)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..engine import plan_file
from ..engine.credentials import CredentialStore
from ..engine.plan import Plan, TargetClass
from ..engine.resources import TargetSpec
from ..errors import PlanError


def save(data: Mapping[str, Any], creds: CredentialStore | None) -> tuple[dict[str, Any], bool]:
    """A plan's JSON as written to a file, and whether it could be signed."""
    body = plan_file.saved_form(data)
    key = plan_file.signing_key(creds) if creds is not None else None
    if key is None or body.get("offline"):
        return body, False
    return plan_file.sign(body, key), True


def read(path: Path, creds: CredentialStore, registry: Mapping[str, TargetClass]) -> Plan:
    """The plan in `path`, its MAC checked and every value it carries validated."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanError(f"cannot read plan {path}: {exc}") from None
    if isinstance(raw, dict) and raw.get("offline") is True:
        raise PlanError(f"{path} was planned offline (without live credentials): it "
                        "compares the estate with itself; plan against the live systems "
                        "to apply")
    plan_file.verify(raw, plan_file.signing_key(creds), str(path))
    return plan_file.load(raw, registry)


def trusted_specs(plan: Plan, specs: Mapping[str, TargetSpec],
                  reached: Callable[[TargetSpec], TargetSpec]) -> None:
    """Put the estate's own spec (where, how, with which templates) in each target's place;
    a target the estate does not have on the plan's date is refused."""
    for tp in plan.targets:
        spec = specs.get(tp.target)
        if spec is None:
            raise PlanError(f"the plan names target {tp.target}, which the estate does not "
                            f"have on {plan.at}: refused (a plan only changes the estate's "
                            "targets)")
        if (spec.platform, spec.site) != (tp.spec.platform, tp.spec.site):
            raise PlanError(f"{tp.target}: the plan says {tp.spec.platform} at site "
                            f"{tp.spec.site}, the estate {spec.platform} at {spec.site}: "
                            "refused; plan again")
        tp.spec = reached(spec)
