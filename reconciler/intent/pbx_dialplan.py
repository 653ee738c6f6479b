"""The PBX's dialplan layout: fixed contexts per site, and the site's own realtime rows.

Asterisk reads realtime dialplan rows only for contexts its static `extensions.conf`
names with `switch => Realtime/...`, and only a `dialplan reload` adds a static
context. So a site has a fixed set of contexts, written once (`reconciler pbx static`),
and every occupier lives in rows inside them:

- `<site>.did_in`: the carrier trunk's context; one row per DID, as the carrier writes it.
- `<site>.phones`: the context of every provisioned phone. Emergency numbers are static
  there (they never depend on a row); the site's rows (this module) dial extensions of
  the caller's own occupier, voicemail feature codes and outside numbers.
- `<site>.occupiers`: each occupier's rows, their extensions prefixed with the occupier's
  key and a '.' (`acme.2121`, `acme.main`, `acme.out`; keys never hold a '.'). The key
  comes from the calling phone's `accountcode`, so a phone reaches only its own
  occupier's rows.

Why prefixed extensions and not one context per occupier behind `eswitch =>
Realtime/${VAR}`: pbx_realtime caches rows for a second by (static context, extension,
priority), so two occupiers dialling the same extension within a second would share a
row. Prefixed extensions make every cached key belong to one occupier.
"""

from __future__ import annotations

import hashlib

from ..engine.resources import Resource
from ..model.base import number_range_bounds, parse_int_range
from ..model.site import Site

INBOUND = "did_in"
PHONES = "phones"
OCCUPIERS = "occupiers"
EMERGENCY = "emergency"
VOICEMAIL_CODE = "*97"  # the user's own box (the handset's voicemail key dials it)
MAIN_BOX_CODE = "*98"  # the occupier's main-number box, from an admin's phone
CONTEXT_MAX = 30  # leaves room for "ext@context" in ps_aors.mailboxes and voicemail keys
ZONE_MAX = 30  # voicemail.tz


def context(site: str, name: str) -> str:
    return f"{site}.{name}"


def occupier_context(site: str, occ: str) -> str:
    """The occupier's voicemail context (`<site>.<occupier>`, hashed when long)."""
    ctx = f"{site}.{occ}"
    if len(ctx) <= CONTEXT_MAX:
        return ctx
    room = max(6, CONTEXT_MAX - len(site) - 1)
    return f"{site}.{hashlib.sha256(occ.encode()).hexdigest()[:room]}"


def occupier_key(site: str, occ: str) -> str:
    """Prefix of the occupier's extensions in `<site>.occupiers`, and its accountcode."""
    return occupier_context(site, occ)[len(site) + 1:]


def occupier_exten(key: str, name: str) -> str:
    """An occupier's extension in `<site>.occupiers`: `acme.2121`, `acme.main-in`."""
    return f"{key}.{name}"


def zone_name(site: str) -> str:
    """The site's entry in voicemail.conf [zonemessages] (voicemail.tz names it)."""
    if len(site) <= ZONE_MAX:
        return site
    return f"{site[:21]}-{hashlib.sha256(site.encode()).hexdigest()[:8]}"


def range_patterns(lo: int, hi: int) -> list[str]:
    """Asterisk patterns matching exactly the numbers lo..hi (same or different lengths)."""
    out: list[str] = []
    for digits in range(len(str(lo)), len(str(hi)) + 1):
        a = max(lo, 10 ** (digits - 1))
        b = min(hi, 10 ** digits - 1)
        if a <= b:
            out += ["_" + p for p in _span(str(a), str(b))]
    return out


def _span(a: str, b: str) -> list[str]:
    """Patterns for the equal-length digit strings a..b."""
    if a == b:
        return [a]
    if a[0] == b[0]:
        return [a[0] + p for p in _span(a[1:], b[1:])]
    rest = len(a) - 1
    out: list[str] = []
    lo, hi = int(a[0]), int(b[0])
    if a[1:] != "0" * rest:
        out += [a[0] + p for p in _span(a[1:], "9" * rest)]
        lo += 1
    top = hi if b[1:] == "9" * rest else hi - 1
    if lo <= top:
        out.append(_digit_class(lo, top) + "X" * rest)
    if top < hi:
        out += [b[0] + p for p in _span("0" * rest, b[1:])]
    return out


def _digit_class(lo: int, hi: int) -> str:
    if lo == hi:
        return str(lo)
    if (lo, hi) == (0, 9):
        return "X"
    if (lo, hi) == (1, 9):
        return "Z"
    if (lo, hi) == (2, 9):
        return "N"
    return f"[{lo}-{hi}]"


# Realtime drivers read '^' and two hex digits as an escaped byte ('^3B' is ';') and split
# a value at ';' (res_config_pgsql does both): regular expressions here anchor with '^(',
# and no row holds a ';'.


def carrier_expr(site: Site, var: str) -> str:
    """Dialplan expression: the E.164 digits in `var` as the site's carrier writes them."""
    assert site.pbx is not None
    fmt, plan = site.pbx.number_format, site.pbx.plan
    if fmt == "e164_plus":
        return f"+${{{var}}}"
    if fmt == "e164":
        return f"${{{var}}}"
    cc = plan.country_code
    return (f'${{IF($[${{REGEX("^({cc})" ${{{var}}})}}]?{plan.national_prefix}${{{var}:{len(cc)}}}'
            f':{plan.international_prefix}${{{var}}})}}')


