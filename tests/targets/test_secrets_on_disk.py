"""Secrets on disk: phone files, the outbox, inline DSN passwords, library tracebacks.

The estate repository is where a pull request writes; nothing that holds a password may
land there or be redirected from there, and no output or saved plan repeats one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import git
import pytest

from reconciler import outbox
from reconciler.engine.diff import diff, order_changes
from reconciler.errors import ConfigError, TargetError
from reconciler.targets.asterisk import AsteriskTarget
from tests.targets.asterisk_env import credential, estate_spec, snapshot, sqlite_db, sqlite_query

PHONE = "805ec0123456.cfg"  # Jane's Yealink in the example estate


def _repo(root: Path) -> git.Repo:
    repo = git.Repo.init(root)
    (root / ".gitignore").write_text(".lab/\noutbox/\n")
    repo.git.add("-A")
    repo.git.commit("-m", "estate", "--no-verify", "--author", "T <t@example.invalid>")
    return repo


def _changes(target: AsteriskTarget, desired: Any) -> list[Any]:
    return order_changes(diff(target.read(), desired.resources["lon1/pbx"],
                              target.write_only), target.kind_order)


@pytest.fixture
def pbx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Any, Path]:
    """The example estate in git, the working directory inside it, an empty PBX database."""
    monkeypatch.delenv("RECONCILER_PROVISIONING_ROOT", raising=False)
    monkeypatch.setenv("RECONCILER_OUTBOX", str(tmp_path / "mail"))
    root, desired = estate_spec(tmp_path)
    _repo(root)
    monkeypatch.chdir(root)  # where CI runs the tool: the checkout of the estate
    return root, desired, sqlite_db(tmp_path / "asterisk.sqlite")


def test_phone_files_never_land_in_the_estate_repository(
        pbx: tuple[Path, Any, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, desired, db = pbx
    spec = desired.targets["lon1/pbx"].with_settings(path=str(db))
    assert spec.settings["provisioning_dir"] == "provisioning/lon1"  # the site file's value
    # Relative to nothing the operator chose: refused before anything is read or written.
    with pytest.raises(ConfigError, match="RECONCILER_PROVISIONING_ROOT is not set"):
        with AsteriskTarget(spec, credential()) as target:
            target.apply(_changes(target, desired))
    # A root inside the work tree that git would pick up: refused too.
    monkeypatch.setenv("RECONCILER_PROVISIONING_ROOT", str(root))
    with pytest.raises(ConfigError, match="inside the git work tree"):
        AsteriskTarget(spec, credential())
    assert git.Repo(root).git.status("--porcelain") == ""
    # The operator's provisioning server folder: the files go there, and only there.
    tftp = tmp_path / "srv" / "tftp"
    monkeypatch.setenv("RECONCILER_PROVISIONING_ROOT", str(tftp))
    with AsteriskTarget(spec, credential()) as target:
        target.apply(_changes(target, desired))
    assert (tftp / "provisioning" / "lon1" / PHONE).is_file()
    assert oct((tftp / "provisioning" / "lon1" / PHONE).stat().st_mode & 0o777) == "0o640"
    assert git.Repo(root).git.status("--porcelain", "--ignored") == ""


def test_a_committed_outbox_symlink_does_not_redirect_a_password(
        pbx: tuple[Path, Any, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, desired, db = pbx
    elsewhere = tmp_path / "attacker-readable"
    elsewhere.mkdir()
    (root / "outbox").symlink_to(elsewhere)  # a pull request can commit this
    repo = git.Repo(root)
    repo.git.add("outbox")
    assert "outbox" in repo.git.status("--porcelain")  # .gitignore's outbox/ does not stop it
    monkeypatch.delenv("RECONCILER_OUTBOX")
    outbox.set_default_dir(root / "outbox")  # what `apply` does: <repo>/outbox
    spec = desired.targets["lon1/pbx"].with_settings(path=str(db),
                                                     provisioning_dir=str(tmp_path / "tftp"))
    before = snapshot(sqlite_query(db))
    try:
        with AsteriskTarget(spec, credential()) as target:
            with pytest.raises(TargetError, match="symbolic link"):
                target.apply(_changes(target, desired))
    finally:
        outbox.set_default_dir(Path("outbox"))
    assert list(elsewhere.iterdir()) == []
    assert snapshot(sqlite_query(db)) == before  # the mail comes before the commit: nothing


def test_outbox_files_are_created_inside_it_never_through_a_link(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    box = tmp_path / "outbox"
    monkeypatch.setenv("RECONCILER_OUTBOX", str(box))
    sent = outbox.send(["kim@acme.example"], "hello", "secret-body", tag="t1")
    assert sent.parent == box and oct(sent.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(ValueError):
        outbox.send(["kim@acme.example"], "hello", "x", tag="../escape")


def test_targets_sending_at_once_create_the_outbox_once(tmp_path: Path) -> None:
    """RADIUS, PBX and Wi-Fi targets apply in parallel: the first mails race to make it."""
    import threading

    from reconciler import safefiles

    failures: list[BaseException] = []
    for n in range(12):
        box = tmp_path / f"outbox{n}"

        def send(i: int, box: Path = box) -> None:
            try:
                with safefiles.open_folder(box) as fd:
                    safefiles.create_new(fd, f"m{i}.eml", b"x")
            except OSError as exc:
                failures.append(exc)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(list(box.iterdir())) + len(failures) >= 8
    assert failures == []


def test_a_phone_file_that_is_a_link_is_replaced_not_followed(
        pbx: tuple[Path, Any, Path], tmp_path: Path) -> None:
    _root, desired, db = pbx
    tftp = tmp_path / "tftp"
    tftp.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (tftp / PHONE).symlink_to(victim)
    spec = desired.targets["lon1/pbx"].with_settings(path=str(db), provisioning_dir=str(tftp))
    with AsteriskTarget(spec, credential()) as target:
        target.apply(_changes(target, desired))
    assert victim.read_text() == "keep me\n"
    assert not (tftp / PHONE).is_symlink() and "account.1.password" in (tftp / PHONE).read_text()


def test_an_inline_dsn_password_is_masked_in_plans_output_and_journal(
        tmp_path: Path, cli: Callable[..., Any], postgres: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An endpoints file may name the PBX database with its password inline."""
    from tests.targets.asterisk_env import postgres_db

    password = "Inline-Pw-5d1e"
    plain = urlsplit(postgres_db(postgres))  # the lab cluster trusts loopback: any password
    dsn = plain._replace(netloc=f"{plain.username}:{password}@{plain.hostname}:{plain.port}"
                         ).geturl()
    root, _desired = estate_spec(tmp_path)
    ep = tmp_path / "endpoints.yaml"
    ep.write_text(json.dumps({"targets": {"lon1/pbx": {
        "dsn": dsn, "provisioning_dir": str(tmp_path / "tftp")}}}))
    monkeypatch.setenv("RECONCILER_OUTBOX", str(tmp_path / "mail"))
    monkeypatch.setenv("RECONCILER_CRED_PBX_DB_USERNAME", str(plain.username))  # no password
    monkeypatch.setenv("RECONCILER_CRED_PLAN_SIGNING_KEY", "k" * 32)
    common = ["--repo", root, "--endpoints", ep, "--target", "lon1/pbx", "--at", "2026-12-15"]
    plan = cli("plan", *common, "--format", "json", "--out", tmp_path / "plan.json")
    text = cli("plan", *common)
    assert plan.exit_code == 2 and text.exit_code == 2, plan.output + text.output
    saved = (tmp_path / "plan.json").read_text()
    assert '"dsn"' not in saved and f":{plain.port}/" not in saved  # no connection settings
    applied = cli("apply", tmp_path / "plan.json", *common[:4], "--yes")
    assert applied.exit_code == 0, applied.output  # the endpoints file brings it back
    journal = (root / ".reconciler" / "journal.jsonl").read_text()
    for where in (plan.output, saved, text.output, applied.output, journal):
        assert password not in where


