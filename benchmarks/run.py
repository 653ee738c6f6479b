#!/usr/bin/env python3
"""Benchmark reconciler on a generated estate against the bundled lab.

    python benchmarks/run.py --size small            # seconds; what the test suite runs
    python benchmarks/run.py --size large --ansible  # 100 sites, 200 switches; + Ansible
    python benchmarks/run.py --size large --switches-only   # the switches alone

Every system of every site is generated (EOS and IOS switches, Wi-Fi on the Meraki
Dashboard, RADIUS, the PBX, DHCP on Kea) unless --switches-only. Every step runs the
`reconciler` command in a fresh process (cold: imports, loading, compiling, reading the
systems), timed on the wall clock, its peak memory taken from the kernel (wait4).
Round trips are counted per platform by the lab itself (`lab.control`; SQL statements
by the SQLite engine, see `sqltrace`); the minimum number of configuration lines is
worked out from the switches' running-configs before and after. Prints a table and
writes JSON (default benchmarks/results/).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import floors, labio  # noqa: E402
from benchmarks.report import markdown, side_by_side, table  # noqa: E402
from reconciler.lab.generate import Sizes, generate, write_estate  # noqa: E402

SIZES = {
    "small": dict(sites=3, occupiers=30, users=300, switches=6),
    "large": dict(sites=100, occupiers=2000, users=40000, switches=200),
    "xl": dict(sites=1000, occupiers=20000, users=400000, switches=2000),
}
SWITCH_PLATFORMS = ("arista_eos",)
ORGS = {"xl": 4}  # Meraki organisations (each limited to 10 requests/s on its own)
# Systems a size leaves out, and why (said in the output and the JSON).
LEFT_OUT = {"xl": {"kea": "the lab runs one real kea-dhcp4 per site (21 MiB each): 1,000 of "
                          "them (21 GiB) do not fit on this machine beside the rest"}}
# sqltrace counts the SQL statements of the lab's SQLite databases in the process.
CLI = ("import sys; import benchmarks.sqltrace; from reconciler.cli import main; "
       "sys.argv[0] = 'reconciler'; main()")


@dataclass
class Step:
    name: str
    seconds: float
    exit_code: int
    peak_rss_mb: float
    targets: int = 0  # targets in scope
    changed_targets: int = 0
    round_trips: int = 0
    min_round_trips: int = 0
    reads: int = 0
    writes: int = 0
    config_lines: int = 0
    min_config_lines: int = 0
    commands: int = 0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: per platform: targets, changed, round trips and their minimum, reads, writes
    by_platform: dict[str, dict[str, Any]] = field(default_factory=dict)


class Bench:
    def __init__(self, estate: Path, sizes: Sizes) -> None:
        self.estate = estate
        self.sizes = sizes
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
            "RECONCILER_PROGRESS": "0",
            # The first plan parses every file (cold); later steps reuse the parse cache,
            # as a CI runner with a restored cache or a workstation would.
            "RECONCILER_CACHE_DIR": str(estate.parent / "cache"),
            "RECONCILER_ENDPOINTS": str(estate / ".lab" / "endpoints.yaml"),
            "RECONCILER_CREDENTIALS": str(estate / ".lab" / "credentials.yaml"),
            "RECONCILER_BENCH_SQL": str(estate.parent / "sql-counts.jsonl")}
        self.sql_file = Path(self.env["RECONCILER_BENCH_SQL"])
        self.eps: dict[str, dict[str, Any]] = {}  # EOS switches (for Ansible)
        self.control: dict[str, Any] = {}  # the lab's control endpoint
        self.platform_of: dict[str, str] = {}  # target id -> platform (from the full plan)
        self.steps: list[Step] = []
        self.last_cpu_seconds = 0.0

    def cli(self, *args: str, ok: tuple[int, ...] = (0,)) -> tuple[float, int, float, str]:
        """Run `reconciler ARGS` in a new process: (seconds, exit code, peak MiB, stdout)."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", CLI, *args, "--repo",
                                     str(self.estate)] if args[0] != "lab" else
                                    [sys.executable, "-c", CLI, *args], stdout=out, stderr=err,
                                    env=self.env, cwd=self.estate)
            _pid, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = rc = os.waitstatus_to_exitcode(status)
            # CPU time of the process and the children it waited for (under load, wall
            # time says more about the other jobs than about us).
            self.last_cpu_seconds = usage.ru_utime + usage.ru_stime
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(), err.read().decode()
        if rc not in ok:
            raise SystemExit(f"`reconciler {' '.join(args)}` exited {rc} (expected {ok}):\n"
                             f"{stderr[-3000:]}")
        return seconds, rc, usage.ru_maxrss / 1024, stdout

    def _sql_counts(self) -> dict[str, dict[str, int]]:
        """Statements per platform from the traced processes since the last call."""
        out: dict[str, dict[str, int]] = {}
        if self.sql_file.exists():
            for line in self.sql_file.read_text().splitlines():
                for db, counts in json.loads(line).items():
                    platform = "asterisk" if db.startswith("pbx-") else "freeradius"
                    acc = out.setdefault(platform, {})
                    for k, v in counts.items():
                        acc[k] = acc.get(k, 0) + v
            self.sql_file.unlink()
        return out

    def measured(self, name: str, *args: str, ok: tuple[int, ...], targets: int,
                 note: str = "", scope: dict[str, dict[str, int]] | None = None) -> Step:
        """Run one step with the lab's counters reset before and read after.

        `scope`: per platform, the targets the step covers and how many of them change
        (a plan's JSON says it; an apply takes it from the plan before it).
        """
        before = labio.configs(self.control)
        labio.reset_counters(self.control)
        self._sql_counts()
        seconds, rc, rss, stdout = self.cli(*args, ok=ok)
        counts = labio.counters(self.control, self._sql_counts())
        if args[0] == "plan" and "json" in args:
            doc = json.loads(stdout)
            scope = floors.scope_of(doc)  # what the scoping chose
            targets = len(doc["targets"])
            self.platform_of.update({t["target"]: t["platform"] for t in doc["targets"]})
        after = labio.configs(self.control)
        min_lines, changed = labio.minimum_for(before, after)
        apply = args[0] == "apply"
        by_platform = floors.per_platform(counts, scope or {}, self.sizes, apply)
        step = Step(name, round(seconds, 3), rc, round(rss, 1), targets,
                    sum(p["changed"] for p in by_platform.values()),
                    sum(p["round_trips"] for p in by_platform.values()),
                    sum(p["min_round_trips"] for p in by_platform.values()),
                    sum(p.get("reads", 0) for p in by_platform.values()),
                    sum(p.get("writes", 0) for p in by_platform.values()),
                    sum(p.get("config_lines", 0) for p in by_platform.values()), min_lines,
                    sum(p.get("commands", 0) for p in by_platform.values()), note,
                    {"cpu_seconds": round(self.last_cpu_seconds, 2),
                     "load_average_1m": round(os.getloadavg()[0], 2)}, by_platform)
        self.steps.append(step)
        print(f"  {name:<22} {seconds:7.2f} s  exit {rc}  {rss:6.0f} MiB  load "
              f"{os.getloadavg()[0]:.1f}  round trips {step.round_trips} (min "
              f"{step.min_round_trips})  config lines {step.config_lines} (min {min_lines})",
              file=sys.stderr, flush=True)
        for plat, p in sorted(by_platform.items()):
            print(f"      {plat:<12} targets {p['targets']:>5}  changed {p['changed']:>5}  "
                  f"round trips {p['round_trips']:>6} (min {p['min_round_trips']})"
                  + (f"  floor {p['floor_s']:.1f} s" if p.get("floor_s") else ""),
                  file=sys.stderr, flush=True)
        return step

    def lab_up(self) -> Step:
        # Thousands of emulators (xl) take minutes to start on two cores.
        seconds, rc, rss, _ = self.cli("lab", "up", "--repo", str(self.estate), "--timeout",
                                       "3600", ok=(0,))
        from ruamel.yaml import YAML

        doc = YAML(typ="safe").load((self.estate / ".lab" / "endpoints.yaml").read_text())
        self.control = json.loads((self.estate / ".lab" / "ready.json").read_text())["control"]
        # Ansible's inventory: the EOS switches (eAPI on host:port).
        eos = {f"{sid}/{name}" for sid, site in generate(self.sizes)[0].items()
               for name, sw in site["switches"].items() if sw["platform"] == "arista_eos"}
        self.eps = {tid: ep for tid, ep in doc["targets"].items() if tid in eos}
        step = Step("lab up", round(seconds, 3), rc, round(rss, 1), len(doc["targets"]),
                    note="start the lab: emulators and servers for every system (one process)",
                    extra={"load_average_1m": round(os.getloadavg()[0], 2)})
        self.steps.append(step)
        return step

    def lab_down(self) -> None:
        self.cli("lab", "down", "--repo", str(self.estate), ok=(0,))


