"""`reconciler show` and `reconciler guide` on the example estate against expected files.

Regenerate the files after an intended change with UPDATE_EXPECTED=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.model.test_validation import edit

DATA = Path(__file__).resolve().parents[1] / "data"
DAY = "2026-12-15"  # Acme at both sites, 3.02 just moved in

CASES = [
    ("show/acme.txt", ["show", "acme", "--at", DAY]),
    ("show/acme.md", ["show", "acme", "--at", DAY, "--format", "markdown"]),
    ("show/acme.json", ["show", "acme", "--at", DAY, "--format", "json"]),
    ("show/acme-man1.txt", ["show", "acme", "--site", "man1", "--at", DAY]),
    ("show/quayside-trading.txt", ["show", "quayside-trading", "--at", "2027-02-15"]),
    ("guide/acme-lon1.md", ["guide", "acme", "--site", "lon1", "--at", DAY]),
    ("guide/acme-lon1.html", ["guide", "acme", "--site", "lon1", "--at", DAY,
                              "--format", "html"]),
    ("guide/quayside-trading-lon1.md", ["guide", "quayside-trading", "--site", "lon1",
                                        "--at", "2027-02-15"]),
]


@pytest.fixture(autouse=True)
def _no_secrets_from_earlier_commands() -> None:
    from reconciler.cli.common import OUT

    OUT.secrets = []  # the CLI runs in-process: earlier tests' credentials linger here


def expect(name: str, got: str) -> None:
    path = DATA / name
    if os.environ.get("UPDATE_EXPECTED"):
        path.write_text(got)
    assert got == path.read_text(), f"{name} differs (UPDATE_EXPECTED=1 rewrites it)"


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_output_matches_the_expected_file(name: str, args: list[str],
                                          cli: Callable[..., Any]) -> None:
    res = cli(*args, "--repo", REPO_ROOT)
    assert res.exit_code == 0, res.output
    expect(name, res.stdout)


def test_json_is_the_same_information_as_text(cli: Callable[..., Any]) -> None:
    info = json.loads(cli("show", "acme", "--at", DAY, "--format", "json", "--repo",
                          REPO_ROOT).stdout)
    assert [s["site"] for s in info["sites"]] == ["lon1", "man1"]
    lon = info["sites"][0]
    assert lon["network"]["dhcp"]["range"] == "172.16.2.21-172.16.2.254"
    assert lon["network"]["gateway"] == "172.16.2.1"
    assert lon["phones"]["main_number"]["number"] == "+442079460120"
    assert [s["state"] for s in lon["spaces"]] == ["current", "current"]
    before = json.loads(cli("show", "acme", "--at", "2026-11-30", "--format", "json",
                            "--repo", REPO_ROOT).stdout)
    assert [s["state"] for s in before["sites"][0]["spaces"]] == ["current", "upcoming"]


def test_guide_writes_html_and_markdown(cli: Callable[..., Any], tmp_path: Path) -> None:
    res = cli("guide", "acme", "--site", "man1", "--at", DAY, "--out", tmp_path,
              "--repo", REPO_ROOT)
    assert res.exit_code == 0, res.output
    md = (tmp_path / "acme-man1.md").read_text()
    html = (tmp_path / "acme-man1.html").read_text()
    assert "172.17.1.21-172.17.1.254" in md and "172.17.1.21-172.17.1.254" in html
    assert "## Phones" not in md  # no voice at Manchester
    assert "support.man1@workspace.example" in md


def test_html_escapes_what_came_from_yaml(estate_dir: Path, cli: Callable[..., Any]) -> None:
    edit(estate_dir / "occupiers/acme.yaml", "name: Acme Robotics Ltd",
         "name: Acme & Sons 'Robotics'")
    html = cli("guide", "acme", "--site", "lon1", "--format", "html", "--repo",
               estate_dir).stdout
    assert "Acme &amp; Sons &#39;Robotics&#39;" in html and "Acme & Sons" not in html


def test_unknown_occupier_or_site_is_an_error(cli: Callable[..., Any]) -> None:
    res = cli("show", "nobody", "--repo", REPO_ROOT)
    assert res.exit_code == 1 and "occupiers: acme," in res.output
    res = cli("guide", "kestrel-labs", "--site", "lon1", "--repo", REPO_ROOT)
    assert res.exit_code == 1 and "its sites: man1" in res.output
    res = cli("show", "acme", "--format", "yaml", "--repo", REPO_ROOT)
    assert res.exit_code == 1 and "text, json or markdown" in res.output
