"""`reconciler simulate`: rehearse the estate's calendar on a private lab.

The estate files are copied to a work folder, a lab for them is started in this
process, and the days are walked by `reconciler.rehearsal` with the real
commands (`apply`, `drift`, `plan`) run in-process on that copy: nothing of the
repository (journal, outbox, locks) and no real system is touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated

import typer
from ruamel.yaml import YAML

from ..errors import ConfigError
from ..intent import compile_estate
from ..rehearsal.calendar import event_days
from ..rehearsal.checks import LabAccess
from ..rehearsal.radius_probe import ProbeUnavailable
from ..rehearsal.walk import DayResult, Rehearsal
from .common import EXIT_ERROR, OUT, RepoOpt, SiteOpt, handle_errors, load


def run_in_process(args: Sequence[str]) -> tuple[int, str, str]:
    """One `reconciler` command in this process: (exit code, stdout, stderr)."""
    from . import app

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = app(args=list(args), standalone_mode=False, prog_name="reconciler")
        except typer.Exit as exc:
            rc = exc.exit_code
        except SystemExit as exc:  # click usage errors in standalone paths
            rc = exc.code if isinstance(exc.code, int) else 1
    return (rc if isinstance(rc, int) else 0), out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _env(**values: str | None) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)",
                                 param_hint=option) from None


def _copy_estate(repo: Path, dest: Path) -> Path:
    for sub in ("sites", "occupiers", "templates"):
        if (repo / sub).is_dir():
            shutil.copytree(repo / sub, dest / sub)
    return dest


@handle_errors
def simulate_cmd(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD): applied as a "
                                       "merge would leave it.", metavar="DATE")],
    end: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD).", metavar="DATE")],
    repo: RepoOpt = Path("."), site: SiteOpt = None,
    peap_sample: Annotated[int, typer.Option("--peap-sample", min=0, metavar="N",
                                             help="Besides every user "
                                             "whose access or password changed that day, "
                                             "this many others log in over PEAP each day "
                                             "(PAP: all of them, every day).")] = 3,
    no_peap: Annotated[bool, typer.Option("--no-peap", help="PAP only (without "
                                          "eapol_test).")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json",
                                     metavar="FORMAT")] = "text",
    workdir: Annotated[Path | None, typer.Option("--workdir", metavar="DIR",
                                                 help="Keep the copy, the lab's "
                                                 "files, journal and outbox here (default: a "
                                                 "temporary folder, removed after).")] = None,
    wifi_rate: Annotated[float, typer.Option("--wifi-rate", min=1, max=10_000, metavar="RPS",
                                             help="Requests "
                                             "per second the lab's Wi-Fi controller takes "
                                             "(the real Dashboard's 10 by default; more makes "
                                             "a long rehearsal quicker).")] = 10.0,
) -> None:
    """Rehearse the calendar: every day something takes effect, each site's nightly run,
    then check from the outside that the live systems are what the estate says.

    Runs on a private lab (real FreeRADIUS and Kea, emulated switches, Wi-Fi controller
    and PBX database) for a copy of the estate. Per day: real logins (PAP for every user
    and MAC device at every NAS and an unknown one, PEAP for every user whose access
    changed and a sample), every floor port read from its switch, PBX endpoints, DHCP
    scopes, Wi-Fi device keys, the next plan (must be empty) and the journal.
    Exit 0: every invariant held on every day; 1: a violation (listed) or an error.
    """
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise ConfigError(f"--to {last} is before --from {first}")
    if fmt not in ("text", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r}; use text or json",
                                 param_hint="--format")
    estate = load(repo)
    sites = sorted(site or estate.sites)
    for s in sites:
        if s not in estate.sites:
            raise ConfigError(f"no site {s!r}; sites: {', '.join(sorted(estate.sites))}")
    days = event_days(estate, first, last)
    own = workdir is None
    root = Path(tempfile.mkdtemp(prefix="reconciler-rehearsal-")) if own else workdir
    assert root is not None
    try:
        results = _rehearse(estate_root=_copy_estate(repo.resolve(), root / "estate"),
                            work=root, sites=sites, days=days, peap_sample=peap_sample,
                            peap=not no_peap, fmt=fmt, wifi_rate=wifi_rate)
    finally:
        if own:
            shutil.rmtree(root, ignore_errors=True)
    bad = [v for r in results for v in r.violations]
    if fmt == "json":
        OUT.out(json.dumps({"from": first.isoformat(), "to": last.isoformat(),
                            "sites": sites, "days": [r.to_json() for r in results],
                            "violations": len(bad)}, indent=2))
    else:
        OUT.out(f"{len(results)} day(s) from {first} to {last}, sites {', '.join(sites)}: "
                + ("every invariant held." if not bad else f"{len(bad)} violation(s)."))
        for v in bad[:200]:
            OUT.out(f"  {v}")
    if bad:
        raise typer.Exit(EXIT_ERROR)


def _rehearse(estate_root: Path, work: Path, sites: list[str], days: list[dt.date],
              peap_sample: int, peap: bool, fmt: str, wifi_rate: float) -> list[DayResult]:
    from ..lab.freeradius import FreeradiusUnavailable, find_binary
    from ..lab.launcher import Lab
    from .lab import build_lab, write_lab_files

    estate = load(estate_root)
    if any(s.radius for s in estate.sites.values()):
        try:
            find_binary()
        except FreeradiusUnavailable as exc:
            raise ConfigError(f"the rehearsal logs in for real: {exc}") from None
    lab_dir = work / ".lab"
    lab_dir.mkdir(parents=True, exist_ok=True)
    plan = build_lab(estate, lab_dir)
    for comp in plan.components:
        if comp["kind"] == "meraki":
            comp["rate"] = wifi_rate
    journal, outbox = work / "journal.jsonl", estate_root / "outbox"
    with Lab({"components": plan.components}, lab_dir) as lab, \
            _env(RECONCILER_OUTBOX=str(outbox), RECONCILER_SMTP_HOST=None):
        endpoints = lab.endpoints()
        ep_file, cred_file = write_lab_files(lab_dir, plan, endpoints)
        specs = compile_estate(estate, days[0]).targets
        access = LabAccess(specs, {tid: endpoints[name] for name, tid in plan.targets.items()
                                   if name in endpoints},
                           YAML(typ="safe").load(cred_file.read_text()) or {})
        walk = Rehearsal(estate, estate_root, access, run_in_process, sites,
                         ["--endpoints", str(ep_file), "--credentials", str(cred_file)],
                         journal, outbox, peap_sample, peap)

        def said(r: DayResult) -> None:
            if fmt == "text":
                state = "ok" if not r.violations else f"{len(r.violations)} violation(s)"
                counts = ", ".join(f"{k} {v}" for k, v in sorted(r.counts.items()))
                OUT.info(f"{r.day}: {r.changes} change(s) applied; checked {counts}: {state}")
        try:
            return walk.walk(days, said)
        except ProbeUnavailable as exc:
            raise ConfigError(str(exc)) from None
