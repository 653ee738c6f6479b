"""lon1 of the example estate with its core and third-floor switches on one platform.

lon1 has every site option the switch intent knows: a DHCP server (SVIs relay to it), a
voice VLAN (phone ports), and public IP blocks (an occupier's router port in its public
VLAN, and an occupier with its own DHCP, whose SVI has no helper). Each switch names a
hardware model, so the lab plays that model and refuses what it lacks.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

# Quayside has moved into 3.06 (router port, public VLAN 870, its own DHCP); Harbour
# Coffee in 3.04 has a phone (voice added here); the other lon1 occupiers get their SVIs
# with the DHCP helper.
AT = dt.date(2027, 2, 15)
CORE, ACCESS = "lon1/core1", "lon1/acc-3a"
HELPER = "10.255.0.5"
EOS_CORE = "core1:  {platform: arista_eos, host: 10.255.0.1, role: core, uplinks: [Ethernet1, Ethernet2],"
EOS_ACC = "acc-3a: {platform: arista_eos, host: 10.255.0.13, role: access, uplinks: [Ethernet49],"
SWITCHES = {
    "arista_eos": (
        EOS_CORE.replace("host:", "model: DCS-7050SX3-48YC8, host:"),
        EOS_ACC.replace("host:", "model: CCS-720XP-48ZC2, host:")),
    "cisco_ios": (
        "core1:  {platform: cisco_ios, model: C9300-48P, host: 10.255.0.1, role: core, "
        "uplinks: [GigabitEthernet1/1/1, GigabitEthernet1/1/2],",
        "acc-3a: {platform: cisco_ios, model: WS-C2960X-48FPD-L, host: 10.255.0.13, "
        "role: access, uplinks: [TenGigabitEthernet1/0/1],"),
}
KIND = {"arista_eos": "eos", "cisco_ios": "ios"}


def lon1_on(platform: str, root: Path) -> None:
    harbour = root / "occupiers" / "harbour-coffee.yaml"
    text = harbour.read_text()
    assert "internet: {bandwidth_mbps: 50}\n" in text
    harbour.write_text(text.replace("internet: {bandwidth_mbps: 50}\n",
                                    "internet: {bandwidth_mbps: 50}\n      voice: {lines: 1}\n")
                       + '    main_number: "+442079460150"\n'
                       '    numbers:\n      - {number: "+442079460151", extension: 2151}\n')
    site = root / "sites" / "lon1.yaml"
    text = site.read_text()
    assert EOS_CORE in text and EOS_ACC in text
    core, acc = SWITCHES[platform]
    text = text.replace(EOS_CORE, core).replace(EOS_ACC, acc)
    if platform == "cisco_ios":
        text = re.sub(r"acc-3a:Ethernet(\d+)", r"acc-3a:GigabitEthernet1/0/\1", text)
    site.write_text(text)
