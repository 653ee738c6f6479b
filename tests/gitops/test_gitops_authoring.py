"""Authoring commands: round-trip edits, allocation and validation, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.gitops.authoring import AuthoringError, space_move_text, user_remove_text
from reconciler.model.estate import load_estate


def _comments(text: str) -> list[str]:
    return [ln[ln.index("#"):] for ln in text.splitlines() if "#" in ln]


def test_occupier_new_allocates_and_validates(estate_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("occupier", "new", "zephyr", "--name", "Zephyr Design Ltd", "--site", "lon1",
              "--space", "3.03", "--start", "2026-12-01", "--internet", "100", "--wifi-secure",
              "--repo", estate_dir)
    assert res.exit_code == 0, res.output
    assert "allocated: zephyr@lon1: VLAN 104, subnet 172.16.4.0/24" in res.stdout
    occ = load_estate(estate_dir).occupiers["zephyr"]
    c = occ.contracts[0]
    assert (c.site, str(c.start), c.network and c.network.vlan) == ("lon1", "2026-12-01", 104)
    assert [o.space for o in c.occupancies] == ["3.03"]
    assert cli("validate", "--repo", estate_dir).exit_code == 0


@pytest.mark.parametrize("args,message", [
    (["--space", "3.04"], "space-overlap"),  # harbour-coffee's desk
    (["--space", "9.99"], "9.99"),
    (["--site", "nowhere"], "nowhere"),
])
def test_occupier_new_that_would_be_invalid_writes_nothing(
        estate_dir: Path, cli, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    before = sorted(p.name for p in (estate_dir / "occupiers").iterdir())
    base = ["occupier", "new", "zephyr", "--name", "Zephyr", "--start", "2026-12-01",
            "--internet", "10", "--repo", str(estate_dir)]
    if "--site" not in args:
        base += ["--site", "lon1"]
    res = cli(*base, *args)
    assert res.exit_code == 1 and message in res.output
    assert sorted(p.name for p in (estate_dir / "occupiers").iterdir()) == before


def test_occupier_ids_are_checked_before_any_file_is_named(estate_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("occupier", "new", "../evil", "--name", "x", "--site", "lon1", "--repo",
              estate_dir)
    assert res.exit_code == 1 and "not an occupier id" in res.output
    assert not (estate_dir / "evil.yaml").exists()


def test_space_move_keeps_comments_and_sets_dates(estate_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = estate_dir / "occupiers" / "acme.yaml"
    original = path.read_text()
    res = cli("space-move", "acme", "--site", "lon1", "--from", "3.01", "--to", "3.03",
              "--on", "2026-12-15", "--repo", estate_dir)
    assert res.exit_code == 0, res.output
    text = path.read_text()
    assert _comments(text) == _comments(original)
    assert '{space: "3.01", move_in: 2026-01-05, move_out: 2026-12-14}' in text
    assert '{space: "3.03", move_in: 2026-12-15}' in text
    old, new = original.splitlines(), text.splitlines()
    assert len(new) == len(old) + 1  # one line added, one line extended, nothing else moved


def test_space_move_into_a_leased_space_is_refused_and_restored(estate_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = estate_dir / "occupiers" / "acme.yaml"
    original = path.read_text()
    res = cli("space-move", "acme", "--site", "lon1", "--to", "2.01", "--on", "2026-12-15",
              "--repo", estate_dir)  # Greenleaf's office
    assert res.exit_code == 1 and "space-overlap" in res.output
    assert path.read_text() == original


def test_user_add_and_remove(estate_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = estate_dir / "occupiers" / "acme.yaml"
    original = path.read_text()
    res = cli("user", "add", "acme", "--email", "Kim@Acme.example", "--name", "Kim O'Neil",
              "--wifi-secure", "--repo", estate_dir)
    assert res.exit_code == 0, res.output
    users = {u.email: u for u in load_estate(estate_dir).occupiers["acme"].users}
    assert users["kim@acme.example"].wifi_secure and users["kim@acme.example"].name == "Kim O'Neil"
    assert cli("user", "add", "acme", "--email", "kim@acme.example", "--name", "K",
               "--repo", estate_dir).exit_code == 1
    res = cli("user", "remove", "acme", "kim@acme.example", "--repo", estate_dir)
    assert res.exit_code == 0 and path.read_text() == original
    # Jane has a phone number: removing her would break the estate, so nothing changes.
    res = cli("user", "remove", "acme", "jane@acme.example", "--repo", estate_dir)
    assert res.exit_code == 1 and "user-exists" in res.output
    assert path.read_text() == original


def test_pure_edits_say_what_is_wrong() -> None:
    text = "id: x\nname: X\ncontracts:\n  - site: lon1\n    start: 2026-01-01\n"
    with pytest.raises(AuthoringError, match="no contract at man1"):
        space_move_text(text, "man1", "1.01", __import__("datetime").date(2026, 2, 1))
    with pytest.raises(AuthoringError, match="no current occupancy"):
        space_move_text(text, "lon1", "3.01", __import__("datetime").date(2026, 2, 1), "2.01")
    with pytest.raises(AuthoringError, match="not a user"):
        user_remove_text(text, "a@b.example")
