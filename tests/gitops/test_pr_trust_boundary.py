"""The PR workflow's trust boundary, run the way CI runs it: base tool, pull request data.

`plan.yml` is run by a local runner (`actions_runner`) on throwaway repositories whose
base commit is this checkout. A pull request that edits `reconciler/` (and the
workflow, and setup.sh) and one that edits a template (a line that reads the process
environment) must not see a credential; a pull request of estate data alone gets the
live plan with the credentials (the control); a maintainer's approval runs the pull
request's own tool with them, and even then the template sandbox keeps the secret in.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reconciler.lab.launcher import Lab
from reconciler.labplan import build_lab
from reconciler.model.estate import load_estate
from tests.conftest import REPO_ROOT, STORY_DAY, copy_estate
from tests.gitops.actions_runner import Run, Runner

pytestmark = pytest.mark.lab

TOOL = ("reconciler", "templates", "scripts", "sites", "occupiers", ".github")
MOVE = ('space: "3.04", move_in: 2026-10-01', 'space: "3.03", move_in: 2026-10-01')
HARBOUR = "occupiers/harbour-coffee.yaml"
OFFLINE = "This plan was made without live credentials"


@dataclass
class Network:
    """The lab switches of lon1, as a runner inside the network reaches them."""

    endpoints: Path
    secret: str  # the credentials file CI keeps as an environment secret
    password: str


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    work = tmp_path_factory.mktemp("lab")
    estate = load_estate(copy_estate(work / "estate"))
    plan = build_lab(estate, work)
    comps = [{**c, "devices": [d for d in c["devices"] if d["name"].startswith("lon1/")]}
             for c in plan.components if c["kind"] == "eos"]
    with Lab({"components": comps}, work) as lab:
        eps = {t: {k: v for k, v in ep.items() if k in ("host", "port", "transport")}
               for t, ep in lab.endpoints().items()}
        (work / "endpoints.yaml").write_text(json.dumps({"targets": eps}))
        creds = {"lon1-net": plan.credentials["lon1-net"]}
        yield Network(work / "endpoints.yaml", json.dumps(creds),
                      str(plan.credentials["lon1-net"]["password"]))


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1))


def _origin(tmp: Path, change: Callable[[Path], None]) -> tuple[Path, dict[str, Any]]:
    """A repository: main = this checkout's tool and estate; a pull request on top."""
    repo = tmp / "origin"
    repo.mkdir()
    for name in TOOL:
        shutil.copytree(REPO_ROOT / name, repo / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", ".gitignore"):
        shutil.copy(REPO_ROOT / name, repo / name)
    # lon1 with its switches only: the lab network here has nothing else to read.
    site = repo / "sites" / "lon1.yaml"
    site.write_text("".join(ln for ln in site.read_text().splitlines(keepends=True)
                            if not ln.startswith(("wifi:", "dhcp:"))))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "T")
    _git(repo, "config", "user.email", "t@example.invalid")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    base = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-q", "-b", "pr")
    change(repo)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "pull request")
    head = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-q", "--detach", base)
    _git(repo, "merge", "-q", "--no-ff", "-m", "merge", head)
    merge = _git(repo, "rev-parse", "HEAD")
    _git(repo, "update-ref", "refs/pull/1/merge", merge)
    _git(repo, "checkout", "-q", "main")
    return repo, {"pull_request": {"number": 1, "base": {"sha": base}, "head": {"sha": head},
                                   "merge_commit_sha": merge}}


def _run(tmp: Path, network: Network, change: Callable[[Path], None],
         approved: set[str] | None = None) -> Run:
    origin, event = _origin(tmp, change)
    # In the environments, and (as an operator who kept the old setup would have it) in
    # the repository too: the workflow alone must keep it from a pull request.
    secrets = {env: {"RECONCILER_CREDENTIALS_YAML": network.secret}
               for env in ("", "reconciler-plan", "reconciler-plan-approval")}
    runner = Runner(origin, event, tmp / "run", sys.executable, secrets=secrets,
                    reviewers={"reconciler-plan-approval"}, approved=approved,
                    runner_env={"RECONCILER_TODAY": STORY_DAY, "RECONCILER_CACHE": "0",
                                "RECONCILER_ENDPOINTS": str(network.endpoints)})
    return runner.run(".github/workflows/plan.yml")


def _data(root: Path) -> None:
    _edit(root, HARBOUR, *MOVE)  # Harbour Coffee moves to 3.03 (lon1/acc-3a)


def _plan_json(run: Run, name: str = "plan") -> dict[str, Any]:
    return dict(json.loads((run.artifacts / name / "plan.json").read_text()))


