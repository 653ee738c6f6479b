"""Drift reports for a terminal (text) and a CI job summary (markdown)."""

from __future__ import annotations

import html
from collections import defaultdict

from ..engine.render_text import SYMBOL, describe_change
from ..engine.resources import is_occupier
from .drift import DriftItem, DriftReport
from .markdown import Budget

RESULT_WORDS = {"applied": "applied (scheduled)", "corrected": "corrected",
                "left": "left as it is", "failed": "FAILED", "ignored": "ignored",
                "pending": "pending"}


def _totals(r: DriftReport) -> str:
    drift = [i for i in r.items if i.action != "scheduled"]
    corrected = sum(1 for i in drift if i.result == "corrected")
    reported = sum(1 for i in drift if i.action != "ignore" and i.result != "corrected")
    return (f"{len(drift)} drifted resource(s): {corrected} corrected, {reported} left "
            f"uncorrected, {r.count('ignore')} ignored by policy; "
            f"{r.count('scheduled')} scheduled change(s) "
            + ("applied." if r.applied else "not applied."))


def _line(i: DriftItem) -> str:
    c = i.change
    owner = f" [{c.owner}]" if is_occupier(c.owner) else ""
    return (f"{SYMBOL[c.op]} {c.kind} {c.key}{owner}: {describe_change(c)}  "
            f"-> {i.action}: {RESULT_WORDS[i.result]}")


def render_drift_text(r: DriftReport) -> str:
    out = [f"Drift check for {r.at.isoformat()}", ""]
    by_target: dict[str, list[DriftItem]] = defaultdict(list)
    for i in r.items:
        by_target[i.change.target].append(i)
    for target in sorted(by_target):
        out.append(target)
        out += [f"  {_line(i)}" for i in by_target[target]]
        out.append("")
    out += [f"REFUSED: {x}" for x in r.refusals]
    out += [f"ERROR: {x}" for x in r.errors]
    out += [f"note: {x}" for x in r.notes]
    if not r.items and not r.errors:
        out.append("No drift: the live systems match the estate.")
    else:
        out.append(_totals(r))
    return "\n".join(out) + "\n"


def _esc(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|")


def render_drift_markdown(r: DriftReport, *, limit: int = 60_000) -> str:
    b = Budget(limit)
    b.add(f"### Drift check for {r.at.isoformat()}")
    b.add("")
    for x in r.refusals:
        b.add(f"> [!CAUTION]\n> **Refused**: {_esc(x)}\n")
    for x in r.errors:
        b.add(f"> [!WARNING]\n> {_esc(x)}\n")
    if not r.items:
        if not r.errors:
            b.add("**No drift.** The live systems match the estate.")
        return b.text() + "\n"
    b.add(f"**{_esc(_totals(r))}**\n")
    b.add("| site | target | occupier | change | policy | result |")
    b.add("|---|---|---|---|---|---|")
    shown = 0
    for i in sorted(r.items, key=lambda i: (i.site, i.change.target, i.change.owner)):
        c = i.change
        row = (f"| {_esc(i.site)} | {_esc(c.target)} | {_esc(c.owner)} | "
               f"{SYMBOL[c.op]} {_esc(c.kind)} {_esc(c.key)}: {_esc(describe_change(c))} | "
               f"{i.action} | {RESULT_WORDS[i.result]} |")
        if not b.add(row):
            break
        shown += 1
    text = b.text()
    if shown < len(r.items):
        text += f"\n\n{len(r.items) - shown} more row(s) not shown; see the JSON report."
    return text + "\n"
