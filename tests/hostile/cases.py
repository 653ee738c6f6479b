"""Bad estates, generated from compact tables (no bad files live in git).

Each case edits one file of a private copy of the example estate: it replaces the
first occurrence of `old` with `new` (or writes the whole file when `old` is None)
and names the file, rule and line the error must point at. `AT` means "the line
where `new` landed".
"""

from __future__ import annotations

from tests.hostile.case import AT, AT_END, Case
from tests.hostile.cases_domain import FILE_CASES, PLATFORM_CASES, RULE_CASES, TYPE_CASES
from tests.hostile.cases_input import YAML_CASES, injection_cases

__all__ = ["AT", "AT_END", "CASES", "Case"]


def all_cases() -> list[Case]:
    cases = (injection_cases() + YAML_CASES + TYPE_CASES + PLATFORM_CASES + RULE_CASES
             + FILE_CASES)
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


CASES = all_cases()
