"""The operator's new occupier: one year at lon1, Wi-Fi Secure, torn down at the end."""

from __future__ import annotations

from pathlib import Path

ADA = "ada@nova-optics.example"
NOVA = """\
# A new occupier walked through its whole contract (issue 14).
id: nova-optics
name: Nova Optics Ltd
contracts:
  - site: lon1
    start: 2027-03-01
    end: 2027-12-31
    deprovision_on_end: true
    occupancies:
      - {space: "3.03", move_in: 2027-03-01}
    services:
      internet: {bandwidth_mbps: 100}
      wifi_secure: true
    network: {vlan: 104, subnet: 172.16.4.0/24}
users:
  - {email: ada@nova-optics.example, name: Ada Byron, role: admin, wifi_secure: true}
"""


def add_nova(root: Path, policy: str = "{default: correct, radius_user: report}") -> None:
    """Nova's file, and lon1's drift policy (as lon1 ships: users reported)."""
    (root / "occupiers" / "nova-optics.yaml").write_text(NOVA)
    site = root / "sites" / "lon1.yaml"
    lines = [f"drift: {policy}" if ln.startswith("drift:") else ln
             for ln in site.read_text().splitlines()]
    site.write_text("\n".join(lines) + "\n")
