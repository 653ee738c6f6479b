"""What every command shares: options, loading, masked output, errors -> exit codes.

Exit codes (like `terraform plan -detailed-exitcode`): 0 success / no changes,
1 error (invalid input, unreachable system, refused or failed apply), 2 changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from typer.exceptions import TyperException

from .. import clock
from ..engine.credentials import CredentialStore
from ..engine.interrupts import RunAborted
from ..errors import InputError, InputIssue, ReconcilerError
from ..model.estate import Estate, load_estate

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2

RepoOpt = Annotated[Path, typer.Option("--repo", "-C", help="Estate repository (holds sites/ "
                                       "and occupiers/). Default: the current directory.",
                                       envvar="RECONCILER_REPO", show_default=False,
                                       metavar="DIR")]
CredOpt = Annotated[Path | None, typer.Option(
    "--credentials", help="YAML file of credentials by name (else RECONCILER_CRED_<NAME>_<FIELD> "
    "variables).", envvar="RECONCILER_CREDENTIALS", show_default=False, metavar="FILE")]
EndpointsOpt = Annotated[Path | None, typer.Option(
    "--endpoints", help="YAML file overriding where targets are reached (written by "
    "`reconciler lab up`).", envvar="RECONCILER_ENDPOINTS", show_default=False, metavar="FILE")]
AtOpt = Annotated[str | None, typer.Option(
    "--at", help="Plan for this date (YYYY-MM-DD) instead of today: contracts and occupancies "
    "effective on that day.", show_default=False, metavar="DATE")]
SiteOpt = Annotated[list[str] | None, typer.Option(
    "--site", help="Only targets of this site (repeatable).", show_default=False,
    metavar="SITE")]
TargetOpt = Annotated[list[str] | None, typer.Option(
    "--target", help="Only this target, e.g. lon1/core1 (repeatable).", show_default=False,
    metavar="TARGET")]


class Output:
    """stdout/stderr that never print a known secret."""

    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def mask(self, text: str) -> str:
        for s in sorted(self.secrets, key=len, reverse=True):
            if len(s) >= 4:
                text = text.replace(s, "***")
        return text

    def out(self, text: str) -> None:
        sys.stdout.write(self.mask(text if text.endswith("\n") else text + "\n"))
        sys.stdout.flush()

    def info(self, text: str) -> None:
        self.err.print(self.mask(text), markup=False)

    def error(self, text: str) -> None:
        self.err.print(self.mask(f"error: {text}"), markup=False, style="red")


OUT = Output()
F = TypeVar("F", bound=Callable[..., Any])


def in_ci() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def print_issues(issues: Iterable[InputIssue]) -> None:
    issues = list(issues)
    for i in issues:
        OUT.info(str(i))
        if in_ci():
            msg = i.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            sys.stdout.write(f"::error file={i.file},line={i.line},col={i.col},"
                             f"title={i.rule}::{msg}\n")
    OUT.info(f"{len(issues)} problem(s) found.")


def handle_errors(fn: F) -> F:
    """Turn our errors into messages and exit codes; never show a traceback for them."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            print_issues(exc.issues)
            raise typer.Exit(EXIT_ERROR) from None
        except ReconcilerError as exc:
            OUT.error(str(exc))
            raise typer.Exit(EXIT_ERROR) from None
        except RunAborted as exc:
            OUT.error(aborted_text(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            OUT.error("interrupted")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort):
            raise
        except TyperException as exc:
            OUT.error(exc.format_message())
            raise typer.Exit(EXIT_ERROR) from None
        except Exception as exc:  # noqa: BLE001 - last resort: a bug, said plainly
            if os.environ.get("RECONCILER_DEBUG"):
                traceback.print_exc()
            OUT.error(f"internal error ({type(exc).__name__}: {exc}); "
                      "set RECONCILER_DEBUG=1 for the traceback and please report it")
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper  # type: ignore[return-value]


def aborted_text(exc: RunAborted) -> str:
    """What a run stopped by a signal or an unexpected error did before it stopped."""
    text = f"the apply was {exc.reason}"
    res = exc.result
    if res is not None and res.restored:
        text += "; restored to the state before this run: " + ", ".join(res.restored)
    if res is not None and res.restore_failed:
        text += ("; rollback FAILED on " + ", ".join(res.restore_failed)
                 + " (`reconciler apply --resume` finishes the run)")
    return text


def parse_date(value: str | None) -> dt.date:
    if value is None:
        return clock.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--at") \
            from None


def load(repo: Path, *, check_allocations: bool = True) -> Estate:
    return load_estate(repo.resolve(), check_allocations=check_allocations)


def credentials(path: Path | None) -> CredentialStore:
    store = CredentialStore(path)
    OUT.secrets = store.all_secrets()
    return store
