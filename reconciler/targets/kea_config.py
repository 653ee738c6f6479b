"""Kea `Dhcp4` configuration <-> `dhcp_subnet` resources (pure, no I/O).

A subnet is managed by this reconciler target when its `user-context` carries
`{"reconciler": {"site": <site>}}`; every other subnet (and every other part of
the configuration) is copied through untouched.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from ..engine.resources import SITE, Change, Resource, is_occupier, owner_id

TAG = "reconciler"


def managed_site(subnet: Mapping[str, Any]) -> str | None:
    ctx = subnet.get("user-context")
    tag = ctx.get(TAG) if isinstance(ctx, Mapping) else None
    site = tag.get("site") if isinstance(tag, Mapping) else None
    return site if isinstance(site, str) else None


def _option(subnet: Mapping[str, Any], name: str, code: int) -> str | None:
    for o in subnet.get("option-data", []) or []:
        if o.get("name") == name or o.get("code") == code:
            return str(o.get("data", ""))
    return None


def subnet_to_attrs(subnet: Mapping[str, Any]) -> dict[str, Any]:
    """What we compare of one live subnet; anything else Kea holds is not ours to judge."""
    pools = [str(p.get("pool", "")).replace(" ", "") for p in subnet.get("pools", []) or []]
    dns = _option(subnet, "domain-name-servers", 6)
    reservations = sorted(
        ({"name": r.get("hostname") or None, "mac": str(r.get("hw-address", "")).lower(),
          "address": r.get("ip-address")} for r in subnet.get("reservations", []) or []),
        key=lambda r: str(r["name"]))
    return {"id": subnet.get("id"), "router": _option(subnet, "routers", 3),
            "pool": pools[0] if len(pools) == 1 else pools,
            "dns_servers": [d.strip() for d in dns.split(",")] if dns else [],
            "reservations": reservations}


def attrs_to_subnet(key: str, attrs: Mapping[str, Any], site: str,
                    owner: str | None) -> dict[str, Any]:
    options = [{"name": "routers", "data": attrs["router"]}]
    if attrs.get("dns_servers"):
        options.append({"name": "domain-name-servers", "data": ", ".join(attrs["dns_servers"])})
    tag: dict[str, Any] = {"site": site}
    if is_occupier(owner):
        tag["owner"] = owner
    return {"id": attrs["id"], "subnet": key, "pools": [{"pool": attrs["pool"]}],
            "option-data": options,
            "reservations": [{"hw-address": r["mac"], "ip-address": r["address"],
                              **({"hostname": r["name"]} if r.get("name") else {})}
                             for r in attrs.get("reservations", [])],
            "user-context": {TAG: tag}}


def read_resources(target: str, site: str, dhcp4: Mapping[str, Any]) -> list[Resource]:
    out = []
    for sn in dhcp4.get("subnet4", []) or []:
        if managed_site(sn) == site:
            owner = sn["user-context"][TAG].get("owner")
            out.append(Resource(target, "dhcp_subnet", str(sn["subnet"]), subnet_to_attrs(sn),
                                owner_id(owner) if isinstance(owner, str) else SITE))
    return out


def apply_to_config(config: Mapping[str, Any], site: str,
                    changes: Sequence[Change]) -> dict[str, Any]:
    """A new full configuration with `changes` made to this site's managed subnets only."""
    new = copy.deepcopy(dict(config))
    dhcp4 = new["Dhcp4"]
    subnets: list[dict[str, Any]] = list(dhcp4.get("subnet4", []) or [])
    index = {str(sn.get("subnet")): i for i, sn in enumerate(subnets) if managed_site(sn) == site}
    drop: set[int] = set()
    for c in changes:
        i = index.get(c.key)
        if c.op == "delete":
            if i is not None:
                drop.add(i)
            continue
        assert c.after is not None
        fresh = attrs_to_subnet(c.key, c.after, site, c.owner)
        if i is None:
            subnets.append(fresh)
        else:
            # Keep what Kea added (lifetimes, defaults); replace what we manage.
            subnets[i] = {**subnets[i], **fresh}
    dhcp4["subnet4"] = [sn for i, sn in enumerate(subnets) if i not in drop]
    return new
