"""Each platform's minimum round trips for a step, and the Dashboard's time floor.

The minimum reads what we manage once, with the fewest requests the system's own
interface allows, and writes each change once:

- EOS (eAPI): one request per switch reads its running-config (commands batch);
  a change is one more (one configuration session).
- IOS (SSH): every line waits for its prompt, so a round trip is a command; a switch
  is read with `show running-config` and `show vlan brief` (in VTP server mode the
  VLANs are not in the running-config); a change is one more at least.
- Meraki Dashboard: group policies and a network's identity PSKs have no
  organisation-wide listing in the API (v1, the SDK pinned here: only *global*
  group policies, another object, are organisation-wide) and neither operation is
  paged, so a network costs two GETs (PSK mode; MAC mode: policies and one client
  listing at the largest page, 5,000); a change costs one request. At 10 requests
  per second per organisation the floor in seconds is requests / 10 for the busiest
  organisation (organisations are limited separately, so they run in parallel).
- RADIUS (SQL): one query per table we manage (radgroupcheck, radgroupreply,
  radusergroup, radcheck) per server; a change at least one statement.
- PBX (Asterisk realtime SQL): one query per table (ps_endpoints, ps_aors, ps_auths,
  voicemail, extensions) per database server; a change at least one statement.
- Kea: one `config-get` per server; a change one `config-set`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

RATE = 10.0  # Dashboard requests per second per organisation
READS = {"arista_eos": 1, "cisco_ios": 2, "meraki": 2, "kea": 1}
TABLES = {"freeradius": 4, "asterisk": 5}  # read once per server


def scope_of(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per platform, from a plan's JSON: targets, changed targets, changes, servers, orgs."""
    out: dict[str, dict[str, Any]] = {}
    for t in plan["targets"]:
        p = out.setdefault(t["platform"], {"targets": 0, "changed": 0, "changes": 0,
                                           "servers": set(), "orgs": Counter(),
                                           "org_changes": Counter()})
        n = len(t.get("changes", []))
        p["targets"] += 1
        p["changed"] += 1 if n else 0
        p["changes"] += n
        spec = t.get("spec", {})
        p["servers"].add(spec.get("credentials") or t["target"])
        org = spec.get("settings", {}).get("organization_id")
        if org:
            p["orgs"][org] += 1
            p["org_changes"][org] += n
    for p in out.values():
        p["servers"] = len(p["servers"])
        p["orgs"], p["org_changes"] = dict(p["orgs"]), dict(p["org_changes"])
    return out


def minimum(platform: str, scope: dict[str, Any], apply: bool) -> int:
    if platform in TABLES:
        reads = TABLES[platform] * scope["servers"]
    else:
        reads = READS.get(platform, 1) * scope["targets"]
    if not apply:
        return int(reads)
    if platform in ("meraki", "freeradius", "asterisk"):
        return int(reads + scope["changes"])
    return int(reads + scope["changed"])


def meraki_floor(scope: dict[str, Any], apply: bool) -> float:
    """Seconds the busiest organisation needs at 10 requests per second."""
    per_org = [READS["meraki"] * n + (scope["org_changes"].get(org, 0) if apply else 0)
               for org, n in scope["orgs"].items()]
    return max(per_org, default=0) / RATE


def per_platform(counts: dict[str, dict[str, Any]], scope: dict[str, dict[str, Any]],
                 sizes: Any, apply: bool) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for platform in sorted(set(counts) | set(scope)):
        c = counts.get(platform, {})
        s = scope.get(platform, {"targets": 0, "changed": 0, "changes": 0, "servers": 0,
                                 "orgs": {}, "org_changes": {}})
        row = {"targets": s["targets"], "changed": s["changed"], "changes": s["changes"],
               "servers": s["servers"], "orgs": s["orgs"], "org_changes": s["org_changes"],
               "round_trips": int(c.get("round_trips", 0)),
               "min_round_trips": minimum(platform, s, apply),
               **{k: v for k, v in c.items() if k != "round_trips"}}
        if platform == "meraki":
            row["floor_s"] = meraki_floor(s, apply)
            row["organisations"] = len(s["orgs"])
        out[platform] = row
    return out
