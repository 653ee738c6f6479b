"""Hostile strings in every sensitive field; broken YAML, bombs, tags, sizes."""

from __future__ import annotations

import json

from tests.hostile.case import AC, AT, AT_END, GL, HC, L1, M1, NW, Case

# -- 1. hostile strings in every field that reaches a device, SQL, a file name or a URL

HOSTILE = {
    "newline": "x\ninterface Management1", "cr": "x\rshutdown", "semicolon": "x; reload now",
    "pipe": "x | bash", "bang": "x ! y", "backtick": "x`id`", "dollar": "$(reboot)",
    "sql-quote": "x' OR '1'='1", "sql-drop": "'; DROP TABLE radcheck; --",
    "traversal": "../../etc/passwd", "nul": "x\x00y", "escape": "x\x1b[2J", "c1-nel": "x\x85y",
    "line-separator": "x\u2028y", "bidi-override": "x\u202egnp.exe", "zero-width": "x\u200by",
    "fullwidth": "\uff41\uff43\uff4d\uff45", "cyrillic-a": "\u0430cme", "huge": "a" * 5000,
    "empty": "", "double-quote": 'a "b" c', "brace": "{{7*7}}",
}
# Free text (names, labels, addresses) is for people: letters of any script, apostrophes,
# '#' and '/' are fine there because free text never becomes a command, a file name or SQL
# text (SQL is parameterised). Every other hostile string must be refused.
FREE_TEXT_OK = {"sql-quote", "traversal", "fullwidth", "cyrillic-a"}

# field -> (file, old, template for new with {} = the JSON-quoted value, rule, free text?)
FIELDS: dict[str, tuple[str, str, str, str, bool]] = {
    "occupier-id": (HC, "id: harbour-coffee", "id: {}", "schema", False),
    "billing-ref": (HC, "billing_ref: HARBOUR-0090", "billing_ref: {}", "schema", False),
    "space-id": (HC, 'space: "3.04"', "space: {}", "schema", False),
    "contract-id": (HC, "  - site: lon1", "  - id: {}\n    site: lon1", "schema", False),
    "tariff": (NW, "tariff: business", "tariff: {}", "schema", False),
    "user-email": (GL, "email: maya.green@greenleaf.example", "email: {}", "schema", False),
    "device-name": (GL, "name: printer-2f", "name: {}", "schema", False),
    "external-id": (AC, '"0016800000XyZaQ"', "{}", "schema", False),
    "switch-host": (L1, "host: 10.255.0.12", "host: {}", "schema", False),
    "switch-credentials": (L1, "credentials: lon1-net}", "credentials: {}}}", "schema", False),
    "vacant-description": (L1, "description: vacant}", "description: {}}}", "schema", False),
    "uplink": (L1, "uplinks: [Ethernet49]", "uplinks: [{}]", "schema", False),
    "port-ref": (L1, '"acc-3a:Ethernet9"', "{}", "port-ref", False),
    "nas-identifier": (L1, "nas_identifier: lon1-wlc", "nas_identifier: {}", "schema", False),
    "provisioning-dir": (L1, "provisioning_dir: provisioning/lon1", "provisioning_dir: {}",
                         "schema", False),
    "timezone": (L1, "timezone: Europe/London", "timezone: {}", "schema", False),
    "support-email": (L1, "email: support.lon1@workspace.example", "email: {}", "schema",
                      False),
    "meraki-network": (M1, "network_id: L_646829496481105522", "network_id: {}", "schema",
                       False),
    "occupier-name": (HC, "name: Harbour Coffee Roasters", "name: {}", "schema", True),
    "user-name": (GL, "name: Maya Green", "name: {}", "schema", True),
    "number-label": (NW, "label: Owen Price", "label: {}", "schema", True),
    "site-name": (L1, "name: London Shoreditch", "name: {}", "schema", True),
    "site-address": (L1, "address: 12 Rivington Street, London EC2A 3DU", "address: {}",
                     "schema", True),
    "support-hours": (L1, 'hours: "Mon-Fri 08:30-18:00"', "hours: {}", "schema", True),
}
VALUES_PER_FIELD = 4  # each field gets a rotating share of HOSTILE: every value on many fields


def injection_cases() -> list[Case]:
    names = list(HOSTILE)
    out = []
    for fi, (field, (file, old, tpl, rule, free)) in enumerate(FIELDS.items()):
        allowed = [n for n in names if not (free and n in FREE_TEXT_OK)]
        for k in range(VALUES_PER_FIELD):
            vname = allowed[(fi * 3 + k) % len(allowed)]
            new = tpl.format(json.dumps(HOSTILE[vname]))
            out.append(Case(f"inject-{field}-{vname}", file, old, new, rule))
    return out


# -- 2. broken YAML, bombs, tags, sizes, encodings

_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9))
_ID = "id: harbour-coffee\nname: Harbour Coffee Roasters\n"

