"""The blast-radius guard counts what occupiers lose on the PBX too (their numbers and
lines), judged the same way for `plan`, `apply --target` and `drift` (issue 16, issue 18)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.test_ownership import pbx_rows
from tests.gitops.conftest import EstateGit

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab

AT = "2026-11-26"
FILE = "occupiers/northwind-legal.yaml"
# Four of Northwind's six lines at man1 (its file stays, its contract is in force).
DROPPED = ("+441614960001", "+441614960002", "+441614960003", "+441614960004")


def test_losing_most_of_an_occupiers_lines_is_refused_with_the_numbers(
        lab_estate: LabEstate) -> None:
    g = EstateGit(lab_estate.root)
    assert lab_estate.cli("apply", "--yes", "--at", AT).exit_code == 0
    path = lab_estate.root / FILE
    text = path.read_text()
    for number in DROPPED:
        text, n = re.subn(rf"\n      - \{{number: \"\{re.escape(number)[1:]}\".*", "", text)
        assert n == 1, number
    text, n = re.subn(r"voice: \{lines: 6,", "voice: {lines: 2,", text)
    assert n == 1
    path.write_text(text)
    g.commit("northwind gives up four lines")
    before = pbx_rows(lab_estate)

    res = lab_estate.cli("plan", "--at", AT, "--target", "man1/pbx", "--format", "json")
    assert res.stdout.startswith("{"), res.output
    code, plan = res.exit_code, json.loads(res.stdout)
    assert code == 1, plan
    refusal = " ".join(plan["guard_refusals"])
    assert "site man1: 4 of 7 phone numbers would be lost (57% > 20%)" in refusal, refusal

    res = lab_estate.cli("apply", "--yes", "--at", AT, "--target", "man1/pbx")
    assert res.exit_code == 1 and "phone numbers would be lost" in res.output, res.output
    # drift (man1 corrects drift) goes through the same guard: it deletes nothing either.
    res = lab_estate.cli("drift", "--at", AT, "--target", "man1/pbx")
    assert res.exit_code == 1, res.output
    assert "REFUSED: site man1: 4 of 7 phone numbers would be lost" in res.output
    assert pbx_rows(lab_estate) == before

    res = lab_estate.cli("apply", "--yes", "--at", AT, "--target", "man1/pbx",
                         "--allow-mass-change")
    assert res.exit_code == 0, res.output
    live = {r[0] for r in pbx_rows(lab_estate) if isinstance(r[0], str)}
    assert not {n.lstrip("+") for n in DROPPED} & live
