"""The same change with Ansible's arista.eos resource modules, on the same lab switches.

What an Ansible user would write: per switch, the VLANs (`eos_vlans`) and the access
ports (`eos_l2_interfaces`) as host variables, both with `state: replaced`, over
httpapi/eAPI. Host variables come from reconciler's own compiled desired state, so
both tools aim at the same result. Quirks avoided as the arista.eos code demands
(always a VLAN name and `state: active`; no `mode` on access ports). Ports with a
phone VLAN (`switchport mode trunk phone`) are left out: the module cannot express
them; the moves benchmarked involve occupiers without voice.

Ansible is installed on first use into a venv of its own (ansible-core plus the three
collections unzipped from the `ansible` bundle wheel), never into the project's.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from benchmarks import labio

ANSIBLE_CORE = "ansible-core==2.19.14"
ANSIBLE_BUNDLE = "ansible==12.3.0"
COLLECTIONS = ("arista/eos", "ansible/netcommon", "ansible/utils")
PLAYBOOK = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: VLANs
      arista.eos.eos_vlans:
        config: "{{ vlans }}"
        state: replaced
    - name: access ports
      arista.eos.eos_l2_interfaces:
        config: "{{ l2 }}"
        state: replaced
      when: l2 | length > 0
"""


def ansible_dir() -> Path:
    default = Path(__file__).resolve().parent / ".ansible"
    return Path(os.environ.get("RECONCILER_BENCH_ANSIBLE_DIR", default))


