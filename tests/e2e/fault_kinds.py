"""Which lab target kinds the apply fault suite breaks, and how.

One entry per lab component kind. A new target joins the suite by appending a
`FaultKind` here (see docs/safety.md): a device it changes on the first apply of
the example estate, how to read one device's full state, and the fault settings
(keys of `reconciler.lab.faults.FaultSettings`) that break each step of an apply.
"""

from __future__ import annotations

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

KINDS: list[FaultKind] = [
    FaultKind(
        kind="eos", victim="man1/acc-1a", steps=EOS_STEPS,
        names=lambda h: list(h.names),
        state=lambda h, n: h.device(n).running_config(),
        faults=lambda h, n: h.device(n).faults,
    ),
]
