"""Keep the runner's disk out of what a plan shows.

A plan's text reaches people who never saw the machine it ran on (a pull-request
comment, a job summary). Paths of that machine creep in through device messages, a
lab's endpoints (a database file, a provisioning folder), the temporary checkout of
the base ref. Every rendering of a plan goes through `MachinePaths.scrub`: the
estate folder becomes `.`, the home folder `~`, the temporary folder `$TMPDIR`.
The plan saved for `apply` (`--out`) is not a rendering: it keeps what apply needs.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..engine.plan import Plan, TargetPlan
from .report import PlanReport

PATH_CHARS = r"[A-Za-z0-9_.\-/]"


class MachinePaths:
    """Replaces the machine's own folders in text (longest first, whole path parts only)."""

    def __init__(self, repo: Path | None = None, extra: Iterable[tuple[Path, str]] = ()) -> None:
        roots: list[tuple[Path, str]] = [*extra]
        if repo is not None:
            roots.append((repo, "."))
        roots.append((Path(tempfile.gettempdir()), "$TMPDIR"))
        if os.environ.get("TMPDIR"):
            roots.append((Path(os.environ["TMPDIR"]), "$TMPDIR"))
        roots += [(Path.home(), "~"), (Path.cwd(), ".")]
        seen: dict[str, str] = {}
        for path, label in roots:
            for variant in (path, path.absolute(), _resolved(path)):
                text = str(variant).rstrip("/")
                if text.count("/") >= 1 and text not in ("", "/") and text not in seen:
                    seen[text] = label
        self._pairs = sorted(seen.items(), key=lambda kv: len(kv[0]), reverse=True)
        self._re = re.compile("|".join(
            rf"(?<!{PATH_CHARS}){re.escape(p)}(?=/|$|[^A-Za-z0-9_.\-])" for p, _ in self._pairs)
        ) if self._pairs else None

    def scrub(self, text: str) -> str:
        if self._re is None:
            return text
        table = dict(self._pairs)
        return self._re.sub(lambda m: table[m.group(0)], text)

    def scrub_data(self, value: Any) -> Any:
        """The same for every string in JSON-like data (keys included)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {self.scrub(str(k)): self.scrub_data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub_data(v) for v in value]
        return value


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def scrub_report(report: PlanReport, paths: MachinePaths) -> PlanReport:
    """A copy of a report with the machine's folders taken out of every text it shows.

    Done on the data, before rendering, so the markdown's cut to the comment limit
    measures what is posted.
    """
    live = Plan.from_json(paths.scrub_data(report.live.to_json()))
    previews = [replace(p, targets=[TargetPlan.from_json(paths.scrub_data(t.to_json()))
                                    for t in p.targets]) for p in report.previews]
    return replace(report, live=live, previews=previews,
                   notes=[paths.scrub(n) for n in report.notes])


# What apply reads from a saved plan (connection settings, changes, commands) stays exact;
# everything else in it is for people and is scrubbed like any rendering.
SAVED_FOR_PEOPLE = ("notes", "errors", "refusals", "by_occupier", "effective_dates")


def scrub_saved(data: dict[str, Any], paths: MachinePaths) -> dict[str, Any]:
    """A saved plan (`--out`) with the machine's folders out of its notes and messages."""
    out = dict(data)
    for key in SAVED_FOR_PEOPLE:
        if key in out:
            out[key] = paths.scrub_data(out[key])
    out["targets"] = [{**t, "error": paths.scrub_data(t.get("error"))}
                      for t in out.get("targets", [])]
    return out
