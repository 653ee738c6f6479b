"""Asterisk through its realtime database (SQLite or PostgreSQL), plus desk-phone files.

Read: the site's endpoints (ps_endpoints + ps_aors + ps_auths as one resource),
voicemail boxes and dialplan rows, in scope only; the provisioning files we
wrote. Apply: every SQL change in one transaction; new secrets are mailed through
the outbox just before the commit, provisioning files written once it committed.
SIP passwords and voicemail PINs are generated on creation, kept on updates and
never read back into resources (so never in a plan).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from .. import outbox
from ..engine.credentials import Credential
from ..engine.resources import SITE, Change, Resource, TargetSpec
from ..engine.target import ApplyResult, BaseTarget
from ..errors import ConfigError, TargetError
from . import handsets
from .asterisk_db import Database
from .asterisk_sql import Scope, Secret, read_rows, statements


class AsteriskSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    path: str | None = None  # SQLite database file
    dsn: str | None = None  # postgresql://host:port/db (user/password from the credential)
    provisioning_dir: str
    sip_server: str = "pbx"
    timezone: str = "UTC"
    site_name: str = ""
    templates_dir: str | None = None


class AsteriskTarget(BaseTarget):
    platform: ClassVar[str] = "asterisk"
    wave: ClassVar[int] = 3
    kind_order: ClassVar[tuple[str, ...]] = (
        "pbx_endpoint", "pbx_voicemail", "pbx_site_route", "pbx_policy", "pbx_extension",
        "pbx_main_number", "pbx_did", "handset")
    write_only: ClassVar[dict[str, frozenset[str]]] = {
        "pbx_endpoint": frozenset({"notify"}), "pbx_voicemail": frozenset({"notify"})}
    max_concurrency: ClassVar[int] = 4
    guarded_kinds: ClassVar[tuple[str, ...]] = ("pbx_endpoint", "pbx_did")
    template_dirs: ClassVar[tuple[str, ...]] = ("provisioning",)

    def __init__(self, spec: TargetSpec, credential: Credential | None) -> None:
        super().__init__(spec, credential)
        self.settings = AsteriskSettings.model_validate(spec.settings)
        self.scope = Scope.from_spec(spec.scope)
        cred = dict(credential) if credential else {}
        dsn = self.settings.dsn or cred.get("dsn")
        if dsn and cred.get("password") and "@" not in dsn:
            # The DSN in settings names the place; the credential brings user and password.
            from urllib.parse import quote

            user = quote(cred.get("username", "asterisk"), safe="")
            dsn = dsn.replace("://", f"://{user}:{quote(cred['password'], safe='')}@", 1)
        if not dsn and not self.settings.path:
            raise ConfigError(f"{spec.id}: no realtime database: set `path` (SQLite) or `dsn` "
                              "(PostgreSQL) in the endpoints file or the credential")
        self.db = Database(spec.id, path=None if dsn else self.settings.path, dsn=dsn)
        self.folder = handsets.folder_for(spec.id, self.settings.provisioning_dir)
        self.provisioning = self.folder.path

    def read(self) -> list[Resource]:
        self.foreign = {}
        live = read_rows(self.spec.id, self.scope, self.db.query, self.foreign)
        # A desk phone belongs to the occupier of the line it is provisioned for.
        owners = {r.key: r.owner for r in live if r.kind == "pbx_endpoint"}
        phones = [replace(h, owner=owners.get(str(h.attrs.get("endpoint")), SITE))
                  for h in handsets.read_dir(self.spec.id, self.folder)]
        return live + phones

    def render(self, changes: Sequence[Change]) -> list[str]:
        lines: list[str] = []
        sql = [s for c in changes if c.kind != "handset" for s in statements(c, self.scope)]
        if sql:
            lines += ["BEGIN;", *(s.text() for s in sql), "COMMIT;"]
        for c in changes:
            if c.kind == "handset":
                model = (c.after or c.before or {}).get("model", "")
                name = self.provisioning / handsets.file_name(c.key, str(model))
                lines.append(f"{'remove' if c.op == 'delete' else 'write'} {name}")
        return lines

    def apply(self, changes: Sequence[Change],
              commands: Sequence[str] | None = None) -> ApplyResult:
        result = ApplyResult(self.spec.id, list(changes), self.render(changes))
        if not changes:
            return result
        sql_changes = [c for c in changes if c.kind != "handset"]
        files = [c for c in changes if c.kind == "handset"]
        generated: list[tuple[Change, str]] = []
        contents: dict[str, str | None] = {}
        with self.db.transaction() as cur:
            for c in sql_changes:
                stmts = statements(c, self.scope)
                values: dict[int, str] = {}
                for s in stmts:
                    for p in s.params:
                        if isinstance(p, Secret) and id(p) not in values:
                            old = None if p.rotate else self._existing_secret(cur, p)
                            values[id(p)] = old or self._generate(p)
                            if old is None:
                                generated.append((c, values[id(p)]))
                for s in stmts:
                    cur.execute(s.sql, [values[id(p)] if isinstance(p, Secret) else p
                                        for p in s.params])
            for c in files:
                if c.op == "delete":
                    contents[handsets.file_name(c.key, str((c.before or {})["model"]))] = None
                    continue
                after = c.after or {}
                rows = cur.execute("SELECT password FROM ps_auths WHERE id = ?",
                                   [after["endpoint"]])
                if not rows:
                    raise TargetError(self.spec.id, f"handset {c.key}: endpoint "
                                      f"{after['endpoint']} has no credentials")
                contents[handsets.file_name(c.key, str(after["model"]))] = handsets.render_file(
                    c.key, after, rows[0][0], self.settings.sip_server, self.settings.timezone,
                    self.settings.templates_dir)
                if c.before and c.before.get("model") != after.get("model"):
                    old = handsets.file_name(c.key, str(c.before["model"]))
                    contents.setdefault(old, None)
            # Mail the secrets before the commit: a lost password is worse than a mail
            # about an account whose commit then failed (the next run sends a new one).
            self._deliver(generated)
        # Committed: now the files.
        try:
            handsets.write_files(self.folder, contents)
        except OSError as exc:
            raise TargetError(self.spec.id, f"cannot write provisioning files in "
                              f"{self.provisioning}: {exc.strerror}") from exc
        result.changed = True
        return result

    def _existing_secret(self, cur: Any, p: Secret) -> str | None:
        if p.kind == "pbx_endpoint":
            rows = cur.execute("SELECT password FROM ps_auths WHERE id = ?", [p.key])
        else:
            ctx, box = self.scope.split(p.kind, p.key)
            rows = cur.execute("SELECT password FROM voicemail WHERE context = ? AND "
                               "mailbox = ?", [ctx, box])
        return str(rows[0][0]) if rows and rows[0][0] else None

    @staticmethod
    def _generate(p: Secret) -> str:
        if p.kind == "pbx_voicemail":
            return "".join(secrets.choice("0123456789") for _ in range(6))
        return secrets.token_urlsafe(18)

    def _deliver(self, generated: list[tuple[Change, str]]) -> None:
        try:
            self._send(generated)
        except OSError as exc:
            raise TargetError(self.spec.id, f"cannot write to the outbox {outbox.outbox_dir()}"
                              f" ({exc.strerror}); nothing was changed") from exc

    def _send(self, generated: list[tuple[Change, str]]) -> None:
        site = self.settings.site_name or self.spec.site
        for change, value in generated:
            to = [a.strip() for a in str((change.after or {}).get("notify") or "").split(",")
                  if a.strip()]
            if not to:
                continue
            if change.kind == "pbx_endpoint":
                what = "a new password" if change.op == "update" else "a new account"
                outbox.send(to, f"Your phone line at {site}",
                            f"Your SIP account for {site} ({what}):\n\n  server:   "
                            f"{self.settings.sip_server}\n  username: {change.key}\n"
                            f"  password: {value}\n\nDesk phones provisioned by the operator "
                            "are set up already.\n", tag=f"sip-{change.key}")
            else:
                ctx, box = self.scope.split(change.kind, change.key)
                outbox.send(to, f"Your voicemail PIN at {site}",
                            f"Voicemail box {box}: PIN {value}\n", tag=f"voicemail-{box}")

    def close(self) -> None:
        self.db.close()
