"""Plan as text for a terminal: one line per change, device commands below."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .plan import Plan, TargetPlan
from .resources import Change, canonical, is_occupier

SYMBOL = {"create": "+", "update": "~", "delete": "-"}


def fmt_value(v: Any) -> str:
    v = canonical(v)
    if isinstance(v, list):
        return _ranges(v) if v and all(isinstance(x, int) for x in v) else \
            "[" + ", ".join(map(str, v)) + "]"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str) and (" " in v or not v):
        return f'"{v}"'
    return str(v)


def _ranges(vals: list[int]) -> str:
    out: list[str] = []
    start = prev = vals[0]
    for v in vals[1:] + [None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ",".join(out)


def describe_change(c: Change) -> str:
    """'vlan: 999 -> 102, enabled: false -> true' for updates; attrs for creates."""
    if c.op == "update":
        parts = []
        for f in c.fields:
            b = (c.before or {}).get(f)
            a = (c.after or {}).get(f)
            if isinstance(canonical(a), list) and isinstance(canonical(b), list):
                added = [x for x in canonical(a) if x not in canonical(b)]
                removed = [x for x in canonical(b) if x not in canonical(a)]
                delta = []
                if added:
                    delta.append("+" + fmt_value(added))
                if removed:
                    delta.append("-" + fmt_value(removed))
                parts.append(f"{f}: {' '.join(delta)}")
            else:
                parts.append(f"{f}: {fmt_value(b)} -> {fmt_value(a)}")
        return ", ".join(parts)
    attrs: Mapping[str, Any] = (c.after if c.op == "create" else c.before) or {}
    return ", ".join(f"{k}={fmt_value(v)}" for k, v in attrs.items())


def render_target(tp: TargetPlan, *, commands: bool = True) -> list[str]:
    head = f"{tp.target} ({tp.spec.platform})"
    if tp.error:
        return [f"{head}: ERROR {tp.error}"]
    if not tp.changes:
        return []
    lines = [head]
    for c in tp.changes:
        owner = f"  [{c.owner}]" if is_occupier(c.owner) else ""
        lines.append(f"  {SYMBOL[c.op]} {c.kind} {c.key}: {describe_change(c)}{owner}")
    if commands and tp.commands:
        lines.append("  commands:")
        lines += [f"    {ln}" for ln in tp.commands]
    return lines


def render_text(plan: Plan, *, commands: bool = True) -> str:
    out = [f"Plan for {plan.at.isoformat()} across {len(plan.targets)} targets", ""]
    for tp in plan.targets:
        block = render_target(tp, commands=commands)
        if block:
            out += block + [""]
    for r in plan.refusals:
        out.append(f"REFUSED: {r}")
    for r in plan.guard:
        out.append(f"REFUSED by the blast-radius guard: {r}; apply needs --allow-mass-change")
    for n in plan.notes:
        out.append(f"note: {n}")
    s = plan.summary()
    if plan.errors:
        out.append(f"{len(plan.errors)} target(s) could not be read; the plan is incomplete.")
    if plan.has_changes:
        out.append(f"Plan: {s['create']} to create, {s['update']} to update, "
                   f"{s['delete']} to delete.")
    elif not plan.errors:
        out.append("No changes to the desired state." if plan.offline else
                   "No changes. The live systems match the estate.")
    return "\n".join(out) + "\n"
