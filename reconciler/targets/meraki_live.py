"""What one read of a Meraki network saw: the managed objects with their ids and keys.

Kept by the target between read and apply (never put in a plan: it holds passphrases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


@dataclass
class LiveNetwork:
    """What one read saw, with the ids and secrets apply needs (never put in a plan)."""

    policies: dict[str, Json] = field(default_factory=dict)  # name -> policy (all of them)
    psks: dict[str, Json] = field(default_factory=dict)  # managed key -> PSK
    clients: dict[str, Json] = field(default_factory=dict)  # managed MAC -> client
    # Clients named as ours whose policy an operator changed (Blocked, a hand-made group):
    # not ours any more, so never reset to Normal or re-provisioned. MAC -> what it is.
    foreign_clients: dict[str, str] = field(default_factory=dict)

    def policy_name(self, policy_id: str | None) -> str | None:
        return next((n for n, p in self.policies.items() if p["groupPolicyId"] == policy_id),
                    None)


def policy_vlan(policy: Json) -> int | None:
    tag = policy.get("vlanTagging") or {}
    vid = tag.get("vlanId")
    if tag.get("settings") == "custom" and str(vid).isdigit():
        return int(str(vid))
    return None
