"""A pull request's plan against the lab: today's live part, a later date, no machine path.

The lab keeps its database and provisioning folders under the estate (a temporary
folder here), so the live plan of a desk phone names a file there: what the plan shows
must not (a pull-request comment is read by people who never saw the runner).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reconciler.engine.plan import Plan
from tests.gitops.conftest import ZEPHYR_MAN1, EstateGit

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab


def test_a_pull_request_plan_shows_no_path_of_the_machine(lab_estate: LabEstate,
                                                           tmp_path: Path) -> None:
    g = EstateGit(lab_estate.root)
    assert lab_estate.cli("apply", "--yes").exit_code == 0  # the story day, in sync
    # Today: a desk phone for Raj at lon1 (a provisioning file), a Wi-Fi login for Owen at
    # man1 (on the RADIUS server that lon1 runs). Later: zephyr moves in at man1.
    g.edit("occupiers/acme.yaml", "        label: Raj Patel\n",
           '        label: Raj Patel\n        handset: {mac: "80:5e:c0:12:34:99", '
           "model: yealink-t46u}\n")
    g.edit("occupiers/northwind-legal.yaml", "name: Owen Price, wifi_secure: false",
           "name: Owen Price, wifi_secure: true")
    g.write("occupiers/zephyr.yaml", ZEPHYR_MAN1)
    g.commit("desk phone, Wi-Fi login, zephyr")
    saved = tmp_path / "plan.json"
    shown = {}
    for fmt in ("text", "json", "markdown"):
        res = lab_estate.cli("plan", "--changed-since", "HEAD~1", "--format", fmt,
                             "--out", str(saved))
        assert res.exit_code == 2, res.output
        shown[fmt] = res.stdout
    machine = {str(lab_estate.root), str(lab_estate.root.resolve()), str(tmp_path),
               str(Path.home()), tempfile.gettempdir()}
    for fmt, out in shown.items():
        for path in machine:
            assert path not in out, (fmt, path)
    # The path was there to leak: apply's own input keeps it where apply reads it (the
    # lab's files), and only there.
    kept = json.loads(saved.read_text())
    assert str(lab_estate.root) in json.dumps(kept["targets"])
    assert not any(path in json.dumps({k: v for k, v in kept.items() if k != "targets"})
                   for path in machine)
    assert Plan.from_json(kept).changes == Plan.from_json(json.loads(shown["json"])).changes
    md = shown["markdown"]
    assert "write ./.lab/provisioning/lon1/805ec0123499.cfg" in md
    assert "- **acme** at lon1: + desk phone 805ec0123499" in md
    assert "- **northwind-legal** at man1: + Wi-Fi user owen.price@northwind-legal.example" \
        in md
    assert "##### 2027-02-01: zephyr: contract at man1 starts" in md
    # The desk phone lasts as long as acme's lon1 contract: from its end, only Owen's login
    # is left of today's part of the change.
    jan5 = md[md.index("##### 2027-01-05: acme: contract at lon1 ends on 2027-01-04: its "
                       "services are torn down (already in the estate)"):
              md.index("##### 2027-01-25")]
    assert "+ Wi-Fi user owen.price@northwind-legal.example" in jan5 and "desk phone" not in jan5
    data = json.loads(shown["json"])
    sites = {(c["kind"], c["site"]) for t in data["targets"] for c in t["changes"]}
    assert sites == {("handset", "lon1"), ("radius_user", "man1")}
    # 2027-01-25: zephyr's Wi-Fi accounts, a week ahead of its start
    assert [d["date"] for d in data["effective_dates"]["dates"]] == ["2027-01-05", "2027-01-25",
                                                                     "2027-02-01"]
    assert "  northwind-legal at man1: + Wi-Fi user" in shown["text"]
