"""What a lab is made of: the components to start and how targets map onto them."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.estate import Estate


@dataclass
class LabPlan:
    """What to start, and how targets and credentials map onto it."""

    components: list[dict[str, Any]] = field(default_factory=list)
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)
    # lab endpoint name -> target id
    targets: dict[str, str] = field(default_factory=dict)
    #: What the caller should tell the user (a part of the lab that cannot start).
    notes: list[str] = field(default_factory=list)

    def secret_for(self, name: str, **fields: str) -> dict[str, str]:
        if name not in self.credentials:
            self.credentials[name] = {**fields, "password": secrets.token_urlsafe(12)}
        return self.credentials[name]


LabPlanner = Callable[[Estate, Path, LabPlan], None]
