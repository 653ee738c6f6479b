"""`reconciler calls` on generated CDRs in cdr_csv's exact format, shaped the way Asterisk
records calls through the reconciler's rows (see tests/data/asterisk/22.10.1-run): every
costly leg carries the payer's accountcode, DID calls end in `<site>.occupiers`, a ring-all
hunt group writes one leg per phone, a forward one more leg of the same call."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.reports.cdrgen import cdr_line

MONTH = "2026-10"
KAPPA = """\
id: kappa
name: Kappa Partners
contracts:
  - site: lon1
    start: 2026-01-01
    services:
      voice: {lines: 1, tariff: business}
    main_number: "+442079460192"
    numbers:
      - {number: "+442079460193", extension: 2193, user: k@kappa.example}
users:
  - {email: k@kappa.example, name: Kay Kappa}
"""
TRUNK = "PJSIP/trunk-{:08x}"


class Calls:
    """Legs as Asterisk writes them, numbered like its channels and uniqueids. A DID row sets
    the occupier's accountcode on the carrier's channel, so inbound legs carry it too."""

    def __init__(self) -> None:
        self.legs: list[dict[str, Any]] = []
        self.n = 0

    def _chan(self, name: str) -> str:
        self.n += 1
        return f"PJSIP/{name}-{self.n:08x}" if name != "trunk" else TRUNK.format(self.n)

    def leg(self, start: str, *, accountcode: str, src: str, dst: str, dcontext: str,
            channel: str, dstchannel: str, lastdata: str, billsec: int, uid: str,
            disposition: str = "ANSWERED", lastapp: str = "Dial") -> None:
        t = dt.datetime.fromisoformat(start)
        answered = disposition == "ANSWERED"
        self.legs.append(dict(
            accountcode=accountcode, src=src, dst=dst, dcontext=dcontext, clid=f"<{src}>",
            channel=channel, dstchannel=dstchannel, lastapp=lastapp, lastdata=lastdata,
            start=start, answer=(t + dt.timedelta(seconds=1)).isoformat(sep=" ")
            if answered else "", end=(t + dt.timedelta(seconds=billsec + 1)).isoformat(sep=" "),
            duration=billsec + 1, billsec=billsec if answered else 0, disposition=disposition,
            amaflags="DOCUMENTATION", uniqueid=uid, userfield="", peeraccount="",
            linkedid=uid, sequence=len(self.legs)))

    def out(self, start: str, ep: str, dialled: str, sent: str, billsec: int, uid: str,
            account: str = "acme", presented: str = "") -> None:
        """A phone dials out: Gosub out, Dial PJSIP/<as the carrier wants>@trunk."""
        self.leg(start, accountcode=account, src=presented or "+" + ep, dst=dialled,
                 dcontext="lon1.phones", channel=self._chan(ep), dstchannel=self._chan("trunk"),
                 lastdata=f"PJSIP/{sent}@trunk", billsec=billsec, uid=uid)

    def hunt_then_forward(self, start: str, uid: str, billsec: int) -> None:
        """The main number in hours: both phones ring 25 s, then the forward answers."""
        trunk = self._chan("trunk")
        for ep in ("442079460121", "442079460122"):
            self.leg(start, accountcode="acme", src="+447700900555", dst="acme.main-in",
                     dcontext="lon1.occupiers", channel=trunk, dstchannel=self._chan(ep),
                     lastdata="PJSIP/442079460121&PJSIP/442079460122,25", billsec=0,
                     uid=uid, disposition="NO ANSWER")
        later = (dt.datetime.fromisoformat(start) + dt.timedelta(seconds=25)).isoformat(sep=" ")
        self.leg(later, accountcode="acme", src="+447700900555", dst="acme.main-na",
                 dcontext="lon1.occupiers", channel=trunk, dstchannel=self._chan("trunk"),
                 lastdata="PJSIP/+447700900123@trunk,20", billsec=billsec, uid=uid)

    def inbound(self, start: str, did_to: str, ep: str, uid: str) -> None:
        self.leg(start, accountcode="acme", src="+447700900555", dst=did_to,
                 dcontext="lon1.occupiers", channel=self._chan("trunk"),
                 dstchannel=self._chan(ep), lastdata=f"PJSIP/{ep},20", billsec=30, uid=uid)

    def internal(self, start: str, ep: str, to_ep: str, uid: str) -> None:
        self.leg(start, accountcode="acme", src="+" + ep, dst="acme.2122",
                 dcontext="lon1.occupiers", channel=self._chan(ep),
                 dstchannel=self._chan(to_ep), lastdata=f"PJSIP/{to_ep},20", billsec=40,
                 uid=uid)


def month() -> Calls:
    c = Calls()
    c.out("2026-10-05 09:00:00", "442079460121", "07700900123", "+447700900123", 61, "u1")
    # Raj presents the main number: the line is still his, the payer Acme.
    c.out("2026-10-05 10:00:00", "442079460122", "02071234567", "+442071234567", 59, "u2",
          presented="+442079460120")
    c.hunt_then_forward("2026-10-06 11:00:00", "u3", 95)
    c.inbound("2026-10-07 12:00:00", "acme.2121", "442079460121", "u4")
    c.internal("2026-10-07 13:00:00", "442079460121", "442079460122", "u5")
    c.out("2026-10-08 09:00:00", "442079460121", "999", "999", 30, "u6")
    c.out("2026-10-08 10:00:00", "442079460121", "07700900123", "+447700900123", 0, "u7")
    c.legs[-1].update(disposition="NO ANSWER", answer="", billsec=0)
    # A call to one of the site's own numbers that went out anyway: never charged.
    c.out("2026-10-09 09:00:00", "442079460121", "02079460150", "+442079460150", 20, "u8")
    return c


@pytest.mark.parametrize("columns", [18, 21])
def test_the_rows_shapes_are_billed_to_who_pays(estate_dir: Path, tmp_path: Path,
                                                cli: Callable[..., Any], columns: int) -> None:
    master = tmp_path / "Master.csv"
    master.write_text("\n".join(cdr_line(leg, columns) for leg in month().legs) + "\n")
    res = cli("calls", "--repo", estate_dir, "--month", MONTH, "--cdr", master,
              "--out", tmp_path / "r", "--format", "json", "--allow-partial")
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    assert (s["calls"], s["inbound"], s["on_net"], s["unanswered"], s["emergency"]) == \
        (3, 2, 2, 1, 1)
    assert s["unattributed"] == []
    (acme,) = s["occupiers"]
    assert (acme["occupier"], acme["calls"]) == ("acme", 3)
    # 61 s and 95 s of mobile at whole minutes (2 + 2 at 0.09), 59 s of landline (1 at 0.03).
    assert acme["client_amount"] == "0.39"


def test_the_accountcode_names_the_payer_when_the_line_changed_hands(
        estate_dir: Path, tmp_path: Path, cli: Callable[..., Any]) -> None:
    """A leg of a number that moved: what Asterisk recorded on the leg decides; a leg
    without an accountcode falls back to who held the number (contracts, git history)."""
    (estate_dir / "occupiers" / "kappa.yaml").write_text(KAPPA)
    c = Calls()
    c.out("2026-10-05 09:00:00", "442079460122", "07700900123", "+447700900123", 60, "a1",
          account="kappa")
    c.out("2026-10-05 10:00:00", "442079460122", "07700900123", "+447700900123", 60, "a2",
          account="")
    master = tmp_path / "Master.csv"
    master.write_text("\n".join(cdr_line(leg, 18) for leg in c.legs) + "\n")
    res = cli("calls", "--repo", estate_dir, "--month", MONTH, "--cdr", master,
              "--out", tmp_path / "r", "--format", "json", "--allow-partial")
    assert res.exit_code == 0, res.output
    rows = {r["occupier"]: r["calls"] for r in json.loads(res.stdout)["occupiers"]}
    assert rows == {"kappa": 1, "acme": 1}
