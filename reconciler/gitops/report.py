"""A plan as shown to people: today's live plan, then a change's effect on its later dates.

`PlanReport` is what every format renders (text, JSON, markdown). Without a git
ref it is just the live plan. With `--changed-since REF` it adds one `Preview` per
date the change brings (`effective.previews`). The JSON is the live plan's own
document (what `apply` reads, `format_version` 1) with two additions that apply
ignores: `site` on each change and `by_occupier`, and `effective_dates`, versioned on
its own (`EFFECTIVE_DATES_VERSION`); docs/gitops.md lists the fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.plan import Plan, TargetPlan
from ..engine.render_text import render_target, render_text
from ..engine.resources import Change, TargetSpec
from .attribution import SiteOf, site_attribution
from .effective import Preview
from .summary import SHARED, Line, summarise

EFFECTIVE_DATES_VERSION = 1
PREVIEW_NOTE = ("a preview from the estate: this change compared with {base} on the same "
                "day, so another occupier's change of that day is not in it. The devices "
                "cannot be read as they will be then, so no device commands; the nightly "
                "run plans and applies it against the live systems on the day.")


@dataclass
class PlanReport:
    live: Plan
    previews: list[Preview] = field(default_factory=list)
    dated: bool = False                 # a plan of a change (--changed-since)
    base: str | None = None             # the ref compared with
    base_commit: str | None = None
    left_out: list[dt.date] = field(default_factory=list)  # dates past the preview limit
    notes: list[str] = field(default_factory=list)         # about the previews
    owners: Mapping[str, Iterable[str]] = field(default_factory=dict)  # occupier -> sites

    def site_of(self) -> SiteOf:
        specs: dict[str, TargetSpec] = {}
        for tp in [*self.live.targets, *(t for p in self.previews for t in p.targets)]:
            specs.setdefault(tp.target, tp.spec)
        return site_attribution(specs, {k: set(v) for k, v in self.owners.items()})

    def base_name(self) -> str:
        return self.base or "the base"

    def preview_note(self) -> str:
        return PREVIEW_NOTE.format(base=self.base_name())

    def to_json(self) -> dict[str, Any]:
        site_of = self.site_of()
        out = self.live.to_json()
        for tp, tj in zip(self.live.targets, out["targets"], strict=True):
            for c, cj in zip(tp.changes, tj["changes"], strict=True):
                cj["site"] = site_of(c)
        out["by_occupier"] = _lines_json(summarise(self.live.changes, site_of))
        if self.dated:
            out["effective_dates"] = {
                "format_version": EFFECTIVE_DATES_VERSION,
                "today": self.live.at.isoformat(), "base": self.base,
                "base_commit": self.base_commit, "kind": "preview",
                "note": self.preview_note(), "notes": list(self.notes),
                "dates": [_preview_json(p, site_of) for p in self.previews],
                "left_out": [d.isoformat() for d in self.left_out]}
        return out


def as_report(plan: Plan | PlanReport) -> PlanReport:
    return plan if isinstance(plan, PlanReport) else PlanReport(plan)


def _lines_json(lines: list[Line]) -> list[dict[str, Any]]:
    return [{"occupier": None if ln.owner == SHARED else ln.owner, "site": ln.site,
             "changes": ln.phrases} for ln in lines]


def _change_json(c: Change, site_of: SiteOf) -> dict[str, Any]:
    return {**c.to_json(), "site": site_of(c)}


def _preview_json(p: Preview, site_of: SiteOf) -> dict[str, Any]:
    return {"date": p.day.isoformat(), "events": [e.to_json() for e in p.events],
            "summary": p.summary(),
            "by_occupier": _lines_json(summarise(p.changes, site_of)),
            "targets": [{"target": t.target, "platform": t.spec.platform, "site": t.spec.site,
                         "changes": [_change_json(c, site_of) for c in t.changes]}
                        for t in p.targets]}


def event_title(p: Preview) -> str:
    """'2027-02-01: zephyr: contract at man1 starts; zephyr: moves into 1.04 at man1'."""
    what = "; ".join(e.text() for e in p.events) or \
        "the effect of this change differs from the day before"
    return f"{p.day.isoformat()}: {what}"


def _counts(s: Mapping[str, int]) -> str:
    return f"{s['create']} to create, {s['update']} to update, {s['delete']} to delete"


def _preview_text(p: Preview, site_of: SiteOf, report_base: str) -> list[str]:
    out = [event_title(p)]
    if not p.changes:
        return [*out, "  The same as without this change on this day.", ""]
    out += [f"  {ln.text()}" for ln in summarise(p.changes, site_of)]
    for tp in p.targets:
        out += ["  " + ln for ln in render_target(_no_commands(tp), commands=False)]
    return [*out, f"  Compared with {report_base}: {_counts(p.summary())}.", ""]


def _no_commands(tp: TargetPlan) -> TargetPlan:
    return TargetPlan(tp.spec, tp.changes)


def render_report_text(report: Plan | PlanReport) -> str:
    report = as_report(report)
    text = render_text(report.live)
    if not report.dated:
        return text
    site_of = report.site_of()
    out = [text.rstrip("\n"), ""]
    lines = summarise(report.live.changes, site_of)
    if lines:
        out += [f"Today, {report.live.at.isoformat()}, by occupier:"]
        out += [f"  {ln.text()}" for ln in lines] + [""]
    out += _dates_text(report, site_of)
    return "\n".join(out).rstrip("\n") + "\n"


def _dates_text(report: PlanReport, site_of: SiteOf) -> list[str]:
    out = list(f"note: {n}" for n in report.notes)
    if not report.previews:
        out.append(f"Later dates: none; nothing in this change takes effect after "
                   f"{report.live.at.isoformat()}.")
        return out
    out += [f"Later dates this change brings ({len(report.previews)}):",
            "  " + report.preview_note()[0].upper() + report.preview_note()[1:], ""]
    for p in report.previews:
        out += _preview_text(p, site_of, report.base_name())
    if report.left_out:
        out.append("Not previewed (past the limit): "
                   + ", ".join(d.isoformat() for d in report.left_out)
                   + "; to preview them, plan with --at set to a day before them.")
    return out
