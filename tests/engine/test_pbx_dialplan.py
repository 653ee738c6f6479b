"""The PBX's rows as Asterisk will read them: patterns that match exactly the site's
extensions, call classes the rows compute the way the dialling plan does, barring per
contract, numbers in the carrier's format, and rows that fit Asterisk's columns and
survive its realtime drivers."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

import pytest

from reconciler.intent import compile_estate
from reconciler.intent.pbx_dialplan import range_patterns
from reconciler.model.dialling import plan
from reconciler.model.estate import load_estate
from tests.conftest import copy_estate

AT = dt.date(2026, 12, 15)


def asterisk_match(pattern: str, exten: str) -> bool:
    """Asterisk's extension pattern semantics for what the rows use (X Z N [a-b] . !)."""
    if not pattern.startswith("_"):
        return pattern == exten
    rx = ""
    for tok in re.findall(r"\[[^\]]+\]|.", pattern[1:]):
        rx += {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*"}.get(
            tok, tok if tok.startswith("[") else re.escape(tok))
    return re.fullmatch(rx, exten) is not None


@pytest.mark.parametrize("lo,hi", [(2000, 2999), (100, 2999), (1000, 9999), (205, 3817),
                                   (99, 100), (12345, 12345), (100, 99999), (470, 529)])
def test_extension_patterns_match_exactly_the_pool(lo: int, hi: int) -> None:
    patterns = range_patterns(lo, hi)
    for n in range(max(0, lo - 120), min(100000, hi + 120)):
        hits = [p for p in patterns if asterisk_match(p, str(n))]
        assert bool(hits) == (lo <= n <= hi), (n, hits)
        assert len(hits) <= 1, (n, hits)  # disjoint: realtime's order cannot matter


def rows(root: Path, at: dt.date = AT) -> dict[str, dict[str, Any]]:
    desired = compile_estate(load_estate(root), at)
    return {f"{r.target} {r.kind} {r.key}": dict(r.attrs) for rs in desired.resources.values()
            for r in rs if r.kind.startswith("pbx_")}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return rows(copy_estate(tmp_path_factory.mktemp("estate")))


def out_steps(example: dict[str, dict[str, Any]], site: str = "lon1") -> list[list[str]]:
    steps: list[list[str]] = example[f"{site}/pbx pbx_site_route {site}.phones/out"]["steps"]
    return steps


def classify_like_the_rows(steps: list[list[str]], digits: str) -> str:
    """Run the class-setting rows of `out` (Set + ExecIf REGEX) on ARG1 = digits."""
    cls = ""
    for app, data in steps:
        if app == "Set" and data.startswith("RECONCILER_CLASS="):
            cls = data.split("=", 1)[1]
        m = re.fullmatch(r'\$\[\$\{REGEX\("(.+)" \$\{ARG1\}\)\}\]\?Set\(RECONCILER_CLASS=(\w+)\)',
                         data)
        if app == "ExecIf" and m and re.search(m.group(1), digits):
            cls = m.group(2)
    return cls


def test_the_rows_class_numbers_as_the_dialling_plan_does(
        example: dict[str, dict[str, Any]]) -> None:
    gb = plan("gb")
    steps = out_steps(example)
    rnd = random.Random(7)
    numbers = ["447700900123", "447012345678", "449011234567", "441181234567", "448712345678",
               "448001234567", "442079460000", "441614960000", "443001234567", "12125550123",
               "33123456789", "4445678901"]
    numbers += ["44" + "".join(rnd.choice("0123456789") for _ in range(10)) for _ in range(300)]
    for digits in numbers:
        assert classify_like_the_rows(steps, digits) == gb.classify("+" + digits), digits


def test_outside_calls_are_refused_unless_the_contract_allows_the_class(
        tmp_path: Path) -> None:
    root = copy_estate(tmp_path / "estate")
    acme = root / "occupiers" / "acme.yaml"
    acme.write_text(acme.read_text().replace(
        "voice: {lines: 4, tariff: standard}", "voice: {lines: 4, tariff: standard, allow: []}"
    ).replace('if_unanswered: {to: forward, forward: "+447700900123"}',
              "if_unanswered: {to: voicemail}"))
    barred = rows(root)
    (verdict,) = barred["lon1/pbx pbx_policy lon1.occupiers/acme.out"]["steps"]
    assert verdict == ["Return", "deny"]
    acme.write_text(acme.read_text().replace("allow: []", "allow: [international, premium]"))
    opened = rows(root)["lon1/pbx pbx_policy lon1.occupiers/acme.out"]["steps"]
    assert opened == [["Return", '${IF($["${ARG1}" = "international" | "${ARG1}" = "premium"]'
                                 "?allow:deny)}"]]
    # The site's routine refuses (21: rejected) unless the occupier's verdict is allow, and
    # asks it of the caller's own occupier (the phone's accountcode), never another.
    steps = out_steps(barred)
    gosub = next(i for i, (app, _d) in enumerate(steps) if app == "Gosub")
    assert steps[gosub][1] == "lon1.occupiers,${CHANNEL(accountcode)}.out,1(${RECONCILER_CLASS})"
    assert steps[gosub + 1] == ["GotoIf", f'$["${{GOSUB_RETVAL}}" = "allow"]?{gosub + 4}']
    assert steps[gosub + 2] == ["Hangup", "21"]
    assert steps[gosub + 3][0] == "ExecIf" and "CALLERID(tag)" in steps[gosub + 3][1]
    assert steps[-3][0] == "Dial" and steps[-3][1] == "PJSIP/${RECONCILER_TO}@trunk"


