"""`reconciler sites --batches`: at most 256 CI jobs, a site always in the same one."""

from __future__ import annotations

import pytest

from reconciler.gitops.batches import MAX_JOBS, batch_of, batches

SITES = [f"s{i:04d}" for i in range(1, 1001)]  # the xl estate


def test_a_thousand_sites_fit_the_matrix_limit_every_site_once() -> None:
    out = batches(SITES)
    assert len(out) <= MAX_JOBS == 256
    listed = [s for b in out for s in b["sites"].split()]
    assert sorted(listed) == SITES  # each site exactly once
    assert len({b["batch"] for b in out}) == len(out)


def test_fewer_jobs_when_asked_and_the_batch_of_a_site_does_not_move() -> None:
    assert len(batches(SITES, 20)) == 20
    assert batches(SITES, 1) == [{"batch": "000", "sites": " ".join(SITES)}]
    # A changed-sites run and an all-sites run put a site in the same batch (one
    # concurrency group per batch keeps its runs serialised).
    some = SITES[::97]
    assert {s: b["batch"] for b in batches(some, 64) for s in b["sites"].split()} == \
        {s: b["batch"] for b in batches(SITES, 64) for s in b["sites"].split() if s in some}
    assert batch_of("lon1", 64) == batch_of("lon1", 64)


def test_out_of_range_job_counts_are_refused() -> None:
    for jobs in (0, MAX_JOBS + 1):
        with pytest.raises(ValueError, match="jobs must be 1 to 256"):
            batches(SITES, jobs)
