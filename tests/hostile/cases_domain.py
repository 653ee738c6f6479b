"""Wrong types, unknown platforms, every domain rule broken, clashing files."""

from __future__ import annotations

from tests.hostile.case import AC, AT, AT_END, GL, HC, L1, M1, NW, OA, Case

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
    # PBX values that end in dialplan rows or the static files.
    ("emergency-injection", L1, "provisioning_dir: provisioning/lon1}",
     'provisioning_dir: provisioning/lon1, emergency: ["999,1,Hangup()"]}', "schema"),
    ("trunk-host-injection", L1, "provisioning_dir: provisioning/lon1}",
     'provisioning_dir: provisioning/lon1, trunk_host: "carrier\\ncontext=default"}', "schema"),
    ("dialling-unknown", L1, "provisioning_dir: provisioning/lon1}",
     "provisioning_dir: provisioning/lon1, dialling: mars}", "schema"),
    ("call-class-injection", AC, "voice: {lines: 4, tariff: standard}",
     "voice: {lines: 4, tariff: standard, allow: ['national\" | \"1']}", "schema"),
    ("caller-id-number", AC, '{number: "+442079460101", extension: 2000}',
     '{number: "+442079460101", extension: 2000, features: {caller_id: "+449011234567"}}',
     "schema"),
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
    ("dhcp-other", L1, "dhcp: {platform: kea", "dhcp: {platform: isc_dhcpd"),
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
