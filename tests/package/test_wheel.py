"""A real package: the wheel carries everything (templates are package data), and an
estate repository that holds only sites/ and occupiers/ (and pins the tool's version)
runs validate, plan and apply against the lab with the installed tool, outside the
source tree, as the README tells operators to.

Lean on purpose: one wheel and one virtualenv per session. The virtualenv reaches the
pinned dependencies through a path file onto this environment's site-packages (the same
versions pyproject.toml pins; no download), but the reconciler it runs is the wheel's.
"""

from __future__ import annotations

import os
import shutil
import signal
import site
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, STORY_DAY, copy_estate

VERSION = "0.1.0"


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of the sources (the checkout stays clean)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, src / name)
    for name in ("reconciler", "templates"):
        shutil.copytree(REPO_ROOT / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path_factory.mktemp("dist")
    res = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
               "--disable-pip-version-check", "-w", str(dist), str(src)], cwd=src)
    assert res.returncode == 0, res.stderr[-3000:]
    [whl] = dist.glob("reconciler-*.whl")
    return whl


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv outside the source tree; the dependencies borrowed, not copied."""
    root = tmp_path_factory.mktemp("venv")
    res = run([sys.executable, "-m", "venv", str(root)], cwd=root)
    assert res.returncode == 0, res.stderr
    py = root / "bin" / "python"
    purelib = run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                  cwd=root).stdout.strip()
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "reconciler-test-deps.pth").write_text("\n".join(deps) + "\n")
    return root


def test_the_wheel_carries_the_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    builtin = {p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "templates").rglob("*")
               if p.is_file()}
    assert builtin and {f"reconciler/{n}" for n in builtin} <= names
    packages = {n.rsplit("/", 1)[0] for n in names if n.endswith("/__init__.py")}
    on_disk = {p.parent.relative_to(REPO_ROOT).as_posix()
               for p in (REPO_ROOT / "reconciler").rglob("__init__.py")}
    assert on_disk == packages  # every package of the source ships (pyproject lists them)


@pytest.fixture
def estate(tmp_path: Path) -> Iterator[Path]:
    """An operator's estate repository: sites/, occupiers/ and the pinned tool version."""
    root = copy_estate(tmp_path / "estate-repo")
    (root / "requirements.txt").write_text(f"reconciler=={VERSION}\n")
    (root / ".gitignore").write_text(".lab/\n.reconciler/\noutbox/\n")
    yield root
    pid_file = root / ".lab" / "lab.pid"  # a lab the test could not stop itself
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass


def test_an_estate_only_repository_runs_with_the_installed_tool(
        venv: Path, wheel: Path, estate: Path) -> None:
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RECONCILER_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", RECONCILER_TODAY=STORY_DAY,
               RECONCILER_CACHE="0")
    # The estate pins the version; pip installs that one from the wheel (--ignore-installed:
    # the borrowed site-packages holds this checkout's own editable install, left alone).
    res = run([str(bin_dir / "pip"), "install", "--quiet", "--disable-pip-version-check",
               "--no-index", "--find-links", str(wheel.parent), "--no-deps",
               "--ignore-installed", "-r", "requirements.txt"], cwd=estate, env=env)
    assert res.returncode == 0, res.stderr
    found = run([str(bin_dir / "python"), "-c", "import reconciler; print(reconciler.__file__)"],
                cwd=estate, env=env)
    where = found.stdout.strip()
    assert where, found.stderr
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(REPO_ROOT)
    exe = str(bin_dir / "reconciler")
    assert run([exe, "--version"], estate, env).stdout.strip() == f"reconciler {VERSION}"

    assert run([exe, "validate"], estate, env).returncode == 0
    up = run([exe, "lab", "up"], estate, env)
    assert up.returncode == 0, up.stderr
    try:
        for line in up.stdout.splitlines():  # the two export lines it prints
            key, _, value = line.removeprefix("export ").partition("=")
            env[key] = value
        assert env["RECONCILER_ENDPOINTS"] and env["RECONCILER_CREDENTIALS"]
        plan = run([exe, "plan"], estate, env)
        assert plan.returncode == 2, plan.stderr
        assert "switchport access vlan" in plan.stdout  # rendered from packaged templates
        applied = run([exe, "apply", "--yes"], estate, env)
        assert applied.returncode == 0, applied.stderr
        assert "Apply complete" in applied.stderr
        again = run([exe, "plan"], estate, env)
        assert again.returncode == 0, again.stdout
    finally:
        down = run([exe, "lab", "down"], estate, env)
    assert down.returncode == 0 and "lab stopped" in down.stderr
    assert sorted(p.name for p in estate.iterdir() if not p.name.startswith(".")) == [
        "occupiers", "outbox", "requirements.txt", "sites"]
