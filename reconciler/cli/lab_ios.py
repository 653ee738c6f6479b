"""Lab Cisco IOS access switches for the estate's `cisco_ios` switches (`lab up`)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..lab.ios_cli import DEFAULT_MODEL
from ..model.base import Platform
from ..model.estate import Estate
from ..model.site import Site, expand_port_ref
from ..targets._render import environment
from .lab import LabPlan, plan_lab_switches

_IF_RE = re.compile(r"([A-Za-z-]+)(\d+(?:/\d+)*?)(\d+)$")


def _natural(name: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def ios_seed(site: Site, name: str, username: str, password: str) -> tuple[str, int]:
    """The seed running-config of one lab switch and its number of access ports."""
    sw = site.switches[name]
    access = [i for sp in site.spaces().values() for e in sp.ports
              for sw_name, ifaces in [expand_port_ref(e.port)] if sw_name == name for i in ifaces]
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
    host = sw.host if re.fullmatch(r"[\d.]+", sw.host) else "10.255.0.250"
    gw = ".".join(host.split(".")[:3] + ["254"])
    digest = hashlib.sha256(f"lab:{password}".encode()).hexdigest()[:22]
    text = environment().get_template("lab/cisco_ios.j2").render(
        hostname=name, username=username, secret_hash=f"$1$lab0${digest}",
        model=(sw.model or DEFAULT_MODEL).lower(),
        interfaces=sorted(interfaces, key=_natural), uplinks=set(sw.uplinks),
        access_ports=set(access), mgmt_address=host, mgmt_gateway=gw)
    return text, ports


def plan_ios_switches(estate: Estate, workdir: Path, plan: LabPlan) -> None:
    plan_lab_switches(estate, plan, Platform.CISCO_IOS, "ios", ios_seed)
