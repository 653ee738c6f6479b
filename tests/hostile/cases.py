"""Bad estates, generated from compact tables (no bad files live in git).

Each case edits one file of a private copy of the example estate: it replaces the
first occurrence of `old` with `new` (or writes the whole file when `old` is None)
and names the file, rule and line the error must point at. `AT` means "the line
where `new` landed".
"""

from __future__ import annotations

import json
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


def _injection_cases() -> list[Case]:
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

# -- 3. wrong types and values out of range

TYPE_CASES = [Case(f"type-{name}", file, old, new, rule, AT_END)
              for name, file, old, new, rule in [
    ("vlan-string", HC, "vlan: 100", 'vlan: "100"', "schema"),
    ("vlan-float", HC, "vlan: 100", "vlan: 100.0", "schema"),
    ("vlan-bool", HC, "vlan: 100", "vlan: true", "schema"),
    ("vlan-null", HC, "vlan: 100", "vlan: null", "schema"),
    ("vlan-list", HC, "vlan: 100", "vlan: [100]", "schema"),
    ("vlan-zero", HC, "vlan: 100", "vlan: 0", "schema"),
    ("vlan-4095", HC, "vlan: 100", "vlan: 4095", "schema"),
    ("vlan-negative", HC, "vlan: 100", "vlan: -100", "schema"),
    ("vlan-nan", HC, "vlan: 100", "vlan: .nan", "schema"),
    ("subnet-host-bits", HC, "subnet: 172.16.0.0/24", "subnet: 172.16.0.1/24", "schema"),
    ("subnet-slash16", HC, "subnet: 172.16.0.0/24", "subnet: 172.16.0.0/16", "schema"),
    ("subnet-ipv6", HC, "subnet: 172.16.0.0/24", "subnet: fd00::/64", "schema"),
    ("subnet-word", HC, "subnet: 172.16.0.0/24", "subnet: lan", "schema"),
    ("bandwidth-text", HC, "bandwidth_mbps: 50", "bandwidth_mbps: fast", "schema"),
    ("bandwidth-zero", HC, "bandwidth_mbps: 50", "bandwidth_mbps: 0", "schema"),
    ("bandwidth-huge", HC, "bandwidth_mbps: 50", "bandwidth_mbps: 99999999999", "schema"),
    ("bandwidth-inf", HC, "bandwidth_mbps: 50", "bandwidth_mbps: .inf", "schema"),
    ("services-list", HC, "internet: {bandwidth_mbps: 50}", "internet: [50]", "schema"),
    ("unknown-service", HC, "internet: {bandwidth_mbps: 50}",
     "internet: {bandwidth_mbps: 50}\n      cctv: true", "schema"),
    ("unknown-top-key", HC, "billing_ref: HARBOUR-0090", "billing_ref: HARBOUR-0090\nowner: x",
     "schema"),
    ("misspelt-key", HC, "billing_ref: HARBOUR-0090", "biling_ref: HARBOUR-0090", "schema"),
    ("start-bad-day", HC, "start: 2026-10-01", "start: 2026-02-30", "schema"),
    ("start-word", HC, "start: 2026-10-01", "start: yesterday", "schema"),
    ("start-datetime", HC, "start: 2026-10-01", "start: 2026-10-01T10:00:00", "schema"),
    ("start-number", HC, "start: 2026-10-01", "start: 20261001", "schema"),
    ("move-in-null", HC, "move_in: 2026-10-01", "move_in: null", "schema"),
    ("users-map", HC, "    network: {vlan: 100, subnet: 172.16.0.0/24}",
     "    network: {vlan: 100, subnet: 172.16.0.0/24}\nusers: {email: a@b.example, name: A}",
     "schema"),
    ("capacity-text", L1, "capacity: 8, ports: [\"acc-2a:Ethernet1-4\"]",
     "capacity: many, ports: [\"acc-2a:Ethernet1-4\"]", "schema"),
    ("capacity-negative", L1, "capacity: 4, ports: [\"acc-2a:Ethernet5-6\"]",
     "capacity: -4, ports: [\"acc-2a:Ethernet5-6\"]", "schema"),
    ("space-kind", L1, "kind: meeting_room", "kind: ballroom", "schema"),
    ("role-unknown", L1, "role: access, uplinks: [Ethernet49]",
     "role: distribution, uplinks: [Ethernet49]", "schema"),
    ("mac-short", GL, '"3c:d9:2b:4e:11:02"', '"3c:d9:2b:4e:11"', "schema"),
    ("mac-letters", GL, '"3c:d9:2b:4e:11:02"', '"zz:d9:2b:4e:11:02"', "schema"),
    ("reservation-word", GL, "reservation: 172.16.1.10", "reservation: printer", "schema"),
    ("number-not-e164", NW, '"+441614960012"', '"01614960012"', "schema"),
    ("number-letters", NW, '"+441614960012"', '"+44161496001x"', "schema"),
    ("extension-text", NW, "extension: 3012", "extension: three", "schema"),
    ("extension-big", NW, "extension: 3012", "extension: 123456", "schema"),
    ("handset-model", NW, "model: yealink-t46u", "model: rotary-dial", "schema"),
    ("route-unknown", NW, "out_of_hours: {to: voicemail}", "out_of_hours: {to: pager}",
     "schema"),
    ("route-forward-missing", NW, "out_of_hours: {to: voicemail}", "out_of_hours: {to: forward}",
     "schema"),
    ("lines-zero", NW, "lines: 6", "lines: 0", "schema"),
    ("role-user-unknown", GL, "role: admin", "role: root", "schema"),
    ("credential-version-zero", AC, "credential_version: 2", "credential_version: 0", "schema"),
    ("dhcp-text", HC, "    network: {vlan: 100, subnet: 172.16.0.0/24}",
     "    network: {vlan: 100, subnet: 172.16.0.0/24}\n    dhcp: sometimes", "schema"),
    ("pool-vlans-reversed", L1, "occupier_vlans: 100-899", "occupier_vlans: 899-100", "schema"),
    ("pool-vlans-text", L1, "occupier_vlans: 100-899", "occupier_vlans: lots", "schema"),
    ("pool-private-public", L1, "private: 172.16.0.0/16", "private: 8.8.0.0/16", "schema"),
    ("pool-numbers-bad", L1, '["+442079460100-+442079460199"]', '["+442079460199-+442079460100"]',
     "schema"),
    ("pool-numbers-huge", L1, '["+442079460100-+442079460199"]',
     '["+442079460100-+442079999999"]', "schema"),
    ("business-hours-order", L1, 'open: "08:30", close: "18:00"', 'open: "18:00", close: "08:30"',
     "schema"),
    ("business-hours-time", L1, 'open: "08:30"', 'open: "25:30"', "schema"),
    ("business-days", L1, "days: mon-fri", "days: fri-mon", "schema"),
    ("drift-kind", L1, "radius_user: report", "firewall: report", "schema"),
    ("drift-action", L1, "radius_user: report", "radius_user: explode", "schema"),
    ("switch-port-range", L1, "host: 10.255.0.12,", "host: 10.255.0.12, port: 70000,", "schema"),
    ("devices-ssid", M1, "devices_ssid: 2", "devices_ssid: 99", "schema"),
    ("base-url-file", M1, "network_id: L_646829496481105522",
     "network_id: L_646829496481105522, base_url: \"file:///etc/passwd\"", "schema"),
    ("floor-number", M1, "  - number: 1", "  - number: 9999", "schema"),
]]

