"""Run this project's GitHub workflows locally, the way GitHub does, for tests.

What the workflows use is modelled, and nothing else: jobs in `needs` order with their
`if`, `environment` (each environment has its own secrets; one that needs a reviewer
waits, with everything after it, unless the test approves it), job outputs, and steps:
`run` under `bash -e -o pipefail` with GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and
GITHUB_STEP_SUMMARY, and the actions checkout, setup-python, upload-artifact and
download-artifact. A workflow that uses anything else fails here loudly, so a test
cannot pass because a step was skipped.

`pull_request_target` runs the workflow file of the base commit (GitHub's rule), so
the runner reads it from there. `scripts/setup.sh` takes a minute and the network; in
a checkout where it is the trusted one (the base's, byte for byte) it is replaced by
a stand-in that installs that same checkout's package through a `reconciler` shim. A
setup.sh that a pull request changed stays as it is: if a workflow ran it, it runs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.gitops.actions_expr import evaluate, interpolate

SETUP_STANDIN = """#!/usr/bin/env bash
# Test stand-in for scripts/setup.sh: installs the checkout this file lives in.
set -euo pipefail
VENV=${2:-.venv}
cd "$(dirname "$0")/.."
mkdir -p "$VENV/bin"
printf '#!/bin/sh\\nPYTHONPATH=%s exec %s -m reconciler "$@"\\n' "$PWD" "__PYTHON__" \\
  > "$VENV/bin/reconciler"