def ensure_ansible(base: Path) -> Path:
    """The ansible-playbook of a venv under `base`, created on first use."""
    venv = base / "venv"
    playbook = venv / "bin" / "ansible-playbook"
    if playbook.exists() and (base / "collections" / "ansible_collections").is_dir():
        return playbook
    print("ansible: creating its venv (first use)", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", ANSIBLE_CORE], check=True)
    wheels = base / "wheels"
    subprocess.run([*pip, "download", ANSIBLE_BUNDLE, "--no-deps", "-d", str(wheels)],
                   check=True)
    wheel = next(wheels.glob("ansible-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        members = [n for n in zf.namelist()
                   if any(n.startswith(f"ansible_collections/{c}/") for c in COLLECTIONS)]
        zf.extractall(base / "collections", members)
    return playbook


def host_name(target: str) -> str:
    return target.replace("/", "_")


def inventory(estate: Path, eps: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Hosts with their desired VLANs and access ports, from reconciler's compiler."""
    from reconciler.intent import compile_estate
    from reconciler.model.estate import load_estate

    desired = compile_estate(load_estate(estate), dt.date.today())
    creds = YAML(typ="safe").load((estate / ".lab" / "credentials.yaml").read_text())
    hosts: dict[str, Any] = {}
    for tid, spec in sorted(desired.targets.items()):
        if spec.platform != "arista_eos" or tid not in eps:
            continue
        vlans, l2 = [], []
        for r in desired.resources.get(tid, []):
            if r.kind == "vlan":
                vlans.append({"vlan_id": int(r.key), "name": r.attrs["name"], "state": "active"})
            elif r.kind == "port" and not r.attrs.get("voice_vlan"):
                l2.append({"name": r.key, "access": {"vlan": r.attrs["vlan"]}})
        cred = creds[spec.credentials]
        ep = eps[tid]
        # One persistent connection per host: ansible keys it on address and ansible_port,
        # not on ansible_httpapi_port, so both are set (see the Ansible pitfalls note).
        hosts[host_name(tid)] = {"ansible_host": ep["host"], "ansible_port": ep["port"],
                                 "ansible_httpapi_port": ep["port"],
                                 "ansible_user": cred["username"],
                                 "ansible_password": cred["password"],
                                 "vlans": sorted(vlans, key=lambda v: v["vlan_id"]), "l2": l2}
    return {"all": {"hosts": hosts, "vars": {
        "ansible_connection": "ansible.netcommon.httpapi",
        "ansible_network_os": "arista.eos.eos", "ansible_httpapi_use_ssl": False}}}


def write_project(work: Path, base: Path, playbook_bin: Path, inv: dict[str, Any],
                  forks: int) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    with (work / "inventory.yml").open("w") as fh:
        yaml.dump(inv, fh)
    (work / "site.yml").write_text(PLAYBOOK)
    (work / "ansible.cfg").write_text(
        "[defaults]\n"
        f"collections_path = {base / 'collections'}\n"
        f"interpreter_python = {playbook_bin.parent / 'python'}\n"
        f"forks = {forks}\ninventory = inventory.yml\nhost_key_checking = False\n"
        "deprecation_warnings = False\nretry_files_enabled = False\ngathering = explicit\n"
        "[persistent_connection]\ncommand_timeout = 300\nconnect_timeout = 300\n")
    return work


def run_playbook(work: Path, playbook_bin: Path, name: str) -> tuple[float, int, int]:
    """(seconds, hosts changed, hosts failed or unreachable); the log is kept in `work`."""
    home = work / "ansible_home"
    env = {**os.environ, "ANSIBLE_CONFIG": str(work / "ansible.cfg"), "ANSIBLE_HOME": str(home),
           "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
           "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(home / "pc"), "ANSIBLE_NOCOLOR": "1"}
    start = time.perf_counter()
    proc = subprocess.run([str(playbook_bin), "site.yml"], cwd=work, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    (work / f"{name}.log").write_text(proc.stdout + "\n" + proc.stderr)
    recap = proc.stdout[proc.stdout.rfind("PLAY RECAP"):]
    changed = sum(int(m.group(1)) > 0 for m in re.finditer(r"\bchanged=(\d+)", recap))
    failed = sum(int(a) + int(b) > 0 for a, b in
                 re.findall(r"unreachable=(\d+)\s+failed=(\d+)", recap))
    if proc.returncode != 0 and not failed:
        raise SystemExit(f"ansible-playbook failed ({proc.returncode}); see {work}/{name}.log:"
                         f"\n{proc.stderr[-2000:]}")
    if failed:
        print(f"ansible: {failed} hosts failed; see {work}/{name}.log", file=sys.stderr)
    return seconds, changed, failed


def compare(bench: Any, site_docs: dict[str, Any], occ_docs: dict[str, Any],
            move: Callable[..., str], workdir: Path, forks: int) -> dict[str, Any]:
    """A space move on every site and a no-change run: reconciler, then Ansible."""
    base = ansible_dir()
    playbook_bin = ensure_ansible(base)
    estate = bench.estate
    n = bench.sizes.switch_count
    undo: list[tuple[Path, str]] = []
    for site in sorted(site_docs):
        # Ansible's arista.eos drives EOS only: moves on the sites whose switches are all
        # EOS, so both tools make the very same change on the very same switches.
        if all(sw["platform"] == "arista_eos" for sw in site_docs[site]["switches"].values()):
            move(estate, site_docs, occ_docs, site, undo)
    moved = {p: p.read_text() for p, _ in undo}
    ours_move = bench.measured("move on every site", "apply", "--yes", ok=(0,), targets=n,
                               note="one space move per site, whole estate applied")
    ours_same = bench.measured("no-change apply", "apply", "--yes", ok=(0,), targets=n)
    # Back to before the moves, so that Ansible makes the very same change.
    for path, text in reversed(undo):
        path.write_text(text)
    bench.cli("apply", "--yes", ok=(0,))
    for path, text in moved.items():
        path.write_text(text)
    work = write_project(workdir / "ansible", base, playbook_bin, inventory(estate, bench.eps),
                         forks)
    print(f"ansible: {len(bench.eps)} hosts, forks={forks}: space move on every site", file=sys.stderr,
          flush=True)
    labio.reset_counters(bench.control)
    a_move, a_move_changed, a_move_failed = run_playbook(work, playbook_bin, "move")
    move_counts = labio.counters(bench.control)["arista_eos"]
    print(f"ansible: move took {a_move:.1f} s; now the no-change run", file=sys.stderr,
          flush=True)
    labio.reset_counters(bench.control)
    a_same, a_same_changed, a_same_failed = run_playbook(work, playbook_bin, "no-change")
    same_counts = labio.counters(bench.control)["arista_eos"]
    # What the resource modules do not cover (descriptions, shutdown) is left for us.
    _, rc, _, _ = bench.cli("plan", ok=(0, 2))
    bench.cli("apply", "--yes", ok=(0,))

    def row(ours: Any, secs: float, changed: int, failed: int,
            counts: dict[str, Any]) -> dict[str, Any]:
        return {"reconciler_s": ours.seconds, "ansible_s": round(secs, 2),
                "ratio": round(secs / ours.seconds, 1), "ansible_changed": changed,
                "ansible_failed": failed,
                # The same switches: reconciler's EOS round trips (it reads the other
                # systems too; its time includes them).
                "reconciler_round_trips": ours.by_platform["arista_eos"]["round_trips"],
                "ansible_round_trips": counts["round_trips"],
                "reconciler_config_lines": ours.by_platform["arista_eos"]["config_lines"],
                "ansible_config_lines": counts["config_lines"]}

    return {"forks": forks, "hosts": len(bench.eps), "sites_moved": len(undo),
            "space move on every site": row(ours_move, a_move, a_move_changed, a_move_failed,
                                                    move_counts),
            "no change": row(ours_same, a_same, a_same_changed, a_same_failed, same_counts),
            "left_after_ansible": "descriptions/shutdown differ (plan exit 2)" if rc == 2
            else "nothing"}