def _move_one(estate: Path, site_docs: dict[str, Any], occ_docs: dict[str, Any],
              site_id: str, undo: list[tuple[Path, str]]) -> str:
    """Move an occupier without voice at `site_id` into a vacant space (edits its file)."""
    spaces = [sp["id"] for f in site_docs[site_id]["floors"] for sp in f["spaces"]]
    leased = {o["space"] for d in occ_docs.values() for c in d["contracts"]
              if c["site"] == site_id for o in c["occupancies"]}
    vacant = next(s for s in spaces if s not in leased)
    for oid, d in sorted(occ_docs.items()):
        c = d["contracts"][0]
        if c["site"] == site_id and "voice" not in c["services"] and len(c["occupancies"]) == 1:
            old = c["occupancies"][0]["space"]
            path = estate / "occupiers" / f"{oid}.yaml"
            text = path.read_text()
            undo.append((path, text))
            new, n = re.subn(rf"space: '{re.escape(old)}'", f"space: '{vacant}'", text, count=1)
            if n != 1:
                raise SystemExit(f"could not find space {old} in {path}")
            path.write_text(new)
            c["occupancies"][0]["space"] = vacant
            return oid
    raise SystemExit(f"no occupier without voice at {site_id} to move")


def console_step(bench: Bench, workdir: Path) -> Step:
    """`reconciler console build` for the whole estate: wall time, peak memory, page sizes."""
    out = workdir / "console"
    seconds, rc, rss, _ = bench.cli("console", "build", "--out", str(out), ok=(0,))
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*")
             if p.is_file()}
    pages = [k for k in sizes if k.endswith(".html")]
    biggest = max(pages, key=lambda k: sizes[k])
    step = Step("console build", round(seconds, 3), rc, round(rss, 1),
                note=f"{len(pages)} pages, {sum(sizes.values()) / 2**20:.1f} MiB in all",
                extra={"estate_page_bytes": sizes["index.html"], "pages": len(pages),
                       "cpu_seconds": round(bench.last_cpu_seconds, 2),
                       "total_bytes": sum(sizes.values()), "largest_page": biggest,
                       "largest_page_bytes": sizes[biggest],
                       "search_index_bytes": sizes.get("assets/search-index.js", 0)})
    bench.steps.append(step)
    print(f"  {'console build':<22} {seconds:7.2f} s  (CPU {bench.last_cpu_seconds:.1f} s)  "
          f"exit {rc}  {rss:6.0f} MiB  estate page "
          f"{sizes['index.html'] / 1024:.0f} KiB, {len(pages)} pages", file=sys.stderr, flush=True)
    return step


