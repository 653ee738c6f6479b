"""Where the built-in templates are: package data in an installed wheel, the
top-level `templates/` folder in a source checkout (the product's fixed layout).

pyproject.toml maps the package `reconciler.templates` onto that top-level folder, so
a wheel carries them as `reconciler/templates/`; a checkout has no such folder and
reads them where they are.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _builtin() -> Path:
    packaged = Path(str(files("reconciler"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[1] / "templates"


BUILTIN_TEMPLATES = _builtin()
#: An estate repository's own templates, overriding built-in ones of the same name.
ESTATE_TEMPLATES = "templates"
