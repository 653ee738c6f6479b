"""Commands that only read and write the estate: validate, schema, allocate, inspect."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ConfigError, InputError, InputIssue
from ..intent.allocate import plan_allocations
from ..model.estate import load_files
from ..model.occupier import Occupier
from ..model.rules import check_estate
from ..model.site import Site
from ..model.yamlio import apply_edits
from .common import EXIT_ERROR, OUT, RepoOpt, handle_errors, load, print_issues


@handle_errors
def validate_cmd(repo: RepoOpt = Path(".")) -> None:
    """Check every site and occupier file and every cross-file rule; exit 1 on any problem."""
    estate = load(repo)
    n_contracts = sum(len(o.contracts) for o in estate.occupiers.values())
    OUT.out(f"ok: {len(estate.sites)} sites, {len(estate.occupiers)} occupiers, "
            f"{n_contracts} contracts valid")


@handle_errors
def schema_cmd(out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write "
                                                 "site.schema.json and occupier.schema.json.")]
               = Path("schema")) -> None:
    """Write JSON Schema for site and occupier files (for editor completion)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, model in (("site", Site), ("occupier", Occupier)):
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"reconciler {name} file"
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        OUT.out(f"wrote {path}")


@handle_errors
def allocate_cmd(repo: RepoOpt = Path("."),
                 check: Annotated[bool, typer.Option("--check", help="Only report missing "
                                                     "allocations (exit 1 if any).")] = False
                 ) -> None:
    """Give every contract what it needs: a VLAN and /24, a public block (lowest free;
    existing allocations never move).

    Writes into the occupier files, keeping comments, key order and quoting.
    """
    root = repo.resolve()
    estate, issues = load_files(root)
    if issues:
        raise InputError(issues)
    edits, errors = plan_allocations(estate)
    if errors:
        print_issues(InputIssue(e.file, *estate.files[e.file].locate(e.path), "allocation",
                                e.message) for e in errors)
        raise typer.Exit(EXIT_ERROR)
    if not edits:
        OUT.out("nothing to allocate")
    for e in edits:
        OUT.out(("missing: " if check else "allocated: ") + e.describe)
    if check:
        raise typer.Exit(EXIT_ERROR if edits else 0)
    if edits:
        changed = apply_edits(root, edits)
        OUT.out(f"updated {', '.join(changed)}")
    # What was written must now pass every rule.
    estate, issues = load_files(root)
    issues += check_estate(estate)
    if issues:
        raise InputError(issues)


@handle_errors
def inspect_cmd(platform: Annotated[str, typer.Option("--platform", help="arista_eos or "
                                                      "cisco_ios")],
                running_config: Annotated[Path, typer.Option("--running-config",
                                                             help="A saved running-config.")],
                fmt: Annotated[str, typer.Option("--format", "-f", help="json")] = "json"
                ) -> None:
    """Print what the reconciler understands of a switch configuration.

    A line it cannot read is reported as FILE:LINE:COL with the rule, exit code 1.
    """
    from ..switching.blocks import decode_config
    from ..switching.view import inspect_view
    from ..targets.inspect import PARSERS

    parser = PARSERS.get(platform)
    if parser is None:
        raise ConfigError(f"inspect supports {', '.join(sorted(PARSERS))}, not {platform!r}")
    try:
        text = decode_config(running_config.read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read {running_config}: {exc.strerror}") from None
    if fmt != "json":
        raise typer.BadParameter("only json is supported", param_hint="--format")
    OUT.out(json.dumps(inspect_view(parser(text, str(running_config))), indent=2,
                       sort_keys=False))
