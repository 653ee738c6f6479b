"""Issue 14's operator scenario, replayed: ending a contract closes the network.

A new occupier at lon1 with Wi-Fi Secure, `end: 2027-12-31`, `deprovision_on_end`;
lon1's drift policy reports users (as lon1 ships) or corrects everything. After
`reconciler drift --at 2028-01-01 --site lon1` its user is rejected at every NAS
(lon1, man1, a NAS of no site) over PAP and PEAP, and nothing is left to do.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from reconciler.rehearsal.expect import UNKNOWN_NAS
from reconciler.rehearsal.radius_probe import Login, RadiusProbe, read_passwords
from tests.rehearsal.nova import ADA, add_nova

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab
NASES = ("lon1-wlc", "man1-wlc", UNKNOWN_NAS)


def _answers(lab: LabEstate, password: str) -> dict[str, list[str]]:
    ep = lab.lab.endpoints()["radius"]
    probe = RadiusProbe(ep["host"], ep["port"], ep["secret"], ep["ca_cert"])
    logins = [Login(ADA, password, nas) for nas in NASES]
    return {"pap": [str(a) for a in probe.pap(logins)],
            "peap": [str(a) for a in probe.peap(logins)]}


@pytest.mark.parametrize("policy", ["{default: correct, radius_user: report}",
                                    "{default: correct}"], ids=["report", "correct"])
def test_after_the_contract_end_the_user_is_rejected_everywhere(lab_estate: LabEstate,
                                                                policy: str) -> None:
    add_nova(lab_estate.root, policy)
    assert lab_estate.cli("apply", "--yes", "--at", "2027-12-31").exit_code == 0
    password = read_passwords(lab_estate.root / "outbox")[ADA]
    on_the_last_day = _answers(lab_estate, password)
    # lon1's VLAN at lon1, and nothing anywhere else
    assert on_the_last_day == {k: ["Access-Accept, VLAN 104", "Access-Reject", "Access-Reject"]
                               for k in ("pap", "peap")}

    res = lab_estate.cli("drift", "--at", "2028-01-01", "--site", "lon1", "--format", "json")
    report = json.loads(res.stdout)
    assert res.exit_code == 0, report
    nova = [i for i in report["items"] if i["owner"] == "nova-optics"]
    assert {(i["kind"], i["op"]) for i in nova} >= {("radius_user", "delete"),
                                                    ("radius_group", "delete")}
    assert {(i["action"], i["result"]) for i in nova} == {("scheduled", "applied")}

    assert _answers(lab_estate, password) == {k: ["Access-Reject"] * 3 for k in ("pap", "peap")}
    rc, plan = lab_estate.plan_json("--at", "2028-01-01", "--site", "lon1")
    assert (rc, plan["summary"]) == (0, {"create": 0, "update": 0, "delete": 0})
