"""Lab planner for RADIUS: one real FreeRADIUS (when installed) per RADIUS server.

Each server gets a private SQLite database under `.lab/`; the site's RADIUS
credential points at it.
"""

from __future__ import annotations

from pathlib import Path

from ..model.estate import Estate
from ..templates_dir import BUILTIN_TEMPLATES
from .plan import LabPlan


def plan_radius(estate: Estate, workdir: Path, plan: LabPlan) -> None:
    servers: dict[str, str] = {}
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        if site.radius is not None:
            servers.setdefault(site.radius.server, site.radius.credentials)
    if not servers:
        return
    entries = []
    for server, cred in sorted(servers.items()):
        db = (workdir / "freeradius" / server / "radius.db").resolve()
        plan.credentials[cred] = {"dsn": f"sqlite:///{db}"}
        plan.targets[server] = server
        entries.append({"name": server, "sqlite_path": str(db)})
    plan.components.append({"kind": "freeradius", "templates": str(BUILTIN_TEMPLATES),
                            "servers": entries})
