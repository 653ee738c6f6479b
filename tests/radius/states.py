"""Helpers to put a RADIUS database in a given state and log in against it.

A state is every row of the five rlm_sql tables; `Logins` knows every user and MAC
device with its password, and checks each answer against what is allowed: Accept
only at a NAS where some allowed state grants that login, with that state's VLAN.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.model.estate import load_estate
from reconciler.rehearsal.expect import UNKNOWN_NAS, expected_on
from reconciler.rehearsal.radius_probe import Answer, Login, RadiusProbe
from tests.radius.conftest import TABLES, RadiusLab

Rows = dict[str, list[tuple[Any, ...]]]
NASES = ("lon1-wlc", "man1-wlc", UNKNOWN_NAS)


def snapshot(lab: RadiusLab) -> Rows:
    return {t: lab.sql(f"SELECT * FROM {t} ORDER BY id") for t in TABLES}  # noqa: S608


def restore(lab: RadiusLab, rows: Rows) -> None:
    """Exactly these rows, ids included, in one transaction."""
    import sqlite3

    assert lab.dialect == "sqlite"
    with sqlite3.connect(lab.server.sqlite_path) as db:
        for t in TABLES:
            db.execute(f"DELETE FROM {t}")  # noqa: S608
            for r in rows[t]:
                marks = ", ".join("?" * len(r))
                db.execute(f"INSERT INTO {t} VALUES ({marks})", r)  # noqa: S608


def grants(lab: RadiusLab, day: str) -> dict[str, dict[str, int]]:
    """login -> {NAS: VLAN} the estate in the lab's folder allows on `day`."""
    exp = expected_on(load_estate(lab.root), dt.date.fromisoformat(day))
    return {k: dict(v) for k, v in exp.logins.items()}


@dataclass
class Logins:
    lab: RadiusLab
    passwords: dict[str, str]
    macs: set[str]
    allowed: list[dict[str, dict[str, int]]] = field(default_factory=list)

    @property
    def probe(self) -> RadiusProbe:
        ep = self.lab.server.endpoint()
        return RadiusProbe(ep["host"], ep["port"], ep["secret"], ep["ca_cert"])

    def _pap_logins(self) -> list[Login]:
        users = sorted({u for a in self.allowed for u in a} | set(self.passwords) | self.macs)
        self.macs |= {u for u in users if re.fullmatch(r"[0-9a-f]{12}", u)}
        return [Login(u, u if u in self.macs else self.passwords.get(u, "never-sent-x9"), nas,
                      u in self.macs) for u in users for nas in NASES]

    def why(self, login: Login, answer: Answer) -> str | None:
        """None when the answer is one an allowed state gives, else what is wrong."""
        ok = [a.get(login.user, {}).get(login.nas) for a in self.allowed]
        if not answer.accepted:
            return None  # a reject is never a leak; exact states are checked separately
        if answer.vlan is not None and any(v is not None and str(v) == answer.vlan for v in ok):
            return None
        return f"{login.user} at {login.nas}: {answer}; allowed " + \
            (", ".join(f"VLAN {v}" for v in ok if v is not None) or "only Access-Reject")

    def leaks(self, peap_for: Iterable[tuple[str, str]] = ()) -> list[str]:
        logins = self._pap_logins()
        out = [f"PAP {w}" for lg, a in zip(logins, self.probe.pap(logins), strict=True)
               if (w := self.why(lg, a))]
        peap = [Login(u, self.passwords[u], nas) for u, nas in peap_for if u in self.passwords]
        out += [f"PEAP {w}" for lg, a in zip(peap, self.probe.peap(peap), strict=True)
                if (w := self.why(lg, a))]
        return out

    def answers(self) -> dict[tuple[str, str], str]:
        logins = self._pap_logins()
        return {(lg.user, lg.nas): str(a) for lg, a in zip(logins, self.probe.pap(logins),
                                                           strict=True)}


def expected_answers(logins: Logins, allowed: Mapping[str, Mapping[str, int]]
                     ) -> dict[tuple[str, str], str]:
    out = {}
    for lg in logins._pap_logins():
        vlan = allowed.get(lg.user, {}).get(lg.nas)
        out[(lg.user, lg.nas)] = "Access-Reject" if vlan is None else \
            f"Access-Accept, VLAN {vlan}"
    return out
