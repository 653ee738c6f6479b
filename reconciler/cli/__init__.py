"""The `reconciler` command line (typer + rich)."""

from __future__ import annotations

import typer

from .calls import calls_cmd
from .live import apply_cmd, plan_cmd
from .occupier import guide_cmd, show_cmd
from .offline import allocate_cmd, inspect_cmd, schema_cmd, validate_cmd

app = typer.Typer(
    name="reconciler",
    help="GitOps for the network of a flexible workspace: occupiers and sites in YAML, "
         "switches, Wi-Fi, RADIUS and PBX reconciled to them.\n\n"
         "Exit codes: 0 success or no changes, 1 error, 2 plan has changes.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"reconciler {version('reconciler')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("reconciler (not installed)")
        raise typer.Exit(0)


@app.callback()
def _main(show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True,
        help="Print the version (an estate repository pins it) and exit.")) -> None:
    """GitOps for the network of a flexible workspace."""


app.command("validate")(validate_cmd)
app.command("allocate")(allocate_cmd)
app.command("plan")(plan_cmd)
app.command("apply")(apply_cmd)
app.command("inspect")(inspect_cmd)
app.command("schema")(schema_cmd)
app.command("calls")(calls_cmd)
app.command("show")(show_cmd)
app.command("guide")(guide_cmd)


def _register_lab() -> None:
    from .lab import lab_app

    app.add_typer(lab_app, name="lab")


_register_lab()


def _register_gitops() -> None:
    from .gitops import drift_cmd, sites_cmd

    app.command("sites")(sites_cmd)
    app.command("drift")(drift_cmd)


_register_gitops()


def _register_authoring() -> None:
    from .authoring import occupier_app, space_move_cmd, user_app

    app.add_typer(occupier_app, name="occupier")
    app.command("space-move")(space_move_cmd)
    app.add_typer(user_app, name="user")


_register_authoring()


def _register_outbox() -> None:
    from .mailbox import outbox_app

    app.add_typer(outbox_app, name="outbox")


_register_outbox()


def _register_simulate() -> None:
    from .simulate import simulate_cmd

    app.command("simulate")(simulate_cmd)


_register_simulate()


def _register_pbx() -> None:
    from .pbx import pbx_app

    app.add_typer(pbx_app, name="pbx")


_register_pbx()


def _register_console() -> None:
    from .console import console_app

    app.add_typer(console_app, name="console")


_register_console()


def main() -> None:
    """Entry point: usage errors exit 1 (not 2, which means "changes" here)."""
    import sys

    from typer.exceptions import TyperException

    try:
        rc = app(standalone_mode=False)
    except typer.Exit as exc:
        rc = exc.exit_code
    except TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stdout.write(exc.format_message() + "\n")
            rc = 0
        else:
            sys.stderr.write(f"error: {exc.format_message()}\n")
            rc = 1
    except typer.Abort:
        sys.stderr.write("Aborted.\n")
        rc = 1
    sys.exit(rc if isinstance(rc, int) else 0)
