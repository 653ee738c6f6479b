"""Blast-radius guard: refuse plans that take service away from a large share of tenants.

It counts what occupiers lose, never what the site holds: an occupied port (owned
by an occupier and enabled), an occupier's VLAN, gateway, Wi-Fi user, key or
device, SIP line, phone number, DHCP range, and each occupier VLAN an uplink trunk
carries ("entries" of a shared resource). A vacant port, the site's own VLANs and a
trunk as such are nobody's service, so they never count.

Which kinds count is class-level data of each target: `guarded_kinds` (each
resource is one unit) and `guarded_entries` (kind -> (list attribute, kind whose
resource names each entry's owner): a trunk's `vlans`, owned as the `vlan` of the
same id). A kind in `guarded_sitewide` names the same thing on every target of a
site (VLAN 103 on the core and on each access switch is one VLAN): it counts once
per site, as the most any one target holds or loses, not once per switch. Per site,
kind and owner, losses and gains are netted, so a move (ports off here, on there)
or a key rotation (delete v1, create v2) is no loss. A site is refused when its net
loss of one kind is at least `MIN_LOSS` and more than `share` of what occupiers
held of that kind before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .resources import Attrs, Change, Resource, is_occupier

DEFAULT_SHARE = 0.20
MIN_LOSS = 3  # below this a change is not "mass", whatever the share (tiny sites, one key)
NOUNS = {"port": "occupied ports", "vlan": "occupier VLANs", "svi": "occupier gateways",
         "trunk": "occupier VLAN entries on uplink trunks", "radius_user": "Wi-Fi users",
         "radius_mac": "Wi-Fi devices (MAC logins)", "wifi_policy": "Wi-Fi group policies",
         "wifi_psk": "Wi-Fi device keys", "wifi_client": "Wi-Fi clients",
         "pbx_endpoint": "SIP lines", "pbx_did": "phone numbers",
         "dhcp_subnet": "DHCP ranges"}

Entries = Mapping[str, tuple[str, str]]
Units = Counter[tuple[str, str]]  # (kind, owner) -> units held


def kinds_of(cls: Any) -> tuple[tuple[str, ...], Entries]:
    """A target class's guarded kinds and entry kinds (nothing for a class without them)."""
    return tuple(getattr(cls, "guarded_kinds", ())), dict(getattr(cls, "guarded_entries", {}))


def sitewide_of(cls: Any) -> frozenset[str]:
    return frozenset(getattr(cls, "guarded_sitewide", ()))


def merge(into: Units, more: Units, sitewide: frozenset[str]) -> None:
    """Add one target's units to its site's: summed, or for a site-wide kind the
    largest (in size) of the two, so a VLAN on every switch of a site counts once."""
    for key, n in more.items():
        if key[0] in sitewide:
            if abs(n) > abs(into.get(key, 0)):
                into[key] = n
        else:
            into[key] = into.get(key, 0) + n


def noun(kind: str) -> str:
    return NOUNS.get(kind, f"occupier {kind.replace('_', ' ')} resources")


def _in_service(attrs: Attrs | None) -> bool:
    return attrs is not None and bool(attrs.get("enabled", True))


def entry_owners(resources: Iterable[Resource], entries: Entries) -> dict[str, dict[str, str]]:
    """owner kind -> key -> occupier, for the kinds that name the owners of entries."""
    wanted = {k for _attr, k in entries.values()}
    out: dict[str, dict[str, str]] = {k: {} for k in wanted}
    for r in resources:
        if r.kind in wanted and is_occupier(r.owner):
            out[r.kind][r.key] = r.owner
    return {k: v for k, v in out.items() if v}


def _entry_units(attrs: Attrs | None, attr: str, owners: Mapping[str, str]) -> Units:
    units: Units = Counter()
    for value in (attrs or {}).get(attr) or ():
        owner = owners.get(str(value))
        if owner is not None:
            units[("", owner)] += 1
    return units


