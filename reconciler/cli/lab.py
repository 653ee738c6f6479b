"""`reconciler lab`: run the bundled emulators for the estate (filled in below)."""

from __future__ import annotations

import typer

lab_app = typer.Typer(help="Run the bundled lab: emulated switches and systems on loopback.",
                      no_args_is_help=True)
