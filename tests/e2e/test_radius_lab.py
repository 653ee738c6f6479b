"""`lab up` runs the real FreeRADIUS for the estate's RADIUS server; apply makes it answer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from ruamel.yaml import YAML

from tests.radius.radius_client import RadiusClient, Secret

if TYPE_CHECKING:
    from tests.e2e.conftest import LabEstate

pytestmark = pytest.mark.lab


def test_lab_freeradius_answers_with_the_vlan_after_a_full_apply(lab_estate: LabEstate) -> None:
    servers = lab_estate.lab.handle("freeradius")
    if not servers:
        pytest.skip(reason="FreeRADIUS is not installed: the lab holds only its database")
    server = servers["radius"]
    endpoints = YAML(typ="safe").load(lab_estate.endpoints.read_text())["targets"]
    assert endpoints["radius"]["port"] == server.auth_port
    assert "secret" not in endpoints["radius"]  # the RADIUS secret stays in the lab

    res = lab_estate.cli("apply", "--yes", "--at", "2026-11-26")
    assert res.exit_code == 0, res.output
    assert "radius: applied, verified" in res.output
    mails = sorted((lab_estate.root / "outbox").glob("*-wifi-secure-*.eml"))
    assert len(mails) == 7
    jane = next(m.read_text() for m in mails if "To: jane@acme.example" in m.read_text())
    m = re.search(r"Password: (\S+)", jane)
    assert m
    pw = Secret(m.group(1))
    client = RadiusClient("127.0.0.1", server.auth_port, server.secret)
    assert client.pap("jane@acme.example", pw, "lon1-wlc").vlan == "102"
    assert client.mschapv2("jane@acme.example", pw, "man1-wlc").vlan == "101"
    plan = lab_estate.cli("plan", "--at", "2026-11-26")
    assert plan.exit_code == 0
    # the password exists only in the (git-ignored) outbox: not in any other file of the
    # repository, the lab's own files included, nor in what the commands printed
    outbox = lab_estate.root / "outbox"
    others = [p for p in lab_estate.root.rglob("*") if p.is_file() and outbox not in p.parents]
    assert any(p.suffix == ".db" for p in others)
    leaks = [str(p) for p in others if pw.encode() in p.read_bytes()]
    assert leaks == []  # (radpostauth would hold it if post-auth logged to SQL)
    printed = pw in res.output + plan.output + server.log_text()
    assert not printed
