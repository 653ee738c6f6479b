"""Resources <-> rows of Asterisk's realtime tables (ps_endpoints, ps_aors, ps_auths,
extensions, voicemail), within one site's scope.

Every statement is parameterised; `SECRET` parameters (SIP password, voicemail
PIN) are filled in by apply and shown as *** by render.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.resources import Change, Resource

DIALPLAN_KINDS = ("pbx_extension", "pbx_main_number", "pbx_did")
# Written on every endpoint; not compared (operators may tune them, it is not drift).
ENDPOINT_DEFAULTS = {"disallow": "all", "allow": "g722,ulaw,alaw", "direct_media": "no",
                     "dtmf_mode": "rfc4733", "rtp_symmetric": "yes", "force_rport": "yes",
                     "rewrite_contact": "yes"}


class Secret:
    """A write-only value that apply generates or keeps; never rendered."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind, self.key = kind, key

    def __repr__(self) -> str:
        return "***"


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...]

    def text(self) -> str:
        parts = self.sql.split("?")
        out = parts[0]
        for p, rest in zip(self.params, parts[1:], strict=True):
            out += _literal(p) + rest
        return out + ";"


def _literal(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, Secret):
        return "'***'"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


@dataclass(frozen=True)
class Scope:
    prefix: str  # contexts "<site>."
    inbound: str  # the site's DID context
    ranges: tuple[tuple[str, str], ...]  # endpoint ids: digits of the site's numbers
    reserved: frozenset[str]

    @staticmethod
    def from_spec(scope: Mapping[str, Any]) -> Scope:
        return Scope(str(scope["prefix"]), str(scope["inbound"]),
                     tuple((str(a), str(b)) for a, b in scope.get("ranges", [])),
                     frozenset(scope.get("reserved", [])))

    def has_endpoint(self, ep_id: str) -> bool:
        return ep_id not in self.reserved and ep_id.isdigit() and any(
            len(ep_id) == len(a) and a <= ep_id <= b for a, b in self.ranges)

    def id_filter(self) -> tuple[str, list[Any]]:
        """SQL condition on `id` for the site's number ranges (string order = number order)."""
        if not self.ranges:
            return "1 = 0", []
        conds, params = [], []
        for a, b in self.ranges:
            conds.append("(length(id) = ? AND id >= ? AND id <= ?)")
            params += [len(a), a, b]
        return "(" + " OR ".join(conds) + ")", params

    def split(self, kind: str, key: str) -> tuple[str, str]:
        """(context, exten) of a dialplan or voicemail key."""
        if kind == "pbx_did":
            return self.inbound, key
        ctx, _, exten = key.partition("/")
        return ctx, exten

    def dialplan_kind(self, context: str, exten: str) -> tuple[str, str]:
        if context == self.inbound:
            return "pbx_did", exten
        if exten.startswith("main"):
            return "pbx_main_number", f"{context}/{exten}"
        return "pbx_extension", f"{context}/{exten}"


