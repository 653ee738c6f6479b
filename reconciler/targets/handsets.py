"""Desk-phone provisioning files: one per phone, named from its MAC only.

A file is ours when its name is `<12 hex>.cfg` / `<12 hex>.xml` and its second
line carries the reconciler marker with the attributes it was written from; any
other file in the provisioning folder is outside the scope and never touched.

The files hold SIP passwords, so where they go is the operator's, not the estate's:
an absolute folder comes from trusted configuration (the endpoints file), a site
file's relative `pbx.provisioning_dir` lies below `RECONCILER_PROVISIONING_ROOT`,
never below the working directory, and a folder inside a git work tree that git
does not ignore is refused (a password must never be one `git add` from a commit).
Nothing in the folder is reached through a symbolic link (`safefiles`).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import safefiles
from ..engine.resources import Resource
from ..errors import ConfigError
from ._render import render_template

ROOT_ENV = "RECONCILER_PROVISIONING_ROOT"

MARKER = "reconciler"
NAME_RE = re.compile(r"^([0-9a-f]{12})\.(cfg|xml)$")
MAC_RE = re.compile(r"^[0-9a-f]{12}$")
# Vendor by model prefix: template and file suffix.
VENDORS: dict[str, tuple[str, str]] = {
    "yealink": ("provisioning/yealink.cfg.j2", "cfg"),
    "polycom": ("provisioning/polycom.cfg.j2", "cfg"),
    "snom": ("provisioning/snom.xml.j2", "xml"),
}
# What a file is written from; credential_version makes a rotated SIP password rewrite it.
ATTRS = ("model", "endpoint", "label", "extension", "voicemail", "credential_version")


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


@dataclass(frozen=True)
class Folder:
    """Where a site's phone files go: a trusted root and the site file's part below it."""

    root: Path
    below: str = ""

    @property
    def path(self) -> Path:
        return self.root / self.below if self.below else self.root


def folder_for(target: str, setting: str, environ: Mapping[str, str] | None = None) -> Folder:
    env = os.environ if environ is None else environ
    if os.path.isabs(setting):
        folder = Folder(Path(setting))  # the endpoints file: the operator's own config
    elif env.get(ROOT_ENV):
        folder = Folder(Path(env[ROOT_ENV]), setting)
    else:
        raise ConfigError(f"{target}: pbx.provisioning_dir {setting!r} is relative and "
                          f"{ROOT_ENV} is not set: point it at the folder the phones' "
                          "provisioning server serves (never the estate repository)")
    tracked = _tracked_by_git(folder.path)
    if tracked is not None:
        raise ConfigError(f"{target}: the provisioning folder {folder.path} is inside the git "
                          f"work tree {tracked} and not ignored there; phone files hold SIP "
                          f"passwords: choose a folder outside it ({ROOT_ENV})")
    return folder


def _tracked_by_git(path: Path) -> Path | None:
    """The work tree holding `path` when git would pick the path up, else None."""
    probe = Path(os.path.abspath(path))
    top = next((d for d in (probe, *probe.parents) if (d / ".git").exists()), None)
    if top is None:
        return None
    import git  # only when a work tree is there to ask

    try:
        ignored = git.Repo(top).ignored(str(probe.relative_to(top)))
    except (git.GitCommandError, git.InvalidGitRepositoryError, ValueError):
        return top  # cannot tell: treat it as tracked
    return None if ignored else top


def read_dir(target: str, folder: Folder) -> list[Resource]:
    out: list[Resource] = []
    try:
        with safefiles.open_folder(folder.root, folder.below, create=False) as fd:
            for name in sorted(os.listdir(fd)):
                m = NAME_RE.fullmatch(name)
                if not m:
                    continue
                text = _read_regular(fd, name)
                if text is None:
                    continue
                lines = text.splitlines()[:2]
                attrs = _parse_marker(lines[1] if len(lines) > 1 else "")
                if attrs is None:
                    continue  # not written by us: outside the scope
                model = str(attrs.get("model", ""))
                if model.split("-", 1)[0] not in VENDORS or \
                        file_name(m.group(1), model) != name:
                    continue
                out.append(Resource(target, "handset", m.group(1), attrs))
    except FileNotFoundError:
        return out  # no folder yet: no files
    return out


def _read_regular(folder: int, name: str) -> str | None:
    """A regular file's text; a link, a folder or an unreadable file is not ours."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=folder)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.EACCES, errno.ENOENT):
            return None
        raise
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        try:
            return fh.read(1 << 20).decode("utf-8")
        except UnicodeDecodeError:
            return None


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
                           voicemail=attrs.get("voicemail") or attrs["extension"],
                           timezone=timezone) + "\n"


def write_files(folder: Folder, contents: Mapping[str, str | None]) -> None:
    """Removals first, then atomic replaces; owner/group readable only (SIP passwords)."""
    with safefiles.open_folder(folder.root, folder.below, mode=0o750) as fd:
        for name, text in sorted(contents.items(), key=lambda kv: kv[1] is not None):
            if text is None:
                safefiles.remove(fd, name)
            else:
                safefiles.replace(fd, name, text.encode("utf-8"), 0o640)
