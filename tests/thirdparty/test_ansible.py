"""Ansible's `arista.eos` (httpapi over eAPI) and `cisco.ios` (network_cli over SSH) on the
lab switches: facts, and one resource module each, merged twice (the second run must
change nothing) and then removed.

One playbook run for the whole module keeps this to one Ansible start-up. Ansible and its
collections come from the `ansible` package on PyPI (the dev extra); nothing is written to
the home directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.thirdparty.conftest import ThirdPartyLab

VLAN = 3904

PLAYBOOK = """
- hosts: eos
  gather_facts: false
  tasks:
    - name: eos facts
      arista.eos.eos_facts:
        gather_subset: [interfaces, hardware]
        gather_network_resources: [vlans]
    - name: eos vlan merged
      arista.eos.eos_vlans: &vlan
        config: [{vlan_id: VLAN, name: ansible, state: active}]
        state: merged
    - name: eos vlan merged again
      arista.eos.eos_vlans: *vlan
    - name: eos vlan deleted
      arista.eos.eos_vlans: {config: [{vlan_id: VLAN}], state: deleted}
- hosts: ios
  gather_facts: false
  tasks:
    - name: ios facts
      cisco.ios.ios_facts:
        gather_subset: [min, interfaces]
        gather_network_resources: [l2_interfaces]
    - name: ios port merged
      cisco.ios.ios_l2_interfaces: &port
        config: [{name: PORT, mode: access, access: {vlan: ACCESS}}]
        state: merged
    - name: ios port merged again
      cisco.ios.ios_l2_interfaces: *port
    - name: ios port deleted
      cisco.ios.ios_l2_interfaces: {config: [{name: PORT}], state: deleted}
"""


@pytest.fixture(scope="module")
def run(tp_lab: ThirdPartyLab, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the playbook once; task results by task name and host."""
    work = tmp_path_factory.mktemp("ansible")
    eos, ios = tp_lab.eos, tp_lab.ios
    port, access = _free_ios_port(tp_lab)
    (work / "inventory.ini").write_text(
        f"[eos]\neos1 ansible_host={eos.host} ansible_port={eos.port} "
        f"ansible_httpapi_port={eos.port}\n"
        "[eos:vars]\nansible_connection=ansible.netcommon.httpapi\n"
        "ansible_network_os=arista.eos.eos\nansible_httpapi_use_ssl=false\n"
        f"ansible_user={eos.username}\nansible_password={eos.password}\n"
        f"[ios]\nios1 ansible_host={ios.host} ansible_port={ios.port}\n"
        "[ios:vars]\nansible_connection=ansible.netcommon.network_cli\n"
        "ansible_network_os=cisco.ios.ios\nansible_network_cli_ssh_type=paramiko\n"
        f"ansible_user={ios.username}\nansible_password={ios.password}\n"
        "ansible_become=true\nansible_become_method=enable\n"
        f"ansible_become_password={ios.password}\n")
    os.chmod(work / "inventory.ini", 0o600)
    (work / "site.yml").write_text(PLAYBOOK.replace("VLAN", str(VLAN)).replace("PORT", port)
                                   .replace("ACCESS", str(access)))
    env = {**os.environ, "ANSIBLE_HOME": str(work / "home"),
           "ANSIBLE_LOCAL_TEMP": str(work / "tmp"), "ANSIBLE_HOST_KEY_CHECKING": "False",
           "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_DEPRECATION_WARNINGS": "False", "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
           "ANSIBLE_PERSISTENT_COMMAND_TIMEOUT": "60"}
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i",
                           str(work / "inventory.ini"), str(work / "site.yml")],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(proc.stdout[proc.stdout.index("{"):])
    results = {(task["task"]["name"], host): res for play in report["plays"]
               for task in play["tasks"] for host, res in task["hosts"].items()}
    return {"rc": proc.returncode, "results": results, "port": port, "access": access,
            "stats": report["stats"]}


def _free_ios_port(tp_lab: ThirdPartyLab) -> tuple[str, int]:
    cfg = tp_lab.ios.device.running
    port = next(n for n, i in cfg.interfaces.items() if i.switched and i.mode is None
                and i.access_vlan is None and i.description is None)
    return port, next(iter(sorted(cfg.vlans)))


def test_the_playbook_ran_clean(run: dict[str, Any]) -> None:
    failed = {k: v.get("msg") for k, v in run["results"].items() if v.get("failed")}
    assert failed == {} and run["rc"] == 0
    assert {h: (s["failures"], s["unreachable"]) for h, s in run["stats"].items()} == {
        "eos1": (0, 0), "ios1": (0, 0)}


def test_eos_facts_and_vlans(run: dict[str, Any], tp_lab: ThirdPartyLab) -> None:
    cfg = tp_lab.eos.device.running
    facts = run["results"][("eos facts", "eos1")]["ansible_facts"]
    assert facts["ansible_net_hostname"] == cfg.hostname
    assert set(facts["ansible_net_interfaces"]) == set(cfg.interfaces)
    assert facts["ansible_net_neighbors"] == {}  # LLDP sees no one in the lab
    assert facts["ansible_net_filesystems"] == ["flash:"] and facts["ansible_net_memtotal_mb"]
    addressed = {n: f"{i['ipv4']['address']}/{i['ipv4']['masklen']}"
                 for n, i in facts["ansible_net_interfaces"].items() if i.get("ipv4")}
    assert addressed == {n: i.ip_address for n, i in cfg.interfaces.items() if i.ip_address}
    vlans = {v["vlan_id"] for v in facts["ansible_network_resources"]["vlans"]}
    assert vlans == set(cfg.vlans) - {1}
    merged = run["results"][("eos vlan merged", "eos1")]
    assert merged["changed"] and {"vlan_id": VLAN, "name": "ansible", "state": "active"} in \
        merged["after"]
    assert not run["results"][("eos vlan merged again", "eos1")]["changed"]
    assert run["results"][("eos vlan deleted", "eos1")]["changed"]
    assert VLAN not in cfg.vlans


def test_ios_facts_and_access_port(run: dict[str, Any], tp_lab: ThirdPartyLab) -> None:
    cfg, port = tp_lab.ios.device.running, run["port"]
    facts = run["results"][("ios facts", "ios1")]["ansible_facts"]
    assert facts["ansible_net_hostname"] == cfg.hostname
    assert facts["ansible_net_model"] == "WS-C2960X-48FPD-L"
    assert facts["ansible_net_serialnum"] == tp_lab.ios.device.serial
    assert set(facts["ansible_net_interfaces"]) == set(cfg.interfaces)
    trunks = {p["name"] for p in facts["ansible_network_resources"]["l2_interfaces"]
              if p.get("mode") == "trunk"}
    assert trunks == {n for n, i in cfg.interfaces.items() if i.mode == "trunk"}
    merged = run["results"][("ios port merged", "ios1")]
    assert merged["changed"] and sorted(merged["commands"]) == [
        f"interface {port}", f"switchport access vlan {run['access']}",
        "switchport mode access"]
    assert not run["results"][("ios port merged again", "ios1")]["changed"]
    assert run["results"][("ios port deleted", "ios1")]["changed"]
    assert (cfg.interfaces[port].mode, cfg.interfaces[port].access_vlan) == (None, None)