def _supports(bench: Bench, option: str) -> bool:
    _, _, _, out = bench.cli("plan", "--help")
    return option in out


def run(size: str, workdir: Path, with_ansible: bool, forks: int,
        switches_only: bool = False, only_console: bool = False,
        first_apply: bool = True) -> dict[str, Any]:
    known = _platforms()
    if switches_only:  # the switch estate alone (the earlier benchmark)
        known = [p for p in known if p in SWITCH_PLATFORMS]
    left_out = {p: why for p, why in LEFT_OUT.get(size, {}).items() if p in known}
    known = [p for p in known if p not in left_out]
    for p, why in left_out.items():
        print(f"left out at {size}: {p}: {why}", file=sys.stderr)
    sizes = Sizes(**SIZES[size], seed=7, platforms=frozenset(known),
                  organizations=ORGS.get(size, 1))
    estate = workdir / "estate"
    t0 = time.perf_counter()
    write_estate(sizes, estate)
    gen_seconds = time.perf_counter() - t0
    site_docs, occ_docs = generate(sizes)
    bench = Bench(estate, sizes)
    n_targets = sizes.switch_count
    print(f"estate: {sizes.sites} sites, {n_targets} switches, {sizes.occupiers} occupiers, "
          f"{sizes.users} users, platforms {', '.join(sorted(known))} (generated in "
          f"{gen_seconds:.1f} s; load {os.getloadavg()[0]:.1f})", file=sys.stderr)
    result: dict[str, Any] = {"size": size, "sizes": {k: v for k, v in asdict(sizes).items()
                                                       if k != "platforms"},
                              "platforms": sorted(known), "left_out": left_out,
                              "machine": _machine(),
                              "generate_seconds": round(gen_seconds, 2)}
    if only_console:  # no lab: the console reads git and files only
        console_step(bench, workdir)
        return _finish(result, bench)
    changed_since = _supports(bench, "--changed-since")
    if changed_since:
        _git(estate, "init", "-q")
        _git(estate, "add", "-A")
        _git(estate, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
             "commit", "-qm", "estate")
    bench.lab_up()
    try:
        full = bench.measured("full plan (cold)", "plan", "--format", "json", ok=(2,),
                              targets=n_targets, note="every target read and diffed")
        if not first_apply:  # the PR plan of one occupier against the unapplied systems
            site = sorted(site_docs)[len(site_docs) // 2]
            moved = _move_one(estate, site_docs, occ_docs, site, [])
            bench.measured("scoped plan (1 occ.)", "plan", "--format", "json",
                           "--changed-since", "HEAD", ok=(2,), targets=0,
                           note=f"{moved} moved; nothing applied before (--plan-only)")
            result["skipped"] = ("first apply, no-change plan, site plan, apply of the move, "
                                 "console build (--plan-only)")
            return _finish(result, bench)
        bench.measured("first apply (all)", "apply", "--yes", ok=(0,), targets=full.targets,
                       note="the whole estate onto fresh systems", scope=full_scope(full))
        bench.measured("no-change plan", "plan", "--format", "json", ok=(0,),
                       targets=n_targets)
        site = site_docs and sorted(site_docs)[len(site_docs) // 2]
        undo: list[tuple[Path, str]] = []
        moved = _move_one(estate, site_docs, occ_docs, site, undo)
        at_site = _site_targets(site_docs[site])
        scope = ["--changed-since", "HEAD"] if changed_since else ["--site", site]
        scoped = bench.measured("scoped plan (1 occ.)", "plan", "--format", "json", *scope,
                                ok=(2,), targets=at_site,
                                note=f"{moved} moved; scoped with {' '.join(scope)}")
        if changed_since:
            bench.measured("site plan (--site)", "plan", "--format", "json", "--site", site,
                           ok=(2,), targets=at_site, note=f"the site of {moved} only")
        bench.measured("apply one space move", "apply", "--yes", *scope, ok=(0,),
                       targets=scoped.targets, scope=full_scope(scoped))
        if changed_since:
            _git(estate, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                 "commit", "-qam", "move")
        console_step(bench, workdir)
        if with_ansible:
            from benchmarks import ansible_peer

            try:
                result["ansible"] = ansible_peer.compare(bench, site_docs, occ_docs,
                                                         _move_one, workdir, forks)
            except SystemExit as exc:  # keep what was measured; say what failed
                result["ansible_error"] = str(exc)[-2000:]
    except SystemExit as exc:  # a step failed: keep what was measured, say which
        result["failed"] = str(exc)[-3000:]
        print(result["failed"], file=sys.stderr)
    finally:
        bench.lab_down()
    return _finish(result, bench)


def full_scope(step: Step) -> dict[str, dict[str, Any]]:
    """The per-platform scope a plan step saw, for the apply of that plan."""
    keys = ("targets", "changed", "changes")
    out = {}
    for p, row in step.by_platform.items():
        out[p] = {k: row[k] for k in keys}
        out[p]["servers"] = row.get("servers", 1)
        out[p]["orgs"] = row.get("orgs", {})
        out[p]["org_changes"] = row.get("org_changes", {})
    return out


def _finish(result: dict[str, Any], bench: Bench) -> dict[str, Any]:
    result["steps"] = [asdict(s) for s in bench.steps]
    result["peak_rss_mb"] = max(s.peak_rss_mb for s in bench.steps)
    result["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    return result


def _site_targets(site_doc: dict[str, Any]) -> int:
    return len(site_doc["switches"])


def _platforms() -> list[str]:
    from reconciler.targets import TARGETS

    return list(TARGETS)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True)


def _machine() -> dict[str, Any]:
    mem = 0
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**30
    except (ValueError, OSError):
        pass
    cpu = ""
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in
                    Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")),
                   "")
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gib": mem, "cpu": cpu,
            "load_average_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(), "system": platform.platform()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=sorted(SIZES), default="small")
    p.add_argument("--json", type=Path, help="where to write the results "
                   "(default benchmarks/results/<size>.json)")
    p.add_argument("--workdir", type=Path, help="keep the estate and lab files here")
    p.add_argument("--ansible", action="store_true", help="also run Ansible's arista.eos "
                   "resource modules on the same change (creates a venv on first use)")
    p.add_argument("--forks", type=int, default=10, help="Ansible forks (default 10)")
    p.add_argument("--switches-only", action="store_true", help="generate the switches only "
                   "(EOS); default: every system of every site (IOS access switches, Wi-Fi, "
                   "RADIUS, PBX, DHCP)")
    p.add_argument("--all-platforms", action="store_true", help=argparse.SUPPRESS)  # default
    p.add_argument("--plan-only", action="store_true", help="stop after the cold full plan "
                   "(an estate too large to apply in the time at hand)")
    p.add_argument("--console-only", action="store_true", help="only the console build step "
                   "(no lab): its time, peak memory and page sizes")
    p.add_argument("--markdown", type=Path, metavar="JSON", help="only print the results "
                   "of an earlier run as Markdown tables")
    p.add_argument("--side-by-side", nargs="+", type=Path, metavar="JSON", help="only print "
                   "each step at each size (earlier runs' results, smallest first)")
    p.add_argument("--svg", type=Path, metavar="SVG", help="only draw time and memory per "
                   "step against size into SVG, from the results given with --side-by-side")
    args = p.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())))
        return 0
    if args.side_by_side:
        runs = [json.loads(f.read_text()) for f in args.side_by_side]
        if args.svg:
            from benchmarks.chart import svg

            args.svg.write_text(svg(runs))
            print(f"wrote {args.svg}")
        print(side_by_side(runs))
        return 0
    out = args.json or ROOT / "benchmarks" / "results" / f"{args.size}.json"
    tmp = None
    if args.workdir:
        workdir = args.workdir.resolve()
        if (workdir / "estate").exists():
            shutil.rmtree(workdir / "estate")
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="reconciler-bench-")
        workdir = Path(tmp.name)
    try:
        result = run(args.size, workdir, args.ansible, args.forks, args.switches_only,
                     args.console_only, not args.plan_only)
    finally:
        if tmp is not None:
            tmp.cleanup()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