def test_a_pull_request_of_estate_data_gets_the_live_plan(tmp_path: Path,
                                                          network: Network) -> None:
    """The control: the same runner does hand the credentials over, to estate data."""
    run = _run(tmp_path, network, _data)
    assert run.jobs["classify"].outputs["data_only"] == "true"
    assert run.jobs["plan"].result == "success", [s.out for s in run.jobs["plan"].steps]
    assert network.password in run.step("plan", "Plan").env["CREDENTIALS_YAML"]
    plan = _plan_json(run)
    acc = next(t for t in plan["targets"] if t["target"] == "lon1/acc-3a")
    assert acc["live_digest"] and acc["commands"] and not plan["offline"]  # read live
    assert run.jobs["plan-approved"].result == run.jobs["comment-approved"].result == "skipped"
    (comment,) = run.comments()
    assert comment.startswith("<!-- reconciler-plan -->") and OFFLINE not in comment
    assert "**harbour-coffee** at lon1" in comment
    assert network.password not in run.text(inputs=False)


def test_a_pull_request_that_edits_the_tool_sees_no_credential(tmp_path: Path,
                                                               network: Network) -> None:
    canary = tmp_path / "pwned"

    def change(root: Path) -> None:
        _data(root)
        # Code that would run with the credentials if CI installed the pull request.
        with (root / "reconciler" / "__init__.py").open("a") as fh:
            fh.write("\nimport os as _o, pathlib as _p\n"
                     f"_p.Path({str(canary)!r}).write_text(repr(dict(_o.environ)) + "
                     "_p.Path(_o.environ.get('RECONCILER_CREDENTIALS', '/dev/null'))"
                     ".read_text())\n")
        setup = root / "scripts" / "setup.sh"
        setup.write_text(setup.read_text().replace(
            "set -euo pipefail", f"set -euo pipefail\nenv > {canary}.setup", 1))
        # ... and a workflow of its own that hands the secret over.
        (root / ".github" / "workflows" / "plan.yml").write_text(
            "name: plan\non: [pull_request, pull_request_target]\njobs:\n  plan:\n"
            "    runs-on: ubuntu-latest\n    steps:\n      - env:\n"
            "          S: ${{ secrets.RECONCILER_CREDENTIALS_YAML }}\n"
            f"        run: printf '%s' \"$S\" > {canary}.workflow\n")

    run = _run(tmp_path, network, change)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("pwned")]
    assert network.password not in run.text()  # anywhere: logs, env, files, comments
    assert run.jobs["classify"].outputs["data_only"] == "false"
    assert "reconciler/__init__.py" in run.jobs["classify"].outputs["others"]
    assert run.jobs["plan"].result == "success", [s.out for s in run.jobs["plan"].steps]
    plan = _plan_json(run)
    assert plan["offline"] and all(t["live_digest"] is None for t in plan["targets"])
    (comment,) = run.comments()
    assert OFFLINE in comment and "**harbour-coffee** at lon1" in comment
    assert run.jobs["plan-approved"].result == "waiting"  # until a maintainer approves
    assert run.jobs["comment-approved"].result == "waiting"


def _template(root: Path) -> None:
    _data(root)
    path = root / "templates" / "arista_eos" / "port.j2"
    path.write_text("{{ cycler.__init__.__globals__.os.environ }}\n" + path.read_text())


def test_a_pull_request_that_edits_a_template_sees_no_credential(tmp_path: Path,
                                                                 network: Network) -> None:
    run = _run(tmp_path, network, _template)
    assert network.password not in run.text()
    assert run.jobs["classify"].outputs["data_only"] == "false"
    (comment,) = run.comments()
    assert OFFLINE in comment and "templates/arista_eos/port.j2" in comment
    assert run.jobs["plan-approved"].result == "waiting"


def test_an_approved_template_change_still_cannot_read_the_environment(
        tmp_path: Path, network: Network) -> None:
    run = _run(tmp_path, network, _template, approved={"reconciler-plan-approval"})
    job = run.jobs["plan-approved"]
    assert job.result == "failure"  # the plan names the broken template: exit 1
    assert network.password in run.step("plan-approved", "Plan").env["CREDENTIALS_YAML"]
    approved = _plan_json(run, "plan-approved")
    acc = next(t for t in approved["targets"] if t["target"] == "lon1/acc-3a")
    assert acc["error"].startswith("template arista_eos/port.j2 failed: SecurityError")
    comments = run.comments()
    assert len(comments) == 2 and "own tool and templates" in comments[1]
    assert network.password not in run.text(inputs=False)


def test_workflow_files_on_pull_requests_never_hold_a_credential() -> None:
    """Static: only environment secrets (deployment branches: main), and the jobs that
    may write to the pull request run nothing from it."""
    wf = YAML(typ="safe").load((REPO_ROOT / ".github" / "workflows" / "plan.yml").read_text())
    assert set(wf["on"]) == {"pull_request_target"} and wf["permissions"] == {}
    jobs = wf["jobs"]
    for name, job in jobs.items():
        text = json.dumps(job)
        if "secrets." in text:
            assert job.get("environment") in ("reconciler-plan", "reconciler-plan-approval")
            assert job["permissions"] == {"contents": "read"}, name
        if job.get("permissions", {}).get("pull-requests") == "write":
            assert "secrets." not in text and "setup.sh" not in text, name
    assert jobs["plan-approved"]["environment"] == "reconciler-plan-approval"
