"""Sites into CI jobs: at most 256 (GitHub Actions' limit per matrix), fewer when asked.

A site always falls into the same batch for the same number of jobs (a hash of its
id, not its position), so the apply and drift workflows, which both name a job's
concurrency group after its batch, never run the same site at once, even when one
lists the changed sites and the other all of them. Within a job the sites run one
after another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

MAX_JOBS = 256  # GitHub Actions: a matrix generates at most 256 jobs per run


def batch_of(site: str, jobs: int) -> int:
    """The batch (0..jobs-1) of a site: stable across runs and across site lists."""
    if not 1 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs must be 1 to {MAX_JOBS}, not {jobs}")
    return int.from_bytes(hashlib.sha256(site.encode()).digest()[:8], "big") % jobs


def batches(sites: Iterable[str], jobs: int = MAX_JOBS) -> list[dict[str, str]]:
    """Non-empty batches in order: {"batch": "007", "sites": "lon1 man1"} (a matrix include)."""
    found: dict[int, list[str]] = {}
    for site in sorted(set(sites)):
        found.setdefault(batch_of(site, jobs), []).append(site)
    return [{"batch": f"{k:03d}", "sites": " ".join(v)} for k, v in sorted(found.items())]
