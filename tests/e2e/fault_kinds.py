"""Which lab target kinds the apply fault suite breaks, and how.

One entry per lab component kind. A new target joins the suite by appending a
`FaultKind` here (see docs/safety.md): a device it changes on the first apply of
the example estate, how to read one device's full state, and the fault settings
(keys of `reconciler.lab.faults.FaultSettings`) that break each step of an apply.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.lab.faults import Faults

#: Every kind must break these steps; more are welcome.
REQUIRED_STEPS = ("before-first-change", "first-change", "mid-change", "commit", "verify")


@dataclass(frozen=True)
class FaultKind:
    kind: str  # lab component kind, as in reconciler.lab.launcher.COMPONENTS
    victim: str  # target id that the first apply of the example estate changes
    steps: Mapping[str, Mapping[str, Any]]  # step -> Faults.update() settings
    names: Callable[[Any], list[str]]  # lab handle -> device names (= target ids)
    state: Callable[[Any, str], str]  # lab handle, name -> full state, compared exactly
    faults: Callable[[Any, str], Faults]  # lab handle, name -> that device's faults
    device: str | None = None  # the victim's name in `names` when it is not the target id

    @property
    def victim_device(self) -> str:
        return self.device or self.victim


# A fresh `apply` reads each switch: plan, preflight, before-change, verify.
EOS_STEPS: dict[str, dict[str, Any]] = {
    "before-first-change": {"http_500": 1000, "http_status": 429},  # unreachable: plan fails
    "preflight": {"error_regex": r"^show running-config$", "error_skip": 1},
    "first-change": {"error_regex": r"^configure session"},
    "mid-change": {"error_regex": r"^switchport access vlan \d+$"},
    "mid-change-drop": {"drop_regex": r"^switchport access vlan \d+$"},
    "commit": {"fail_commit": True},
    "commit-500": {"error_regex": r"^commit$", "error_message": "% Internal error"},
    "verify": {"lose_commit": True},
    "verify-read": {"error_regex": r"^show running-config$", "error_skip": 3,
                    "error_times": 1},
    "slow-then-fail": {"latency": 0.05, "fail_commit": True},
}

# The lab Dashboard has one fault plan for every network: the regexes name lon1's network.
LON1_NET = "/networks/L_646829496481105433"
MERAKI_STEPS: dict[str, dict[str, Any]] = {
    # A fresh apply reads each network: plan, preflight, before-change, verify.
    "before-first-change": {"error_regex": rf"^GET {LON1_NET}/groupPolicies$"},
    "preflight": {"error_regex": rf"^GET {LON1_NET}/groupPolicies$", "error_skip": 1},
    "first-change": {"error_regex": rf"^POST {LON1_NET}/"},
    "mid-change": {"error_regex": rf"^POST {LON1_NET}/wireless/ssids/\d+/identityPsks$"},
    "commit": {"error_regex": rf"^POST {LON1_NET}/wireless/ssids/\d+/identityPsks$",
               "error_skip": 1},  # no transactions: the run's last write fails
    "verify": {"error_regex": rf"^GET {LON1_NET}/groupPolicies$", "error_skip": 3,
               "error_times": 1},
}

# IOS (netmiko over SSH) has no sessions or commits: reads are `show running-config` (plan,
# preflight, before-change, the target's own verify, the engine's verify); the last write of
# a change is `write mem`. A dropped session is covered in tests/e2e/test_ios_reconcile.py
# (netmiko only notices it when its read times out).
IOS_STEPS: dict[str, dict[str, Any]] = {
    "before-first-change": {"error_regex": r"^show running-config$"},
    "preflight": {"error_regex": r"^show running-config$", "error_skip": 1},
    "first-change": {"error_regex": r"^configure terminal$"},
    "mid-change": {"error_regex": r"^switchport access vlan \d+$"},
    "commit": {"error_regex": r"^write mem", "error_times": 1},
    "verify": {"error_regex": r"^show running-config$", "error_skip": 3, "error_times": 1},
}

KINDS: list[FaultKind] = [
    FaultKind(
        kind="eos", victim="lon1/acc-3a", steps=EOS_STEPS,
        names=lambda h: list(h.names),
        state=lambda h, n: h.device(n).running_config(),
        faults=lambda h, n: h.device(n).faults,
    ),
    FaultKind(
        kind="ios", victim="man1/acc-1a", steps=IOS_STEPS,
        names=lambda h: list(h.names),
        state=lambda h, n: h.device(n).running_config(),
        faults=lambda h, n: h.device(n).faults,
    ),
    FaultKind(
        kind="meraki", victim="lon1/wifi", device=LON1_NET.split("/")[2], steps=MERAKI_STEPS,
        names=lambda h: sorted(h.dashboard.networks),
        state=lambda h, n: json.dumps(h.dashboard.snapshot(n), sort_keys=True, default=str),
        faults=lambda h, n: h.faults,
    ),
]
