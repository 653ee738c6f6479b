"""A plan as a pull-request comment: the summary in users' terms first, device detail folded.

GitHub refuses comments over 65,536 characters, so the text is cut to `limit`
at a clean boundary (never inside a code block or a `<details>`), with a note of
what was left out.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..engine.plan import Plan, TargetPlan
from ..engine.render_text import SYMBOL, describe_change
from .summary import summarise

MARKER = "<!-- reconciler-plan -->"
COMMENT_LIMIT = 65_000
NOTE_RESERVE = 600  # room kept for the closing note


class Budget:
    """Appends blocks while they fit in `limit` characters (the reserve kept aside)."""

    def __init__(self, limit: int, reserve: int = NOTE_RESERVE) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.room = limit - reserve

    def fits(self, text: str) -> bool:
        return self.size + len(text) + 1 <= self.room

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
        owner = f"  [{c.owner}]" if c.owner else ""
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


def render_markdown(plan: Plan, *, limit: int = COMMENT_LIMIT, title: str = "reconciler plan"
                    ) -> str:
    s = plan.summary()
    b = Budget(limit)
    b.add(MARKER)
    b.add(f"### {_esc(title)} for {plan.at.isoformat()}"
          + (f" at `{plan.commit[:10]}`" if plan.commit else ""))
    b.add("")
    if plan.offline:
        b.add("> [!NOTE]\n> **Planned without live credentials.** No live system was read: "
              "the changes below are what this estate changes against the base branch's "
              "estate. Device commands are not shown.")
        b.add("")
    if plan.refusals:
        b.add("> [!CAUTION]\n> **Refused**: apply will change nothing until this is resolved.")
        for r in plan.refusals:
            b.add(f"> - {_esc(r)}")
        b.add("")
    if plan.errors:
        b.add(f"> [!WARNING]\n> {len(plan.errors)} target(s) could not be read; "
              "the plan is incomplete.")
        for e in plan.errors:
            b.add(f"> - {_esc(e)}")
        b.add("")
    for n in plan.notes:
        b.add(f"_{_esc(n)}_  ")
    if plan.has_changes:
        b.add(f"**Plan: {s['create']} to create, {s['update']} to update, "
              f"{s['delete']} to delete** on {sum(1 for t in plan.targets if t.changes)} "
              f"of {len(plan.targets)} target(s).")
    elif not plan.errors:
        b.add("**No changes** to the desired state." if plan.offline else
              "**No changes.** The live systems match the estate.")
    cut_lines = 0
    if plan.has_changes:
        b.add("\n#### What changes, by occupier\n")
        site_of = {t.target: t.spec.site for t in plan.targets}
        lines = summarise(plan.changes, site_of)
        for i, line in enumerate(lines):
            if not b.add(f"- **{_esc(line.owner)}** at {_esc(line.site)}: "
                         + _esc("; ".join(line.phrases))):
                cut_lines = len(lines) - i
                break
        b.add("\n#### Detail by target\n")
    cut_changes = 0
    cut_targets = 0
    for tp in plan.targets:
        if not tp.changes:
            continue
        left = _target_block(tp, b) if not cut_targets else len(tp.changes)
        if left:
            cut_changes += left
            cut_targets += 1
    out = b.text()
    if cut_lines or cut_changes:
        what = []
        if cut_lines:
            what.append(f"{cut_lines} summary line(s)")
        if cut_changes:
            what.append(f"the detail of {cut_changes} change(s) on {cut_targets} target(s)")
        out += ("\n\n---\n:scissors: Cut to fit a comment: " + " and ".join(what)
                + " not shown. The complete plan is in the job summary's artifact "
                "(`plan.json`) and `reconciler plan --format text`.")
    return out + "\n"
