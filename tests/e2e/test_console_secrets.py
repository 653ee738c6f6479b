"""The console holds personal data, never a secret: grep a console built after a lab apply.

Every secret the lab generated (the credentials of every system, and every password,
key and PIN mailed through the outbox by the apply) is searched for in every file of
a console built from that estate, its journal and its drift report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ruamel.yaml import YAML

from tests.e2e.conftest import LabEstate

MAILED = re.compile(r"(?im)^\s*(?:password|key)\s*:\s*(\S{8,})\s*$")
PIN = re.compile(r"\bPIN (\d{4,})\b")


def _leaves(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _leaves(v)]
    return [str(value)] if isinstance(value, str) and len(value) >= 8 else []


def test_no_secret_the_lab_generated_is_in_the_console(lab_estate: LabEstate,
                                                       tmp_path: Path) -> None:
    assert lab_estate.cli("apply", "--yes").exit_code == 0
    report = tmp_path / "drift-lon1.json"
    assert lab_estate.cli("drift", "--report", str(report)).exit_code == 0
    assert json.loads(report.read_text())["sites"] == ["lon1", "man1"]  # named even with no drift
    creds = YAML(typ="safe").load(lab_estate.credentials.read_text())
    secrets = [s for name, fields in creds.items() for s in _leaves(fields)]
    mails = [m.read_text(errors="replace") for m in (lab_estate.root / "outbox").rglob("*.eml")]
    mailed = [s for text in mails for s in MAILED.findall(text)]
    pins = [p for text in mails for p in PIN.findall(text)]
    assert len(mailed) >= 10 and len(pins) >= 4 and len(secrets) >= 8  # the lab made them
    out = tmp_path / "site"
    res = lab_estate.run_cli("console", "build", "--repo", str(lab_estate.root), "--out",
                             str(out), "--drift", str(report))
    assert res.exit_code == 0, res.output
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 15
    text = "\n".join(p.read_text(errors="replace") for p in files)
    assert "jane@acme.example" in text and "Sent " in text  # personal data and the journal
    # Indexes only: a failing test must not print a secret.
    assert [i for i, s in enumerate(secrets + mailed) if s in text] == []
    assert [i for i, p in enumerate(pins) if re.search(rf"(?<!\d){p}(?!\d)", text)] == []
