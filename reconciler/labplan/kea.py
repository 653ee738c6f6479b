"""Lab planner for DHCP: one private kea-dhcp4 per DHCP target of the estate."""

from __future__ import annotations

from pathlib import Path

from ..model.estate import Estate
from .plan import LabPlan


def kea_installed() -> bool:
    from ..lab.kea import KeaUnavailable, find_kea

    try:
        find_kea()
    except KeaUnavailable:
        return False
    return True


def plan_kea(estate: Estate, workdir: Path, plan: LabPlan) -> None:
    from ..intent.dhcp import dhcp_target_id

    sites = [s for s in sorted(estate.sites.values(), key=lambda s: s.id) if s.dhcp]
    if not sites:
        return
    if not kea_installed():
        plan.notes.append("lab: kea-dhcp4 is not installed (Debian package kea-dhcp4-server); "
                          "the DHCP targets " + ", ".join(dhcp_target_id(s) for s in sites)
                          + " stay unreachable")
        return
    servers = []
    for site in sites:
        assert site.dhcp is not None
        tid = dhcp_target_id(site)
        # The control agent would want these; the lab's UNIX socket does not.
        plan.secret_for(site.dhcp.credentials, username="kea")
        servers.append({"name": tid})
        plan.targets[tid] = tid
    plan.components.append({"kind": "kea", "servers": servers})
