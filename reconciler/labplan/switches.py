"""Lab switches for the estate's switches: one emulator component per platform.

Each switch starts from a realistic seed running-config (`templates/lab/`):
management interface and VLAN, uplink trunks, enough access ports for every
floor port the site names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from ..model.base import Platform
from ..model.estate import Estate
from ..model.site import Site, expand_port_ref
from ..targets._render import environment
from .plan import LabPlan

_IF_RE = re.compile(r"([A-Za-z-]+)(\d+(?:/\d+)*?)(\d+)$")

# (site, switch name, username, password) -> (seed running-config, number of ports)
SwitchSeed = Callable[[Site, str, str, str], tuple[str, int]]


def _access_ports(site: Site, name: str) -> list[str]:
    return [i for sp in site.spaces().values() for e in sp.ports
            for sw_name, ifaces in [expand_port_ref(e.port)] if sw_name == name for i in ifaces]


def _mgmt(host: str) -> tuple[str, str]:
    addr = host if re.fullmatch(r"[\d.]+", host) else "10.255.0.250"
    return addr, ".".join(addr.split(".")[:3] + ["254"])


def _natural(name: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def eos_seed(site: Site, name: str, username: str, password: str) -> tuple[str, int]:
    sw = site.switches[name]
    access = _access_ports(site, name)
    nums = [int(m.group(1)) for n in [*access, *sw.uplinks]
            if (m := re.fullmatch(r"Ethernet(\d+)", n))]
    ports = max([48 if sw.role == "access" else 8, *nums])
    hw = sw.hardware()
    # A named model brings its own front panel; otherwise Ethernet1..N as the site needs.
    names = ([p for p in hw.member_ports() if p != "Management1"] if hw
             else [f"Ethernet{n}" for n in range(1, ports + 1)])
    host, gw = _mgmt(sw.host)
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


def ios_seed(site: Site, name: str, username: str, password: str) -> tuple[str, int]:
    """The seed running-config of one lab switch and its number of access ports."""
    sw = site.switches[name]
    access = _access_ports(site, name)
    hw = sw.hardware()
    # A named model brings its own front panel (stack member 1). Otherwise a 48-port
    # member with 4 uplinks, plus whatever the site names beyond that.
    ports = max([48, *(int(m[3]) for i in access if (m := _IF_RE.fullmatch(i))
                       and m[1] == "GigabitEthernet" and m[2] == "1/0/")])
    if hw is not None:
        interfaces = {p for p in hw.member_ports() if "/" in p}  # not the management port
    else:
        interfaces = {f"GigabitEthernet1/0/{n}" for n in range(1, ports + 1)}
        interfaces |= {f"GigabitEthernet1/1/{n}" for n in range(1, 5)}
    interfaces |= {*access, *sw.uplinks}
    host, gw = _mgmt(sw.host)
    digest = hashlib.sha256(f"lab:{password}".encode()).hexdigest()[:22]
    text = environment().get_template("lab/cisco_ios.j2").render(
        hostname=name, username=username, secret_hash=f"$1$lab0${digest}",
        model=(sw.model or default_ios_model()).lower(),
        interfaces=sorted(interfaces, key=_natural), uplinks=set(sw.uplinks),
        access_ports=set(access), mgmt_address=host, mgmt_gateway=gw)
    return text, ports


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
    plan_lab_switches(estate, plan, Platform.CISCO_IOS, "ios", ios_seed)


def default_ios_model() -> str:
    # Imported here: the IOS emulator pulls in an SSH server, which planning never needs.
    from ..lab.ios_cli import DEFAULT_MODEL

    return DEFAULT_MODEL
