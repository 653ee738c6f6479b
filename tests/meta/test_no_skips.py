"""The suite's own rule: with ../shared present (CI), a skipped test fails the run."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

from tests.conftest import REALDATA, REPO_ROOT


def _run_probe(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    probe = REPO_ROOT / "tests" / "meta" / f"probe_{uuid.uuid4().hex[:8]}.py"
    probe.write_text("import pytest\n\ndef test_probe():\n    pytest.skip(reason='probe')\n")
    try:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "RECONCILER_REALDATA": str(REALDATA), **env_extra})
    finally:
        probe.unlink()


def test_a_skip_fails_the_run_when_shared_is_present() -> None:
    res = _run_probe({"RECONCILER_REALDATA": str(REPO_ROOT)})  # any folder that exists
    assert res.returncode == 1, res.stdout
    assert "1 test(s) skipped although" in res.stdout


def test_without_shared_a_skip_with_its_reason_passes() -> None:
    res = _run_probe({"RECONCILER_REALDATA": str(REPO_ROOT / "no-such-folder")})
    assert res.returncode == 0, res.stdout
    assert "SKIPPED [1]" in res.stdout and "probe" in res.stdout