def read_rows(target: str, scope: Scope, query: Any,
              foreign: dict[tuple[str, str], str] | None = None) -> list[Resource]:
    """The site's rows as resources. An endpoint on one of the site's numbers whose
    context is not the site's (another site's on a shared database, an operator's test
    phone) carries no mark of ours: it goes to `foreign`, never into the plan."""
    out: list[Resource] = []
    cond, params = scope.id_filter()
    # `cond` is built by Scope from constants; the values travel as parameters.
    cols = "id, context, callerid, mailboxes, accountcode, aors, auth"
    eps = {r[0]: r for r in query(f"SELECT {cols} FROM ps_endpoints WHERE {cond}",  # noqa: S608
                                  params)}
    aors = {r[0] for r in query(f"SELECT id FROM ps_aors WHERE {cond}", params)}  # noqa: S608
    auths = {r[0] for r in query(f"SELECT id FROM ps_auths WHERE {cond}", params)}  # noqa: S608
    for ep in sorted(set(eps) | aors | auths):
        if not scope.has_endpoint(ep):
            continue
        row = eps.get(ep)
        if row is not None and row[1] and not str(row[1]).startswith(scope.prefix):
            if foreign is not None:
                foreign[("pbx_endpoint", ep)] = f"an endpoint in context {row[1]!r}"
            continue
        complete = row is not None and ep in aors and ep in auths and row[5] == ep \
            and row[6] == ep
        out.append(Resource(target, "pbx_endpoint", ep, {
            "context": row[1] if row else None, "callerid": row[2] if row else None,
            "mailboxes": row[3] if row else None, "accountcode": row[4] if row else None,
            "complete": complete}))
    n = len(scope.prefix)
    for ctx, box, fullname, email in query(
            "SELECT context, mailbox, fullname, email FROM voicemail "
            "WHERE substr(context, 1, ?) = ? ORDER BY context, mailbox", [n, scope.prefix]):
        out.append(Resource(target, "pbx_voicemail", f"{ctx}/{box}",
                            {"fullname": fullname, "email": email}))
    steps: dict[tuple[str, str], list[list[str]]] = {}
    for ctx, exten, _prio, app, data in query(
            "SELECT context, exten, priority, app, appdata FROM extensions "
            "WHERE substr(context, 1, ?) = ? ORDER BY context, exten, priority",
            [n, scope.prefix]):
        steps.setdefault((ctx, exten), []).append([app, data])
    for (ctx, exten), s in sorted(steps.items()):
        if ctx == scope.inbound and not scope.has_endpoint(exten.lstrip("+")):
            continue  # the operator's own DIDs (support line, numbers of no range) stay theirs
        kind, key = scope.dialplan_kind(ctx, exten)
        out.append(Resource(target, kind, key, {"steps": s}))
    return out


def statements(change: Change, scope: Scope) -> list[Statement]:
    """The SQL of one change: deletes the old rows, inserts the new (a replace)."""
    kind, key = change.kind, change.key
    out: list[Statement] = []
    after = change.after or {}
    if kind == "pbx_endpoint":
        for table in ("ps_endpoints", "ps_aors", "ps_auths"):
            out.append(Statement(f"DELETE FROM {table} WHERE id = ?", (key,)))  # noqa: S608
        if change.op != "delete":
            cols = {"id": key, "aors": key, "auth": key, "context": after.get("context"),
                    "callerid": after.get("callerid"), "mailboxes": after.get("mailboxes"),
                    "accountcode": after.get("accountcode"), **ENDPOINT_DEFAULTS}
            out.append(_insert("ps_endpoints", cols))
            out.append(_insert("ps_aors", {"id": key, "max_contacts": 2,
                                           "remove_existing": "yes",
                                           "mailboxes": after.get("mailboxes")}))
            out.append(_insert("ps_auths", {"id": key, "auth_type": "userpass",
                                            "username": key,
                                            "password": Secret("pbx_endpoint", key)}))
    elif kind == "pbx_voicemail":
        ctx, box = scope.split(kind, key)
        out.append(Statement("DELETE FROM voicemail WHERE context = ? AND mailbox = ?",
                             (ctx, box)))
        if change.op != "delete":
            out.append(_insert("voicemail", {
                "context": ctx, "mailbox": box, "password": Secret("pbx_voicemail", key),
                "fullname": after.get("fullname"), "email": after.get("email"),
                "attach": "yes" if after.get("email") else "no"}))
    elif kind in DIALPLAN_KINDS:
        ctx, exten = scope.split(kind, key)
        out.append(Statement("DELETE FROM extensions WHERE context = ? AND exten = ?",
                             (ctx, exten)))
        if change.op != "delete":
            for prio, (app, data) in enumerate(after.get("steps", []), start=1):
                out.append(_insert("extensions", {"context": ctx, "exten": exten,
                                                  "priority": prio, "app": app,
                                                  "appdata": data}))
    return out


def _insert(table: str, cols: Mapping[str, Any]) -> Statement:
    names = ", ".join(cols)
    marks = ", ".join("?" for _ in cols)
    return Statement(f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                     tuple(cols.values()))


def secrets_of(stmts: Sequence[Statement]) -> list[Secret]:
    return [p for s in stmts for p in s.params if isinstance(p, Secret)]