def test_an_unreachable_switch_prints_no_library_traceback(tmp_path: Path) -> None:
    """pyeapi logs socket errors with their traceback straight to stderr, unmasked.

    A process of its own: in-process, pytest's log capture would swallow what a user sees.
    """
    from tests.conftest import REPO_ROOT, copy_estate

    root = copy_estate(tmp_path / "estate")
    ep = tmp_path / "ep.yaml"
    ep.write_text(json.dumps({"targets": {"lon1/core1": {
        "host": "127.0.0.1", "port": 9, "transport": "http"}}}))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT),
           "RECONCILER_CRED_LON1_NET_USERNAME": "admin",
           "RECONCILER_CRED_LON1_NET_PASSWORD": "Sw1tch-Pw-93"}
    res = subprocess.run([sys.executable, "-m", "reconciler", "plan", "--repo", str(root),
                          "--endpoints", str(ep), "--target", "lon1/core1", "--at",
                          "2026-11-26"], capture_output=True, text=True, env=env, timeout=120,
                         check=False)
    assert res.returncode == 1 and "cannot reach eAPI at 127.0.0.1" in res.stdout
    assert "Traceback" not in res.stderr and "Connection refused" not in res.stderr
    assert "Sw1tch-Pw-93" not in res.stdout + res.stderr