# -- 4. unknown platforms

PLATFORM_CASES = [Case(f"platform-{name}", file, old, new, "schema", AT)
                  for name, file, old, new in [
    ("switch-juniper", L1, "acc-2a: {platform: arista_eos", "acc-2a: {platform: juniper_junos"),
    ("switch-empty", L1, "acc-2a: {platform: arista_eos", "acc-2a: {platform: \"\""),
    ("switch-case", L1, "acc-2a: {platform: arista_eos", "acc-2a: {platform: ARISTA_EOS"),
    ("switch-as-wifi", L1, "acc-2a: {platform: arista_eos", "acc-2a: {platform: meraki"),
    ("wifi-ubiquiti", L1, "wifi: {platform: meraki", "wifi: {platform: unifi"),
    ("radius-other", L1, "radius: {platform: freeradius", "radius: {platform: radiator"),
    ("pbx-other", L1, "pbx: {platform: asterisk", "pbx: {platform: freeswitch"),
    ("dhcp-other", L1, "pbx: {platform: asterisk",
     "dhcp: {platform: isc_dhcpd, credentials: x, server_address: 10.0.0.1}\n"
     "pbx: {platform: asterisk"),
]]

# -- 5. every domain rule broken, overlaps and duplicates

#: The other file a clash needs, by case name.
PARTNERS = {
    "space-overlap": AC, "space-overlap-later": GL, "vlan-overlap": AC,
    "vlan-overlap-other-file": GL, "subnet-overlap": AC, "email-twice-across": AC,
    "mac-twice-across": AC,
}

