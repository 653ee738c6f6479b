"""Write the console: pages, assets, search index and call-charge CSVs under one folder.

Every link is relative and every asset is a file of the site itself, so the
folder works from any static host, a file server on an air-gapped network, or
straight from disk. The output folder is replaced whole, so nothing stale from
an earlier build is published.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..intent.allocate import build_ledger
from . import calls as calls_mod
from .data import ConsoleData, Sources, gather
from .occupiers import invitations, occupier_page
from .pools import history_numbers, site_pools
from .render import ASSETS, environment
from .search import index_script
from .sites import site_page, site_summary
from .status import status_page
from .timeline import KIND_WORDS, calendar

MARKER = ".reconciler-console"  # a folder holding this file may be replaced by a build


@dataclass
class BuildResult:
    out: Path
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    sizes: dict[str, int] = field(default_factory=dict)  # page -> bytes
    notes: list[str] = field(default_factory=list)


def _prepare(out: Path) -> None:
    """Empty `out` if it is an earlier console build; refuse any other non-empty folder."""
    if out.exists():
        if not out.is_dir():
            raise ConfigError(f"--out {out} is a file, not a folder")
        if any(out.iterdir()):
            if not (out / MARKER).is_file():
                raise ConfigError(f"--out {out} is not empty and is not a console build; "
                                  "give a new or empty folder")
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("built by `reconciler console build`; replaced by the next\n",
                              encoding="utf-8")


def build(src: Sources, out: Path, progress: Callable[[str], None] | None = None
          ) -> BuildResult:
    t0 = time.perf_counter()
    data = gather(src)
    _prepare(out)
    result = BuildResult(out, notes=list(data.notes))
    env = environment()
    common = {"at": data.at, "built_at": data.built_at, "commit": data.commit,
              "sites_nav": sorted(data.estate.sites.values(), key=lambda s: s.id)}

    def page(name: str, template: str, **ctx: Any) -> None:
        depth = name.count("/")
        html = env.get_template(template).render(**common, **ctx, root="../" * depth,
                                                 page_name=name)
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        result.pages += 1
        result.sizes[name] = len(html.encode("utf-8"))

    summaries = [site_summary(data, s) for s in sorted(data.estate.sites.values(),
                                                       key=lambda s: s.id)]
    page("index.html", "estate.html.j2", sites=summaries,
         events=calendar(data.estate, data.at), words=KIND_WORDS,
         totals=_totals(summaries, data), current="estate")
    if progress:
        progress("estate")
    ledger = build_ledger(data.estate)
    seen = history_numbers(data.history)
    for site in sorted(data.estate.sites.values(), key=lambda s: s.id):
        page(f"sites/{site.id}.html", "site.html.j2", current="site",
             pools=site_pools(site, ledger, data.history, seen, data.at), **site_page(data, site))
    if progress:
        progress("sites")
    sent = invitations(data.runs)
    ids = sorted(data.estate.occupiers)
    _STATE.update(data=data, sent=sent, out=out, common=common)
    for pages, files, sizes in _in_parallel(ids):
        result.pages += pages
        result.files += files
        result.sizes.update(sizes)
    _STATE.clear()
    if progress:
        progress("occupiers")
    page("status.html", "status.html.j2", current="status", **status_page(data))
    page("search.html", "search.html.j2", current="search",
         occupiers=sorted(data.estate.occupiers.values(), key=lambda o: o.name.lower()))
    _assets(out, data, result)
    result.seconds = time.perf_counter() - t0
    return result


# Occupier pages are most of the work: rendered in two processes forked after the data is
# gathered (they inherit it; nothing is pickled but the ids and the counts).
_STATE: dict[str, Any] = {}
WORKERS = 2
PARALLEL_FROM = 200  # occupiers; below that a second process costs more than it saves


def _occupier_pages(ids: list[str]) -> tuple[int, int, dict[str, int]]:
    data: ConsoleData = _STATE["data"]
    out: Path = _STATE["out"]
    env = environment()
    template = env.get_template("occupier.html.j2")
    pages, files, sizes = 0, 0, {}
    for oid in ids:
        occ = data.estate.occupiers[oid]
        months = calls_mod.occupier_months(data.calls, occ.id)
        for m in months:
            for fname, source in m.files.items():
                dest = out / "occupiers" / occ.id / fname
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, dest)
                files += 1
        html = template.render(**_STATE["common"], root="../", current="occupier",
                               page_name=f"occupiers/{oid}.html",
                               **occupier_page(data, occ, [calls_mod.view(m) for m in months],
                                               _STATE["sent"], bool(data.runs)))
        (out / "occupiers" / f"{oid}.html").write_text(html, encoding="utf-8")
        pages += 1
        sizes[f"occupiers/{oid}.html"] = len(html.encode("utf-8"))
    return pages, files, sizes


def _in_parallel(ids: list[str]) -> list[tuple[int, int, dict[str, int]]]:
    (_STATE["out"] / "occupiers").mkdir(parents=True, exist_ok=True)
    if len(ids) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or \
            "fork" not in multiprocessing.get_all_start_methods():
        return [_occupier_pages(ids)]
    chunks = [ids[i::WORKERS] for i in range(WORKERS)]
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        return pool.map(_occupier_pages, chunks)


def _totals(summaries: list[dict[str, Any]], data: ConsoleData) -> dict[str, int]:
    t = {"sites": len(summaries), "occupiers": 0, "leased": 0, "available": 0,
         "unavailable": 0, "seats": 0, "seats_leased": 0}
    for s in summaries:
        for k in ("leased", "available", "unavailable", "seats", "seats_leased"):
            t[k] += s["occupancy"][k]
    t["occupiers"] = sum(1 for o in data.estate.occupiers.values()
                         if any(c.status(data.at) == "active" for c in o.contracts))
    return t


def _assets(out: Path, data: ConsoleData, result: BuildResult) -> None:
    dest = out / "assets"
    dest.mkdir(exist_ok=True)
    for f in sorted(ASSETS.iterdir()):
        if f.is_file():
            shutil.copyfile(f, dest / f.name)
            result.files += 1
    script = index_script(data.estate)
    (dest / "search-index.js").write_text(script, encoding="utf-8")
    result.sizes["assets/search-index.js"] = len(script.encode("utf-8"))
    result.files += 1
