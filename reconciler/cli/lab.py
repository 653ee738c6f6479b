"""`reconciler lab up|down|status`: the bundled lab for the estate's sites.

The lab runs in one background process (`reconciler.lab.launcher`). `up` writes
`.lab/endpoints.yaml` and `.lab/credentials.yaml` in the estate repo (both git-
ignored); point commands at them with --endpoints/--credentials or the
RECONCILER_ENDPOINTS / RECONCILER_CREDENTIALS variables it prints.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from ruamel.yaml import YAML

from ..errors import ConfigError
from ..lab.files import write_private
from ..model.base import Platform
from ..model.estate import Estate
from ..model.site import Site, expand_port_ref
from ..targets._render import environment
from .common import OUT, RepoOpt, handle_errors, load
from .lab_pbx import plan_pbx
from .lab_radius import plan_radius

LAB_DIR = ".lab"
lab_app = typer.Typer(help="Run the bundled lab: emulated switches and systems on loopback.",
                      no_args_is_help=True)


@dataclass
class LabPlan:
    """What to start, and how targets and credentials map onto it."""

    components: list[dict[str, Any]] = field(default_factory=list)
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)
    # lab endpoint name -> target id
    targets: dict[str, str] = field(default_factory=dict)

    def secret_for(self, name: str, **fields: str) -> dict[str, str]:
        if name not in self.credentials:
            self.credentials[name] = {**fields, "password": secrets.token_urlsafe(12)}
        return self.credentials[name]


LabPlanner = Callable[[Estate, Path, LabPlan], None]


def _ports_needed(names: list[str], minimum: int) -> int:
    nums = [int(m.group(1)) for n in names if (m := re.fullmatch(r"Ethernet(\d+)", n))]
    return max([minimum, *nums])


def eos_seed(site: Site, name: str, username: str, password: str) -> tuple[str, int]:
    sw = site.switches[name]
    access = [i for sp in site.spaces().values() for e in sp.ports
              for sw_name, ifaces in [expand_port_ref(e.port)] if sw_name == name for i in ifaces]
    hw = sw.hardware()
    ports = _ports_needed([*access, *sw.uplinks], 48 if sw.role == "access" else 8)
    # A named model brings its own front panel; otherwise Ethernet1..N as the site needs.
    names = ([p for p in hw.member_ports() if p != "Management1"] if hw
             else [f"Ethernet{n}" for n in range(1, ports + 1)])
    host = sw.host if re.fullmatch(r"[\d.]+", sw.host) else "10.255.0.250"
    gw = ".".join(host.split(".")[:3] + ["254"])
    from ..lab.eos_device import default_config_text

    # Reuse the emulator's own password line so that the seed is accepted as is.
    pw_line = next(ln for ln in default_config_text(name, 0, username, password).splitlines()
                   if ln.startswith("username "))
    text = environment().get_template("lab/arista_eos.j2").render(
        hostname=name, username=username, password_line=pw_line.split(" secret ", 1)[1],
        interfaces=names, model=sw.model or "vEOS-lab", uplinks=set(sw.uplinks),
        access_ports=set(access), core=sw.role == "core",
        mgmt_address=host, mgmt_gateway=gw)
    return text + "\n", ports


# (site, switch name, username, password) -> (seed running-config, number of ports)
SwitchSeed = Callable[[Site, str, str, str], tuple[str, int]]


def plan_lab_switches(estate: Estate, plan: LabPlan, platform: Platform, kind: str,
                      seed: SwitchSeed) -> None:
    """One lab component of `kind` emulating every `platform` switch of the estate."""
    devices = []
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        for name, sw in sorted(site.switches.items()):
            if sw.platform != platform:
                continue
            cred = plan.secret_for(sw.credentials, username="admin")
            text, ports = seed(site, name, cred["username"], cred["password"])
            tid = f"{site.id}/{name}"
            device = {"name": tid, "hostname": name, "username": cred["username"],
                      "password": cred["password"], "seed_config": text, "ports": ports}
            if sw.model:  # the emulator plays that model: its ports, what it refuses
                device["model"] = sw.model
            devices.append(device)
            plan.targets[tid] = tid
    if devices:
        plan.components.append({"kind": kind, "devices": devices})


def plan_switches(estate: Estate, workdir: Path, plan: LabPlan) -> None:
    plan_lab_switches(estate, plan, Platform.ARISTA_EOS, "eos", eos_seed)


def _plan_ios(estate: Estate, workdir: Path, plan: LabPlan) -> None:
    from .lab_ios import plan_ios_switches  # its own module; it imports LabPlan from here

    plan_ios_switches(estate, workdir, plan)


def _plan_wifi(estate: Estate, workdir: Path, plan: LabPlan) -> None:
    from .lab_meraki import plan_wifi  # its own module: it imports LabPlan from here

    plan_wifi(estate, workdir, plan)


def plan_dhcp(estate: Estate, workdir: Path, plan: LabPlan) -> None:
    from .lab_kea import plan_kea

    plan_kea(estate, workdir, plan)


# Each live-system family adds how its lab part is started.
LAB_PLANNERS: list[LabPlanner] = [plan_switches, _plan_ios, _plan_wifi, plan_radius, plan_pbx,
                                  plan_dhcp]


def build_lab(estate: Estate, workdir: Path) -> LabPlan:
    # The lab folder holds device logins and phone files with SIP passwords: it ignores
    # itself, so no repository can pick it up, whatever its own .gitignore says.
    (workdir / ".gitignore").write_text("# written by reconciler lab\n*\n")
    plan = LabPlan()
    for planner in LAB_PLANNERS:
        planner(estate, workdir, plan)
    return plan


def endpoints_doc(plan: LabPlan, endpoints: dict[str, Any]) -> dict[str, Any]:
    targets = {}
    for name, ep in endpoints.items():
        tid = plan.targets.get(name)
        if tid:
            targets[tid] = {k: v for k, v in ep.items() if k in ("host", "port", "transport",
                                                                 "base_url", "dsn", "path",
                                                                 "requests_per_second",
                                                                 "provisioning_dir",
                                                                 "fast_cli", "delay_factor")}
    return {"targets": targets}


def write_lab_files(workdir: Path, plan: LabPlan, endpoints: dict[str, Any]) -> tuple[Path, Path]:
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    ep_file, cred_file = workdir / "endpoints.yaml", workdir / "credentials.yaml"
    # An endpoints file may carry an inline DSN password: both are the owner's only.
    for path, doc in ((ep_file, endpoints_doc(plan, endpoints)), (cred_file, plan.credentials)):
        text = io.StringIO()
        yaml.dump(doc, text)
        write_private(path, text.getvalue())
    return ep_file, cred_file


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
