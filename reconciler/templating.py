"""The one way the product makes a Jinja environment: the immutable sandbox.

Templates are data: operators customise them, and a pull request can change them.
Whatever a template says, it must never reach Python internals, the process
environment, the credentials or the file system, nor change the objects it is
given. So every environment is Jinja2's `ImmutableSandboxedEnvironment` with
`StrictUndefined`, only the globals in `SAFE_GLOBALS`, and only the filters in
`SAFE_FILTERS` plus the ones the caller provides (a filter is Python code that
runs outside the sandbox, so each one is chosen here, not inherited).
A template that tries more fails to render with `jinja2.exceptions.SecurityError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

# Jinja's built-in filters that only transform the values they are given.
SAFE_FILTERS = (
    "abs", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
    "first", "float", "format", "groupby", "indent", "int", "items", "join", "last",
    "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace",
    "reverse", "round", "select", "selectattr", "slice", "sort", "string", "sum", "title",
    "tojson", "trim", "truncate", "unique", "upper", "wordcount", "wordwrap",
)
# `range` is bounded by the sandbox (MAX_RANGE); lipsum, cycler and joiner are not needed.
SAFE_GLOBALS = ("range", "dict", "namespace")

Filter = Callable[..., Any]


class ContainedLoader(jinja2.FileSystemLoader):
    """A file loader that never leaves its folders: a template that is a symbolic link
    to something outside them (`/proc/self/environ`, a credentials file) is not found."""

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if not any(real.startswith(os.path.realpath(root) + os.sep) for root in self.searchpath):
            raise jinja2.TemplateNotFound(template, f"{template!r} leads outside the "
                                          "template folders (a symbolic link): refused")
        return source, filename, uptodate


def template_loader(*folders: str | os.PathLike[str] | None) -> ContainedLoader:
    """The folders in order (an operator's own first), skipping unset ones."""
    return ContainedLoader([str(f) for f in folders if f])


def sandboxed_environment(loader: jinja2.BaseLoader, filters: Mapping[str, Filter] | None = None,
                          *, autoescape: bool | Callable[[str | None], bool] = False,
                          **options: Any) -> ImmutableSandboxedEnvironment:
    """A sandboxed environment with only the safe built-ins and `filters`."""
    env = ImmutableSandboxedEnvironment(loader=loader, undefined=jinja2.StrictUndefined,
                                        autoescape=autoescape, **options)
    builtin = env.filters
    env.filters = {name: builtin[name] for name in SAFE_FILTERS}
    env.filters.update(filters or {})
    env.globals = {name: env.globals[name] for name in SAFE_GLOBALS}
    return env
