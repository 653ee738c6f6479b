"""Resources <-> rows of Asterisk's realtime tables (ps_endpoints, ps_aors, ps_auths,
extensions, voicemail), within one site's scope.

Every statement is parameterised; `SECRET` parameters (SIP password, voicemail
PIN) are filled in by apply and shown as *** by render.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.resources import SITE, Change, Resource, owner_id

DIALPLAN_KINDS = ("pbx_extension", "pbx_main_number", "pbx_did", "pbx_policy", "pbx_site_route")
# Written on every endpoint; not compared (operators may tune them, it is not drift).
ENDPOINT_DEFAULTS = {"disallow": "all", "allow": "g722,ulaw,alaw", "direct_media": "no",
                     "dtmf_mode": "rfc4733", "rtp_symmetric": "yes", "force_rport": "yes",
                     "rewrite_contact": "yes"}
VOICEMAIL_CODE = "*97"  # ps_aors.voicemail_extension: MWI's Message-Account, a SUBSCRIBE to it
# The endpoint's one channel variable: which credential_version its SIP password is.
CREDENTIAL_VAR = "RECONCILER_CREDENTIAL"


class Secret:
    """A write-only value that apply generates or keeps (or, rotating, replaces);
    never rendered."""

    def __init__(self, kind: str, key: str, rotate: bool = False) -> None:
        self.kind, self.key, self.rotate = kind, key, rotate

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
    phones: str = ""  # the site's phones' context (site rows)
    occupiers: str = ""  # the occupiers' rows
    country_code: str = ""
    national_prefix: str = "0"
    international_prefix: str = "00"

    @staticmethod
    def from_spec(scope: Mapping[str, Any]) -> Scope:
        prefix = str(scope["prefix"])
        return Scope(prefix, str(scope["inbound"]),
                     tuple((str(a), str(b)) for a, b in scope.get("ranges", [])),
                     frozenset(scope.get("reserved", [])),
                     str(scope.get("phones", f"{prefix}phones")),
                     str(scope.get("occupiers", f"{prefix}occupiers")),
                     str(scope.get("country_code", "")),
                     str(scope.get("national_prefix", "0")),
                     str(scope.get("international_prefix", "00")))

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

    def did_number(self, exten: str) -> str:
        """A DID row's extension (whatever carrier format it was written in) as E.164."""
        if exten.startswith("+"):
            return exten
        ip, np_ = self.international_prefix, self.national_prefix
        if ip and exten.startswith(ip):
            return "+" + exten[len(ip):]
        if np_ and exten.startswith(np_) and self.country_code:
            return f"+{self.country_code}{exten[len(np_):]}"
        return "+" + exten

    def split(self, kind: str, key: str, attrs: Mapping[str, Any] | None = None
              ) -> tuple[str, str]:
        """(context, exten) of a dialplan or voicemail key."""
        if kind == "pbx_did":
            return self.inbound, str((attrs or {}).get("exten") or key)
        ctx, _, exten = key.partition("/")
        return ctx, exten

    def context_owner(self, context: str | None) -> str:
        """The occupier of its own context `<site>.<key>` (voicemail, an older layout's
        dialplan); the site's fixed contexts belong to the site."""
        if not context or not context.startswith(self.prefix) or \
                context in (self.inbound, self.phones, self.occupiers):
            return SITE
        return owner_id(context[len(self.prefix):])

    def row_owner(self, context: str, exten: str, steps: Sequence[Sequence[str]]) -> str:
        """Whose a dialplan row is: `<key>.<name>` in the occupiers' context, a DID by the
        accountcode it sets (or the extension it goes to); the site's rows are the site's."""
        if context == self.occupiers:
            return owner_id(exten.partition(".")[0])
        if context == self.inbound:
            for app, data in steps:
                if app == "Set" and data.startswith("CHANNEL(accountcode)="):
                    return owner_id(data.partition("=")[2])
                if app == "Goto" and "," in data:
                    ctx, _, rest = data.partition(",")
                    return owner_id(rest.partition(".")[0]) if ctx == self.occupiers \
                        else self.context_owner(ctx)
            return SITE
        return self.context_owner(context)

    def dialplan_kind(self, context: str, exten: str) -> tuple[str, str]:
        if context == self.inbound:
            return "pbx_did", self.did_number(exten)
        key = f"{context}/{exten}"
        if context == self.phones:
            return "pbx_site_route", key
        if context == self.occupiers:
            # `<occupier key>.<name>`: keys never hold a '.'.
            name = exten.partition(".")[2]
            if name in ("out", "*98"):
                return "pbx_policy", key
            if name.startswith("main"):
                return "pbx_main_number", key
            return "pbx_extension", key
        # Rows of an older layout (one context per occupier) read as theirs to delete.
        if exten.startswith("main"):
            return "pbx_main_number", key
        return "pbx_extension", key


