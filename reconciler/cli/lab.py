"""`reconciler lab up|down|status`: the bundled lab for the estate's sites.

The lab runs in one background process (`reconciler.lab.launcher`). `up` writes
`.lab/endpoints.yaml` and `.lab/credentials.yaml` in the estate repo (both git-
ignored); point commands at them with --endpoints/--credentials or the
RECONCILER_ENDPOINTS / RECONCILER_CREDENTIALS variables it prints.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import typer
from ruamel.yaml import YAML

from ..errors import ConfigError
from ..lab.files import write_private
from ..labplan import build_lab, write_lab_files
from .common import OUT, RepoOpt, handle_errors, load

LAB_DIR = ".lab"
lab_app = typer.Typer(help="Run the bundled lab: emulated switches and systems on loopback.",
                      no_args_is_help=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _lab_pid(workdir: Path) -> int | None:
    try:
        pid = int((workdir / "lab.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


@lab_app.command("up")
@handle_errors
def up(repo: RepoOpt = Path("."),
       timeout: float = typer.Option(60.0, help="Seconds to wait for the lab to listen.")) -> None:
    """Start emulators for every site's systems on loopback and point the estate at them."""
    root = repo.resolve()
    workdir = root / LAB_DIR
    workdir.mkdir(exist_ok=True)
    if (pid := _lab_pid(workdir)) is not None:
        OUT.info(f"lab already running (pid {pid}); `reconciler lab down` first to restart it")
        _print_exports(workdir)
        return
    estate = load(root)
    plan = build_lab(estate, workdir)
    for note in plan.notes:
        OUT.info(note)
    config = workdir / "lab.json"
    write_private(config, json.dumps({"components": plan.components}, indent=2))
    ready = workdir / "ready.json"
    ready.unlink(missing_ok=True)
    log = (workdir / "lab.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "reconciler.lab.launcher", "--config",
                             str(config), "--ready-file", str(ready)], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True, cwd=workdir)
    (workdir / "lab.pid").write_text(f"{proc.pid}\n")
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise ConfigError(f"the lab did not start; see {workdir / 'lab.log'}")
        time.sleep(0.05)
    endpoints = json.loads(ready.read_text())["endpoints"]
    write_lab_files(workdir, plan, endpoints)
    OUT.info(f"lab up (pid {proc.pid}): {len(plan.targets)} targets on loopback")
    _print_exports(workdir)


def _print_exports(workdir: Path) -> None:
    OUT.out(f"export RECONCILER_ENDPOINTS={workdir / 'endpoints.yaml'}")
    OUT.out(f"export RECONCILER_CREDENTIALS={workdir / 'credentials.yaml'}")


@lab_app.command("down")
@handle_errors
def down(repo: RepoOpt = Path(".")) -> None:
    """Stop the lab started by `lab up` (by its PID) and forget its endpoints."""
    workdir = repo.resolve() / LAB_DIR
    pid = _lab_pid(workdir)
    if pid is None:
        OUT.info("lab is not running")
    else:
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not _pid_alive(pid):
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
        OUT.info(f"lab stopped (pid {pid})")
    for name in ("lab.pid", "ready.json", "endpoints.yaml", "credentials.yaml"):
        (workdir / name).unlink(missing_ok=True)


@lab_app.command("status")
@handle_errors
def status(repo: RepoOpt = Path(".")) -> None:
    """Say whether the lab runs and where its targets listen (exit 1 when down)."""
    workdir = repo.resolve() / LAB_DIR
    pid = _lab_pid(workdir)
    if pid is None:
        OUT.out("lab: down")
        raise typer.Exit(1)
    eps = YAML(typ="safe").load((workdir / "endpoints.yaml").read_text())["targets"]
    OUT.out(f"lab: up (pid {pid})")
    for tid, ep in sorted(eps.items()):
        OUT.out(f"  {tid:<24} {ep.get('host', '')}:{ep.get('port', '')}")


def _register_generate() -> None:
    from .generate import generate_cmd

    lab_app.command("generate")(generate_cmd)


_register_generate()
