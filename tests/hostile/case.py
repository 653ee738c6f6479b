"""The shape of a hostile-input case (see cases.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

AT = -1
AT_END = -2  # the line where `new` ends
HC = "occupiers/harbour-coffee.yaml"
GL = "occupiers/greenleaf-studio.yaml"
NW = "occupiers/northwind-legal.yaml"
OA = "occupiers/orbit-analytics.yaml"
AC = "occupiers/acme.yaml"
L1 = "sites/lon1.yaml"
M1 = "sites/man1.yaml"


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    old: str | None
    new: str | bytes
    rule: str
    line: int | None = AT  # expected line; None: any line of `file`
    extra: tuple[str, ...] = ()  # other occupier files the case needs (the clash partner)

    def files(self) -> set[str]:
        """Occupier files of the example estate this case loads (all sites always load).

        Only the files a case is about are copied: parsing is what costs time.
        """
        return {f for f in (self.file, *self.extra) if f.startswith("occupiers/")}

    def apply(self, root: Path) -> int | None:
        """Write the bad file; returns the line the error must name."""
        path = root / self.file
        if self.old is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(self.new, bytes):
                path.write_bytes(self.new)
            else:
                path.write_text(self.new, encoding="utf-8")
            return None if self.line == AT else self.line
        text = path.read_text(encoding="utf-8")
        assert isinstance(self.new, str) and self.old in text, (self.id, self.old)
        at = text.index(self.old)
        path.write_text(text[:at] + self.new + text[at + len(self.old):], encoding="utf-8")
        first = text[:at].count("\n") + 1
        if self.line == AT:
            return first
        return first + self.new.count("\n") if self.line == AT_END else self.line


