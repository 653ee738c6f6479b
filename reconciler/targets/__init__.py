"""Live-system platforms, one registry by platform name.

Adding a platform: a module here with a class satisfying `engine.target.Target`,
an entry in `TARGETS`, a `Platform` member in `model.base`, and a subclass of the
contract test suite (see docs/adding-a-platform.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import UnknownPlatformError
from .asterisk import AsteriskTarget
from .eos import EosTarget
from .freeradius import FreeradiusTarget
from .kea import KeaTarget
from .meraki import MerakiTarget

TARGETS: Mapping[str, Any] = {
    EosTarget.platform: EosTarget,
    MerakiTarget.platform: MerakiTarget,
    FreeradiusTarget.platform: FreeradiusTarget,
    AsteriskTarget.platform: AsteriskTarget,
    KeaTarget.platform: KeaTarget,
}


def get_target(platform: str) -> Any:
    try:
        return TARGETS[platform]
    except KeyError:
        raise UnknownPlatformError(platform, list(TARGETS)) from None
