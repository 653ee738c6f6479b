"""Resources <-> rows of FreeRADIUS's rlm_sql tables, inside the managed scope only.

Scope: groups whose name starts with the managed prefix and matches the strict
pattern (`rcl-<occupier>@<site>`; `rcl-deny`, of an earlier row design, is read
so that it is removed), the memberships of those groups, and the radcheck rows
of the attributes the reconciler writes: its `Reconciler-*` credentials (no
other writer uses them) and the credential marker of users holding them.

Kinds and their attrs:
- radius_group: {"check": ["NAS-Identifier == lon1-wlc",
                           "Reconciler-Grant := nas=lon1-wlc vlan=102"], "reply": []}
- radius_user (key = e-mail): {"groups": {group: priority}, "credential_version": n}
- radius_mac (key = 12 hex digits): {"groups": {...},
                                     "check": ["Reconciler-Cleartext-Password := <mac>"]}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..engine.resources import SITE, Change, Resource, owner_id
from ..errors import ConfigError
from .freeradius_auth import nt_hash, sql_escape, sql_unescape, ssha512
from .freeradius_db import RadiusDb, Statement

GROUP_NAME_RE = r"[a-z][a-z0-9-]{0,30}[a-z0-9]@[a-z][a-z0-9-]{0,30}[a-z0-9]"
USER_RE = re.compile(r"^[a-z0-9][a-z0-9._+-]{0,63}@[a-z0-9][a-z0-9.-]{0,200}$")
MAC_KEY_RE = re.compile(r"^[0-9a-f]{12}$")
ATTR_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,63}$")
VALUE_RE = re.compile(r"^[^\x00-\x1f\x7f']{0,253}$")
OPS = ("=", ":=", "==", "+=", "!=", ">", ">=", "<", "<=", "=~", "!~", "=*", "!*")
# Usable by the server only together with a grant naming the NAS (the server's policy).
PASSWORD_ATTRS = ("Reconciler-NT-Password", "Reconciler-SSHA2-512-Password")
MAC_ATTRS = ("Reconciler-Cleartext-Password",)
# What pap/mschap read directly: a user name holding one of these is someone else's account
# (or one of ours of the earlier row design, removed together with our marker).
PLAIN_PASSWORD_ATTRS = ("NT-Password", "SSHA2-512-Password", "Cleartext-Password")
GROUP_ATTRS = ("NAS-Identifier", "Reconciler-Grant")
GENERATED = object()  # stands for a secret generated at apply time
MARKER_PREFIX = "credential_version="


class Scope:
    """The managed naming scope of one RADIUS database."""

    def __init__(self, scope: Mapping[str, Any], version_attribute: str) -> None:
        self.prefix = str(scope.get("group_prefix", "rcl-"))
        self.deny = str(scope.get("deny_group", f"{self.prefix}deny"))
        if not re.fullmatch(r"[a-z][a-z0-9]{0,8}-", self.prefix) or \
                not self.deny.startswith(self.prefix):
            raise ConfigError(f"RADIUS group prefix {self.prefix!r} must be letters/digits and "
                              "'-', and the deny group must carry it")
        if not ATTR_RE.fullmatch(version_attribute):
            raise ConfigError(f"bad credential marker attribute {version_attribute!r}")
        self.group_re = re.compile(rf"^{re.escape(self.prefix)}{GROUP_NAME_RE}$")
        self.marker = version_attribute

    def has_group(self, name: str) -> bool:
        return name == self.deny or bool(self.group_re.fullmatch(name))

    def owner_of(self, group: str) -> str | None:
        if group == self.deny or not self.has_group(group):
            return None
        return owner_id(group[len(self.prefix):].split("@", 1)[0])


def split_row(text: str) -> tuple[str, str, str]:
    """'Tunnel-Type := VLAN' -> ('Tunnel-Type', ':=', 'VLAN'), validated before SQL sees it."""
    parts = text.split(" ", 2)
    if len(parts) < 2:
        raise ConfigError(f"RADIUS row {text!r} is not 'Attribute op value'")
    attr, op, value = parts[0], parts[1], parts[2] if len(parts) == 3 else ""
    if not ATTR_RE.fullmatch(attr) or op not in OPS or not VALUE_RE.fullmatch(value):
        raise ConfigError(f"RADIUS row {text!r} has a bad attribute, operator or value")
    return attr, op, value


def _in_list(n: int) -> str:
    return ", ".join("?" * n)


def read_resources(db: RadiusDb, target: str, scope: Scope) -> list[Resource]:
    n, prefix = len(scope.prefix), scope.prefix
    groups: dict[str, dict[str, list[str]]] = {}
    for table, field in (("radgroupcheck", "check"), ("radgroupreply", "reply")):
        rows = db.query(f"SELECT groupname, attribute, op, value FROM {table} "  # noqa: S608
                        "WHERE substr(groupname, 1, ?) = ? ORDER BY id", (n, prefix))
        for g, a, o, v in rows:
            if scope.has_group(g):
                groups.setdefault(g, {"check": [], "reply": []})[field].append(f"{a} {o} {v}")
    members: dict[str, dict[str, list[int]]] = {}
    for u, g, p in db.query("SELECT username, groupname, priority FROM radusergroup "
                            "WHERE substr(groupname, 1, ?) = ? ORDER BY id", (n, prefix)):
        if scope.has_group(g):
            members.setdefault(u, {}).setdefault(g, []).append(int(p))
    # Users are the members of our groups and the holders of our credentials: a credential
    # left without any membership (a partial teardown) is seen, and so removed.
    ours = (*PASSWORD_ATTRS, *MAC_ATTRS)
    attrs = (*ours, scope.marker)
    sql = ("SELECT username, attribute, op, value FROM radcheck "  # noqa: S608
           f"WHERE attribute IN ({_in_list(len(attrs))}) AND (username IN "
           "(SELECT username FROM radusergroup WHERE substr(groupname, 1, ?) = ?) "
           f"OR username IN (SELECT username FROM radcheck WHERE attribute IN "
           f"({_in_list(len(ours))}))) ORDER BY id")
    checks: dict[str, list[tuple[str, str, str]]] = {}
    for u, a, o, v in db.query(sql, (*attrs, n, prefix, *ours)):
        checks.setdefault(u, []).append((a, o, v))
    holders = {u for u, rows in checks.items() if any(a in ours for a, _o, _v in rows)}

    out = [Resource(target, "radius_group", g, {"check": sorted(r["check"]),
                                                 "reply": sorted(r["reply"])},
                    scope.owner_of(g) or SITE) for g, r in groups.items()]
    for user in sorted(set(members) | holders):
        gm = members.get(user, {})
        memberships: dict[str, Any] = {g: p[0] if len(p) == 1 else sorted(p)
                                       for g, p in sorted(gm.items())}
        owner = next((o for g in sorted(gm) if (o := scope.owner_of(g))), SITE)
        rows_of = checks.get(user, [])
        if MAC_KEY_RE.fullmatch(user):
            check = sorted(f"{a} {o} {v}" for a, o, v in rows_of if a in MAC_ATTRS)
            out.append(Resource(target, "radius_mac", user,
                                {"groups": memberships, "check": check}, owner))
            continue
        out.append(Resource(target, "radius_user", sql_unescape(user),
                            {"groups": memberships, "credential_version": _version(rows_of,
                                                                                   scope)},
                            owner))
    return out


def _version(rows: Sequence[tuple[str, str, str]], scope: Scope) -> int | None:
    """The credential version held, or None unless the marker and both hashes are all there
    (then the diff asks for a new credential, which rewrites every row)."""
    versions = [v for a, _o, v in rows if a == scope.marker and v.startswith(MARKER_PREFIX)]
    have = sorted(a for a, _o, _v in rows if a in PASSWORD_ATTRS)
    if len(versions) != 1 or have != sorted(PASSWORD_ATTRS):
        return None
    digits = versions[0][len(MARKER_PREFIX):]
    return int(digits) if digits.isdigit() else None


def validate(change: Change, scope: Scope) -> None:
    """Desired values are checked here too, so nothing odd ever reaches SQL.

    A delete names what was read (in scope by construction), whatever it looks like.
    """
    if change.op == "delete":
        return
    if change.kind == "radius_group" and not scope.has_group(change.key):
        raise ConfigError(f"RADIUS group {change.key!r} is outside the managed scope")
    if change.kind == "radius_user" and not USER_RE.fullmatch(change.key):
        raise ConfigError(f"RADIUS user name {change.key!r} is not a lower-case e-mail")
    if change.kind == "radius_mac" and not MAC_KEY_RE.fullmatch(change.key):
        raise ConfigError(f"RADIUS MAC user {change.key!r} is not 12 lower-case hex digits")
    after = change.after or {}
    for g, p in dict(after.get("groups", {})).items():
        if not scope.has_group(g) or not isinstance(p, int):
            raise ConfigError(f"membership {g!r} of {change.key!r} is outside the scope")
    # Only what the server's policy expects is ever written: a group selects its NAS and
    # carries its grant; a MAC device holds only its Reconciler-* credential.
    allowed = {"radius_group": GROUP_ATTRS, "radius_mac": MAC_ATTRS}.get(change.kind, ())
    for row in [*after.get("check", []), *after.get("reply", [])]:
        attr, _op, _value = split_row(row)
        if attr not in allowed:
            raise ConfigError(f"{change.kind} {change.key!r}: attribute {attr!r} is not one "
                              "the reconciler writes")


class Kept:
    """A user's stored hashes read before a change, written back as they were by a
    rollback (the password itself is never known here)."""

    def __init__(self, nt: str, ssha: str) -> None:
        self.nt, self.ssha = nt, ssha

    def __repr__(self) -> str:
        return "Kept(***)"


Secrets = Mapping[str, "str | Kept"]


def statements(changes: Sequence[Change], scope: Scope,
               secrets: Secrets | None = None) -> list[Statement]:
    """The SQL of a list of changes; secrets=None gives the preview form.

    Every DELETE of the run comes before every INSERT (each in change order), so the
    rows after any prefix are a subset of the rows before the run or of the rows after
    it. Removing rows never grants (see the module doc), so no moment of a run grants
    what neither the state before nor the state after grants, even if it stops there.
    """
    deletes: list[Statement] = []
    inserts: list[Statement] = []
    for c in changes:
        validate(c, scope)
        for st in _STATEMENTS[c.kind](c, scope, secrets):
            (deletes if st[0].startswith("DELETE") else inserts).append(st)
    return deletes + inserts


def _group(c: Change, scope: Scope, _s: Secrets | None) -> list[Statement]:
    out: list[Statement] = []
    before, after = c.before or {}, c.after or {}
    for table, field in (("radgroupcheck", "check"), ("radgroupreply", "reply")):
        if c.op == "update" and field not in c.fields:
            continue
        if c.op != "create" and before.get(field):
            out.append((f"DELETE FROM {table} WHERE groupname = ?", (c.key,)))  # noqa: S608
        for row in after.get(field, []):
            out.append((f"INSERT INTO {table} (groupname, attribute, op, value) "  # noqa: S608
                        "VALUES (?, ?, ?, ?)", (c.key, *split_row(row))))
    return out


def _memberships(c: Change, user: str) -> list[Statement]:
    before = dict((c.before or {}).get("groups", {}))
    after = dict((c.after or {}).get("groups", {}))
    out: list[Statement] = []
    for g in sorted(set(before) | set(after)):
        if before.get(g) == after.get(g):
            continue
        if g in before:
            out.append(("DELETE FROM radusergroup WHERE username = ? AND groupname = ?",
                        (user, g)))
        if g in after:
            out.append(("INSERT INTO radusergroup (username, groupname, priority) "
                        "VALUES (?, ?, ?)", (user, g, after[g])))
    return out


def _user(c: Change, scope: Scope, secrets: Secrets | None) -> list[Statement]:
    user = sql_escape(c.key)
    rotate = c.op == "create" or (c.op == "update" and "credential_version" in c.fields)
    # Memberships go first on the way out and last on the way in: the path to a grant is
    # the first thing removed and the last thing added.
    first = _memberships(c, user) if c.op == "delete" else []
    out: list[Statement] = []
    if c.op == "delete" or (c.op == "update" and rotate):
        # Plain password rows of the earlier row design are removed only under our marker.
        plain = _in_list(2)
        out.append((f"DELETE FROM radcheck WHERE username = ? AND attribute IN ({plain}) "  # noqa: S608
                    "AND EXISTS (SELECT 1 FROM radcheck m WHERE m.username = ? "
                    "AND m.attribute = ? AND substr(m.value, 1, ?) = ?)",
                    (user, *PLAIN_PASSWORD_ATTRS[:2], user, scope.marker,
                     len(MARKER_PREFIX), MARKER_PREFIX)))
        mine = _in_list(len(PASSWORD_ATTRS))
        out.append((f"DELETE FROM radcheck WHERE username = ? AND attribute IN ({mine})",  # noqa: S608
                    (user, *PASSWORD_ATTRS)))
        out.append(("DELETE FROM radcheck WHERE username = ? AND attribute = ? "
                    "AND substr(value, 1, ?) = ?",
                    (user, scope.marker, len(MARKER_PREFIX), MARKER_PREFIX)))
    if rotate:
        assert c.after is not None
        pw = secrets.get(c.key) if secrets is not None else None
        nt: object
        ssha: object
        if isinstance(pw, Kept):
            nt, ssha = pw.nt, pw.ssha
        else:
            nt = "0x" + nt_hash(pw) if pw else GENERATED
            ssha = ssha512(pw) if pw else GENERATED
        marker = f"{MARKER_PREFIX}{c.after.get('credential_version')}"
        for attr, value in ((PASSWORD_ATTRS[0], nt), (PASSWORD_ATTRS[1], ssha),
                            (scope.marker, marker)):
            out.append(("INSERT INTO radcheck (username, attribute, op, value) "
                        "VALUES (?, ?, ?, ?)", (user, attr, ":=", value)))
    return first + out + ([] if c.op == "delete" else _memberships(c, user))


def _mac(c: Change, scope: Scope, _s: Secrets | None) -> list[Statement]:
    first = _memberships(c, c.key) if c.op == "delete" else []
    out: list[Statement] = []
    after = c.after or {}
    if c.op == "delete" or (c.op == "update" and "check" in c.fields):
        marks = _in_list(len(MAC_ATTRS))
        out.append((f"DELETE FROM radcheck WHERE username = ? AND attribute IN ({marks})",  # noqa: S608
                    (c.key, *MAC_ATTRS)))
    if c.op == "create" or (c.op == "update" and "check" in c.fields):
        for row in after.get("check", []):
            out.append(("INSERT INTO radcheck (username, attribute, op, value) "
                        "VALUES (?, ?, ?, ?)", (c.key, *split_row(row))))
    return first + out + ([] if c.op == "delete" else _memberships(c, c.key))


_STATEMENTS: dict[str, Callable[[Change, Scope, Secrets | None], list[Statement]]] = {
    "radius_group": _group, "radius_user": _user, "radius_mac": _mac}


def preview(statement: Statement) -> str:
    """One statement with its values shown, secrets as <generated>."""
    text, params = statement
    for p in params:
        shown = "<generated>" if p is GENERATED else (str(p) if isinstance(p, int)
                                                     else "'" + str(p) + "'")
        text = text.replace("?", shown, 1)
    return text + ";"