def test_the_sites_own_numbers_never_leave_the_pbx(example: dict[str, dict[str, Any]]) -> None:
    steps = out_steps(example)
    onnet = [d for app, d in steps if app == "GotoIf" and "442079460100" in d]
    assert onnet == [f"$[${{ARG1}} >= 442079460100 & ${{ARG1}} <= 442079460199]?{len(steps)}"]
    assert steps[-1] == ["Goto", "lon1.did_in,${RECONCILER_TO},1"]


@pytest.mark.parametrize("fmt,did,out,cli", [
    ("e164_plus", "+442079460121", "+${ARG1}", "${CALLERID(tag)}"),
    ("e164", "442079460121", "${ARG1}", "${CALLERID(tag):1}"),
    ("national", "02079460121",
     '${IF($[${REGEX("^(44)" ${ARG1})}]?0${ARG1:2}:00${ARG1})}', "0${CALLERID(tag):3}"),
])
def test_numbers_go_both_ways_in_the_carriers_format(tmp_path: Path, fmt: str, did: str,
                                                     out: str, cli: str) -> None:
    root = copy_estate(tmp_path / "estate")
    site = root / "sites" / "lon1.yaml"
    site.write_text(site.read_text().replace(
        "provisioning_dir: provisioning/lon1}",
        f"provisioning_dir: provisioning/lon1, number_format: {fmt}}}"))
    got = rows(root)
    assert got["lon1/pbx pbx_did +442079460121"]["exten"] == did
    steps = out_steps(got)
    assert ["Set", f"RECONCILER_TO={out}"] in steps
    # The line's chosen number (its own if withheld, with presentation prohibited), as the
    # carrier writes it; a channel without one (a transferred carrier call) keeps its own.
    tag = next(i for i, (_a, d) in enumerate(steps) if "CALLERID(tag)" in d)
    assert steps[tag: tag + 3] == [
        ["ExecIf", '$["${CALLERID(tag)}" = "withheld"]?Set(CALLERID(num-pres)=prohib)'],
        ["ExecIf", '$["${CALLERID(tag)}" = "withheld"]?Set(CALLERID(tag)=${CALLERID(num)})'],
        ["ExecIf", f'$["${{CALLERID(tag)}}" != ""]?Set(CALLERID(num)={cli})']]
    assert steps[tag + 3] == ["Dial", "PJSIP/${RECONCILER_TO}@trunk"]
    fwd = got["lon1/pbx pbx_main_number lon1.occupiers/acme.main-na"]["steps"]
    assert fwd[:2] == [["Set", "CHANNEL(accountcode)=acme"],
                       ["Dial", f"PJSIP/{plan('gb').to_carrier('+447700900123', fmt)}@trunk,20"]]


def test_caller_id_per_number(tmp_path: Path) -> None:
    root = copy_estate(tmp_path / "estate")
    acme = root / "occupiers" / "acme.yaml"
    acme.write_text(acme.read_text().replace(
        "        label: Raj Patel\n", "        label: Raj Patel\n        features: {caller_id: main}\n"
    ).replace("        label: Jane Okafor\n",
              "        label: Jane Okafor\n        features: {caller_id: withheld}\n"))
    got = rows(root)
    assert got["lon1/pbx pbx_endpoint 442079460122"]["caller_id"] == "+442079460120"
    assert got["lon1/pbx pbx_endpoint 442079460121"]["caller_id"] == "withheld"


# Asterisk 22's realtime columns (ps_endpoints, ps_aors, extensions, voicemail).
SIZES = {"context": 40, "exten": 40, "app": 40, "appdata": 256, "callerid": 40,
         "caller_id": 40, "accountcode": 80, "mailboxes": 80, "email": 80, "tz": 30,
         "fullname": 80}


def test_every_row_fits_asterisks_columns_and_its_realtime_drivers(tmp_path: Path) -> None:
    """Long ids and many admins stay within the columns; no value holds ';' (res_config_pgsql
    splits values there) or '^' with two hex digits (read back as an escaped byte)."""
    root = copy_estate(tmp_path / "estate")
    long_id = "a-very-long-occupier-name-0123456"[:32]
    admins = "\n".join(f"  - {{email: admin{i}-with-a-long-address@{long_id}.example, name: "
                       f"Admin {i}, role: admin}}" for i in range(5))
    (root / "occupiers" / f"{long_id}.yaml").write_text(f"""\
id: {long_id}
name: A Very Long Occupier
contracts:
  - site: lon1
    start: 2026-01-01
    services:
      voice: {{lines: 2, allow: [national, mobile, international, premium]}}
    main_number: "+442079460150"
    numbers:
      - {{number: "+442079460151", extension: 2999, user: admin0-with-a-long-address@{long_id}.example}}
      - {{number: "+442079460152", extension: 2998, user: admin1-with-a-long-address@{long_id}.example}}
users:
{admins}
""")
    got = rows(root)
    assert any(long_id in k or "lon1.occupiers/" in k for k in got)
    escape = re.compile(r"\^[0-9A-Fa-f]{2}")
    for key, attrs in got.items():
        ctx, _, exten = key.split(" ", 2)[2].partition("/")
        values: dict[str, Any] = dict(attrs)
        if "steps" in attrs:
            values["context"], values["exten"] = ctx, exten
            for app, data in attrs["steps"]:
                assert len(app) <= SIZES["app"] and len(data) <= SIZES["appdata"], (key, data)
                assert ";" not in data and not escape.search(data), (key, data)
        for field, size in SIZES.items():
            v = values.get(field)
            if isinstance(v, str):
                assert len(v) <= size and ";" not in v and not escape.search(v), (key, field, v)
