"""Dialling plans (what people dial, which numbers cost what) and carrier number formats.

A site's PBX names a plan (`pbx.dialling`, built-in plans in `dialling.yaml`) and the
format its carrier trunk uses for numbers (`pbx.number_format`): E.164 with or without
the '+', or national. The same conversions serve the dialplan rows (what a DID looks
like when the carrier sends it, what a dialled number looks like when it goes out) and
the call-charge report (what Asterisk recorded back to E.164).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field
from ruamel.yaml import YAML

from .base import StrictModel

BUILTIN = Path(__file__).with_name("dialling.yaml")
CallClass = Literal["national", "mobile", "international", "premium"]
CALL_CLASSES: tuple[str, ...] = ("national", "mobile", "international", "premium")
NumberFormat = Literal["e164_plus", "e164", "national"]
Digits = Annotated[str, Field(pattern=r"^\d{1,3}$")]
ShortCode = Annotated[str, Field(pattern=r"^\d{2,6}$")]
Prefix = Annotated[str, Field(pattern=r"^\d{1,8}$")]


class DiallingPlan(StrictModel):
    country_code: Annotated[str, Field(pattern=r"^[1-9]\d{0,2}$")]
    national_prefix: Digits
    international_prefix: Annotated[str, Field(pattern=r"^\d{2,4}$")]
    emergency: list[ShortCode]
    classes: dict[Literal["national", "mobile", "premium"], list[Prefix]]

    def classify(self, e164: str) -> str:
        """The call class of '+<digits>': the longest prefix of the national number wins."""
        digits = e164.lstrip("+")
        if not digits.startswith(self.country_code):
            return "international"
        nsn = digits[len(self.country_code):]
        best, best_len = "premium", -1
        for name, prefixes in self.classes.items():
            for p in prefixes:
                if nsn.startswith(p) and len(p) > best_len:
                    best, best_len = name, len(p)
        return best

    def prefix_rules(self) -> list[tuple[int, str, list[str]]]:
        """(prefix length, class, prefixes) shortest first: applied in order, the last
        match (the longest prefix) decides, as `classify` does."""
        out: dict[tuple[int, str], list[str]] = {}
        for name, prefixes in self.classes.items():
            for p in prefixes:
                out.setdefault((len(p), name), []).append(p)
        return [(n, name, sorted(ps)) for (n, name), ps in sorted(out.items())]

    def to_carrier(self, e164: str, fmt: str) -> str:
        """'+442079460121' as the carrier writes it."""
        if fmt == "e164_plus":
            return e164
        digits = e164.lstrip("+")
        if fmt == "e164":
            return digits
        if digits.startswith(self.country_code):
            return self.national_prefix + digits[len(self.country_code):]
        return self.international_prefix + digits

    def from_carrier(self, number: str, fmt: str) -> str | None:
        """A number as the carrier (or a caller) wrote it, back to '+<digits>'; None if it
        is not one (a short code, a name)."""
        n = re.sub(r"[\s()-]", "", number)
        if re.fullmatch(r"\+[1-9]\d{5,14}", n):
            return n
        if not n.isdigit():
            return None
        if fmt == "e164" and re.fullmatch(r"[1-9]\d{5,14}", n):
            return "+" + n
        ip, np_ = self.international_prefix, self.national_prefix
        if n.startswith(ip) and re.fullmatch(r"[1-9]\d{5,14}", n[len(ip):]):
            return "+" + n[len(ip):]
        if np_ and n.startswith(np_) and re.fullmatch(r"[1-9]\d{4,13}", n[len(np_):]):
            return f"+{self.country_code}{n[len(np_):]}"
        return None


@functools.cache
def plans() -> dict[str, DiallingPlan]:
    raw = YAML(typ="safe").load(BUILTIN.read_text(encoding="utf-8")) or {}
    return {str(k): DiallingPlan.model_validate(v) for k, v in raw.items()}


def plan(name: str) -> DiallingPlan:
    try:
        return plans()[name]
    except KeyError:
        raise ValueError(f"unknown dialling plan {name!r}; built in: "
                         + ", ".join(sorted(plans()))) from None