def read_rows(target: str, scope: Scope, query: Any,
              foreign: dict[tuple[str, str], str] | None = None) -> list[Resource]:
    """The site's rows as resources, each owned by its occupier (the key an endpoint's
    accountcode, a voicemail context or an extension carries) or by the site. An
    endpoint on one of the site's numbers whose context is not the site's (another
    site's on a shared database, an operator's test phone) carries no mark of ours:
    it goes to `foreign`, never into the plan."""
    out: list[Resource] = []
    cond, params = scope.id_filter()
    # `cond` is built by Scope from constants; the values travel as parameters.
    cols = "id, context, callerid, callerid_tag, mailboxes, accountcode, aors, auth, set_var"
    eps = {r[0]: r for r in query(f"SELECT {cols} FROM ps_endpoints WHERE {cond}",  # noqa: S608
                                  params)}
    aors = {r[0]: r[1] for r in query(f"SELECT id, mailboxes FROM ps_aors "  # noqa: S608
                                      f"WHERE {cond}", params)}
    auths = {r[0] for r in query(f"SELECT id FROM ps_auths WHERE {cond}", params)}  # noqa: S608
    for ep in sorted(set(eps) | set(aors) | auths):
        if not scope.has_endpoint(ep):
            continue
        row = eps.get(ep)
        if row is not None and row[1] and not str(row[1]).startswith(scope.prefix):
            if foreign is not None:
                foreign[("pbx_endpoint", ep)] = f"an endpoint in context {row[1]!r}"
            continue
        complete = row is not None and ep in aors and ep in auths and row[6] == ep \
            and row[7] == ep
        out.append(Resource(target, "pbx_endpoint", ep, {
            "context": row[1] if row else None, "callerid": row[2] if row else None,
            "caller_id": row[3] if row else None, "mailboxes": aors.get(ep) or None,
            "unsolicited_mwi": bool(row and row[4]), "accountcode": row[5] if row else None,
            "complete": complete, "credential_version": _credential_version(row[8] if row
                                                                            else None)},
            owner_id(row[5]) if row else SITE))
    n = len(scope.prefix)
    for ctx, box, fullname, email, tz in query(
            "SELECT context, mailbox, fullname, email, tz FROM voicemail "
            "WHERE substr(context, 1, ?) = ? ORDER BY context, mailbox", [n, scope.prefix]):
        out.append(Resource(target, "pbx_voicemail", f"{ctx}/{box}",
                            {"fullname": fullname, "email": email, "tz": tz},
                            scope.context_owner(ctx)))
    steps: dict[tuple[str, str], list[list[str]]] = {}
    for ctx, exten, _prio, app, data in query(
            "SELECT context, exten, priority, app, appdata FROM extensions "
            "WHERE substr(context, 1, ?) = ? ORDER BY context, exten, priority",
            [n, scope.prefix]):
        steps.setdefault((ctx, exten), []).append([app, data])
    for (ctx, exten), s in sorted(steps.items()):
        kind, key = scope.dialplan_kind(ctx, exten)
        if kind == "pbx_did":
            if not scope.has_endpoint(key.lstrip("+")):
                continue  # the operator's own DIDs (support line, numbers of no range)
            out.append(Resource(target, kind, key, {"exten": exten, "steps": s},
                                scope.row_owner(ctx, exten, s)))
            continue
        out.append(Resource(target, kind, key, {"steps": s}, scope.row_owner(ctx, exten, s)))
    return out