chmod +x "$VENV/bin/reconciler"
echo "setup: ready ($VENV) [installed from $PWD]"
"""

# Records every call and answers "no comment yet" to the listing.
FAKE_GH = """#!/usr/bin/env bash
set -euo pipefail
log="__LOG__/gh-$(date +%s%N).json"
body=""
for a in "$@"; do case "$a" in body=@*) body=$(cat "${a#body=@}") ;; esac; done
python3 - "$log" "$body" "$@" <<'PY'
import json, sys
json.dump({"args": sys.argv[3:], "body": sys.argv[2]}, open(sys.argv[1], "w"))
PY
"""


class WorkflowError(AssertionError):
    """The workflow uses something this runner does not model."""


@dataclass
class Step:
    name: str
    env: dict[str, str]
    rc: int
    out: str = ""


@dataclass
class Job:
    name: str
    result: str  # success | failure | skipped | waiting
    outputs: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    root: Path | None = None


@dataclass
class Run:
    jobs: dict[str, Job]
    artifacts: Path
    gh_calls: list[dict[str, Any]]
    root: Path

    def text(self, *, inputs: bool = True) -> str:
        """Every byte the run left: step logs, files of the workspaces, artifacts and
        comments; with `inputs`, also what the workflow handed in (each step's
        environment, the runners' temporary folders where secrets are written)."""
        parts = [s.out for j in self.jobs.values() for s in j.steps]
        if inputs:
            parts += [json.dumps(s.env) for j in self.jobs.values() for s in j.steps]
        parts += [json.dumps(c) for c in self.gh_calls]
        for path in _files(self.root):
            if not inputs and path.relative_to(self.root).parts[2:3] == ("temp",):
                continue
            parts.append(path.read_bytes().decode("utf-8", "replace"))
        return "\n".join(parts)

    def step(self, job: str, name: str) -> Step:
        return next(s for s in self.jobs[job].steps if s.name == name)

    def comments(self) -> list[str]:
        return [str(c["body"]) for c in self.gh_calls if c["body"]]


def _files(root: Path) -> Iterator[Path]:
    for p in root.rglob("*"):
        if p.is_file() and not p.is_symlink() and "/.git/" not in str(p):
            yield p


class Runner:
    def __init__(self, origin: Path, event: Mapping[str, Any], workdir: Path, python: str,
                 *, secrets: Mapping[str, Mapping[str, str]] | None = None,
                 variables: Mapping[str, str] | None = None,
                 reviewers: set[str] | None = None, approved: set[str] | None = None,
                 runner_env: Mapping[str, str] | None = None) -> None:
        self.origin = origin
        self.event = dict(event)
        self.workdir = workdir
        self.python = python
        self.secrets = {k: dict(v) for k, v in (secrets or {}).items()}  # env -> secrets
        self.vars = dict(variables or {})
        self.reviewers = set(reviewers or ())  # environments that need an approval
        self.approved = set(approved or ())
        self.runner_env = dict(runner_env or {})
        self.event_name, self.default_ref = "pull_request_target", ""
        self.trusted_setup = self._git("show", f"{self._base()}:scripts/setup.sh")
        subprocess.run(["git", "-C", str(origin), "config", "uploadpack.allowAnySHA1InWant",
                        "true"], check=True)

    def _base(self) -> str:
        return str(self.event["pull_request"]["base"]["sha"])

    def _git(self, *args: str, cwd: Path | None = None) -> str:
        return subprocess.run(["git", *args], cwd=cwd or self.origin, check=True,
                              capture_output=True, text=True).stdout

    # ------------------------------------------------------------------ workflow
    def run(self, workflow: str) -> Run:
        """As GitHub: `pull_request_target` runs the base commit's workflow and checks out
        the base by default; `pull_request` runs the merge commit's (the pull request's
        own file) and checks that out (secrets given: a branch of the same repository)."""
        wf = self._workflow(self._base(), workflow)
        if "pull_request_target" in _triggers(wf):
            self.event_name, self.default_ref = "pull_request_target", self._base()
        else:
            merge = str(self.event["pull_request"]["merge_commit_sha"])
            wf = self._workflow(merge, workflow)
            if "pull_request" not in _triggers(wf):
                raise WorkflowError(f"{workflow} does not run on pull requests")
            self.event_name, self.default_ref = "pull_request", merge
        for key in wf:
            if key not in ("name", "on", True, "permissions", "defaults", "concurrency",
                           "jobs", "env"):
                raise WorkflowError(f"top-level key {key!r} is not modelled")
        artifacts = self.workdir / "artifacts"
        artifacts.mkdir(parents=True)
        (self.workdir / "gh").mkdir()
        jobs: dict[str, Job] = {}
        pending = dict(wf["jobs"])
        while pending:
            ready = [n for n, j in pending.items() if set(_needs(j)) <= set(jobs)]
            if not ready:
                raise WorkflowError(f"jobs wait on each other: {sorted(pending)}")
            for name in ready:
                jobs[name] = self._job(name, pending.pop(name), jobs, artifacts,
                                       dict(wf.get("env") or {}))
        calls = [json.loads(p.read_text()) for p in sorted((self.workdir / "gh").iterdir())]
        return Run(jobs, artifacts, calls, self.workdir)

    def _workflow(self, commit: str, path: str) -> dict[str, Any]:
        doc = YAML(typ="safe").load(self._git("show", f"{commit}:{path}"))
        return dict(doc)

    def _job(self, name: str, spec: Mapping[str, Any], done: Mapping[str, Job],
             artifacts: Path, wf_env: dict[str, Any]) -> Job:
        needs = {n: done[n] for n in _needs(spec)}
        if any(j.result == "waiting" for j in needs.values()):
            return Job(name, "waiting")
        ctx = self._context(needs=needs)
        cond = spec.get("if", "success()")
        if not evaluate(_strip(cond), ctx, status=_status(needs)):
            return Job(name, "skipped")
        env_name = spec.get("environment")
        if isinstance(env_name, dict):
            env_name = env_name.get("name")
        env_name = interpolate(str(env_name), ctx) if env_name else ""
        if env_name in self.reviewers and env_name not in self.approved:
            return Job(name, "waiting")
        root = self.workdir / "jobs" / name
        ws, temp, home, fakebin = (root / d for d in ("work", "temp", "home", "bin"))
        for d in (ws, temp, home, fakebin):
            d.mkdir(parents=True)
        (fakebin / "gh").write_text(FAKE_GH.replace("__LOG__", str(self.workdir / "gh")))
        (fakebin / "gh").chmod(0o755)
        job = Job(name, "success", root=root)
        secrets = {**self.secrets.get("", {}), **self.secrets.get(env_name, {})}
        steps_ctx: dict[str, Any] = {}
        files = {k: temp / f"{k}.txt" for k in ("output", "env", "path", "summary")}
        for f in files.values():
            f.touch()
        base_env = {"PATH": f"{fakebin}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
                    "LANG": "C.UTF-8", "CI": "true", "GITHUB_ACTIONS": "true",
                    "GITHUB_WORKSPACE": str(ws), "RUNNER_TEMP": str(temp),
                    "GITHUB_REPOSITORY": "operator/estate",
                    "GITHUB_EVENT_NAME": self.event_name,
                    "GITHUB_ENV": str(files["env"]), "GITHUB_PATH": str(files["path"]),
                    "GITHUB_STEP_SUMMARY": str(files["summary"]), **self.runner_env}
        for i, step in enumerate(spec["steps"]):
            ctx = self._context(needs=needs, steps=steps_ctx, secrets=secrets, temp=temp)
            failed = job.result == "failure"
            if not evaluate(_strip(step.get("if", "success()")), ctx,
                            status="failure" if failed else "success"):
                continue
            files["output"].write_text("")
            env = {**base_env, **_read_env(files["env"]), "GITHUB_OUTPUT": str(files["output"])}
            env["PATH"] = ":".join([*reversed(files["path"].read_text().split()), env["PATH"]])
            for scope in (wf_env, spec.get("env") or {}, step.get("env") or {}):
                env.update({k: str(interpolate(str(v), ctx)) for k, v in scope.items()})
            record = Step(step.get("name") or step.get("uses") or f"step {i}", env, 0)
            job.steps.append(record)
            try:
                if "uses" in step:
                    self._action(step, ctx, ws, artifacts)
                else:
                    cwd = ws / interpolate(str(step.get("working-directory", ".")), ctx)
                    proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o",
                                           "pipefail", "-c", interpolate(step["run"], ctx)],
                                          cwd=cwd, env=env, capture_output=True, text=True,
                                          timeout=600, check=False)
                    record.rc, record.out = proc.returncode, proc.stdout + proc.stderr
            except subprocess.CalledProcessError as exc:
                record.rc, record.out = 1, f"{exc}\n{exc.stderr}"
            if "id" in step:
                steps_ctx[step["id"]] = {"outputs": _read_env(files["output"]),
                                         "outcome": "success" if record.rc == 0 else "failure"}
            if record.rc != 0:
                job.result = "failure"
        ctx = self._context(needs=needs, steps=steps_ctx, secrets=secrets, temp=temp)
        job.outputs = {k: str(interpolate(str(v), ctx))
                       for k, v in (spec.get("outputs") or {}).items()}
        return job

    def _context(self, *, needs: Mapping[str, Job], steps: Mapping[str, Any] | None = None,
                 secrets: Mapping[str, str] | None = None, temp: Path | None = None
                 ) -> dict[str, Any]:
        return {"github": {"event": self.event, "repository": "operator/estate",
                           "token": "ghs_fake_token_for_tests",
                           "event_name": self.event_name},
                "needs": {n: {"result": j.result, "outputs": j.outputs}
                          for n, j in needs.items()},
                "steps": dict(steps or {}), "secrets": dict(secrets or {}),
                "vars": self.vars, "runner": {"temp": str(temp or ""), "os": "Linux"},
                "env": {}, "inputs": {}}

    # ------------------------------------------------------------------ actions
    def _action(self, step: Mapping[str, Any], ctx: Mapping[str, Any], ws: Path,
                artifacts: Path) -> None:
        uses = str(step["uses"])
        action = uses.split("@", 1)[0]
        inputs = {k: interpolate(str(v), ctx) for k, v in (step.get("with") or {}).items()}
        known = {"actions/checkout": ("ref", "path", "fetch-depth", "persist-credentials"),
                 "actions/setup-python": ("python-version",),
                 "actions/upload-artifact": ("name", "path"),
                 "actions/download-artifact": ("name", "path")}
        if action not in known or set(inputs) - set(known[action]):
            raise WorkflowError(f"{uses} with {sorted(inputs)} is not modelled")
        if action == "actions/checkout":
            self._checkout(ws / inputs.get("path", "."), inputs.get("ref") or self.default_ref,
                           int(inputs.get("fetch-depth", "1")))
        elif action == "actions/upload-artifact":
            dest = artifacts / inputs["name"]
            dest.mkdir(parents=True, exist_ok=False)
            for line in inputs["path"].split():
                if (ws / line).is_file():
                    shutil.copy(ws / line, dest / Path(line).name)
        elif action == "actions/download-artifact":
            src = artifacts / inputs["name"]
            if not src.is_dir():
                raise subprocess.CalledProcessError(1, uses, stderr="artifact not found")
            shutil.copytree(src, ws / inputs.get("path", "."), dirs_exist_ok=True)

    def _checkout(self, dest: Path, ref: str, depth: int) -> None:
        """As actions/checkout: all branches and tags when depth is 0, then the ref."""
        dest.mkdir(parents=True, exist_ok=True)
        url = f"file://{self.origin}"
        self._git("init", "-q", cwd=dest)
        if depth == 0:
            self._git("fetch", "-q", url, "+refs/heads/*:refs/remotes/origin/*",
                      "+refs/tags/*:refs/tags/*", cwd=dest)
            self._git("fetch", "-q", url, ref, cwd=dest)
        else:
            self._git("fetch", "-q", f"--depth={depth}", url, ref, cwd=dest)
        self._git("checkout", "-q", "--detach", "FETCH_HEAD", cwd=dest)
        setup = dest / "scripts" / "setup.sh"
        if setup.is_file() and setup.read_text() == self.trusted_setup:
            setup.write_text(SETUP_STANDIN.replace("__PYTHON__", self.python))


def _triggers(wf: Mapping[Any, Any]) -> list[str]:
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as true
    return [on] if isinstance(on, str) else list(on or [])


def _needs(spec: Mapping[str, Any]) -> list[str]:
    needs = spec.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def _status(needs: Mapping[str, Job]) -> str:
    return "success" if all(j.result == "success" for j in needs.values()) else "failure"


def _strip(cond: Any) -> str:
    text = str(cond).strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", text, re.S)
    return m.group(1) if m else text


def _read_env(path: Path) -> dict[str, str]:
    """`name=value` lines and `name<<DELIM` blocks, as GitHub reads them."""
    out: dict[str, str] = {}
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1:end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out
