"""What of a pull request reaches the trusted tool: regular estate files, never a link.

Also the local workflow runner's own rules, so that a workflow test cannot pass because
a step was silently not run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT, copy_estate
from tests.gitops.actions_expr import ExpressionError, evaluate, interpolate

SECRET = "lon1-net: {password: Sup3r-S3cret-77}\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_only_regular_estate_files_are_taken_and_links_are_refused(tmp_path: Path) -> None:
    pr = copy_estate(tmp_path / "pr")
    (pr / "sites" / "notes.md").write_text("not data\n")
    (pr / "reconciler").mkdir()
    (pr / "reconciler" / "__init__.py").write_text("raise SystemExit('ran')\n")
    (tmp_path / "credentials.yaml").write_text(SECRET)
    (pr / "occupiers" / "evil.yaml").symlink_to(tmp_path / "credentials.yaml")
    _git(pr, "init", "-q")
    _git(pr, "add", "-A")
    _git(pr, "-c", "user.name=T", "-c", "user.email=t@e.invalid", "commit", "-q", "-m", "pr")
    work = tmp_path / "work"
    (work / "sites").mkdir(parents=True)
    (work / "sites" / "old.yaml").write_text("id: old\n")
    res = subprocess.run([str(REPO_ROOT / "scripts" / "pr-estate-data.sh"), str(pr)], cwd=work,
                         capture_output=True, text=True, check=False)
    assert res.returncode == 1
    assert "::error file=occupiers/evil.yaml::not a regular file (mode 120000)" in res.stdout
    assert sorted(p.name for p in (work / "sites").iterdir()) == ["lon1.yaml", "man1.yaml"]
    assert not (work / "occupiers" / "evil.yaml").exists() and not (work / "reconciler").exists()
    assert not pr.exists()  # the pull request's checkout is gone before anything runs


def test_the_loader_refuses_a_symlinked_estate_file(estate_dir: Path, tmp_path: Path,
                                                    cli: Callable[..., Any]) -> None:
    """A link committed in a pull request must not make validation quote a secret file."""
    creds = tmp_path / "credentials.yaml"
    creds.write_text(SECRET)
    (estate_dir / "occupiers" / "evil.yaml").symlink_to(creds)
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1
    assert "occupiers/evil.yaml:1:1: [symlink] is a symbolic link" in res.output
    assert "Sup3r-S3cret-77" not in res.output


def test_expressions_follow_github() -> None:
    ctx = {"needs": {"c": {"outputs": {"data_only": "true"}, "result": "success"}},
           "secrets": {"S": "s3"}, "github": {"event": {"pull_request": {"number": 7}}}}
    assert evaluate("needs.c.outputs.data_only == 'true' && secrets.S || ''", ctx) == "s3"
    ctx["needs"]["c"]["outputs"]["data_only"] = "false"
    assert evaluate("needs.c.outputs.data_only == 'true' && secrets.S || ''", ctx) == ""
    assert evaluate("needs.c.outputs.missing", ctx) is None
    assert evaluate("needs.c.outputs.missing != ''", ctx) is False  # null == '' in GitHub
    assert evaluate("always() && needs.c.result != 'skipped'", ctx, status="failure") is True
    assert evaluate("success()", ctx, status="failure") is False
    assert interpolate("pr-${{ github.event.pull_request.number }}", ctx) == "pr-7"
    with pytest.raises(ExpressionError):
        evaluate("hashFiles('x')", ctx)


def test_the_runner_refuses_what_it_does_not_model(tmp_path: Path) -> None:
    import sys

    from tests.gitops.actions_runner import Runner, WorkflowError

    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    (repo / "scripts" / "setup.sh").write_text("#!/bin/sh\n")
    (repo / "wf.yml").write_text("on: pull_request_target\njobs:\n  a:\n    runs-on: x\n"
                                 "    steps:\n      - uses: actions/cache@v4\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=T", "-c", "user.email=t@e.invalid", "commit", "-q", "-m", "x")
    sha = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                         text=True, check=True).stdout.strip()
    event = {"pull_request": {"number": 1, "base": {"sha": sha}, "head": {"sha": sha},
                              "merge_commit_sha": sha}}
    with pytest.raises(WorkflowError, match="actions/cache@v4"):
        Runner(repo, event, tmp_path / "run", sys.executable).run("wf.yml")


def test_an_offline_plan_reads_nothing_and_cannot_be_applied(estate_git: Any, tmp_path: Path,
                                                             cli: Callable[..., Any]) -> None:
    """No credentials needed (none are set here): the estate against itself at the base."""
    estate_git.edit("occupiers/harbour-coffee.yaml", 'space: "3.04", move_in: 2026-10-01',
                    'space: "3.03", move_in: 2026-10-01')
    out = tmp_path / "plan.json"
    res = cli("plan", "--repo", estate_git.root, "--changed-since", "HEAD", "--offline",
              "--at", "2026-11-26", "--format", "json", "--out", out)
    assert res.exit_code == 2, res.output
    import json

    plan = json.loads(out.read_text())
    assert plan["offline"] and "WITHOUT live credentials" in plan["notes"][0]
    changed = {(t["target"], c["key"]) for t in plan["targets"] for c in t["changes"]}
    assert changed == {("lon1/acc-3a", f"Ethernet{n}") for n in (7, 8, 9)}
    assert all(t["live_digest"] is None and t["commands"] == [] for t in plan["targets"])
    refused = cli("apply", out, "--repo", estate_git.root, "--yes")
    assert refused.exit_code == 1 and "planned offline" in refused.output
    assert cli("plan", "--repo", estate_git.root, "--offline").exit_code == 1
