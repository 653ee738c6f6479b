"""Templates are data: whatever one says, it cannot reach Python, the environment or files.

Every Jinja environment of the package is the immutable sandbox with the filters we list
(`reconciler.templating`); a template that tries more fails with an error naming it, and
the secret it reached for appears nowhere.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine.resources import Change
from reconciler.errors import ConfigError
from reconciler.targets._render import render_changes
from tests.conftest import REPO_ROOT

SECRET = "s3cret-from-the-runner-7f2c"
CHANGE = Change("create", "lon1/core1", "vlan", "102", None, {"name": "acme"}, "acme")

# Each reaches for the process environment, Python internals, or changes its input.
HOSTILE = {
    "globals-of-a-helper": "{{ cycler.__init__.__globals__.os.environ }}",
    "class-walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "change-internals": "{{ change.__class__.__init__.__globals__['os'].environ }}",
    "filter-internals": "{{ (after | tojson).__class__.__mro__ }}",
    "mutate-input": "{% set _ = after.update({'name': 'pwned'}) %}vlan {{ key }}",
    "format-escape": "{{ '{0.__class__.__init__.__globals__}'.format(change) }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].environ }}",
}


@pytest.fixture
def secret_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("RUNNER_SECRET_FOR_TEST", SECRET)
    return SECRET


def _override(tmp_path: Path, text: str) -> str:
    own = tmp_path / "own-templates" / "arista_eos"
    own.mkdir(parents=True)
    (own / "vlan.j2").write_text(text)
    return str(own.parent)


def test_an_operator_template_is_rendered(tmp_path: Path) -> None:
    """Control: the override folder is used, so the hostile cases below do run."""
    extra = _override(tmp_path, "vlan {{ key }}\n   name own-{{ after.name | upper }}\n")
    assert render_changes("arista_eos", [CHANGE], extra) == ["vlan 102", "   name own-ACME"]


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_template_cannot_leave_the_sandbox(text: str, tmp_path: Path, secret_env: str) -> None:
    extra = _override(tmp_path, text)
    before = dict(CHANGE.after or {})
    with pytest.raises(ConfigError) as err:
        render_changes("arista_eos", [CHANGE], extra)
    assert "template arista_eos/vlan.j2 failed" in str(err.value)
    assert secret_env not in str(err.value)
    assert CHANGE.after == before


def test_a_template_symlinked_out_of_its_folder_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "credentials.yaml"
    outside.write_text(f"lon1-net: {{password: {SECRET}}}\n")
    extra = _override(tmp_path, "{% include 'arista_eos/creds.j2' %}")
    (Path(extra) / "arista_eos" / "creds.j2").symlink_to(outside)
    with pytest.raises(ConfigError) as err:
        render_changes("arista_eos", [CHANGE], extra)
    assert "TemplateNotFound" in str(err.value) and SECRET not in str(err.value)


def test_only_the_filters_we_provide(tmp_path: Path) -> None:
    from reconciler.reports.render import environment as report_env
    from reconciler.targets._render import environment as device_env
    from reconciler.templating import SAFE_FILTERS

    assert set(device_env().filters) == {*SAFE_FILTERS, "vlanlist", "ip_mask"}
    assert set(report_env().filters) == {*SAFE_FILTERS, "ports", "label"}
    assert set(device_env().globals) == {"range", "dict", "namespace"}
    extra = _override(tmp_path, "{{ key | attr('__class__') }}")
    with pytest.raises(ConfigError, match="No filter named 'attr'"):
        render_changes("arista_eos", [CHANGE], extra)


def test_show_with_a_hostile_estate_template_prints_no_secret(
        estate_dir: Path, cli: Callable[..., Any], secret_env: str) -> None:
    """`reconciler show` reads the estate's own templates/: the way in for a pull request."""
    own = estate_dir / "templates" / "show"
    own.mkdir(parents=True)
    (own / "text.j2").write_text("own template for {{ info.occupier.id }}\n")
    ok = cli("show", "acme", "--at", "2026-12-15", "--repo", estate_dir)
    assert ok.exit_code == 0 and ok.stdout == "own template for acme\n"  # the file is used
    (own / "text.j2").write_text(HOSTILE["globals-of-a-helper"])
    res = cli("show", "acme", "--at", "2026-12-15", "--repo", estate_dir)
    assert res.exit_code == 1
    assert "template show/text.j2 failed" in res.output
    assert secret_env not in res.output


def _jinja_constructions(path: Path) -> list[str]:
    """Calls that make a Jinja environment or template other than the sandbox."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("Environment", "SandboxedEnvironment", "Template", "from_string",
                        "NativeEnvironment", "Overlay", "overlay"):
                found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}: {name}")
    return found


def test_every_environment_in_the_package_is_the_immutable_sandbox() -> None:
    package = REPO_ROOT / "reconciler"
    found = [hit for p in sorted(package.rglob("*.py")) for hit in _jinja_constructions(p)]
    assert found == []
    users = [p for p in package.rglob("*.py")
             if "ImmutableSandboxedEnvironment(" in p.read_text()]
    assert sorted(p.name for p in users) == ["freeradius.py", "templating.py"]
    assert os.sep + "lab" + os.sep in str(next(p for p in users if p.name == "freeradius.py"))
