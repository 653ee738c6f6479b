"""Git access for scoped plans and offboarding checks (gitpython).

The estate may sit in a sub-folder of its repository, so every git path is
translated to a path relative to the estate root (`sites/x.yaml`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import git

from ..errors import ConfigError
from ..model.estate import OCCUPIERS_DIR, SITES_DIR

ESTATE_DIRS = (SITES_DIR, OCCUPIERS_DIR)


@dataclass
class EstateRepo:
    """The git repository holding an estate, and where the estate sits in it."""

    repo: git.Repo
    prefix: PurePosixPath  # estate root relative to the work tree ('.' when at the top)

    @staticmethod
    def open(root: Path) -> EstateRepo | None:
        """The repository of `root`, or None when the estate is not in git."""
        try:
            repo = git.Repo(root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            return None
        top = Path(repo.working_tree_dir or root).resolve()
        return EstateRepo(repo, PurePosixPath(root.resolve().relative_to(top).as_posix()))

    def commit(self, ref: str) -> git.Commit:
        try:
            return self.repo.commit(ref)
        except (git.BadName, ValueError) as exc:
            raise ConfigError(f"git cannot resolve {ref!r}: fetch it first (in CI: "
                              "actions/checkout with fetch-depth: 0)") from exc

    def head_sha(self) -> str | None:
        try:
            return self.repo.head.commit.hexsha
        except ValueError:
            return None  # no commit yet

    def _to_estate(self, git_path: str) -> str | None:
        p = PurePosixPath(git_path)
        if self.prefix != PurePosixPath("."):
            try:
                p = p.relative_to(self.prefix)
            except ValueError:
                return None
        return p.as_posix()

    def _to_git(self, estate_path: str) -> str:
        return (self.prefix / estate_path).as_posix() if self.prefix != PurePosixPath(".") \
            else estate_path

    def changed_files(self, ref: str) -> list[str]:
        """Estate-relative paths that differ between `ref` and the work tree.

        Compared with the work tree (not the merge base), so a branch behind its
        base also plans the files the base changed since: a superset, never less.
        """
        base = self.commit(ref)
        paths: set[str] = set()
        for d in base.diff(None):
            paths.update(p for p in (d.a_path, d.b_path) if p)
        paths.update(self.repo.untracked_files)
        out = {e for p in paths if (e := self._to_estate(p)) is not None}
        return sorted(out)

    def file_at(self, ref: str | git.Commit, estate_path: str) -> str | None:
        commit = ref if isinstance(ref, git.Commit) else self.commit(ref)
        try:
            blob = commit.tree / self._to_git(estate_path)
        except KeyError:
            return None
        data: bytes = blob.data_stream.read()
        return data.decode("utf-8", errors="replace")

    def last_version(self, estate_path: str) -> tuple[str, str] | None:
        """(commit sha, text) of the newest committed version of a file now deleted."""
        head = self.head_sha()
        if head is None:
            return None
        text = self.file_at(head, estate_path)
        if text is not None:
            return head, text
        gp = self._to_git(estate_path)
        for c in self.repo.iter_commits(head, paths=gp, max_count=1):
            # `c` deleted the file (or last touched it): the version before is in its parent.
            for parent in c.parents[:1]:
                text = self.file_at(parent, estate_path)
                if text is not None:
                    return parent.hexsha, text
        return None

    @contextmanager
    def checkout_estate(self, ref: str, changed: Iterable[str] | None = None) -> Iterator[Path]:
        """The estate files of `ref` in a temporary folder (the work tree is not touched).

        Given `changed` (from `changed_files(ref)`), every other file is the same as in
        the work tree and is linked from there instead of read out of git: on a large
        estate that is most of the time saved.
        """
        differ = set(changed) if changed is not None else None
        work_root = Path(self.repo.working_tree_dir or ".") / self.prefix
        commit = self.commit(ref)
        with tempfile.TemporaryDirectory(prefix="reconciler-ref-") as tmp:
            root = Path(tmp)
            for sub in ESTATE_DIRS:
                (root / sub).mkdir()
                try:
                    tree = commit.tree / self._to_git(sub)
                except KeyError:
                    continue
                for blob in tree.blobs:
                    if not blob.name.endswith((".yaml", ".yml")):
                        continue
                    dest = root / sub / blob.name
                    if differ is not None and f"{sub}/{blob.name}" not in differ \
                            and _link(work_root / sub / blob.name, dest):
                        continue
                    dest.write_bytes(blob.data_stream.read())
            yield root


def _link(src: Path, dest: Path) -> bool:
    """Hard-link (or copy) an unchanged work-tree file; False to read it from git."""
    try:
        if src.is_symlink() or not src.is_file():
            return False
        try:
            os.link(src, dest)
        except OSError:
            shutil.copyfile(src, dest)
        return True
    except OSError:
        return False
