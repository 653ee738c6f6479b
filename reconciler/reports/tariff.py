"""Tariffs: a prefix table of per-minute rates, connection fees and a billing increment,
for the client (occupier) and the operator (carrier cost). Money is Decimal."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..errors import ConfigError
from ..model.base import StrictModel

BUILTIN = Path(__file__).with_name("tariffs.yaml")
CENT = Decimal("0.0001")
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]


class Price(StrictModel):
    per_minute: Money
    connection: Money = Decimal(0)


class Rate(StrictModel):
    prefix: Annotated[str, Field(pattern=r"^\+\d{0,15}$")]
    name: Annotated[str, Field(pattern=r"^[^\x00-\x1f<>&]{1,60}$")]
    client: Price
    operator: Price


class Tariff(StrictModel):
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    increment_seconds: Annotated[int, Field(ge=1, le=3600)] = 60
    country_code: Annotated[str, Field(pattern=r"^[1-9]\d{0,2}$")]
    rates: list[Rate]

    @field_validator("rates")
    @classmethod
    def _unique(cls, v: list[Rate]) -> list[Rate]:
        if len({r.prefix for r in v}) != len(v):
            raise ValueError("a prefix is listed twice")
        return v

    def e164(self, dialled: str) -> str | None:
        """The number as E.164: '+…', '00…' (international), '0…' (national)."""
        d = re.sub(r"[\s()-]", "", dialled)
        if re.fullmatch(r"\+\d{6,15}", d):
            return d
        if re.fullmatch(r"00\d{6,15}", d):
            return "+" + d[2:]
        if re.fullmatch(r"0\d{6,14}", d):
            return f"+{self.country_code}{d[1:]}"
        return None

    def rate_for(self, number: str) -> Rate | None:
        """Longest matching prefix."""
        best = None
        for r in self.rates:
            if number.startswith(r.prefix) and (best is None or len(r.prefix) > len(best.prefix)):
                best = r
        return best


@dataclass(frozen=True)
class Rated:
    rate: Rate
    billed_seconds: int
    client: Decimal
    operator: Decimal


def rate_call(tariff: Tariff, rate: Rate, billsec: int) -> Rated:
    units = math.ceil(billsec / tariff.increment_seconds) if billsec > 0 else 0
    secs = units * tariff.increment_seconds

    def amount(p: Price) -> Decimal:
        if secs == 0:
            return Decimal(0).quantize(CENT)
        return (p.connection + p.per_minute * Decimal(secs) / Decimal(60)).quantize(
            CENT, rounding=ROUND_HALF_UP)

    return Rated(rate, secs, amount(rate.client), amount(rate.operator))


def load_tariffs(path: Path | None = None) -> dict[str, Tariff]:
    src = path or BUILTIN
    try:
        raw = YAML(typ="safe").load(src.read_text(encoding="utf-8")) or {}
    except (OSError, YAMLError) as exc:
        raise ConfigError(f"cannot read tariffs from {src}: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{src}: expected tariff names mapped to tariffs")
    out: dict[str, Tariff] = {}
    for name, data in raw.items():
        try:
            out[str(name)] = Tariff.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ConfigError(f"{src}: tariff {name!r}: {where}: {first['msg']}") from None
    return out
