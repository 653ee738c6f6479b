"""Lab planner for the PBX: one SQLite realtime database per PBX server."""

from __future__ import annotations

from pathlib import Path

from ..model.estate import Estate
from ..templates_dir import BUILTIN_TEMPLATES
from .plan import LabPlan


def plan_pbx(estate: Estate, workdir: Path, plan: LabPlan) -> None:
    servers: dict[str, dict[str, str]] = {}
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        if site.pbx is None:
            continue
        tid = f"{site.id}/pbx"
        servers.setdefault(site.pbx.server, {})[tid] = f"provisioning/{site.id}"
        plan.secret_for(site.pbx.credentials, username="pbx-owner")
        plan.targets[tid] = tid
    if servers:
        schema = (BUILTIN_TEMPLATES / "asterisk" / "realtime.sqlite.sql").read_text()
        plan.components.append({"kind": "asterisk", "databases": [
            {"name": name, "schema": schema, "targets": targets}
            for name, targets in sorted(servers.items())]})
