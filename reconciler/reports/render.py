"""Jinja rendering of reports (`templates/show/`, `templates/guide/`).

HTML templates are autoescaped (names and labels come from YAML); text and
Markdown are not. Operators override a template by putting one of the same name
in their estate repository's `templates/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from ..errors import ConfigError
from ..templates_dir import BUILTIN_TEMPLATES
from ..templating import sandboxed_environment, template_loader


def port_ranges(ports: Iterable[Mapping[str, str]]) -> list[str]:
    """[{switch, port, role}] -> ['acc-3a:Ethernet1-4', 'acc-3a:Ethernet11 (router)']."""
    out: list[str] = []
    run: list[Any] = []  # [switch, prefix, first, last, role]

    def flush() -> None:
        if run:
            sw, prefix, a, b, role = run
            text = f"{sw}:{prefix}{a}" + (f"-{b}" if b != a else "")
            out.append(text + (f" ({role})" if role != "data" else ""))

    for p in ports:
        m = re.fullmatch(r"(.*?)(\d+)", p["port"])
        prefix, num = (m.group(1), int(m.group(2))) if m else (p["port"], -1)
        role = p.get("role", "data")
        if run and run[:2] == [p["switch"], prefix] and run[4] == role and num == run[3] + 1:
            run[3] = num
            continue
        flush()
        run = [p["switch"], prefix, num, num, role]
    flush()
    return out


def environment(extra_dir: Path | None = None) -> jinja2.Environment:
    dirs = [str(d) for d in (extra_dir, BUILTIN_TEMPLATES) if d]
    return sandboxed_environment(
        template_loader(*dirs),
        {"ports": port_ranges, "label": lambda s: str(s).replace("_", " ")},
        autoescape=jinja2.select_autoescape(["html", "html.j2"]), trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)


def render(template: str, extra_dir: Path | None = None, **context: Any) -> str:
    try:
        return environment(extra_dir).get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        raise ConfigError(f"template {template} failed: {type(exc).__name__}: "
                          f"{exc.message}") from None
