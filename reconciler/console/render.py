"""Jinja for the console: `templates/console/`, every page autoescaped.

Names, labels and e-mails come from YAML that anyone with a pull request can
write: autoescaping is on for every template whatever its name, and data for
scripts goes through `tojson` (which escapes <, > and &).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from ..reports.render import port_ranges
from ..templates_dir import BUILTIN_TEMPLATES
from ..templating import sandboxed_environment, template_loader

CONSOLE_TEMPLATES = BUILTIN_TEMPLATES / "console"
ASSETS = CONSOLE_TEMPLATES / "assets"


def _date(value: Any, style: str = "long") -> str:
    """2026-12-01 -> 'Tue 1 Dec 2026' (long) or '1 Dec' (short)."""
    if value in (None, ""):
        return ""
    return _day(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10]),
                style)


@lru_cache(maxsize=4096)
def _day(d: dt.date, style: str) -> str:
    if style == "short":
        return f"{d.day} {d:%b}"
    return f"{d:%a} {d.day} {d:%b %Y}"


def _when(value: Any) -> str:
    """An ISO timestamp as 'Tue 1 Dec 2026 05:17 UTC'."""
    if not value:
        return ""
    try:
        t = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return f"{_date(t.date())} {t:%H:%M} UTC"


def environment(extra: Path | None = None) -> jinja2.Environment:
    """Sandboxed like every template of the product (`reconciler.templating`)."""
    return sandboxed_environment(
        template_loader(extra, CONSOLE_TEMPLATES),
        {"date": _date, "when": _when, "ports": port_ranges,
         "label": lambda s: str(s).replace("_", " "), "short": lambda s: str(s or "")[:12]},
        autoescape=True, trim_blocks=True, lstrip_blocks=True)
