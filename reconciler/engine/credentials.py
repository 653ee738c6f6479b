"""Device and API credentials: named in sites, resolved from the environment or a file.

`RECONCILER_CRED_<NAME>_<FIELD>` (name upper-cased, '-' -> '_') wins over the
credentials file (`--credentials FILE` or `RECONCILER_CREDENTIALS`). Values never
appear in reprs, plans or logs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ruamel.yaml import YAML

from ..errors import CredentialsError

ENV_PREFIX = "RECONCILER_CRED_"
PUBLIC_FIELDS = ("username", "user")
MASK = "***"
# Settings that are secrets whatever their value looks like.
SECRET_SETTINGS = ("password", "secret", "api_key", "token", "key")
_KEYWORD_PASSWORD = re.compile(r"(?<![A-Za-z_])password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")


def dsn_password(value: str) -> str | None:
    """The password inside a DSN (`scheme://user:pw@host/db` or libpq `password=pw`)."""
    if "://" in value:
        try:
            pw = urlsplit(value).password
        except ValueError:
            pw = None
        if pw:
            return pw
    m = _KEYWORD_PASSWORD.search(value)
    return m.group(1).strip("'") if m else None


def mask_dsn(value: str) -> str:
    """The DSN with its password replaced by ***; anything else unchanged."""
    pw = dsn_password(value)
    if not pw:
        return value
    if "://" in value:
        parts = urlsplit(value)
        netloc = parts.netloc.rsplit("@", 1)
        user = netloc[0].split(":", 1)[0]
        return value.replace(parts.netloc, f"{user}:{MASK}@{netloc[1]}", 1)
    return _KEYWORD_PASSWORD.sub(f"password={MASK}", value)


def redact_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Target settings as they may be shown or saved: inline passwords masked."""
    return {k: MASK if k.lower() in SECRET_SETTINGS and v else
            (mask_dsn(v) if isinstance(v, str) else v) for k, v in settings.items()}


def settings_secrets(settings: Mapping[str, Any]) -> list[str]:
    """Secrets written inline in settings (an endpoints file's DSN), for output masking."""
    out = []
    for k, v in settings.items():
        if isinstance(v, str) and v:
            if k.lower() in SECRET_SETTINGS:
                out.append(v)
            elif (pw := dsn_password(v)) is not None:
                out += _forms(pw)
    return out


def _forms(password: str) -> list[str]:
    """A URL's password as written (percent-encoded) and as the server receives it."""
    return sorted({password, unquote(password)})


class Credential(Mapping[str, str]):
    """Read-only fields of one credential set; repr is masked."""

    def __init__(self, name: str, fields: Mapping[str, str]):
        self.name = name
        self._fields = dict(fields)

    def __getitem__(self, key: str) -> str:
        try:
            return self._fields[key]
        except KeyError:
            var = f"{ENV_PREFIX}{_env_name(self.name)}_{key.upper()}"
            raise CredentialsError(f"credential {self.name!r} has no {key!r}: set {var} "
                                   "or add it to the credentials file") from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"Credential({self.name!r}, fields={sorted(self._fields)}, values=***)"

    def secrets(self) -> list[str]:
        return [v for v in self._fields.values() if v]


def _env_name(name: str) -> str:
    return name.upper().replace("-", "_")


class CredentialStore:
    def __init__(self, file: Path | None = None, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ
        self.file_data: dict[str, dict[str, str]] = {}
        path = file or (Path(self.environ["RECONCILER_CREDENTIALS"])
                        if self.environ.get("RECONCILER_CREDENTIALS") else None)
        if path is not None:
            try:
                raw = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
            except OSError as exc:
                raise CredentialsError(f"cannot read credentials file {path}: {exc.strerror}") \
                    from None
            except Exception as exc:  # noqa: BLE001 - any YAML problem is a config error
                raise CredentialsError(f"credentials file {path} is not valid YAML: "
                                       f"{type(exc).__name__}") from None
            if not isinstance(raw, dict):
                raise CredentialsError(f"credentials file {path} must map names to fields")
            self.file_data = {str(k): {str(f): str(v) for f, v in (d or {}).items()}
                              for k, d in raw.items()}

    def get(self, name: str) -> Credential:
        fields = dict(self.file_data.get(name, {}))
        prefix = f"{ENV_PREFIX}{_env_name(name)}_"
        for var, value in self.environ.items():
            if var.startswith(prefix):
                fields[var[len(prefix):].lower()] = value
        if not fields:
            raise CredentialsError(
                f"no credentials named {name!r}: set {prefix}USERNAME / {prefix}PASSWORD "
                "(or TOKEN, DSN) or pass --credentials FILE")
        return Credential(name, fields)

    def all_secrets(self) -> list[str]:
        # User names are not secret, and masking one ("admin") would mangle ordinary text.
        out = [v for d in self.file_data.values() for k, v in d.items()
               if v and k not in PUBLIC_FIELDS]
        out += [v for k, v in self.environ.items() if k.startswith(ENV_PREFIX) and v
                and not k.endswith(tuple(f"_{f.upper()}" for f in PUBLIC_FIELDS))]
        # A DSN may show up re-formatted (a driver's message): its password alone too.
        return out + [f for v in out if (pw := dsn_password(v)) for f in _forms(pw)]
