"""Desk-phone provisioning files: one per phone, named from its MAC only.

A file is ours when its name is `<12 hex>.cfg` / `<12 hex>.xml` and its second
line carries the reconciler marker with the attributes it was written from; any
other file in the provisioning folder is outside the scope and never touched.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..engine.resources import Resource
from ._render import render_template

MARKER = "reconciler"
NAME_RE = re.compile(r"^([0-9a-f]{12})\.(cfg|xml)$")
MAC_RE = re.compile(r"^[0-9a-f]{12}$")
# Vendor by model prefix: template and file suffix.
VENDORS: dict[str, tuple[str, str]] = {
    "yealink": ("provisioning/yealink.cfg.j2", "cfg"),
    "polycom": ("provisioning/polycom.cfg.j2", "cfg"),
    "snom": ("provisioning/snom.xml.j2", "xml"),
}
ATTRS = ("model", "endpoint", "label", "extension")


def vendor(model: str) -> tuple[str, str]:
    return VENDORS[model.split("-", 1)[0]]


def file_name(mac: str, model: str) -> str:
    if not MAC_RE.fullmatch(mac):  # the model validated it; a file name is never guessed
        raise ValueError(f"not a MAC: {mac!r}")
    return f"{mac}.{vendor(model)[1]}"


def marker(attrs: Mapping[str, Any]) -> str:
    # JSON with '-' escaped so that the marker is also a valid XML comment.
    text = json.dumps({k: attrs.get(k) for k in ATTRS}, sort_keys=True)
    return MARKER + " " + text.replace("-", "\\u002d")


def read_dir(target: str, directory: Path) -> list[Resource]:
    out: list[Resource] = []
    if not directory.is_dir():
        return out
    for path in sorted(directory.iterdir()):
        m = NAME_RE.fullmatch(path.name)
        if not m or not path.is_file():
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()[:2]
        except (OSError, UnicodeDecodeError):
            continue
        attrs = _parse_marker(lines[1] if len(lines) > 1 else "")
        if attrs is None:
            continue  # not written by us: outside the scope
        model = str(attrs.get("model", ""))
        if model.split("-", 1)[0] not in VENDORS or file_name(m.group(1), model) != path.name:
            continue
        out.append(Resource(target, "handset", m.group(1), attrs))
    return out


def _parse_marker(line: str) -> dict[str, Any] | None:
    m = re.search(MARKER + r" (\{.*\})", line)
    if not m:
        return None
    try:
        data = json.loads(m.group(1))
    except json.JSONDecodeError:
        return None
    return {k: data.get(k) for k in ATTRS} if isinstance(data, dict) else None


def render_file(mac: str, attrs: Mapping[str, Any], password: str, server: str,
                timezone: str, templates_dir: str | None = None) -> str:
    return render_template(vendor(str(attrs["model"]))[0], templates_dir,
                           marker=marker(attrs), mac=mac, model=attrs["model"],
                           label=attrs["label"], username=attrs["endpoint"],
                           extension=attrs["extension"], password=password, server=server,
                           timezone=timezone) + "\n"


def write_file(directory: Path, name: str, text: str) -> None:
    """Atomic replace; owner/group readable only (the file holds the SIP password)."""
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, directory / name)
