"""The search index: every value people ask about, and the page that holds it.

An occupier (id or name), a user's e-mail, a MAC (shared device or desk phone),
a phone number, an extension, a VLAN, an IP address (inside an occupier's
subnet or public block). Written as a script (`assets/search-index.js`) so the
search page works from a file server and from disk alike; keys are normalised
here the way the page normalises what is typed (console.js).
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from ..model.estate import Estate

# kind, normalised key, label, target: [occupier index, tab] or "site:<id>"
Entry = list[Any]


def mac_key(mac: str) -> str:
    return "".join(ch for ch in mac.lower() if ch in "0123456789abcdef")


def number_key(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _net(cidr: str) -> list[int]:
    n = ipaddress.IPv4Network(cidr)
    return [int(n.network_address), int(n.broadcast_address)]


def build_index(estate: Estate) -> dict[str, Any]:
    occs = sorted(estate.occupiers.values(), key=lambda o: o.id)
    entries: list[Entry] = []
    for i, occ in enumerate(occs):
        entries.append(["o", occ.id, occ.name, [i, ""]])
        for u in occ.users:
            entries.append(["e", u.email, f"{u.name} <{u.email}>", [i, "users"]])
        for d in occ.devices:
            entries.append(["m", mac_key(d.mac), f"{d.name} ({d.kind}) {d.mac} at {d.site}",
                            [i, "devices"]])
        for c in occ.contracts:
            at = f"at {c.site}"
            if c.network:
                entries.append(["v", str(c.network.vlan), f"VLAN {c.network.vlan} {at}",
                                [i, "network"]])
                entries.append(["i", _net(c.network.subnet), f"{c.network.subnet} {at}",
                                [i, "network"]])
            if c.public_ip:
                entries.append(["v", str(c.public_ip.vlan),
                                f"VLAN {c.public_ip.vlan} (public) {at}", [i, "network"]])
                entries.append(["i", _net(c.public_ip.block), f"{c.public_ip.block} (public) {at}",
                                [i, "network"]])
            if c.main_number:
                entries.append(["n", number_key(c.main_number.number),
                                f"{c.main_number.number} main number {at}", [i, "telephony"]])
            for n in c.numbers:
                who = f", {n.label or n.user}" if (n.label or n.user) else ""
                entries.append(["n", number_key(n.number), f"{n.number}{who} {at}",
                                [i, "telephony"]])
                if n.extension is not None:
                    entries.append(["x", str(n.extension),
                                    f"extension {n.extension} ({n.number}{who}) {at}",
                                    [i, "telephony"]])
                if n.handset:
                    entries.append(["m", mac_key(n.handset.mac),
                                    f"desk phone {n.handset.model} {n.handset.mac}{who} {at}",
                                    [i, "telephony"]])
    for site in sorted(estate.sites.values(), key=lambda s: s.id):
        target = f"site:{site.id}"
        entries.append(["s", site.id, f"{site.name} ({site.id})", target])
        entries.append(["v", str(site.vacant.vlan), f"VLAN {site.vacant.vlan} (vacant ports) "
                        f"at {site.id}", target])
        if site.voice_vlan:
            entries.append(["v", str(site.voice_vlan), f"VLAN {site.voice_vlan} (voice) at "
                            f"{site.id}", target])
        if site.support.phone:
            entries.append(["n", number_key(site.support.phone),
                            f"{site.support.phone} support line of {site.name}", target])
    return {"occupiers": [[o.id, o.name] for o in occs], "entries": entries}


def index_script(estate: Estate) -> str:
    body = json.dumps(build_index(estate), separators=(",", ":"), ensure_ascii=True)
    # "</" cannot end a script that is JSON; escape it (and <!--) for HTML script parsing.
    body = body.replace("</", "<\\/").replace("<!--", "<\\!--")
    return f"window.RECONCILER_SEARCH={body};\n"
