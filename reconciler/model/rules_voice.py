"""Rules for voice contracts: numbers, extensions, main numbers, caller ID and the call
classes forwards reach (see `rules.check_estate`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import InputIssue
from .base import number_range_bounds, parse_int_range
from .occupier import Contract
from .site import Site


def in_number_ranges(site: Site, number: str) -> bool:
    n = int(number[1:])
    for rng in site.pools.numbers:
        first, last, digits = number_range_bounds(rng)
        if len(number) - 1 == digits and first <= n <= last:
            return True
    return False


def voice_rules(err, cp, c: Contract, site: Site, emails: set[str]) -> Iterator[InputIssue]:  # type: ignore[no-untyped-def]
    voice = c.services.voice
    if (c.numbers or c.main_number) and voice is None:
        yield err((*cp, "numbers" if c.numbers else "main_number"), "voice-service",
                  "numbers need a voice service on the contract")
    if voice and len(c.numbers) > voice.lines:
        yield err((*cp, "numbers"), "voice-lines", f"{len(c.numbers)} numbers exceed the "
                  f"{voice.lines} voice lines of the contract (rule 7)")
    ext_pool = parse_int_range(site.pools.extensions, 100, 99999) if site.pools.extensions else None
    for ni, n in enumerate(c.numbers):
        np_ = (*cp, "numbers", ni)
        if not in_number_ranges(site, n.number):
            yield err((*np_, "number"), "number-range",
                      f"{n.number} is not in the site's number ranges (rule 8)")
        if n.user and n.user not in emails:
            yield err((*np_, "user"), "user-exists", f"user {n.user} is not in this occupier's users")
        if n.extension is not None and ext_pool and not ext_pool[0] <= n.extension <= ext_pool[1]:
            yield err((*np_, "extension"), "extension-pool",
                      f"extension {n.extension} is outside the site pool {site.pools.extensions}")
        if c.main_number and n.number == c.main_number.number:
            yield err((*np_, "number"), "main-number", "the main number is inbound only and "
                      "cannot also be a user's number (rule 6)")
    if c.main_number and not in_number_ranges(site, c.main_number.number):
        yield err((*cp, "main_number"), "number-range",
                  f"{c.main_number.number} is not in the site's number ranges (rule 8)")
    yield from _outbound_rules(err, cp, c, site)


def _outbound_rules(err, cp, c: Contract, site: Site) -> Iterator[InputIssue]:  # type: ignore[no-untyped-def]
    """Caller ID can name the main number only when there is one; a forward goes out
    through the trunk like any call, so it must be a call class the contract allows."""
    voice = c.services.voice
    if voice is None or site.pbx is None:
        return
    plan = site.pbx.plan
    allowed = set(voice.allow)
    forwards: list[tuple[tuple[str | int, ...], str]] = []
    for ni, n in enumerate(c.numbers):
        np_ = (*cp, "numbers", ni, "features")
        if n.features.caller_id == "main" and c.main_number is None:
            yield err((*np_, "caller_id"), "caller-id",
                      "caller_id: main needs a main number on the contract")
        if n.features.forward:
            forwards.append(((*np_, "forward"), n.features.forward))
    if c.main_number is not None:
        for step in ("in_hours", "out_of_hours", "if_unanswered"):
            fwd = getattr(c.main_number, step).forward
            if fwd:
                forwards.append(((*cp, "main_number", step, "forward"), fwd))
    for path, number in forwards:
        if in_number_ranges(site, number):
            continue  # the site's own numbers stay on the PBX
        cls = plan.classify(number)
        if cls not in allowed:
            yield err(path, "call-barring",
                      f"forward to {number} is a {cls} call, which the contract does not "
                      f"allow: add {cls} to services.voice.allow or forward elsewhere")


def voice_allocations(err, cp, c: Contract, site: Site) -> Iterator[InputIssue]:  # type: ignore[no-untyped-def]
    """Numbers, extensions and the main number are allocated, never typed in by hand."""
    voice = c.services.voice
    if voice is None:
        return
    if not site.pools.numbers:
        yield err((*cp, "services", "voice"), "number-range",
                  f"site {site.id} has no number ranges (pools.numbers) to give voice lines")
        return
    fix = "run `reconciler allocate`"
    if len(c.numbers) < voice.lines:
        yield err((*cp, "services", "voice"), "allocation-missing",
                  f"{voice.lines} voice lines but {len(c.numbers)} numbers: {fix}")
    if c.main_number is None and site.pbx is not None and site.pbx.main_number:
        yield err((*cp, "services", "voice"), "allocation-missing",
                  f"site {site.id} gives every voice contract a main number: {fix}")
    for ni, n in enumerate(c.numbers):
        if n.extension is None and site.pools.extensions:
            yield err((*cp, "numbers", ni), "allocation-missing",
                      f"{n.number} has no extension: {fix}")
    if c.main_number is not None and site.pbx is not None and site.pbx.reception is None:
        m = c.main_number
        for step in ("in_hours", "out_of_hours", "if_unanswered"):
            if getattr(m, step).to == "reception":
                yield err((*cp, "main_number", step), "main-number",
                          f"{step} goes to reception but site {site.id} has no pbx.reception "
                          "extension")
