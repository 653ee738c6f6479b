"""`reconciler pbx static`: the static part of a PBX is written once. Every context a row
jumps to is there with its realtime switch, occupiers coming and going never change it,
and emergency numbers are in it, not in a row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reconciler.intent import compile_estate
from reconciler.model.estate import load_estate
from reconciler.reports.pbx_static import static_files
from tests.conftest import copy_estate

AT = dt.date(2026, 12, 15)
NEWCOMER = """\
id: newcomer
name: Newcomer Ltd
contracts:
  - site: lon1
    start: 2026-12-01
    services:
      voice: {lines: 1, allow: []}
    main_number: "+442079460160"
    numbers:
      - {number: "+442079460161", extension: 2600, user: a@newcomer.example}
users:
  - {email: a@newcomer.example, name: A Newcomer, role: admin}
"""


def contexts(conf: str) -> dict[str, list[str]]:
    """[context] -> its lines, from an extensions.conf."""
    out: dict[str, list[str]] = {}
    current = None
    for line in conf.splitlines():
        line = line.split(";", 1)[0].strip()
        if m := re.fullmatch(r"\[([^\]]+)\]", line):
            current = out.setdefault(m.group(1), [])
        elif line and current is not None:
            current.append(line)
    return out


def jump_targets(steps: list[list[str]], own: str) -> set[str]:
    """Contexts a row sends the call to (Goto, Gosub, GotoIfTime, Local/ dial strings)."""
    out = set()
    for app, data in steps:
        if app in ("Goto", "Gosub"):
            parts = data.split("(")[0].split(",")
            out.add(parts[0] if len(parts) == 3 else own)
        if app == "GotoIfTime":
            for label in data.split("?", 1)[1].split(":"):
                parts = label.split(",")
                out.add(parts[0] if len(parts) == 3 else own)
        out.update(re.findall(r"Local/[^@]+@([^,&]+)", data))
    return out


def test_every_context_a_row_reaches_is_switched_to_realtime(tmp_path: Path) -> None:
    root = copy_estate(tmp_path / "estate")
    estate = load_estate(root)
    ctx = contexts(static_files(estate, ["lon1"])["extensions.conf"])
    desired = compile_estate(estate, AT)
    reached = set()
    for target in ("lon1/pbx", "man1/pbx"):
        for r in desired.resources[target]:
            if "steps" in r.attrs:
                own = r.key.split("/")[0] if r.kind != "pbx_did" else f"{r.target[:4]}.did_in"
                reached |= jump_targets(r.attrs["steps"], own)
                reached.add(own)
    reached -= {"lon1-reception", "man1-reception"}  # the operator's own, named by the site
    for name in reached:
        assert f"switch => Realtime/{name}@extensions" in ctx[name], name
    # The trunk's context reaches every site's DIDs; phones' and occupiers' contexts exist.
    assert ctx["from-trunk"] == ["include => lon1.did_in", "include => man1.did_in"]
    assert {"lon1.phones", "lon1.occupiers", "man1.phones", "man1.occupiers"} <= set(ctx)


def test_occupiers_coming_and_going_never_change_the_static_part(tmp_path: Path) -> None:
    root = copy_estate(tmp_path / "estate")
    before = static_files(load_estate(root), ["lon1"])
    (root / "occupiers" / "newcomer.yaml").write_text(NEWCOMER)
    (root / "occupiers" / "northwind-legal.yaml").unlink()
    after_estate = load_estate(root)
    assert static_files(after_estate, ["lon1"]) == before
    # ... while the rows do change: the newcomer's phone and numbers are rows.
    keys = {r.key for r in compile_estate(after_estate, AT).resources["lon1/pbx"]}
    assert {"442079460161", "lon1.occupiers/newcomer.2600", "+442079460160"} <= keys


def test_emergency_numbers_are_static_and_present_the_sites_number(tmp_path: Path) -> None:
    root = copy_estate(tmp_path / "estate")
    conf = contexts(static_files(load_estate(root), ["lon1"])["extensions.conf"])
    assert "exten => 999,1,Goto(lon1.emergency,${EXTEN},1)" in conf["lon1.phones"]
    assert "exten => 112,1,Goto(lon1.emergency,${EXTEN},1)" in conf["lon1.phones"]
    assert "exten => 999,1,Set(CALLERID(num)=+442079460100)" in conf["lon1.emergency"]
    assert "same => n,Dial(PJSIP/${EXTEN}@trunk)" in conf["lon1.emergency"]
    assert "exten => 112,1,Set(CALLERID(num)=+441614960000)" in conf["man1.emergency"]
    # The site decides: its own list and caller ID, in the carrier's format.
    site = root / "sites" / "lon1.yaml"
    site.write_text(site.read_text().replace(
        "provisioning_dir: provisioning/lon1}",
        'provisioning_dir: provisioning/lon1, emergency: ["999", "112", "911"], '
        'emergency_caller_id: "+442079460199", number_format: national}'))
    conf = contexts(static_files(load_estate(root), ["lon1"])["extensions.conf"])
    assert [ln for ln in conf["lon1.phones"] if ln.startswith("exten")] == [
        f"exten => {n},1,Goto(lon1.emergency,${{EXTEN}},1)" for n in ("999", "112", "911")]
    assert "exten => 911,1,Set(CALLERID(num)=02079460199)" in conf["lon1.emergency"]


def test_the_realtime_and_sorcery_stanzas(tmp_path: Path) -> None:
    estate = load_estate(copy_estate(tmp_path / "estate"))
    files = static_files(estate, ["man1"], "pgsql", "postgresql://rt@db.lon1:5433/pbx")
    assert "ps_endpoints => pgsql,asterisk" in files["extconfig.conf"]
    assert "extensions => pgsql,asterisk" in files["extconfig.conf"]
    assert "voicemail => pgsql,asterisk" in files["extconfig.conf"]
    assert "endpoint=realtime,ps_endpoints" in files["sorcery.conf"]
    assert "endpoint=config,pjsip.conf,criteria=type=endpoint" in files["sorcery.conf"]
    pg = files["res_pgsql.conf"]
    assert "dbhost=db.lon1\ndbport=5433\ndbname=pbx\ndbuser=rt\n" in pg
    assert "dbpass=" not in pg.replace("; dbpass=", "")  # never a password
    assert "lon1=Europe/London|" in files["voicemail.conf"]  # voicemail.tz names it
    assert "preload => res_config_pgsql.so" in files["modules.conf"]
    assert "loguniqueid=yes" in files["cdr.conf"] and "usegmtime=yes" in files["cdr.conf"]
    lite = static_files(estate, ["lon1"], "sqlite3", "/var/lib/asterisk/rt.sqlite3")
    assert "[asterisk]\ndbfile=/var/lib/asterisk/rt.sqlite3\n" in lite["res_config_sqlite3.conf"]
    assert "ps_aors => sqlite3,asterisk" in lite["extconfig.conf"]


def test_the_command_prints_or_writes_the_files(estate_dir: Path, tmp_path: Path,
                                               cli: Callable[..., Any]) -> None:
    res = cli("pbx", "static", "--repo", estate_dir, "--site", "lon1")
    assert res.exit_code == 0
    assert "[lon1.phones]" in res.stdout and "[man1.phones]" in res.stdout
    res = cli("pbx", "static", "--repo", estate_dir, "--site", "lon1", "--out", tmp_path / "etc",
              "--bind", "127.0.0.1:15060")
    assert res.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "etc").iterdir()) == [
        "cdr.conf", "extconfig.conf", "extensions.conf", "modules.conf", "pjsip.conf",
        "res_pgsql.conf", "sorcery.conf", "voicemail.conf"]
    assert "bind=127.0.0.1:15060\n" in (tmp_path / "etc" / "pjsip.conf").read_text()
    res = cli("pbx", "static", "--repo", estate_dir, "--site", "bri1")
    assert res.exit_code == 1 and "no site 'bri1'" in res.output
    res = cli("pbx", "static", "--repo", estate_dir, "--site", "lon1", "--db",
              "postgresql://rt:secret@db/pbx")
    assert res.exit_code == 1 and "secret" not in res.output


def test_the_pbx_guide_shows_exactly_what_the_command_prints(tmp_path: Path) -> None:
    """docs/pbx.md quotes the files for the example estate: they must be the real output."""
    from tests.conftest import REPO_ROOT

    guide = (REPO_ROOT / "docs" / "pbx.md").read_text()
    for name, text in static_files(load_estate(copy_estate(tmp_path / "e")), ["lon1"]).items():
        assert f"```ini\n{text.rstrip()}\n```" in guide, name
