"""Lab planning: which emulators and servers `reconciler lab up` starts for an estate.

Kept out of `reconciler.lab` on purpose: the emulators play the devices and import
nothing from the rest of the package, while planning a lab reads the estate (model)
and the seed templates. Tests build their labs here, never through the CLI.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ..engine.plan_file import SIGNING_CREDENTIAL, SIGNING_FIELD
from ..lab.files import write_private
from ..model.estate import Estate
from .kea import kea_installed, plan_kea
from .pbx import plan_pbx
from .plan import LabPlan, LabPlanner
from .radius import plan_radius
from .switches import plan_switches
from .wifi import plan_wifi

__all__ = ["LAB_PLANNERS", "LabPlan", "build_lab", "endpoints_doc", "kea_installed",
           "write_lab_files"]

# Each live-system family adds how its lab part is started.
LAB_PLANNERS: list[LabPlanner] = [plan_switches, plan_wifi, plan_radius, plan_pbx, plan_kea]


def build_lab(estate: Estate, workdir: Path) -> LabPlan:
    # The lab folder holds device logins and phone files with SIP passwords: it ignores
    # itself, so no repository can pick it up, whatever its own .gitignore says.
    (workdir / ".gitignore").write_text("# written by reconciler lab\n*\n")
    plan = LabPlan()
    for planner in LAB_PLANNERS:
        planner(estate, workdir, plan)
    # Saved plans are signed with a key from the credential store: the lab's own.
    plan.credentials[SIGNING_CREDENTIAL] = {SIGNING_FIELD: secrets.token_hex(32)}
    return plan


def endpoints_doc(plan: LabPlan, endpoints: dict[str, Any]) -> dict[str, Any]:
    targets = {}
    for name, ep in endpoints.items():
        tid = plan.targets.get(name)
        if tid:
            targets[tid] = {k: v for k, v in ep.items() if k in ("host", "port", "transport",
                                                                 "base_url", "dsn", "path",
                                                                 "requests_per_second",
                                                                 "provisioning_dir",
                                                                 "fast_cli", "delay_factor")}
    return {"targets": targets}


def write_lab_files(workdir: Path, plan: LabPlan, endpoints: dict[str, Any]) -> tuple[Path, Path]:
    """The endpoints file (where targets are) and the credentials file (0600)."""
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    ep_file, cred_file = workdir / "endpoints.yaml", workdir / "credentials.yaml"
    # An endpoints file may carry an inline DSN password: both are the owner's only.
    for path, doc in ((ep_file, endpoints_doc(plan, endpoints)), (cred_file, plan.credentials)):
        text = io.StringIO()
        yaml.dump(doc, text)
        write_private(path, text.getvalue())
    return ep_file, cred_file
