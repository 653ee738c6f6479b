"""FreeRADIUS through its own rlm_sql tables (SQLite by default, PostgreSQL by DSN).

Read: three queries over the managed scope (see `freeradius_rows`). Apply: every
change of a run in one SQL transaction; users created or rotated get a fresh
random password, stored only as hashes, and an invitation through the outbox
once the transaction has committed. The SQL is built once in Python and both
executed and shown (as the plan's commands, secrets as <generated>), so the
preview is exactly what runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import ClassVar

import jinja2
from pydantic import BaseModel, ConfigDict

from .. import outbox
from ..engine.credentials import Credential
from ..engine.resources import Change, Resource, TargetSpec
from ..engine.target import ApplyResult, BaseTarget
from ..errors import ConfigError, TargetError, TargetRejected
from ._render import environment
from .freeradius_auth import generate_password, sql_escape
from .freeradius_db import RadiusDb
from .freeradius_rows import (
    PLAIN_PASSWORD_ATTRS,
    Scope,
    preview,
    read_resources,
    statements,
)


class FreeradiusSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    #: An SQLite file (the lab); otherwise the credential's `dsn` says where the DB is.
    path: str | None = None
    #: radcheck attribute that records which credential_version a user holds.
    version_attribute: str = "Tmp-String-9"
    templates_dir: str | None = None


class FreeradiusTarget(BaseTarget):
    platform: ClassVar[str] = "freeradius"
    # Last: it sends invitations, which no rollback of a later failure could take back.
    wave: ClassVar[int] = 9
    # Grants last in, first out: creates write credentials before the site grant that makes
    # them usable, deletes remove the grant first (any order is safe: see freeradius_rows).
    kind_order: ClassVar[tuple[str, ...]] = ("radius_user", "radius_mac", "radius_group")
    write_only: ClassVar[Mapping[str, frozenset[str]]] = {"radius_user": frozenset({"invite"})}
    max_concurrency: ClassVar[int] = 4
    guarded_kinds: ClassVar[tuple[str, ...]] = ("radius_user", "radius_mac")
    template_dirs: ClassVar[tuple[str, ...]] = ("freeradius",)

    def __init__(self, spec: TargetSpec, credential: Credential | None) -> None:
        super().__init__(spec, credential)
        self.settings = FreeradiusSettings.model_validate(spec.settings)
        self.scope = Scope(spec.scope, self.settings.version_attribute)
        fields = {k: credential[k] for k in credential} if credential is not None else {}
        if self.settings.path:
            dsn = f"sqlite:///{self.settings.path}"
        elif fields.get("dsn"):
            dsn = fields["dsn"]
        else:
            raise ConfigError(f"{spec.id}: the RADIUS database is not named; give the "
                              f"credential {spec.credentials!r} a `dsn` (sqlite:///PATH or "
                              "postgresql://...)")
        self.db = RadiusDb(spec.id, dsn)
        #: Where the last apply delivered invitations, for reports.
        self.sent: list[str] = []

    def read(self) -> list[Resource]:
        self.db.check_schema()
        return read_resources(self.db, self.spec.id, self.scope)

    def render(self, changes: Sequence[Change]) -> list[str]:
        return [preview(s) for s in statements(changes, self.scope)]

    def apply(self, changes: Sequence[Change],
              commands: Sequence[str] | None = None) -> ApplyResult:
        result = ApplyResult(self.spec.id, list(changes), self.render(changes))
        if not changes:
            return result
        secrets = {c.key: generate_password() for c in changes if _new_credential(c)}
        todo = statements(changes, self.scope, secrets)
        # Written before the transaction so a template error changes nothing.
        mails = [self._invitation(c, secrets[c.key]) for c in changes if c.key in secrets]
        with self.db.transaction():
            for c in changes:
                if c.op == "create" and c.kind in ("radius_user", "radius_mac"):
                    self._refuse_foreign(c)
            for st in todo:
                self.db.execute(st)
        result.changed = True
        # Sent only after the commit: an invitation for a password that was never stored is
        # worse than none. A failure here fails the run, which then undoes this transaction.
        for to, subject, body in mails:
            tag = "wifi-secure-" + hashlib.sha256(to.encode()).hexdigest()[:10]  # no address
            try:
                self.sent.append(str(outbox.send([to], subject, body, tag)))
            except OSError as exc:
                raise TargetError(self.spec.id, f"the invitation for {to} could not be "
                                  f"delivered ({type(exc).__name__})") from exc
        return result

    def _refuse_foreign(self, c: Change) -> None:
        """A user name that already has credentials outside our scope is not ours to take."""
        user = sql_escape(c.key) if c.kind == "radius_user" else c.key
        attrs = PLAIN_PASSWORD_ATTRS
        marks = ", ".join("?" * len(attrs))
        sql = f"SELECT count(*) FROM radcheck WHERE username = ? AND attribute IN ({marks})"  # noqa: S608
        rows = self.db.query(sql, (user, *attrs))
        if rows and int(rows[0][0]) > 0:
            raise TargetRejected(self.spec.id, f"{c.key} already has a password in radcheck "
                                 "that the reconciler did not create; remove it or rename "
                                 "the user before it can be managed")

    def _invitation(self, c: Change, password: str) -> tuple[str, str, str]:
        invite = dict((c.after or {}).get("invite") or {})
        rotated = c.op == "update"
        try:
            body = environment(self.settings.templates_dir).get_template(
                "freeradius/invitation.j2").render(**invite, username=c.key, password=password,
                                                  rotated=rotated)
        except jinja2.TemplateError as exc:
            raise ConfigError(f"{self.spec.id}: the invitation template failed "
                              f"({type(exc).__name__}: {exc.message})") from None
        subject = "Your new Wi-Fi Secure password" if rotated else "Your Wi-Fi Secure account"
        return c.key, subject, body + "\n"

    def close(self) -> None:
        self.db.close()


def _new_credential(c: Change) -> bool:
    return c.kind == "radius_user" and (
        c.op == "create" or (c.op == "update" and "credential_version" in c.fields))
