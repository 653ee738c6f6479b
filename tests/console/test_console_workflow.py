"""The console workflow: actionlint clean, built on merges and after apply/drift, Pages opt-in."""

from __future__ import annotations

import subprocess
from typing import Any

from ruamel.yaml import YAML

from tests.gitops.test_gitops_workflows import WORKFLOWS, _actionlint


def _load(name: str) -> Any:
    return YAML(typ="safe").load((WORKFLOWS / name).read_text())


def test_console_workflow_passes_actionlint() -> None:
    res = subprocess.run([_actionlint(), "-no-color", str(WORKFLOWS / "console.yml")],
                         capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def test_built_on_every_merge_and_after_apply_and_drift() -> None:
    wf = _load("console.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["on"]["workflow_run"] == {"workflows": ["apply", "drift"], "types": ["completed"]}
    steps = wf["jobs"]["build"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "scripts/setup.sh" in runs and "reconciler console build --out console" in runs
    assert "--journal console-state/journals --drift console-state/drift" in runs
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["name"] == "console"


def test_pages_only_when_the_repository_opts_in() -> None:
    wf = _load("console.yml")
    gate = "vars.RECONCILER_CONSOLE_PAGES == 'true'"
    assert wf["jobs"]["pages"]["if"] == gate
    pages_upload = [s for s in wf["jobs"]["build"]["steps"]
                    if str(s.get("uses", "")).startswith("actions/upload-pages-artifact")]
    assert pages_upload and pages_upload[0]["if"] == gate
    assert wf["permissions"] == {"contents": "read", "actions": "read"}  # no write by default


def test_drift_and_apply_leave_what_the_console_reads() -> None:
    drift = (WORKFLOWS / "drift.yml").read_text()
    # Each site of a batch writes its own report; the job uploads them all.
    assert '--report "drift-$SITE.json"' in drift and "drift-*.json" in drift
    for name in ("apply.yml", "drift.yml"):
        text = (WORKFLOWS / name).read_text()
        assert ".reconciler/journal.jsonl" in text and "include-hidden-files: true" in text
        assert "tag -f -a -m" in text  # annotated: the console shows when the site was applied
