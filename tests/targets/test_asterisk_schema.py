"""The lab's minimal realtime DDL is a faithful subset of Asterisk's own schema, and the
desk-phone templates render files that parse and read back."""

from __future__ import annotations

import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reconciler.targets import handsets
from tests.conftest import REPO_ROOT, realdata


def asterisk_columns() -> dict[str, dict[str, str]]:
    """table -> column -> type, from pg_dump of the schema Asterisk's migrations build."""
    text = realdata("asterisk", "22.10.1", "derived",
                    "postgresql_config_final_schema__pg_dump.sql").read_text()
    cdr = realdata("asterisk", "22.10.1", "postgresql_cdr.sql").read_text()
    out: dict[str, dict[str, str]] = {}
    for name, body in re.findall(r"CREATE TABLE (?:public\.)?(\w+) \((.*?)\n\);", text + cdr,
                                 re.S):
        cols = {}
        for line in body.strip().splitlines():
            m = re.match(r'\s*"?(\w+)"?\s+(.+?),?\s*$', line)
            if m and not m.group(1).startswith("CONSTRAINT"):
                cols[m.group(1)] = m.group(2)
        out[name] = cols
    return out


def lab_columns(ddl: str) -> dict[str, dict[str, str]]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(ddl)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: {r[1]: r[2] for r in conn.execute(f"PRAGMA table_info({t})")}  # noqa: S608
            for t in tables}


@pytest.mark.parametrize("ddl", ["realtime.sqlite.sql", "voicemail.sqlite.sql"])
def test_lab_ddl_columns_exist_in_asterisks_schema_with_the_same_sizes(ddl: str) -> None:
    real = asterisk_columns()
    ours = lab_columns((REPO_ROOT / "templates" / "asterisk" / ddl).read_text())
    assert ours
    for table, cols in ours.items():
        assert table in real, table
        for col, typ in cols.items():
            assert col in real[table], f"{table}.{col}"
            size = re.search(r"\((\d+)\)", typ)
            if size and "VARCHAR" in typ and "character varying" in real[table][col]:
                assert f"({size.group(1)})" in real[table][col], f"{table}.{col}"


@pytest.mark.parametrize("model", ["yealink-t54w", "polycom-vvx450", "snom-d785"])
def test_each_vendor_file_renders_and_reads_back(tmp_path: Path, model: str) -> None:
    attrs = {"model": model, "endpoint": "442079460121", "label": 'Jane "JJ" <O>kafor-Smith',
             "extension": 2121, "voicemail": "*97", "credential_version": 3}
    text = handsets.render_file("805ec0123456", attrs, "s3cr&t<pw>", "pbx.lon1", "Europe/London")
    name = handsets.file_name("805ec0123456", model)
    handsets.write_files(handsets.Folder(tmp_path), {name: text})
    if name.endswith(".xml") or model.startswith("polycom"):
        ET.fromstring(text.split("\n", 1)[1] if text.startswith("<?xml") else text)
        assert "s3cr&amp;t&lt;pw&gt;" in text
    else:
        assert "account.1.password = s3cr&t<pw>\n" in text
    (res,) = handsets.read_dir("lon1/pbx", handsets.Folder(tmp_path))
    assert (res.key, dict(res.attrs)) == ("805ec0123456", attrs)
    assert oct((tmp_path / name).stat().st_mode & 0o777) == "0o640"


def test_files_without_the_marker_or_with_other_names_are_not_ours(tmp_path: Path) -> None:
    (tmp_path / "805ec0123456.cfg").write_text("#!version:1.0.0.1\naccount.1.enable = 1\n")
    (tmp_path / "y000000000044.cfg").write_text("## reconciler {}\n")
    (tmp_path / "notes.txt").write_text("x")
    assert handsets.read_dir("lon1/pbx", handsets.Folder(tmp_path)) == []
    with pytest.raises(ValueError):
        handsets.file_name("../../etc/passwd", "yealink-t54w")
