"""A plan as a pull-request comment: the summary in users' terms first, device detail folded.

GitHub refuses comments over 65,536 characters, so the text is cut to `limit`
at a clean boundary (never inside a code block or a `<details>`), with a note of
what was left out.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..engine.plan import Plan, TargetPlan
from ..engine.render_text import SYMBOL, describe_change
from ..engine.resources import is_occupier
from .attribution import SiteOf
from .report import PlanReport, as_report, event_title
from .summary import Line, summarise

MARKER = "<!-- reconciler-plan -->"
COMMENT_LIMIT = 65_000
NOTE_RESERVE = 600  # room kept for the closing note


class Budget:
    """Appends blocks while they fit in `limit` characters (the reserve kept aside)."""

    def __init__(self, limit: int, reserve: int = NOTE_RESERVE) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.room = limit - reserve

    def fits(self, text: str, later: int = 0) -> bool:
        """Whether `text` fits with `later` characters still free after it."""
        return self.size + len(text) + 1 + later <= self.room

    def add(self, text: str) -> bool:
        if not self.fits(text):
            return False
        self.parts.append(text)
        self.size += len(text) + 1
        return True

    def text(self) -> str:
        return "\n".join(self.parts)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _fence(lines: Iterable[str]) -> list[str]:
    """Lines safe inside a ``` block (a backtick run cannot close it early)."""
    return [ln.replace("```", "'''") for ln in lines]


def _counts(tp: TargetPlan) -> str:
    n = {"create": 0, "update": 0, "delete": 0}
    for c in tp.changes:
        n[c.op] += 1
    return f"+{n['create']} ~{n['update']} −{n['delete']}"


def _target_lines(tp: TargetPlan) -> list[str]:
    out = []
    for c in tp.changes:
        owner = f"  [{c.owner}]" if is_occupier(c.owner) else ""
        out.append(f"{SYMBOL[c.op]} {c.kind} {c.key}: {describe_change(c)}{owner}")
    return out


def _open(tp: TargetPlan) -> str:
    return (f"<details><summary><b>{_esc(tp.target)}</b> ({_esc(tp.spec.platform)}): "
            f"{_counts(tp)}</summary>\n\n```text")


CLOSE = "```\n</details>"


def _target_block(tp: TargetPlan, budget: Budget) -> int:
    """Add one target's detail, cut inside if needed; return how many changes were left out."""
    lines = _fence(_target_lines(tp))
    commands = _fence(tp.commands)
    body = lines + (["", "commands:", *("  " + c for c in commands)] if commands else [])
    whole = "\n".join([_open(tp), *body, CLOSE])
    if budget.add(whole):
        return 0
    head = _open(tp)
    if not budget.fits(head + "\n" + CLOSE + "\n… more"):
        return len(tp.changes)
    kept: list[str] = []
    for ln in lines:
        if not budget.fits("\n".join([head, *kept, ln, "… 0000000 more changes", CLOSE])):
            break
        kept.append(ln)
    left = len(tp.changes) - len(kept)
    budget.add("\n".join([head, *kept, f"… {left} more change(s) and the commands not shown",
                          CLOSE]))
    return left


KEEP_LINES = 3  # summary lines of every later section kept room for


@dataclass
class Section:
    """One part of the summary: its heading lines (always shown) and its summary lines."""

    head: list[str]
    lines: list[str] = field(default_factory=list)

    def size(self, n_lines: int) -> int:
        return sum(len(t) + 1 for t in [*self.head, *self.lines[:n_lines]])


class Cuts:
    """What did not fit: summary lines, and changes on how many targets."""

    def __init__(self) -> None:
        self.lines = 0
        self.changes = 0
        self.targets = 0

    def sections(self, b: Budget, sections: list[Section]) -> None:
        """Each section in order, leaving room for the head and first lines of the later
        ones: a long today cannot push a later date out of the comment."""
        for i, sec in enumerate(sections):
            later = sum(s.size(KEEP_LINES) for s in sections[i + 1:])
            for text in sec.head:
                b.add(text)
            for k, text in enumerate(sec.lines):
                if not b.fits(text, later):
                    self.lines += len(sec.lines) - k
                    break
                b.add(text)

    def details(self, b: Budget, targets: list[TargetPlan]) -> None:
        for tp in targets:
            if not tp.changes:
                continue
            left = _target_block(tp, b) if not self.targets else len(tp.changes)
            if left:
                self.changes += left
                self.targets += 1

    def note(self) -> str:
        if not (self.lines or self.changes):
            return ""
        what = []
        if self.lines:
            what.append(f"{self.lines} summary line(s)")
        if self.changes:
            what.append(f"the detail of {self.changes} change(s) on {self.targets} target(s)")
        return ("\n\n---\n:scissors: Cut to fit a comment: " + " and ".join(what)
                + " not shown. The complete plan is in the job summary's artifact "
                "(`plan.json`) and `reconciler plan --format text`.")


def _bullets(lines: list[Line]) -> list[str]:
    return [f"- **{_esc(ln.owner)}** at {_esc(ln.site)}: " + _esc("; ".join(ln.phrases))
            for ln in lines]


def _head(b: Budget, plan: Plan, title: str) -> None:
    b.add(MARKER)
    b.add(f"### {_esc(title)} for {plan.at.isoformat()}"
          + (f" at `{plan.commit[:10]}`" if plan.commit else ""))
    b.add("")
    if plan.offline:
        b.add("> [!NOTE]\n> **Planned without live credentials.** No live system was read: "
              "the changes below are what this estate changes against the base branch's "
              "estate. Device commands are not shown.")
        b.add("")
    if plan.refusals or plan.guard:
        b.add("> [!CAUTION]\n> **Refused**: apply will change nothing until this is resolved.")
        for r in plan.refusals:
            b.add(f"> - {_esc(r)}")
        for r in plan.guard:
            b.add(f"> - blast-radius guard: {_esc(r)} (`--allow-mass-change` to go ahead)")
        b.add("")
    if plan.errors:
        b.add(f"> [!WARNING]\n> {len(plan.errors)} target(s) could not be read; "
              "the plan is incomplete.")
        for e in plan.errors:
            b.add(f"> - {_esc(e)}")
        b.add("")
    for n in plan.notes:
        b.add(f"_{_esc(n)}_  ")


def _today(report: PlanReport, site_of: SiteOf) -> Section:
    plan = report.live
    live = "against the base branch's estate (no live system read)" if plan.offline else \
        "the live systems"
    head = [f"\n#### Today, {plan.at.isoformat()}: {live}\n"] if report.dated else []
    if plan.has_changes:
        s = plan.summary()
        head.append(f"**Plan: {s['create']} to create, {s['update']} to update, "
                    f"{s['delete']} to delete** on {sum(1 for t in plan.targets if t.changes)} "
                    f"of {len(plan.targets)} target(s).")
        head.append("" if report.dated else "\n#### What changes, by occupier\n")
        return Section(head, _bullets(summarise(plan.changes, site_of)))
    if report.dated and not plan.targets and not plan.errors:
        head.append(f"**No change today.** Nothing in this change affects a live system on "
                    f"{plan.at.isoformat()}.")
    elif not plan.errors:
        head.append("**No changes** to the desired state." if plan.offline else
                    "**No changes.** The live systems match the estate.")
    return Section(head)


def _later(report: PlanReport, site_of: SiteOf) -> list[Section]:
    intro = [f"_{_esc(n)}_  " for n in report.notes]
    if not report.previews:
        return [Section([*intro, f"\n_No later date: nothing in this change takes effect "
                                 f"after {report.live.at.isoformat()}._"])]
    note = report.preview_note()
    out = [Section([*intro, f"\n#### Later dates this change brings ({len(report.previews)})\n",
                    f"_{_esc(note[0].upper() + note[1:])}_"])]
    for p in report.previews:
        head = [f"\n##### {_esc(event_title(p))}\n"]
        if not p.changes:
            out.append(Section([*head, "_The same as without this change on this day._"]))
            continue
        n = p.summary()
        head.append(f"**Compared with `{_esc(report.base_name())}` on this day: {n['create']} "
                    f"to create, {n['update']} to update, {n['delete']} to delete** on "
                    f"{len(p.targets)} target(s).")
        out.append(Section(head, _bullets(summarise(p.changes, site_of))))
    if report.left_out:
        out.append(Section(["\n_Not previewed (past the limit): "
                            + ", ".join(d.isoformat() for d in report.left_out) + "._"]))
    return out


def render_markdown(plan: Plan | PlanReport, *, limit: int = COMMENT_LIMIT,
                    title: str = "reconciler plan") -> str:
    """The comment: refusals and errors first, then today's summary and each later date's,
    then every detail folded (today's with device commands, the previews' without)."""
    report = as_report(plan)
    live = report.live
    site_of = report.site_of()
    b = Budget(limit)
    cuts = Cuts()
    _head(b, live, title)
    cuts.sections(b, [_today(report, site_of), *(_later(report, site_of) if report.dated
                                                    else [])])
    if live.has_changes:
        b.add("\n#### Detail by target" + (" (today)" if report.dated else "") + "\n")
        cuts.details(b, live.targets)
    for p in report.previews:
        if p.changes:
            b.add(f"\n#### Detail for {p.day.isoformat()} (preview, no device commands)\n")
            cuts.details(b, p.targets)
    return b.text() + cuts.note() + "\n"
