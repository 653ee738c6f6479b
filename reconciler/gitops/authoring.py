"""Edits a pull-request author makes, as round-trip YAML edits (comments and layout kept).

Pure text -> text functions; the CLI writes the result, allocates and validates,
and puts every file back if the estate does not pass.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from ..errors import ReconcilerError
from ..model.base import ID_RE
from ..model.yamlio import _yaml, flow


class AuthoringError(ReconcilerError):
    """The edit cannot be made as asked: the message says what to change."""


_COMMENT = re.compile(r"#.*$")


class _DatesConstructor(RoundTripConstructor):
    """Dates stay dates here, so they are written back unquoted.

    (The estate loader registers timestamps as text on RoundTripConstructor itself;
    this subclass keeps its own table.)
    """


_DatesConstructor.yaml_constructors = dict(RoundTripConstructor.yaml_constructors)
_DatesConstructor.yaml_constructors["tag:yaml.org,2002:timestamp"] = \
    RoundTripConstructor.construct_yaml_timestamp


def _load(text: str) -> tuple[Any, Any]:
    _, indent, bsi = load_yaml_guess_indent(text)
    y = _yaml(indent or 2, bsi if bsi is not None else 0)
    y.Constructor = _DatesConstructor
    return y, y.load(text)


def _dump(y: Any, data: Any, original: str, removed: range = range(0)) -> str:
    buf = io.StringIO()
    y.dump(data, buf)
    new = buf.getvalue()
    # Whatever ruamel does, no comment of the author may get lost (but a removed entry's).
    for n, line in enumerate(original.splitlines()):
        m = _COMMENT.search(line) if n not in removed else None
        if m and m.group(0) not in new:
            raise AuthoringError(f"the edit would lose the comment {m.group(0)!r}; "
                                 "edit this file by hand")
    return new


def _flow_map(**fields: Any) -> CommentedMap:
    m = CommentedMap()
    for k, v in fields.items():
        if v is None:
            continue
        m[k] = DoubleQuotedScalarString(v) if isinstance(v, str) and flow(v).startswith('"') \
            else v
    m.fa.set_flow_style()
    return m


def _seq(parent: CommentedMap, key: str, after: tuple[str, ...] = ()) -> CommentedSeq:
    seq = parent.get(key)
    if isinstance(seq, CommentedSeq):
        return seq
    seq = CommentedSeq()
    keys = list(parent.keys())
    pos = next((keys.index(a) + 1 for a in after if a in parent), len(keys))
    parent.insert(pos, key, seq)
    return seq


def new_occupier_text(occ_id: str, name: str, site: str, start: dt.date, spaces: list[str],
                      internet_mbps: int | None, wifi_secure: bool) -> str:
    if not re.fullmatch(ID_RE, occ_id):
        raise AuthoringError(f"{occ_id!r} is not an occupier id: lower-case letters, digits "
                             "and '-', starting with a letter")
    lines = [f"# {name}: created with `reconciler occupier new`.", f"id: {occ_id}",
             f"name: {flow(name)}", "", "contracts:", f"  - site: {flow(site)}",
             f"    start: {start.isoformat()}"]
    if spaces:
        lines.append("    occupancies:")
        lines += [f"      - {{space: {flow(s)}, move_in: {start.isoformat()}}}" for s in spaces]
    services = []
    if internet_mbps:
        services.append(f"      internet: {{bandwidth_mbps: {int(internet_mbps)}}}")
    if wifi_secure:
        services.append("      wifi_secure: true")
    if services:
        lines += ["    services:", *services]
    return "\n".join(lines) + "\n"


def _contract(data: Any, site: str, who: str) -> CommentedMap:
    for c in data.get("contracts") or []:
        if isinstance(c, CommentedMap) and c.get("site") == site:
            return c
    raise AuthoringError(f"{who} has no contract at {site}: add one first")


def space_move_text(text: str, site: str, to_space: str, on: dt.date,
                    from_space: str | None = None) -> str:
    """Move in to `to_space` on `on`; leave `from_space` the day before."""
    y, data = _load(text)
    c = _contract(data, site, str(data.get("id")))
    occs = _seq(c, "occupancies", after=("deprovision_on_end", "end", "start"))
    if any(str(o.get("space")) == to_space and o.get("move_out") is None for o in occs):
        raise AuthoringError(f"{data.get('id')} already has space {to_space} at {site}")
    if from_space is not None:
        current = [o for o in occs if str(o.get("space")) == from_space
                   and (o.get("move_out") is None or _date(o.get("move_out")) >= on)]
        if not current:
            raise AuthoringError(f"{data.get('id')} has no current occupancy of space "
                                 f"{from_space} at {site}")
        for o in current:
            o["move_out"] = on - dt.timedelta(days=1)
    occs.append(_flow_map(space=to_space, move_in=on))
    return _dump(y, data, text)


def _date(v: Any) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def user_add_text(text: str, email: str, name: str, role: str | None, wifi_secure: bool,
                  home_site: str | None) -> str:
    y, data = _load(text)
    users = _seq(data, "users", after=("contracts",))
    if any(str(u.get("email", "")).lower() == email for u in users):
        raise AuthoringError(f"{email} is already a user of {data.get('id')}")
    users.append(_flow_map(email=email, name=name, role=role,
                           wifi_secure=True if wifi_secure else None, home_site=home_site))
    return _dump(y, data, text)


def user_remove_text(text: str, email: str) -> str:
    y, data = _load(text)
    users = data.get("users")
    idx = [i for i, u in enumerate(users or []) if str(u.get("email", "")).lower() == email]
    if not idx or not isinstance(users, CommentedSeq):
        raise AuthoringError(f"{email} is not a user of {data.get('id')}")
    first = users.lc.item(idx[0])[0]
    last = users.lc.item(idx[0] + 1)[0] if idx[0] + 1 < len(users) else first + 1
    del users[idx[0]]
    return _dump(y, data, text, range(first, last))
