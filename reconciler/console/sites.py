"""A site's page: floors drawn as plans of spaces, the date control's data, the port map."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from ..model.estate import Estate
from ..model.site import Site, expand_port_ref
from ..reports.render import port_ranges
from .data import ConsoleData
from .timeline import Span, change_days, holder_on, site_spans

PALETTE = 12  # occupier colours (console.css .c0 ... .c11)


def tile_size(capacity: int) -> tuple[int, int]:
    """Grid cells (columns, rows) of a space's tile: area grows with capacity."""
    cells = max(2, math.ceil(capacity / 2))
    if cells <= 4:
        return cells, 1
    return min(6, math.ceil(cells / 2)), 2


def occupier_colours(spans: list[Span]) -> dict[str, int]:
    return {occ: i % PALETTE for i, occ in enumerate(sorted({s.occupier for s in spans}))}


def occupancy(site: Site, spans: list[Span], day: dt.date) -> dict[str, int]:
    """Spaces leased / available / unavailable on `day`, and seats (capacity) leased."""
    out = {"leased": 0, "available": 0, "unavailable": 0, "seats": 0, "seats_leased": 0}
    for space in site.spaces().values():
        out["seats"] += space.capacity
        if space.status == "unavailable":
            out["unavailable"] += 1
        elif holder_on(spans, space.id, day):
            out["leased"] += 1
            out["seats_leased"] += space.capacity
        else:
            out["available"] += 1
    return out


def floors(estate: Estate, site: Site, spans: list[Span], day: dt.date) -> list[dict[str, Any]]:
    colours = occupier_colours(spans)
    out = []
    for f in sorted(site.floors, key=lambda f: f.number):
        tiles = []
        for space in f.spaces:
            holder = holder_on(spans, space.id, day) if space.status == "available" else None
            w, h = tile_size(space.capacity)
            refs = [{"switch": sw, "port": p, "role": e.role} for e in space.ports
                    for sw, ps in [expand_port_ref(e.port)] for p in ps]
            tiles.append({
                "id": space.id, "kind": space.kind, "capacity": space.capacity,
                "status": space.status, "w": w, "h": h, "ports": port_ranges(refs),
                "holder": holder,
                "holder_name": estate.occupiers[holder].name if holder else None,
                "colour": colours.get(holder, 0) if holder else None,
            })
        out.append({"number": f.number, "name": f.name or f"Floor {f.number}", "tiles": tiles})
    return out


def date_control(estate: Estate, site: Site, spans: list[Span], day: dt.date) -> dict[str, Any]:
    """What the page's script needs to redraw the floors for any day (JSON)."""
    days = change_days(spans)
    first = min([day, *days]) - dt.timedelta(days=30)
    last = max([day, *days]) + dt.timedelta(days=90)
    colours = occupier_colours(spans)
    by_space: dict[str, list[list[Any]]] = {}
    for s in spans:
        by_space.setdefault(s.space, []).append(
            [s.start.isoformat(), s.end.isoformat() if s.end else None, s.occupier])
    return {"at": day.isoformat(), "min": first.isoformat(), "max": last.isoformat(),
            "changes": [d.isoformat() for d in days],
            "occupiers": {o: {"name": estate.occupiers[o].name, "colour": c}
                          for o, c in colours.items()},
            "spaces": by_space}