def _credential_version(set_var: str | None) -> int | None:
    for part in (set_var or "").split(";"):
        name, _, value = part.partition("=")
        if name.strip() == CREDENTIAL_VAR and value.strip().isdigit():
            return int(value)
    return None


def statements(change: Change, scope: Scope) -> list[Statement]:
    """The SQL of one change: deletes the old rows, inserts the new (a replace)."""
    kind, key = change.kind, change.key
    out: list[Statement] = []
    after = change.after or {}
    if kind == "pbx_endpoint":
        # The credential goes first and comes back last: no state in between registers.
        for table in ("ps_auths", "ps_aors", "ps_endpoints"):
            out.append(Statement(f"DELETE FROM {table} WHERE id = ?", (key,)))  # noqa: S608
        if change.op != "delete":
            version = after.get("credential_version")
            cols = {"id": key, "aors": key, "auth": key, "context": after.get("context"),
                    "callerid": after.get("callerid"), "callerid_tag": after.get("caller_id"),
                    "accountcode": after.get("accountcode"),
                    "set_var": f"{CREDENTIAL_VAR}={version}" if version else None,
                    **ENDPOINT_DEFAULTS}
            out.append(_insert("ps_endpoints", cols))
            # MWI by subscription: the mailbox on the AOR only (on the endpoint as well,
            # Asterisk sends unsolicited MWI and refuses every SUBSCRIBE).
            box = after.get("mailboxes")
            out.append(_insert("ps_aors", {"id": key, "max_contacts": 2,
                                           "remove_existing": "yes", "mailboxes": box,
                                           "voicemail_extension": VOICEMAIL_CODE if box
                                           else None}))
            out.append(_insert("ps_auths", {"id": key, "auth_type": "userpass",
                                            "username": key,
                                            "password": Secret("pbx_endpoint", key,
                                                               rotate=rotates(change))}))
    elif kind == "pbx_voicemail":
        ctx, box = scope.split(kind, key)
        out.append(Statement("DELETE FROM voicemail WHERE context = ? AND mailbox = ?",
                             (ctx, box)))
        if change.op != "delete":
            out.append(_insert("voicemail", {
                "context": ctx, "mailbox": box, "password": Secret("pbx_voicemail", key),
                "fullname": after.get("fullname"), "email": after.get("email"),
                "attach": "yes" if after.get("email") else "no", "tz": after.get("tz")}))
    elif kind in DIALPLAN_KINDS:
        for attrs in (change.before, change.after):
            if attrs is not None:  # the old rows, and any in the new place (a replace)
                ctx, exten = scope.split(kind, key, attrs)
                stmt = Statement("DELETE FROM extensions WHERE context = ? AND exten = ?",
                                 (ctx, exten))
                if stmt not in out:
                    out.append(stmt)
        if change.op != "delete":
            ctx, exten = scope.split(kind, key, after)
            for prio, (app, data) in enumerate(after.get("steps", []), start=1):
                out.append(_insert("extensions", {"context": ctx, "exten": exten,
                                                  "priority": prio, "app": app,
                                                  "appdata": data}))
    return out


def rotates(change: Change) -> bool:
    """A new SIP password: the user's credential_version moved on."""
    return change.op == "update" and "credential_version" in change.fields \
        and change.before is not None and change.before.get("credential_version") is not None


def _insert(table: str, cols: Mapping[str, Any]) -> Statement:
    names = ", ".join(cols)
    marks = ", ".join("?" for _ in cols)
    return Statement(f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                     tuple(cols.values()))


def secrets_of(stmts: Sequence[Statement]) -> list[Secret]:
    return [p for s in stmts for p in s.params if isinstance(p, Secret)]