YAML_CASES = [
    Case("yaml-bomb", HC, None, _BOMB, "yaml-alias", 1),
    Case("yaml-merge-key", HC, "  - site: lon1", "  - &c site: lon1", "yaml-alias", AT),
    Case("yaml-merge-map", HC, None, "base: &b {site: lon1, start: 2026-01-01}\n" + _ID
         + "contracts:\n  - <<: *b\n", "yaml-alias", 1),
    Case("yaml-scalar-alias", HC, "name: Harbour Coffee Roasters\nbilling_ref: HARBOUR-0090",
         "name: &n Harbour\nbilling_ref: *n", "yaml-alias", AT),
    Case("yaml-anchor-unused", L1, "pools:", "pools: &p", "yaml-alias", AT),
    Case("yaml-alias-undefined", HC, "name: Harbour Coffee Roasters", "name: *nothing",
         "yaml-syntax", AT),
    Case("yaml-duplicate-key", HC, "billing_ref: HARBOUR-0090",
         "billing_ref: HARBOUR-0090\nname: Other", "yaml-duplicate-key", None),
    Case("yaml-duplicate-switch", L1, "  acc-3a:", "  acc-2a:", "yaml-duplicate-key", None),
    Case("yaml-duplicate-in-flow", HC, "{bandwidth_mbps: 50}",
         "{bandwidth_mbps: 50, bandwidth_mbps: 60}", "yaml-duplicate-key", None),
    Case("yaml-unclosed-flow", HC, '{space: "3.04"', '{space: "3.04', "yaml-syntax", None),
    Case("yaml-unclosed-list", HC, "billing_ref: HARBOUR-0090", "billing_ref: [HARBOUR-0090",
         "yaml-syntax", None),
    Case("yaml-tab-indent", HC, "  - site: lon1", "\t- site: lon1", "yaml-syntax", AT),
    Case("yaml-bad-indent", HC, "    start: 2026-10-01", "      start: 2026-10-01",
         "yaml-syntax", None),
    Case("yaml-two-documents", HC, "contracts:", "---\ncontracts:", "yaml-syntax", None),
    Case("yaml-raw-bell", HC, "Harbour Coffee Roasters", "Harbour\x07Coffee", "yaml-syntax", 1),
    Case("yaml-raw-nul", HC, "Harbour Coffee Roasters", "Harbour\x00Coffee", "yaml-syntax", 1),
    Case("yaml-raw-escape", L1, "London Shoreditch", "London\x1b[31mShoreditch", "yaml-syntax",
         1),
    Case("yaml-bad-directive", HC, "id: harbour-coffee", "%YAML 9.9\n---\nid: harbour-coffee",
         "yaml-syntax", 2),
    Case("yaml-python-tag", HC, "name: Harbour Coffee Roasters",
         "name: !!python/object/apply:os.system [reboot]", "yaml-tag", AT),
    Case("yaml-custom-tag", HC, "name: Harbour Coffee Roasters", "name: !shell reboot",
         "yaml-tag", AT),
    Case("yaml-binary-tag", HC, "name: Harbour Coffee Roasters", "name: !!binary aGVsbG8=",
         "yaml-tag", AT),
    Case("yaml-set-tag", HC, "name: Harbour Coffee Roasters", "name: !!set {a, b}",
         "yaml-tag", AT),
    Case("yaml-omap-tag", HC, "billing_ref: HARBOUR-0090",
         "billing_ref: HARBOUR-0090\nexternal_ids: !!omap [{crm: x}]", "yaml-tag", AT_END),
    Case("yaml-omap-block", HC, "    services:", "    services: !!omap", "yaml-syntax", None),
    Case("yaml-tagged-map", HC, "    services:", "    services: !svc", "yaml-tag", AT),
    Case("yaml-str-tag", HC, "billing_ref: HARBOUR-0090", "billing_ref: !!str HARBOUR-0090",
         "yaml-tag", AT),
    Case("yaml-int-key", HC, "contracts:", "1: one\ncontracts:", "yaml-key", AT),
    Case("yaml-null-key", HC, "contracts:", "~: none\ncontracts:", "yaml-key", AT),
    Case("yaml-complex-key", HC, "contracts:", "? [a, b]\n: c\ncontracts:", "yaml-key", AT),
    Case("yaml-deep-nesting", HC, None, _ID + "external_ids: " + "[" * 3000 + "]" * 3000 + "\n",
         "yaml-size", 3),
    Case("yaml-deep-maps", HC, None, _ID + "x: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n",
         "yaml-size", 3),
    Case("yaml-deep-nesting-just-over", HC, None,
         _ID + "external_ids: " + "[" * 40 + "]" * 40 + "\n", "yaml-size", 3),
    Case("yaml-deep-indentation", HC, None,
         _ID + "x:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(300)) + " " * 301
         + "v: 1\n", "yaml-size", None),
    Case("yaml-huge-file", HC, None, _ID + "# " + "x" * (3 * 1024 * 1024) + "\n",
         "yaml-size", 1),
    Case("yaml-too-many-values", HC, None,
         _ID + "external_ids: [" + ", ".join(["1"] * 25_000) + "]\n", "yaml-size", 1),
    Case("yaml-too-many-lines", HC, None, _ID + "#\n" * 30_000, "yaml-size", 1),
    Case("yaml-huge-integer", HC, "vlan: 100", "vlan: 1" + "0" * 5000, "yaml-syntax", 1),
    Case("yaml-latin1", HC, None, (_ID.replace("Roasters", "R\u00f6asters")).encode("latin-1"),
         "yaml-encoding", 1),
    Case("yaml-utf16", HC, None, _ID.encode("utf-16"), "yaml-encoding", 1),
    Case("yaml-empty-file", HC, None, "", "schema", 1),
    Case("yaml-only-comment", HC, None, "# nothing here\n", "schema", 1),
    Case("yaml-top-list", HC, None, "- id: harbour-coffee\n", "schema", 1),
    Case("yaml-top-scalar", HC, None, "harbour-coffee\n", "schema", 1),
    Case("yaml-site-top-list", L1, None, "- lon1\n", "schema", 1),
]