def _units(kind: str, attrs: Attrs | None, owner: str | None, kinds: Sequence[str],
           entries: Entries, owners: Mapping[str, Mapping[str, str]]) -> Units:
    """What one side (before or after) of a resource gives occupiers, as (kind, owner) units."""
    out: Units = Counter()
    if kind in kinds and is_occupier(owner) and _in_service(attrs):
        assert owner is not None
        out[(kind, owner)] += 1
    if kind in entries:
        attr, owner_kind = entries[kind]
        for (_k, o), n in _entry_units(attrs, attr, owners.get(owner_kind, {})).items():
            out[(kind, o)] += n
    return out


def held(live: Iterable[Resource], kinds: Sequence[str], entries: Entries) -> Units:
    """Units occupiers hold on one target's live state."""
    live = list(live)
    owners = entry_owners(live, entries)
    total: Units = Counter()
    for r in live:
        total.update(_units(r.kind, r.attrs, r.owner, kinds, entries, owners))
    return total


def net_effect(changes: Iterable[Change], kinds: Sequence[str], entries: Entries,
               owners: Mapping[str, Mapping[str, str]]) -> Units:
    """(kind, owner) -> units gained (positive) or lost (negative) by `changes`.

    Entry owners come from the live state (`owners`) and from what the changes
    create, so a VLAN added to a trunk with its own VLAN counts for its occupier.
    """
    changes = list(changes)
    known = {k: dict(v) for k, v in owners.items()}
    for c in changes:
        if c.after is not None and is_occupier(c.owner):
            known.setdefault(c.kind, {})[c.key] = c.owner
    net: Units = Counter()
    for c in changes:
        before = _units(c.kind, c.before, c.live_owner, kinds, entries, known)
        after = _units(c.kind, c.after, c.owner, kinds, entries, known)
        net.update(after)
        net.subtract(before)
    return net


@dataclass(frozen=True)
class Loss:
    """A site's net loss of one kind, with the numbers; `day` set when a date brings it."""

    site: str
    kind: str
    lost: int
    total: int
    day: str | None = None
    cause: str = ""

    @property
    def share(self) -> float:
        return self.lost / self.total if self.total else 1.0

    def too_large(self, share: float) -> bool:
        return self.lost >= MIN_LOSS and self.share > share

    def message(self, share: float) -> str:
        when = f" on {self.day}" if self.day else ""
        why = f" ({self.cause})" if self.cause else ""
        return (f"site {self.site}: {self.lost} of {self.total} {noun(self.kind)} would be "
                f"lost{when}{why} ({self.share:.0%} > {share:.0%})")

    def to_json(self) -> dict[str, Any]:
        return {"site": self.site, "kind": self.kind, "lost": self.lost, "total": self.total,
                "day": self.day, "cause": self.cause}

    @staticmethod
    def from_json(d: Mapping[str, Any]) -> Loss:
        return Loss(str(d["site"]), str(d["kind"]), int(d["lost"]), int(d["total"]),
                    d.get("day"), str(d.get("cause", "")))


def site_losses(held_by_site: Mapping[str, Units], net_by_site: Mapping[str, Units],
                day: str | None = None, cause: str = "") -> list[Loss]:
    """Per site and kind: the net loss summed over owners, against what occupiers held."""
    out = []
    for site in sorted(net_by_site):
        lost: Counter[str] = Counter()
        for (kind, _owner), n in net_by_site[site].items():
            if n < 0:
                lost[kind] += -n
        total: Counter[str] = Counter()
        for (kind, _owner), n in held_by_site.get(site, Counter()).items():
            total[kind] += n
        for kind, n in sorted(lost.items()):
            out.append(Loss(site, kind, n, max(total[kind], n), day, cause))
    return out


def refusals(losses: Iterable[Loss], share: float = DEFAULT_SHARE) -> list[str]:
    return [loss.message(share) for loss in losses if loss.too_large(share)]