RULE_CASES = [Case(f"rule-{name}", file, old, new, rule, line,
                   (PARTNERS[name],) if name in PARTNERS else ())
              for name, file, old, new, rule, line in [
    ("site-missing", HC, "  - site: lon1", "  - site: bri1", "site-exists", AT),
    ("space-missing", HC, 'space: "3.04"', 'space: "9.99"', "space-exists", AT),
    ("space-unavailable", HC, 'space: "3.04"', 'space: "3.05"', "space-available", AT),
    ("space-overlap", HC, 'space: "3.04"', 'space: "3.01"', "space-overlap", AT),
    ("space-overlap-later", OA, 'space: "2.05", move_in: 2027-01-15',
     'space: "2.01", move_in: 2027-01-15', "space-overlap", AT),
    ("two-contracts-one-site", AC, "  - site: man1", "  - site: lon1", "one-contract-per-site",
     AT),
    ("move-in-before-start", HC, "move_in: 2026-10-01", "move_in: 2026-09-01",
     "occupancy-dates", AT),
    ("move-out-after-end", "occupiers/bluefin-media.yaml", "move_out: 2026-09-30",
     "move_out: 2026-10-30", "occupancy-dates", AT),
    ("move-out-before-in", HC, "move_in: 2026-10-01}", "move_in: 2026-10-01, move_out: "
     "2026-01-01}", "schema", AT),
    ("end-before-start", HC, "    start: 2026-10-01", "    start: 2026-10-01\n    end: 2026-01-01",
     "schema", None),
    ("vlan-overlap", OA, "vlan: 103", "vlan: 102", "unique-vlan", AT),
    ("vlan-overlap-other-file", HC, "vlan: 100", "vlan: 101", "unique-vlan", None),
    ("subnet-overlap", OA, "172.16.3.0/24", "172.16.2.0/24", "unique-subnet", AT),
    ("vlan-outside-pool", OA, "vlan: 103", "vlan: 950", "vlan-pool", AT),
    ("vlan-is-voice", OA, "vlan: 103", "vlan: 20", "vlan-pool", AT),
    ("subnet-outside-pool", OA, "172.16.3.0/24", "10.9.3.0/24", "subnet-pool", AT),
    ("subnet-other-site", OA, "172.16.3.0/24", "172.17.3.0/24", "subnet-pool", AT),
    ("allocation-missing", OA, "    network: {vlan: 103, subnet: 172.16.3.0/24}\n", "",
     "allocation-missing", None),
    ("email-twice-across", OA, "sam.carter@orbit-analytics.example", "jane@acme.example",
     "unique-email", AT),
    ("email-twice-within", GL, "oscar.lind@greenleaf.example", "maya.green@greenleaf.example",
     "unique-email", AT),
    ("mac-twice-across", GL, "3c:d9:2b:4e:11:02", "80:5e:c0:12:34:56", "unique-mac", AT),
    ("mac-twice-within", GL, "00:10:7f:a3:9c:20", "3c:d9:2b:4e:11:02", "unique-mac", AT),
    ("mac-twice-other-spelling", GL, "00:10:7f:a3:9c:20", "3C-D9-2B-4E-11-02", "unique-mac", AT),
    ("device-twice", GL, "name: display-2-01", "name: printer-2f", "unique-device", AT),
    ("main-number-is-user-number", NW, 'number: "+441614960011"', 'number: "+441614960010"',
     "main-number", AT),
    ("numbers-exceed-lines", NW, "lines: 6", "lines: 1", "voice-lines", None),
    ("number-outside-range", NW, '"+441614960012"', '"+441614960512"', "number-range", AT),
    ("main-number-outside-range", NW, '"+441614960010"', '"+441614960910"', "number-range", None),
    ("number-twice", NW, '"+441614960012"', '"+441614960011"', "unique-number", AT),
    ("number-twice-across", AC, '"+442079460122"', '"+442079460121"', "unique-number", AT),
    ("extension-twice", NW, "extension: 3012", "extension: 3011", "unique-extension", AT),
    ("extension-outside-pool", NW, "extension: 3012", "extension: 2012", "extension-pool", AT),
    ("numbers-without-voice", NW, "      voice: {lines: 6, tariff: business}\n", "",
     "voice-service", None),
    ("user-number-unknown-user", NW, "user: owen.price@northwind-legal.example",
     "user: nobody@northwind-legal.example", "user-exists", AT),
    ("handset-without-user", NW, "user: priya.shah@northwind-legal.example,\n", "\n", "schema",
     None),
    ("device-site-without-contract", GL, "site: lon1, kind: display",
     "site: man1, kind: display", "site-exists", AT),
    ("reservation-outside-kept", GL, "reservation: 172.16.1.10", "reservation: 172.16.1.99",
     "reservation", AT),
    ("reservation-other-subnet", GL, "reservation: 172.16.1.10", "reservation: 172.16.9.10",
     "reservation", AT),
    ("home-site-without-contract", GL, "role: admin, wifi_secure: true}",
     "role: admin, wifi_secure: true, home_site: man1}", "site-exists", AT),
    ("wifi-user-without-service", HC, "    network: {vlan: 100, subnet: 172.16.0.0/24}\n",
     "    network: {vlan: 100, subnet: 172.16.0.0/24}\nusers:\n  - {email: a@b.example, "
     "name: A B, wifi_secure: true}\n", "wifi-service", None),
    ("dhcp-off-without-public", HC, "    network: {vlan: 100",
     "    dhcp: false\n    network: {vlan: 100", "dhcp-off", AT),
    ("public-without-service", HC, "    network: {vlan: 100, subnet: 172.16.0.0/24}",
     "    network: {vlan: 100, subnet: 172.16.0.0/24}\n    public_ip: {block: 203.0.113.8/29, "
     "vlan: 150}", "public-service", None),
    ("public-outside-pool", HC, "      internet: {bandwidth_mbps: 50}",
     "      internet: {bandwidth_mbps: 50}\n      public_ip: {}\n    public_ip: {block: "
     "198.18.0.8/29, vlan: 150}", "public-pool", None),
    ("public-reserved", HC, "      internet: {bandwidth_mbps: 50}",
     "      internet: {bandwidth_mbps: 50}\n      public_ip: {}\n    public_ip: {block: "
     "203.0.113.0/29, vlan: 150}", "public-reserved", None),
    ("public-size", HC, "      internet: {bandwidth_mbps: 50}",
     "      internet: {bandwidth_mbps: 50}\n      public_ip: {}\n    public_ip: {block: "
     "203.0.113.0/28, vlan: 150}", "schema", None),
    ("public-missing", HC, "      internet: {bandwidth_mbps: 50}",
     "      internet: {bandwidth_mbps: 50}\n      public_ip: {}", "allocation-missing", None),
    ("port-unknown-switch", L1, '"acc-3a:Ethernet9"', '"acc-9z:Ethernet9"', "port-ref", AT),
    ("port-wrong-platform-name", L1, '"acc-3a:Ethernet9"', '"acc-3a:GigabitEthernet1/0/9"',
     "port-ref", AT),
    ("port-twice", L1, '"acc-3a:Ethernet9"', '"acc-3a:Ethernet1"', "port-ref", AT),
    ("port-is-uplink", L1, '"acc-3a:Ethernet9"', '"acc-3a:Ethernet49"', "port-ref", AT),
    ("port-range-backwards", L1, '"acc-3a:Ethernet7-8"', '"acc-3a:Ethernet8-7"', "port-ref", AT),
    ("port-range-huge", L1, '"acc-3a:Ethernet7-8"', '"acc-3a:Ethernet1-200"', "port-ref", AT),
    ("space-twice", L1, '{id: "3.03"', '{id: "3.02"', "unique-space", AT),
    ("no-core-switch", M1, "role: core", "role: access", "site-core", None),
    ("vacant-in-pool", L1, "vacant: {vlan: 999", "vacant: {vlan: 500", "site-vlans", AT),
    ("voice-in-pool", L1, "voice_vlan: 20", "voice_vlan: 120", "site-vlans", AT),
    ("number-ranges-overlap", L1, '["+442079460100-+442079460199"]',
     '["+442079460100-+442079460199", "+442079460150-+442079460250"]', "number-range", AT),
    ("uplink-wrong-name", L1, "uplinks: [Ethernet49]", "uplinks: [Gi0/49]", "schema", AT),
    ("file-name-mismatch", HC, "id: harbour-coffee", "id: harbour-tea", "file-name", AT),
    ("site-file-name-mismatch", M1, "id: man1", "id: man2", "file-name", AT),
]]

