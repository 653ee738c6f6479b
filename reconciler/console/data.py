"""Everything the console shows, gathered in one place (the only module that loads).

The estate from git, the switch intent on the build day, the number history,
and the files the workflows leave behind: journals of apply runs, drift reports
(JSON), the `reconciler/applied/<site>` tags and `reconciler calls` folders.
Nothing here talks to a live system: the console is built from files.
When the service layer owns loading and status, this module is what changes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import clock
from ..engine.journal import RunRecord, git_commit, read_runs
from ..errors import ConfigError
from ..intent.compile import DesiredState
from ..intent.switches import compile_switches
from ..model.estate import Estate, load_estate
from ..model.history import NumberHistory, read_history

DEFAULT_JOURNAL = Path(".reconciler") / "journal.jsonl"
APPLIED_TAG = "reconciler/applied/"
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DRIFT_NAME_RE = re.compile(r"^drift-([a-z][a-z0-9-]{0,30}[a-z0-9])\.json$")


@dataclass(frozen=True)
class Sources:
    """What a build reads besides the estate (all optional)."""

    repo: Path
    at: dt.date | None = None
    journals: tuple[Path, ...] = ()
    drift: tuple[Path, ...] = ()
    calls: tuple[Path, ...] = ()


@dataclass(frozen=True)
class AppliedTag:
    site: str
    commit: str
    subject: str
    committed: str  # ISO time of the commit
    applied: str | None  # ISO time the tag was made (annotated tags), else None


@dataclass
class DriftFile:
    """One site's latest drift report (the JSON `reconciler drift --report` writes)."""

    site: str
    source: str
    report: dict[str, Any]

    @property
    def when(self) -> str:
        return str(self.report.get("created_at") or self.report.get("at") or "")


@dataclass(frozen=True)
class CallMonth:
    """One month folder written by `reconciler calls` (`calls-YYYY-MM/`)."""

    month: str
    folder: Path


@dataclass
class ConsoleData:
    estate: Estate
    at: dt.date
    built_at: dt.datetime
    commit: str | None
    switches: DesiredState
    history: NumberHistory
    runs: list[RunRecord] = field(default_factory=list)
    drift: dict[str, DriftFile] = field(default_factory=dict)
    applied: dict[str, AppliedTag] = field(default_factory=dict)
    calls: list[CallMonth] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def gather(src: Sources) -> ConsoleData:
    estate = load_estate(src.repo)
    at = src.at or clock.today()
    switches = DesiredState(at=at)
    compile_switches(estate, at, switches)
    # The number history (git log of occupiers/) only matters for PBX cooldowns.
    pbx = any(s.pbx and s.pools.numbers for s in estate.sites.values())
    data = ConsoleData(estate, at, clock.now_utc(), git_commit(src.repo), switches,
                       read_history(estate.root) if pbx else NumberHistory())
    journals = list(src.journals)
    if not journals and (src.repo / DEFAULT_JOURNAL).is_file():
        journals = [src.repo / DEFAULT_JOURNAL]
    data.runs = read_journals(journals)
    data.drift = read_drift(src.drift, set(estate.sites), data.notes)
    data.applied = applied_tags(src.repo, set(estate.sites))
    data.calls = call_months(src.calls)
    return data


def _files(paths: tuple[Path, ...] | list[Path], pattern: str) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(p.rglob(pattern))
        elif p.is_file():
            out.append(p)
        else:
            raise ConfigError(f"no file or folder at {p}")
    return out


def read_journals(paths: list[Path]) -> list[RunRecord]:
    """Runs of every journal, each once (CI keeps one journal file per job), by start."""
    runs: dict[str, RunRecord] = {}
    for path in _files(paths, "*.jsonl"):
        for run in read_runs(path):
            runs.setdefault(run.run, run)
    return sorted(runs.values(), key=lambda r: str(r.start.get("ts", "")))


def read_drift(paths: tuple[Path, ...], sites: set[str], notes: list[str]) -> dict[str, DriftFile]:
    """The newest drift report per site; a report names its sites (or its file does)."""
    out: dict[str, DriftFile] = {}
    for path in _files(paths, "*.json"):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            notes.append(f"drift report {path.name} not read: {exc}")
            continue
        if not isinstance(report, dict) or report.get("format_version") != 1:
            notes.append(f"drift report {path.name} not read: not a drift report (version 1)")
            continue
        named = report.get("sites")
        found = set(named) if isinstance(named, list) else set()
        found |= {i.get("site") for i in report.get("items", []) if isinstance(i, dict)}
        m = DRIFT_NAME_RE.match(path.name)
        if m:
            found.add(m.group(1))
        for site in sorted(s for s in found if s in sites):
            f = DriftFile(site, path.name, report)
            if site not in out or f.when >= out[site].when:
                out[site] = f
    return out


def applied_tags(repo: Path, sites: set[str]) -> dict[str, AppliedTag]:
    """`reconciler/applied/<site>`: the commit last applied to each site, and when."""
    try:
        import git

        r = git.Repo(repo, search_parent_directories=True)
        tags = list(r.tags)
    except Exception:  # noqa: BLE001 - not a repository, or no git: no tags to show
        return {}
    out: dict[str, AppliedTag] = {}
    for tag in tags:
        name = str(tag.name)
        site = name[len(APPLIED_TAG):] if name.startswith(APPLIED_TAG) else ""
        if site not in sites:
            continue
        commit = tag.commit
        applied = None
        if tag.tag is not None:  # annotated: the tagger's time is when the apply finished
            applied = dt.datetime.fromtimestamp(tag.tag.tagged_date, dt.UTC).isoformat()
        out[site] = AppliedTag(site, commit.hexsha, str(commit.summary),
                               commit.committed_datetime.astimezone(dt.UTC).isoformat(), applied)
    return out


def call_months(paths: tuple[Path, ...]) -> list[CallMonth]:
    """`calls-YYYY-MM/` folders given directly or found one level below."""
    found: dict[str, CallMonth] = {}
    for p in paths:
        if not p.is_dir():
            raise ConfigError(f"--calls {p}: not a folder (give a calls-YYYY-MM folder or "
                              "the folder that holds them)")
        for folder in [p, *sorted(q for q in p.iterdir() if q.is_dir())]:
            name = folder.name.removeprefix("calls-")
            if MONTH_RE.match(name) and (folder / "operator-summary.csv").is_file():
                found[name] = CallMonth(name, folder)
    return [found[m] for m in sorted(found)]
