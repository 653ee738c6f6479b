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
from ..engine.target import ApplyResult, BaseTarget, claim_refusal
from ..errors import ConfigError, TargetError, TargetRejected
from ._render import environment
from .freeradius_auth import generate_password, sql_escape
from .freeradius_db import RadiusDb
from .freeradius_rows import (
    MAC_ATTRS,
    PASSWORD_ATTRS,
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
            self._refuse_foreign(changes)
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

    def foreign_claims(self, changes: Sequence[Change]) -> list[str]:
        """Users the plan creates that already exist without our mark (staff accounts)."""
        found = self._foreign_users(changes)
        return super().foreign_claims(changes) + [
            claim_refusal(self.spec.id, c, found[c.key]) for c in changes if c.key in found]

    def _refuse_foreign(self, changes: Sequence[Change]) -> None:
        """Checked again inside the transaction: the rows may have appeared since the plan."""
        for key, what in sorted(self._foreign_users(changes).items()):
            raise TargetRejected(self.spec.id, f"{key} is {what}; remove it or rename the "
                                 "user before it can be managed")

    def _foreign_users(self, changes: Sequence[Change]) -> dict[str, str]:
        """Created user names that already hold rows, unless every row is ours.

        Any row at all counts (a `Crypt-Password`, a reply attribute, a membership of a
        group we do not manage): only a user carrying our marker is ours to take."""
        names = {(sql_escape(c.key) if c.kind == "radius_user" else c.key): c
                 for c in changes if c.op == "create" and c.kind in ("radius_user", "radius_mac")}
        held: dict[str, set[str]] = {}
        todo = sorted(names)
        for i in range(0, len(todo), 400):  # one query per 400 names, not one per user
            chunk = todo[i:i + 400]
            where = f"WHERE username IN ({', '.join('?' * len(chunk))})"
            sql = " UNION ALL ".join(
                f"SELECT username, '{label}', {column} FROM {table} {where}"  # noqa: S608
                for table, label, column in (("radcheck", "radcheck", "attribute"),
                                             ("radreply", "radreply", "attribute"),
                                             ("radusergroup", "group", "groupname")))
            rows = self.db.query(sql, (*chunk, *chunk, *chunk))
            for user, table, what in rows:
                held.setdefault(str(user), set()).add(f"{table} {what}")
        # Our rows: the Reconciler-* credentials (no other writer uses them) and our marker;
        # plain hashes count as ours only beside the marker (the earlier row design).
        ours = {f"radcheck {a}" for a in (*PASSWORD_ATTRS, *MAC_ATTRS, self.scope.marker)}
        earlier = ours | {f"radcheck {a}" for a in PLAIN_PASSWORD_ATTRS[:2]}
        out: dict[str, str] = {}
        for user, rows_of in held.items():
            c = names[user]
            if rows_of <= ours or (rows_of <= earlier and
                                   f"radcheck {self.scope.marker}" in rows_of):
                continue  # our own leftover credential
            out[c.key] = ("a RADIUS user that reconciler did not make (it holds "
                          f"{', '.join(sorted(rows_of))})")
        return out

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
