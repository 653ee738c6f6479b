"""The corpus of public configs (tests/data/corpus, sources in SOURCES.md): the switch
readers read every file or name the one line they cannot read, never fail otherwise, and
state what a network engineer reads in a sample of them (corpus_facts.py)."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.errors import ParseError
from reconciler.switching.blocks import decode_config
from reconciler.switching.state import SwitchState
from reconciler.switching.view import inspect_view
from reconciler.targets.inspect import PARSERS
from tests.conftest import realdata
from tests.switching.corpus_facts import FACTS, UNSTATED, VLAN_INTERFACES_SVIS

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
PLATFORMS = ("cisco_ios", "arista_eos")
LICENCES = {"Apache-2.0", "MIT", "BSD-3-Clause"}
# Config templates, not configs: the reader names the first line that is no command.
REFUSED = {"cisco_ios": {"containerlab__nodes_cisco_vios_vios.cfg": (34, "config-syntax")},
           "arista_eos": {"containerlab__nodes_ceos_ceos.cfg": (1, "config-syntax")}}
_ROW = re.compile(r"\| `([^`]+)` \| ([\w.-]+/[\w.-]+) \| `([^`]+)` \| ([0-9a-f]{40}) \| ([\w.-]+) \|")


def _files(platform: str) -> list[Path]:
    return sorted((CORPUS / platform).iterdir())


def _text(path: Path) -> str:
    return decode_config(path.read_bytes())  # as `reconciler inspect` reads a file


def _read(platform: str, path: Path) -> SwitchState:
    return PARSERS[platform](_text(path), path.name)


def test_every_file_has_its_source_and_a_permissive_licence() -> None:
    rows = {m[1]: m for m in _ROW.finditer((CORPUS / "SOURCES.md").read_text())}
    files = {p.name: platform for platform in PLATFORMS for p in _files(platform)}
    assert set(rows) == set(files)
    assert {m[5] for m in rows.values()} <= LICENCES
    counts = Counter(files.values())
    assert counts["cisco_ios"] >= 100 and counts["arista_eos"] >= 40
    assert len({m[2] for m in rows.values()}) >= 8  # from many projects, not one


@pytest.mark.realdata
def test_no_file_is_one_of_the_real_data_configs() -> None:
    real = {hashlib.sha256(p.read_bytes()).hexdigest()
            for p in realdata().rglob("*") if p.is_file()}
    ours = {hashlib.sha256(p.read_bytes()).hexdigest()
            for platform in PLATFORMS for p in _files(platform)}
    assert not real & ours


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_file_is_read_or_its_bad_line_named(platform: str) -> None:
    refused: dict[str, tuple[int, str]] = {}
    read = 0
    for path in _files(platform):
        try:
            json.dumps(inspect_view(_read(platform, path)))  # anything else: a failure
            read += 1
        except ParseError as exc:
            assert exc.issue.file == path.name
            refused[path.name] = (exc.issue.line, exc.issue.rule)
    assert refused == REFUSED[platform]
    assert read == len(_files(platform)) - len(REFUSED[platform])


def _mutants(text: str, rnd: random.Random) -> list[str]:
    lines = text.splitlines()
    out = ["\n".join(lines[:n]) for n in (len(lines) // 3, len(lines) // 2, len(lines) - 1)]
    junk = ["4095", "0", "x", "10-5", "1,,2", "add", "vlan", "999999999999", "1.2.3", "\u00b2"]
    for _ in range(4):
        mutated = list(lines) or [""]
        i = rnd.randrange(len(mutated))
        op = rnd.randrange(4)
        if op == 0:
            mutated.insert(i, mutated[i])  # a repeated line
        elif op == 1:
            mutated[i] = " " + mutated[i]  # a header indented by one space
        elif op == 2:
            mutated[i] = mutated[i][: rnd.randrange(len(mutated[i]) + 1)]  # cut short
        else:
            words = mutated[i].split() or [""]
            words[rnd.randrange(len(words))] = rnd.choice(junk)
            mutated[i] = " " + " ".join(words)
        out.append("\n".join(mutated))
    return out


@pytest.mark.parametrize("platform", PLATFORMS)
def test_damaged_files_are_read_or_refused_never_a_crash(platform: str) -> None:
    rnd = random.Random(17)  # the same damage every run
    outcomes = Counter()
    for path in _files(platform):
        for text in _mutants(_text(path), rnd):
            try:
                PARSERS[platform](text, path.name)
                outcomes["read"] += 1
            except ParseError as exc:
                assert 1 <= exc.issue.line <= text.count("\n") + 1
                outcomes["refused"] += 1
    assert outcomes["read"] and outcomes["refused"]  # both happen; nothing else does


def test_each_reader_refuses_or_reads_the_other_platforms_files() -> None:
    for platform, other in (PLATFORMS, PLATFORMS[::-1]):
        for path in _files(other):
            try:
                PARSERS[platform](_text(path), path.name)
            except ParseError:
                pass


def test_the_sample_has_at_least_twenty_files_of_both_platforms() -> None:
    platforms = Counter(f.platform for f in FACTS.values())
    assert len(FACTS) >= 20 and min(platforms.values()) >= 8


@pytest.mark.parametrize("name", sorted(FACTS))
def test_the_readers_state_what_the_file_says(name: str) -> None:
    facts = FACTS[name]
    state = _read(facts.platform, CORPUS / facts.platform / name)
    view = inspect_view(state)
    for port, expected in facts.ports.items():
        assert view["ports"].get(port) == expected, port
    if facts.vlans is not None:
        assert view["vlans"] == {str(v): {"name": n} for v, n in sorted(facts.vlans.items())}
    if facts.svis is not None:
        assert view["svis"] == {str(v): s for v, s in sorted(facts.svis.items())}
    if facts.hostname != UNSTATED:
        assert state.hostname == facts.hostname
    if facts.port_count is not None:
        assert len(view["ports"]) == facts.port_count
    for port, address in facts.addresses.items():
        assert state.ports[port].address == address, port


def test_svis_with_relays_shut_and_anycast_gateways() -> None:
    name = "avd__molecule_eos_cli_config_gen_vlan-interfaces.cfg"
    state = _read("arista_eos", CORPUS / "arista_eos" / name)
    view = inspect_view(state)["svis"]
    for vid, expected in VLAN_INTERFACES_SVIS.items():
        assert view[str(vid)] == expected, vid
    assert not state.svis[87].enabled and state.svis[84].enabled
    assert state.svis[41].virtual_addresses == ("10.10.41.1/24",)
    assert len(state.svis) == 34  # every `interface VlanN` of the file


def test_inspect_reads_a_corpus_file_and_names_the_bad_line_of_a_template(
        cli: Callable[..., Any]) -> None:
    utf16 = CORPUS / "cisco_ios" / "batfish__grammar_ios-unicode-bom.cfg"
    assert utf16.read_bytes()[:2] == b"\xff\xfe"  # saved by a Windows tool
    res = cli("inspect", "--platform", "cisco_ios", "--running-config", utf16)
    assert res.exit_code == 0, res.output
    assert set(json.loads(res.stdout)) == {"vlans", "ports", "svis"}
    template = CORPUS / "cisco_ios" / "containerlab__nodes_cisco_vios_vios.cfg"
    res = cli("inspect", "--platform", "cisco_ios", "--running-config", template)
    assert res.exit_code == 1
    assert f"{template}:34:1: [config-syntax]" in res.output
    assert "internal error" not in res.output
