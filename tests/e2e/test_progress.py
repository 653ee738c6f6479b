"""Progress of a run on stderr: on request (or on a terminal), never in pipes by default."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import LabEstate


def test_progress_on_request_counts_every_target(lab_estate: LabEstate,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_PROGRESS", "1")
    res = lab_estate.cli("plan", "--format", "json")
    assert res.exit_code == 2
    n = len(json.loads(res.stdout)["targets"])
    assert "reading" in res.stderr and f"{n}/{n}" in res.stderr
    assert "reading" not in res.stdout  # the plan on stdout stays machine-readable


def test_no_progress_in_a_pipe_by_default(lab_estate: LabEstate,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RECONCILER_PROGRESS", raising=False)
    res = lab_estate.cli("plan")
    assert res.exit_code == 2
    assert "reading" not in res.stderr