# -- 6. new files: copies, impostors and odd names

FILE_CASES = [
    Case("file-impostor-copy", "occupiers/harbour-coffee-2.yaml", None,
         "id: harbour-coffee\nname: Impostor\n", "file-name", 1),
    Case("file-second-occupier-same-vlan", "occupiers/zeta.yaml", None,
         "id: zeta\nname: Zeta\ncontracts:\n  - site: lon1\n    start: 2026-01-01\n"
         "    occupancies: [{space: \"3.03\", move_in: 2026-01-01}]\n"
         "    network: {vlan: 100, subnet: 172.16.9.0/24}\n", "unique-vlan", 7, (HC,)),
    Case("file-second-occupier-same-subnet", "occupiers/zeta.yaml", None,
         "id: zeta\nname: Zeta\ncontracts:\n  - site: lon1\n    start: 2026-01-01\n"
         "    occupancies: [{space: \"3.03\", move_in: 2026-01-01}]\n"
         "    network: {vlan: 190, subnet: 172.16.0.0/24}\n", "unique-subnet", 7, (HC,)),
    Case("file-second-occupier-same-space", "occupiers/zeta.yaml", None,
         "id: zeta\nname: Zeta\ncontracts:\n  - site: lon1\n    start: 2026-01-01\n"
         "    occupancies: [{space: \"3.04\", move_in: 2026-01-01}]\n"
         "    network: {vlan: 190, subnet: 172.16.9.0/24}\n", "space-overlap", 6, (HC,)),
    Case("file-dot-name", "occupiers/..yaml", None, "id: x\nname: X\n", "schema", 1),
    Case("file-traversal-id", "occupiers/evil.yaml", None,
         'id: "../../etc/cron.d/evil"\nname: X\n', "schema", 1),
    Case("file-uppercase-name", "occupiers/Evil.yaml", None, "id: Evil\nname: X\n", "schema", 1),
    Case("file-site-unknown-platform", "sites/bri1.yaml", None,
         "id: bri1\nname: Bristol\npools: {occupier_vlans: 100-899, private: 10.3.0.0/16}\n"
         "vacant: {vlan: 999}\nswitches:\n  core1: {platform: cisco_nxos, host: 10.3.0.1, "
         "role: core, credentials: bri1-net}\n", "schema", 6),
    Case("file-site-overlapping-switch-names", "sites/bri1.yaml", None,
         "id: bri1\nname: Bristol\npools: {occupier_vlans: 100-899, private: 10.3.0.0/16}\n"
         "vacant: {vlan: 999}\nswitches:\n  core1: {platform: arista_eos, host: 10.3.0.1, "
         "role: core, credentials: bri1-net}\n  core1: {platform: arista_eos, host: 10.3.0.2, "
         "role: core, credentials: bri1-net}\n", "yaml-duplicate-key", None),
    Case("file-site-injected-switch-name", "sites/bri1.yaml", None,
         "id: bri1\nname: Bristol\npools: {occupier_vlans: 100-899, private: 10.3.0.0/16}\n"
         "vacant: {vlan: 999}\nswitches:\n  \"core1\\nreload\": {platform: arista_eos, "
         "host: 10.3.0.1, role: core, credentials: bri1-net}\n", "schema", None),
]


def all_cases() -> list[Case]:
    cases = (_injection_cases() + YAML_CASES + TYPE_CASES + PLATFORM_CASES + RULE_CASES
             + FILE_CASES)
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


CASES = all_cases()
