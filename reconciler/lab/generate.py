"""A synthetic estate of any size, deterministic for a seed (benchmarks, load tests).

    reconciler lab generate --sites 100 --occupiers 2000 --users 40000 --out big/

Every site gets one core switch and access switches with floor spaces of two
ports; every occupier one contract at one site (every tenth also a second site),
with its allocations (VLAN, /24, numbers, extensions) already written, so the
result passes `reconciler validate` and `allocate --check` as generated. Writes
plain data only: it knows nothing of the model (the lab plays the devices), and
the caller says which platforms exist (`platforms`), so Cisco IOS switches and
the Wi-Fi/RADIUS/PBX/DHCP systems appear only once their targets do.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .generate_timeline import event_start, movers, timeline_contract, timeline_site

FIRST = ("Amara", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hugo", "Ines", "Jun", "Kofi",
         "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Viktor",
         "Wen", "Yusuf", "Zoe")
LAST = ("Adeyemi", "Brown", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ito",
        "Jones", "Kowalski", "Larsen", "Murphy", "Novak", "Okafor", "Patel", "Rossi", "Silva",
        "Tanaka", "Walsh")
WORDS = ("acorn", "birch", "cobalt", "delta", "ember", "fjord", "granite", "harbour", "indigo",
         "juniper", "kestrel", "lumen", "meridian", "nimbus", "orchid", "pylon", "quartz", "raven",
         "saffron", "tundra", "umber", "vertex", "willow", "zephyr")
KINDS = ("studio", "labs", "media", "legal", "analytics", "design", "robotics", "partners")
DEVICE_KINDS = ("printer", "av", "display", "sensor")
HANDSETS = ("yealink-t54w", "yealink-t46u", "polycom-vvx450")
PORTS_PER_SPACE = 2
SPARE_SPACES = 4  # vacant spaces per site: room for moves
MAX_OCCUPIERS_PER_SITE = 250  # one /24 of a /16 and one VLAN of 100-899 each


@dataclass
class Sizes:
    sites: int
    occupiers: int
    users: int
    switches: int | None = None  # default: two per site (a core and an access switch)
    seed: int = 1
    platforms: frozenset[str] = frozenset({"arista_eos"})
    #: Contracts that start, move and end over two years (see `generate_timeline`): an
    #: estate for the calendar rehearsal.
    timeline: bool = False
    #: Meraki organisations the sites' networks are spread over (round robin).
    organizations: int = 1

    def check(self) -> None:
        if self.sites < 1 or self.occupiers < 0 or self.users < 0:
            raise ValueError("sites must be 1 or more; occupiers and users 0 or more")
        if self.switch_count < self.sites:
            raise ValueError(f"{self.switch_count} switches for {self.sites} sites: every site "
                             "needs at least its core switch")
        if -(-self.occupiers // self.sites) > MAX_OCCUPIERS_PER_SITE:
            raise ValueError(f"at most {MAX_OCCUPIERS_PER_SITE} occupiers per site; "
                             "add sites")
        if "arista_eos" not in self.platforms:
            raise ValueError("the generator builds Arista EOS core switches: arista_eos must "
                             "be a known platform")

    @property
    def switch_count(self) -> int:
        return self.switches if self.switches is not None else 2 * self.sites


@dataclass
class _Site:
    index: int
    id: str
    access: list[tuple[str, str]] = field(default_factory=list)  # (name, platform)
    occupiers: list[int] = field(default_factory=list)  # occupier indexes, first contract here
    guests: list[int] = field(default_factory=list)  # occupiers with a second contract here

    @property
    def tenants(self) -> list[int]:
        return self.occupiers + self.guests


def site_id(i: int) -> str:
    return f"s{i + 1:03d}"


def occupier_id(j: int) -> str:
    return f"{WORDS[j % len(WORDS)]}-{KINDS[(j // len(WORDS)) % len(KINDS)]}-{j + 1}"


def _number_base(i: int) -> int:
    """Each site owns 10,000 numbers: +44 20 <site> xxxx."""
    return 442000000000 + (i + 1) * 10_000


def _mac(n: int, kind: int) -> str:
    v = (kind << 32) | n  # locally administered prefix 02:, one namespace per kind
    return "02:" + ":".join(f"{(v >> s) & 0xff:02x}" for s in (32, 24, 16, 8, 0))


def _layout(sz: Sizes) -> list[_Site]:
    sites = [_Site(i, site_id(i)) for i in range(sz.sites)]
    ios = "cisco_ios" in sz.platforms
    for k in range(sz.switch_count - sz.sites):  # extra switches beyond the cores: access
        s = sites[k % sz.sites]
        platform = "cisco_ios" if ios and s.index % 2 == 1 else "arista_eos"
        s.access.append((f"acc-{len(s.access) + 1}", platform))
    for j in range(sz.occupiers):
        sites[j % sz.sites].occupiers.append(j)
    if sz.sites > 1:
        for j in range(0, sz.occupiers, 10):
            other = sites[(j + 1 + j // 10) % sz.sites]
            if other.index != j % sz.sites and len(other.tenants) < MAX_OCCUPIERS_PER_SITE:
                other.guests.append(j)
    return sites


def _iface(platform: str, n: int) -> str:
    return f"GigabitEthernet1/0/{n}" if platform == "cisco_ios" else f"Ethernet{n}"


def _uplink(platform: str, used: int) -> str:
    if platform == "cisco_ios":
        return "TenGigabitEthernet1/1/1"
    return f"Ethernet{max(48, used) + 1}"


def _site_doc(sz: Sizes, s: _Site) -> dict[str, Any]:
    n_spaces = len(s.tenants) + sum(1 for k in range(len(s.occupiers)) if k % 7 == 3) \
        + SPARE_SPACES + (movers(len(s.occupiers)) if sz.timeline else 0)
    # Spaces hang off the access switches; a site without any uses the core's ports
    # after its uplink.
    holders = s.access or [("core1", "arista_eos")]
    used = {name: (0 if s.access else 1) for name, _ in holders}
    floors: dict[int, list[dict[str, Any]]] = {}
    for k in range(n_spaces):
        name, platform = holders[k % len(holders)]
        start = used[name] + 1
        used[name] += PORTS_PER_SPACE
        ref = f"{name}:{_iface(platform, start)}-{start + PORTS_PER_SPACE - 1}"
        floor = 1 + k // 20
        floors.setdefault(floor, []).append(
            {"id": f"{floor}.{k % 20 + 1:02d}", "kind": "office", "capacity": 4 + k % 9,
             "ports": [ref]})
    cred = f"{s.id}-net"
    host = f"10.250.{s.index % 250}"
    core_uplinks = [f"Ethernet{k + 1}" for k in range(max(1, len(s.access)))]
    switches: dict[str, Any] = {"core1": {"platform": "arista_eos", "host": f"{host}.1",
                                          "role": "core", "uplinks": core_uplinks,
                                          "credentials": cred}}
    for k, (name, platform) in enumerate(s.access):
        switches[name] = {"platform": platform, "host": f"{host}.{11 + k}", "role": "access",
                          "uplinks": [_uplink(platform, used[name])], "credentials": cred}
    base = _number_base(s.index)
    doc: dict[str, Any] = {
        "id": s.id, "name": f"Site {s.index + 1}", "timezone": "Europe/London",
        "pools": {"occupier_vlans": "100-899", "private": f"10.{s.index % 256}.0.0/16",
                  "numbers": [f"+{base}-+{base + 9999}"], "extensions": "1000-9999"},
        "vacant": {"vlan": 999, "enabled": False, "description": "vacant"},
        "voice_vlan": 20,
        "switches": switches,
        "floors": [{"number": f, "spaces": sp} for f, sp in sorted(floors.items())],
    }
    if "meraki" in sz.platforms:
        org = 549236 + s.index % max(1, sz.organizations)
        doc["wifi"] = {"platform": "meraki", "organization_id": str(org),
                       "network_id": f"L_{646829496481100000 + s.index}", "devices_ssid": 2,
                       "credentials": "meraki-org"}
    if "freeradius" in sz.platforms:
        doc["radius"] = {"platform": "freeradius", "server": "radius",
                         "nas_identifier": f"{s.id}-wlc", "credentials": "radius-db"}
    if "asterisk" in sz.platforms:
        doc["pbx"] = {"platform": "asterisk", "server": "pbx", "credentials": "pbx-db",
                      "provisioning_dir": f"provisioning/{s.id}"}
        # The first hundred numbers stay with the site: the first one is its own line.
        doc["support"] = {"phone": f"+{base}"}
    if "kea" in sz.platforms:
        doc["dhcp"] = {"platform": "kea", "server": "dhcp", "credentials": f"{s.id}-dhcp",
                       "server_address": f"{host}.5", "dns_servers": ["9.9.9.9"]}
    doc["drift"] = {"default": "correct"}
    if sz.timeline:
        timeline_site(doc, sz.platforms, s.index, host)
    return doc


def _spaces(doc: dict[str, Any]) -> list[str]:
    return [sp["id"] for f in doc["floors"] for sp in f["spaces"]]


def generate(sz: Sizes) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(site id -> site document, occupier id -> occupier document)."""
    sz.check()
    rnd = random.Random(sz.seed)
    layout = _layout(sz)
    sites = {s.id: _site_doc(sz, s) for s in layout}
    contracts: dict[int, list[dict[str, Any]]] = {j: [] for j in range(sz.occupiers)}
    for s in layout:
        free = iter(_spaces(sites[s.id]))
        base = _number_base(s.index)
        next_number = base + 100  # the first hundred stay with the site (reception)
        for slot, j in enumerate(s.tenants):
            start = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(0, 500))
            if sz.timeline:
                start = event_start(rnd)
            # By position within the site, so that every site gets the mix (occupier
            # numbers at one site share their remainder by the number of sites).
            home = slot < len(s.occupiers)
            spaces = [next(free)] + ([next(free)] if slot % 7 == 3 and home else [])
            c: dict[str, Any] = {
                "site": s.id, "start": start,
                "occupancies": [{"space": sp, "move_in": start} for sp in spaces],
                "services": {"internet": {"bandwidth_mbps": rnd.choice((100, 200, 500, 1000))},
                             "wifi_secure": slot % 5 != 4},
                "network": {"vlan": 100 + slot, "subnet": f"10.{s.index % 256}.{slot}.0/24"},
            }
            if sz.timeline:
                timeline_contract(c, slot, home, free)
            if slot % 2 == 0 and home:
                lines = 4
                c["services"]["voice"] = {"lines": lines, "tariff": "standard"}
                c["main_number"] = {"number": f"+{next_number}"}
                # One number per voice line (the main number is inbound only, on top).
                c["numbers"] = [{"number": f"+{next_number + 1 + k}"} for k in range(lines)]
                next_number += 10
            contracts[j].insert(0 if home else len(contracts[j]), c)  # home site first
    per, extra = divmod(sz.users, max(1, sz.occupiers))
    occupiers: dict[str, dict[str, Any]] = {}
    user_n = 0
    for j in range(sz.occupiers):
        oid = occupier_id(j)
        wifi = any(c["services"]["wifi_secure"] for c in contracts[j])
        home = contracts[j][0]["site"]
        users = []
        for k in range(per + (1 if j < extra else 0)):
            user_n += 1
            first, last = FIRST[user_n % len(FIRST)], LAST[(user_n // 7) % len(LAST)]
            u: dict[str, Any] = {"email": f"{first.lower()}.{last.lower()}{k + 1}@{oid}.example",
                                 "name": f"{first} {last}"}
            if k == 0:
                u["role"] = "admin"
            if wifi:
                u["wifi_secure"] = True
            u["home_site"] = home
            users.append(u)
        first_c = contracts[j][0]
        for k, num in enumerate(first_c.get("numbers", [])):
            ext = 900 + int(num["number"][-4:])  # numbers start at xxxx0100: 1000 up
            num["extension"] = ext
            if k < len(users):
                num["user"] = users[k]["email"]
                num["label"] = users[k]["name"]
                if k == 0:
                    num["handset"] = {"mac": _mac(j, 1), "model": HANDSETS[j % len(HANDSETS)]}
        devices = []
        if j % 3 == 0:
            kind = DEVICE_KINDS[j % len(DEVICE_KINDS)]
            subnet = first_c["network"]["subnet"].rsplit(".", 1)[0]
            devices.append({"name": f"{kind}-1", "mac": _mac(j, 2), "site": home, "kind": kind,
                            "reservation": f"{subnet}.5"})
        doc: dict[str, Any] = {"id": oid, "name": f"{oid.replace('-', ' ').title()} Ltd",
                               "billing_ref": f"GEN-{j + 1:06d}", "contracts": contracts[j],
                               "users": users}
        if devices:
            doc["devices"] = devices
        occupiers[oid] = doc
    return sites, occupiers


def _quoted_colons(rep: Any, data: str) -> Any:
    # 'acc-1:Ethernet1-2' and MACs unquoted in a flow list are YAML 1.2 but trip
    # YAML 1.1 parsers (libyaml); quoting keeps the files readable by both.
    return rep.represent_scalar("tag:yaml.org,2002:str", data, style="'" if ":" in data else None)


def write_estate(sz: Sizes, out: Path) -> tuple[int, int]:
    """Write sites/ and occupiers/ under `out` (which must hold no estate yet)."""
    sites, occupiers = generate(sz)
    for sub in ("sites", "occupiers"):
        d = out / sub
        if d.exists() and any(d.iterdir()):
            raise FileExistsError(f"{d} is not empty: generate into a new folder")
        d.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = None  # leaf mappings inline, like the hand-written files
    yaml.width = 200
    yaml.representer.sort_base_mapping_type_on_output = False  # keep the readable key order
    yaml.representer.ignore_aliases = lambda _data: True  # estate files refuse aliases
    yaml.representer.add_representer(str, _quoted_colons)
    header = (f"# Generated by `reconciler lab generate --sites {sz.sites} --occupiers "
              f"{sz.occupiers} --users {sz.users} --seed {sz.seed}"
              f"{' --timeline' if sz.timeline else ''}`.\n")
    for sub, docs in (("sites", sites), ("occupiers", occupiers)):
        for name, doc in docs.items():
            with (out / sub / f"{name}.yaml").open("w", encoding="utf-8") as fh:
                fh.write(header)
                yaml.dump(doc, fh)
    return len(sites), len(occupiers)
