"""The whole estate: every site and occupier file of a repository, validated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, InputIssue
from .cache import ValuesCache
from .loader import SourceFile, read_yaml, validate_model
from .occupier import Contract, Occupier
from .site import Site

SITES_DIR = "sites"
OCCUPIERS_DIR = "occupiers"


@dataclass
class Estate:
    root: Path
    sites: dict[str, Site] = field(default_factory=dict)
    occupiers: dict[str, Occupier] = field(default_factory=dict)
    files: dict[str, SourceFile] = field(default_factory=dict)
    site_file: dict[str, str] = field(default_factory=dict)
    occupier_file: dict[str, str] = field(default_factory=dict)
    broken_files: set[str] = field(default_factory=set)
    _by_site: tuple[tuple[int, int], dict[str, list[tuple[Occupier, Contract]]]] | None = \
        field(default=None, repr=False, compare=False)

    def contracts_by_site(self) -> dict[str, list[tuple[Occupier, Contract]]]:
        """site -> [(occupier, its contract there)] by occupier id, built once (compilers
        ask per site; scanning every occupier per site would be quadratic)."""
        key = (id(self.occupiers), len(self.occupiers))
        if self._by_site is None or self._by_site[0] != key:
            index: dict[str, list[tuple[Occupier, Contract]]] = {}
            for occ in sorted(self.occupiers.values(), key=lambda o: o.id):
                seen: set[str] = set()
                for c in occ.contracts:
                    if c.site not in seen:  # the first contract at a site (contract_at)
                        seen.add(c.site)
                        index.setdefault(c.site, []).append((occ, c))
            self._by_site = (key, index)
        return self._by_site[1]

    def issue(self, file: str, path: Sequence[str | int], rule: str, message: str) -> InputIssue:
        src = self.files.get(file)
        line, col = src.locate(path) if src else (1, 1)
        return InputIssue(file, line, col, rule, message)

    def occupier_issue(self, occ: str, path: Sequence[str | int], rule: str,
                       message: str) -> InputIssue:
        return self.issue(self.occupier_file[occ], path, rule, message)

    def site_issue(self, site: str, path: Sequence[str | int], rule: str,
                   message: str) -> InputIssue:
        return self.issue(self.site_file[site], path, rule, message)

    def broken_site_ids(self) -> set[str]:
        """Ids of site files that failed to load (so references to them don't cascade)."""
        return {Path(f).stem for f in self.broken_files if f.startswith(SITES_DIR + "/")}


def _yaml_files(root: Path, sub: str) -> list[Path]:
    d = root / sub
    if not d.is_dir() or d.is_symlink():
        return []
    # Sorted by name (str), not Path: Path comparisons cost on thousands of files.
    # Links are listed so that they are refused, never followed (see load_files).
    return sorted((p for p in d.iterdir() if p.suffix in (".yaml", ".yml")
                   and (p.is_symlink() or p.is_file())), key=lambda p: p.name)


def _linked(root: Path) -> list[InputIssue]:
    """Estate files come from the repository itself: a symbolic link (committed in a pull
    request) could point at a credentials file or /proc/self/environ, and a validation
    message would quote what it read there."""
    return [InputIssue(sub, 1, 1, "symlink", f"{sub}/ is a symbolic link; estate folders "
                       "must be real folders in the repository")
            for sub in (SITES_DIR, OCCUPIERS_DIR) if (root / sub).is_symlink()]


def load_files(root: Path) -> tuple[Estate, list[InputIssue]]:
    """Parse and schema-validate every file; cross-file rules are not run here."""
    estate = Estate(root=root)
    issues: list[InputIssue] = []
    listing = [(sub, model, _yaml_files(root, sub))
               for sub, model in ((SITES_DIR, Site), (OCCUPIERS_DIR, Occupier))]
    cache = ValuesCache.for_estate(sum(len(paths) for _, _, paths in listing))
    issues += _linked(root)
    for sub, model, paths in listing:
        for path in paths:
            rel = f"{sub}/{path.name}"
            if path.is_symlink():
                issues.append(InputIssue(rel, 1, 1, "symlink", "is a symbolic link; estate "
                                         "files must be regular files in the repository"))
                estate.broken_files.add(rel)
                continue
            src, errs = read_yaml(path, rel, cache)
            if src is None:
                issues += errs
                estate.broken_files.add(rel)
                continue
            estate.files[rel] = src
            obj, errs = validate_model(model, src)
            if obj is None:
                issues += errs
                estate.broken_files.add(rel)
                continue
            if obj.id != path.stem:
                issues.append(estate.issue(rel, ("id",), "file-name",
                                           f"id {obj.id!r} must match the file name {path.stem!r}"))
            if isinstance(obj, Site):
                estate.sites[obj.id] = obj
                estate.site_file[obj.id] = rel
            else:
                estate.occupiers[obj.id] = obj
                estate.occupier_file[obj.id] = rel
    cache.save()
    if not (root / SITES_DIR).is_dir():
        issues.append(InputIssue(SITES_DIR, 1, 1, "layout",
                                 f"no {SITES_DIR}/ folder in {root}: is --repo right?"))
    return estate, issues


def load_estate(root: Path, *, check_allocations: bool = True,
                check_rules: bool = True) -> Estate:
    """Load, validate and check every cross-file rule; raise InputError with all issues.

    `check_rules=False` skips the cross-file rules (files are still validated one by
    one): only for an estate already checked when it was merged, e.g. at a git ref.
    """
    from .rules import check_estate

    estate, issues = load_files(root)
    if check_rules:
        issues += check_estate(estate, check_allocations=check_allocations)
    if issues:
        raise InputError(issues)
    return estate
