"""Generate CDR lines the way Asterisk's cdr_csv writes them (see cdr_csv.c)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.reports.cdr import LAYOUTS

UNQUOTED = ("duration", "billsec", "sequence")
DATES = ("start", "answer", "end")


def cdr_line(rec: Mapping[str, Any], columns: int) -> str:
    """Strings in double quotes ("" inside), numbers bare, an unset date as an empty field."""
    out = []
    for name in LAYOUTS[columns]:
        v = rec.get(name, "")
        if name in UNQUOTED:
            out.append(str(v))
        elif name in DATES and v == "":
            out.append("")
        else:
            out.append('"' + str(v).replace('"', '""') + '"')
    return ",".join(out)
