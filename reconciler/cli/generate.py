"""`reconciler lab generate`: write a synthetic estate of a given size (benchmarks)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ConfigError
from ..lab.generate import Sizes, write_estate
from ..targets import TARGETS
from .common import OUT, handle_errors


@handle_errors
def generate_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write sites/ and "
                                      "occupiers/ into (created; must hold no estate).")],
    sites: Annotated[int, typer.Option("--sites", min=1, help="Number of sites.")] = 3,
    occupiers: Annotated[int, typer.Option("--occupiers", min=0, help="Number of "
                                           "occupiers.")] = 30,
    users: Annotated[int, typer.Option("--users", min=0, help="Number of users.")] = 300,
    switches: Annotated[int | None, typer.Option("--switches", min=1, help="Number of switches "
                                                 "(default: two per site).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same estate.")] = 1,
    timeline: Annotated[bool, typer.Option("--timeline", help="Contracts that start, move and "
                                           "end over 2026-2027 (on half-year days), DHCP on "
                                           "Kea: an estate to rehearse with `reconciler "
                                           "simulate`.")] = False,
) -> None:
    """Write a valid synthetic estate (sites, spaces, ports, switches, occupiers, users)."""
    sizes = Sizes(sites, occupiers, users, switches, seed, frozenset(TARGETS), timeline)
    try:
        n_sites, n_occ = write_estate(sizes, out)
    except (ValueError, FileExistsError) as exc:
        raise ConfigError(str(exc)) from None
    OUT.out(f"wrote {n_sites} sites and {n_occ} occupiers ({sizes.switch_count} switches, "
            f"{users} users) to {out}")
