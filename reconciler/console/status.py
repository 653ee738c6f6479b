"""The Status page: per site, the last applied commit, the last drift run, recent applies.

All of it from files the workflows leave: the applied tags in git, the drift
report JSON of the nightly run, the apply journals. Only names, counts and
results are shown: never a resource's values (a live value can be a key).
"""

from __future__ import annotations

from typing import Any

from ..engine.journal import RunRecord
from .data import ConsoleData, DriftFile

RECENT_RUNS = 5
DRIFT_ITEMS = 50


def drift_view(f: DriftFile) -> dict[str, Any]:
    r = f.report
    items = [i for i in r.get("items", []) if isinstance(i, dict) and i.get("site") == f.site]
    left = [i for i in items if i.get("action") != "ignore"
            and i.get("result") not in ("corrected", "applied")]
    failed = list(r.get("failed") or [])
    problems = list(r.get("errors") or []) + list(r.get("refusals") or [])
    if problems or failed:
        state, word = "bad", "failed"
    elif left:
        state, word = "warn", f"{len(left)} left uncorrected"
    elif items:
        state, word = "ok", "corrected"
    else:
        state, word = "ok", "no drift"
    counts: dict[str, int] = {}
    for i in items:
        counts[str(i.get("action"))] = counts.get(str(i.get("action")), 0) + 1
    return {"source": f.source, "at": r.get("at"), "created_at": r.get("created_at"),
            "state": state, "word": word, "counts": counts, "problems": problems,
            "failed": failed,
            "items": [{k: i.get(k) for k in ("target", "owner", "op", "kind", "key", "fields",
                                              "action", "result")} for i in items[:DRIFT_ITEMS]],
            "more": max(0, len(items) - DRIFT_ITEMS)}


def run_view(run: RunRecord) -> dict[str, Any]:
    s, e = run.start, run.end or {}
    commit = str(s.get("commit") or "")
    result = "interrupted" if run.end is None else str(e.get("result", "?"))
    return {"run": run.run, "ts": s.get("ts"), "who": s.get("who"),
            "commit": commit[:12] + ("+dirty" if commit.endswith("+dirty") else ""),
            "at": s.get("at"), "sites": s.get("sites") or [],
            "changed": s.get("targets") or [], "summary": s.get("summary") or {},
            "result": result, "state": {"ok": "ok", "failed": "bad"}.get(result, "warn"),
            "failed": sorted((e.get("failed") or {}).keys()),
            "restored": e.get("restored") or []}


def status_page(data: ConsoleData) -> dict[str, Any]:
    runs = [run_view(r) for r in reversed(data.runs)]
    sites = []
    for site in sorted(data.estate.sites.values(), key=lambda s: s.id):
        tag = data.applied.get(site.id)
        drift = data.drift.get(site.id)
        mine = [r for r in runs if site.id in r["sites"]]
        sites.append({"id": site.id, "name": site.name,
                      "applied": tag, "drift": drift_view(drift) if drift else None,
                      "runs": mine[:RECENT_RUNS], "run_count": len(mine)})
    return {"sites": sites, "runs": runs[:20], "run_total": len(runs),
            "have": {"tags": bool(data.applied), "drift": bool(data.drift),
                     "journal": bool(data.runs)}}