def caller_id_rows(site: Site) -> list[list[str]]:
    """Present the phone's chosen number (`callerid_tag`: a number, or `withheld` for its own
    number withheld) in the carrier's format. A channel with no tag (a carrier's call
    transferred out) keeps the caller ID it came with."""
    assert site.pbx is not None
    fmt, plan = site.pbx.number_format, site.pbx.plan
    tag = "${CALLERID(tag)}"
    number = {"e164_plus": tag, "e164": "${CALLERID(tag):1}",
              "national": f"{plan.national_prefix}${{CALLERID(tag):{len(plan.country_code) + 1}}}"
              }[fmt]
    return [["ExecIf", f'$["{tag}" = "withheld"]?Set(CALLERID(num-pres)=prohib)'],
            ["ExecIf", f'$["{tag}" = "withheld"]?Set(CALLERID(tag)=${{CALLERID(num)}})'],
            ["ExecIf", f'$["{tag}" != ""]?Set(CALLERID(num)={number})']]


def site_rows(tid: str, site: Site) -> list[Resource]:
    """The site's own rows in `<site>.phones` (the same for every occupier)."""
    assert site.pbx is not None
    plan = site.pbx.plan
    phones, occupiers = context(site.id, PHONES), context(site.id, OCCUPIERS)
    rows: dict[str, list[list[str]]] = {}
    rows[VOICEMAIL_CODE] = [
        ["Set", "RECONCILER_BOX=${PJSIP_AOR(${CHANNEL(endpoint)},mailboxes)}"],
        ["GotoIf", '$["${RECONCILER_BOX}" = ""]?4'],
        ["VoiceMailMain", "${RECONCILER_BOX}"],
        ["Hangup", ""]]
    rows[MAIN_BOX_CODE] = [["Goto", f"{occupiers},${{CHANNEL(accountcode)}}.{MAIN_BOX_CODE},1"]]
    if site.pools.extensions:
        lo, hi = parse_int_range(site.pools.extensions, 100, 99999)
        for pattern in range_patterns(lo, hi):
            rows[pattern] = [["Goto", f"{occupiers},${{CHANNEL(accountcode)}}.${{EXTEN}},1"]]
    # What people dial for outside numbers, to E.164 digits for `out`.
    ip, np_ = plan.international_prefix, plan.national_prefix
    rows["_+X."] = [["Gosub", f"{phones},out,1(${{EXTEN:1}})"], ["Hangup", ""]]
    rows[f"_{ip}X."] = [["Gosub", f"{phones},out,1(${{EXTEN:{len(ip)}}})"], ["Hangup", ""]]
    if np_:
        rows[f"_{np_}X."] = [["Gosub", f"{phones},out,1({plan.country_code}"
                                        f"${{EXTEN:{len(np_)}}})"], ["Hangup", ""]]
    rows["out"] = _out_rows(site)
    return [Resource(tid, "pbx_site_route", f"{phones}/{exten}", {"steps": steps})
            for exten, steps in rows.items()]


def _out_rows(site: Site) -> list[list[str]]:
    """ARG1 = E.164 digits: the site's own numbers stay on the PBX; others are classed,
    checked against the caller's occupier (`<key>.out`) and dialled through the trunk."""
    assert site.pbx is not None
    plan = site.pbx.plan
    cc = plan.country_code
    steps: list[list[str]] = [
        ["GotoIf", '$[${REGEX("^([1-9][0-9]{5,14})$" ${ARG1})}]?3'],
        ["Hangup", "1"],  # not a number: unallocated
        ["Set", f"RECONCILER_TO={carrier_expr(site, 'ARG1')}"]]
    onnet_at: list[int] = []
    for rng in site.pools.numbers:
        first, last, _digits = number_range_bounds(rng)
        onnet_at.append(len(steps))
        steps.append(["GotoIf", f"$[${{ARG1}} >= {first} & ${{ARG1}} <= {last}]?ONNET"])
    steps += [["Set", "RECONCILER_CLASS=international"],
              ["ExecIf", f'$[${{REGEX("^({cc})" ${{ARG1}})}}]?Set(RECONCILER_CLASS=premium)']]
    for _n, name, prefixes in plan.prefix_rules():
        alt = "|".join(prefixes)
        steps.append(["ExecIf", f'$[${{REGEX("^({cc})({alt})" ${{ARG1}})}}]'
                                f"?Set(RECONCILER_CLASS={name})"])
    allowed = len(steps) + 4
    steps += [["Gosub", f"{context(site.id, OCCUPIERS)},${{CHANNEL(accountcode)}}.out,1"
                        "(${RECONCILER_CLASS})"],
              ["GotoIf", f'$["${{GOSUB_RETVAL}}" = "allow"]?{allowed}'],
              ["Hangup", "21"]]  # barred: call rejected
    steps += caller_id_rows(site)
    steps += [["Dial", f"PJSIP/${{RECONCILER_TO}}@{site.pbx.trunk}"], ["Hangup", ""]]
    onnet = len(steps) + 1
    steps.append(["Goto", f"{context(site.id, INBOUND)},${{RECONCILER_TO}},1"])
    for i in onnet_at:
        steps[i][1] = steps[i][1].replace("ONNET", str(onnet))
    return steps
