"""Jinja rendering of native commands from `templates/<platform>/<kind>.j2`.

Operators override a template by putting a file of the same name under their
estate repository's `templates/` (the service passes that folder to every target as
the `templates_dir` setting); the built-in ones (package data) are the fallback.
A plan records a digest of each template a target renders with (`digests`), so a
saved plan is refused once one of them changed.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import jinja2

from ..engine.resources import Change
from ..errors import ConfigError
from ..switching.vlans import compress_vlan_list
from ..templates_dir import BUILTIN_TEMPLATES
from ..templating import sandboxed_environment, template_loader


def _vlanlist(values: Iterable[int]) -> str:
    return compress_vlan_list(values)


def _ip_mask(address: str) -> str:
    """'172.16.0.1/24' -> '172.16.0.1 255.255.255.0' (IOS address syntax)."""
    iface = ipaddress.IPv4Interface(address)
    return f"{iface.ip} {iface.netmask}"


@lru_cache(maxsize=8)
def environment(extra_dir: str | None = None) -> jinja2.Environment:
    """Device CLI text, not HTML: no autoescape; sandboxed like every template."""
    dirs = [d for d in (extra_dir, str(BUILTIN_TEMPLATES)) if d]
    return sandboxed_environment(template_loader(*dirs),
                                 {"vlanlist": _vlanlist, "ip_mask": _ip_mask},
                                 trim_blocks=True, lstrip_blocks=True,
                                 keep_trailing_newline=False)


def _delta(change: Change) -> dict[str, dict[str, list[Any]]]:
    """For list-valued attrs: what an update adds and removes (trunk VLANs and the like)."""
    out: dict[str, dict[str, list[Any]]] = {}
    before = change.before or {}
    after = change.after or {}
    for f in set(before) | set(after):
        b, a = before.get(f), after.get(f)
        if isinstance(b, (list, tuple)) or isinstance(a, (list, tuple)):
            bs, as_ = list(b or []), list(a or [])
            out[f] = {"added": sorted(x for x in as_ if x not in bs),
                      "removed": sorted(x for x in bs if x not in as_)}
    return out


def render_changes(platform: str, changes: Sequence[Change], extra_dir: str | None = None,
                   **context: Any) -> list[str]:
    """Lines for all changes, in the given order; blank lines dropped."""
    env = environment(extra_dir)
    lines: list[str] = []
    for c in changes:
        name = f"{platform}/{c.kind}.j2"
        try:
            text = env.get_template(name).render(op=c.op, key=c.key, before=c.before,
                                                 after=c.after, fields=c.fields,
                                                 delta=_delta(c), change=c, **context)
        except jinja2.TemplateError as exc:
            raise template_failed(name, exc) from None
        lines += [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    return lines


def digests(folders: Sequence[str], extra_dir: str | None = None) -> dict[str, str]:
    """name -> sha256 of the template that would be used (an override wins), per folder."""
    if not folders:
        return {}
    env = environment(extra_dir)
    out: dict[str, str] = {}
    assert env.loader is not None
    for name in env.loader.list_templates():
        if name.split("/", 1)[0] in folders:
            source, _path, _up = env.loader.get_source(env, name)
            out[name] = hashlib.sha256(source.encode()).hexdigest()[:16]
    return out


def render_template(name: str, extra_dir: str | None = None, **context: Any) -> str:
    """One whole template (a provisioning file, a mail), errors named like commands'."""
    try:
        return environment(extra_dir).get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        raise template_failed(name, exc) from None


def template_failed(name: str, exc: jinja2.TemplateError) -> ConfigError:
    """A template that breaks (or breaks the sandbox) is a configuration error, named."""
    return ConfigError(f"template {name} failed: {type(exc).__name__}: {exc.message}")