def _natural(name: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _split_port(name: str) -> tuple[str, int]:
    m = re.fullmatch(r"(.*?)(\d+)", name)
    return (m.group(1), int(m.group(2))) if m else (name, -1)


def _grouped(ports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive ports that do the same thing, as one row ('Ethernet1-4')."""
    same = ("space", "role", "occupier", "vlan", "voice_vlan", "enabled")
    rows: list[dict[str, Any]] = []
    for p in ports:
        prefix, num = _split_port(str(p["port"]))
        last = rows[-1] if rows else None
        if last and all(last[k] == p[k] for k in same) and last["_prefix"] == prefix \
                and num == last["_last"] + 1:
            last["_last"] = num
            last["port"] = f"{last['_first_name']}-{num}"
            last["count"] += 1
            continue
        rows.append({**p, "_prefix": prefix, "_last": num, "_first_name": p["port"],
                     "count": 1})
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]


def _faceplate(ports: list[dict[str, Any]], uplinks: list[str],
               colours: dict[str, int]) -> list[dict[str, Any]]:
    """The switch's front: ports 1..N, odd on top like the hardware, coloured by use."""
    by_num: dict[int, dict[str, Any]] = {}
    for p in ports:
        num = _split_port(str(p["port"]))[1]
        cls = f"c{colours[p['occupier']]}" if p["occupier"] in colours else (
            "leased" if p["occupier"] else "vacant")
        by_num[num] = {"n": num, "cls": cls, "title": f"{p['port']} · space {p['space']} · "
                       + (p["occupier_name"] or "vacant") + f" · VLAN {p['vlan']}"}
    prefixes = {_split_port(str(p["port"]))[0] for p in ports}
    for u in uplinks:
        prefix, num = _split_port(u)
        if num > 0 and (not prefixes or prefix in prefixes):  # same module as the floor ports
            by_num.setdefault(num, {"n": num, "cls": "uplink", "title": f"{u} · uplink"})
    if not by_num:
        return []
    top = max(by_num)
    top += top % 2
    return [by_num.get(n, {"n": n, "cls": "other", "title": f"port {n}: not managed"})
            for n in [*range(1, top + 1, 2), *range(2, top + 1, 2)]]


def port_map(data: ConsoleData, site: Site, colours: dict[str, int]) -> list[dict[str, Any]]:
    """Per switch: every floor port as the intent wants it on the build day, and uplinks."""
    where: dict[tuple[str, str], tuple[str, str]] = {}
    for space in site.spaces().values():
        for e in space.ports:
            sw_name, ps = expand_port_ref(e.port)
            for p in ps:
                where[(sw_name, p)] = (space.id, e.role)
    names = {occ.id: occ.name for occ, _c in data.estate.contracts_by_site().get(site.id, [])}
    out = []
    for name, sw in sorted(site.switches.items()):
        tid = f"{site.id}/{name}"
        ports, trunks = [], []
        for r in data.switches.resources.get(tid, []):
            if r.kind == "port":
                space_id, role = where.get((name, r.key), ("", "data"))
                ports.append({"port": r.key, "space": space_id, "role": role,
                              "occupier": r.owner, "occupier_name": names.get(r.owner or ""),
                              "vlan": r.attrs.get("vlan"), "voice_vlan": r.attrs.get("voice_vlan"),
                              "enabled": r.attrs.get("enabled")})
            elif r.kind == "trunk":
                trunks.append({"port": r.key, "vlans": r.attrs.get("vlans", [])})
        ports.sort(key=lambda p: _natural(str(p["port"])))
        out.append({"name": name, "platform": sw.platform.value, "role": sw.role,
                    "host": sw.host, "ports": _grouped(ports), "trunks": trunks,
                    "faceplate": _faceplate(ports, list(sw.uplinks), colours)})
    return out


def site_summary(data: ConsoleData, site: Site) -> dict[str, Any]:
    spans = site_spans(data.estate, site.id)
    tenants = {occ.id for occ, c in data.estate.contracts_by_site().get(site.id, [])
               if c.status(data.at) == "active"}
    return {"id": site.id, "name": site.name, "address": site.address,
            "occupancy": occupancy(site, spans, data.at), "occupiers": len(tenants),
            "floors": len(site.floors), "switches": len(site.switches)}


def site_page(data: ConsoleData, site: Site) -> dict[str, Any]:
    spans = site_spans(data.estate, site.id)
    day = data.at
    upcoming = [d for d in change_days(spans) if d > day]
    tenants = []
    for occ, c in data.estate.contracts_by_site().get(site.id, []):
        tenants.append({"id": occ.id, "name": occ.name, "status": c.status(day),
                        "start": c.start, "end": c.end,
                        "spaces": [o.space for o in c.occupancies],
                        "vlan": c.network.vlan if c.network else None})
    return {"site": site, "floors": floors(data.estate, site, spans, day),
            "occupancy": occupancy(site, spans, day),
            "control": date_control(data.estate, site, spans, day),
            "next_change": upcoming[0] if upcoming else None,
            "tenants": sorted(tenants, key=lambda t: t["name"].lower()),
            "ports": port_map(data, site, occupier_colours(spans))}
