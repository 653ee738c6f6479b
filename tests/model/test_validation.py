"""Every domain rule and schema guard gives a located error, exit 1, no traceback."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    seen = 0
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == nth:
                return i
    raise AssertionError(f"{needle!r} not in {path}")


ACME_MAIN = """\
    main_number:
      number: "+442079460120"
      in_hours: {to: hunt_group, ring_seconds: 25}
      out_of_hours: {to: voicemail}
      if_unanswered: {to: forward, forward: "+447700900123"}
"""
ACME_LINES = """\
    numbers:
      - number: "+442079460121"
        extension: 2121
        user: jane@acme.example
        label: Jane Okafor
        handset: {mac: "80:5e:c0:12:34:56", model: yealink-t54w}
      - number: "+442079460122"
        extension: 2122
        user: raj@acme.example
        label: Raj Patel
"""

# (id, file, old text, new text, rule, text on the reported line)
CASES = [
    ("site-missing", "occupiers/kestrel-labs.yaml", "site: man1", "site: bri1", "site-exists",
     "site: bri1"),
    ("space-missing", "occupiers/harbour-coffee.yaml", 'space: "3.04"', 'space: "9.99"',
     "space-exists", '"9.99"'),
    ("space-unavailable", "occupiers/harbour-coffee.yaml", 'space: "3.04"', 'space: "3.05"',
     "space-available", '"3.05"'),
    ("two-contracts-one-site", "occupiers/acme.yaml", "  - site: man1", "  - site: lon1",
     "one-contract-per-site", "- site: lon1"),
    ("move-in-before-start", "occupiers/harbour-coffee.yaml", "move_in: 2026-10-01",
     "move_in: 2026-09-01", "occupancy-dates", "move_in: 2026-09-01"),
    ("move-out-after-end", "occupiers/bluefin-media.yaml", "move_out: 2026-09-30",
     "move_out: 2026-10-30", "occupancy-dates", "move_out: 2026-10-30"),
    ("space-overlap", "occupiers/harbour-coffee.yaml", 'space: "3.04"', 'space: "3.01"',
     "space-overlap", '"3.01"'),
    ("vlan-collision", "occupiers/orbit-analytics.yaml", "vlan: 103", "vlan: 102",
     "unique-vlan", "vlan: 102"),
    ("subnet-collision", "occupiers/orbit-analytics.yaml", "172.16.3.0/24", "172.16.2.0/24",
     "unique-subnet", "172.16.2.0/24"),
    ("vlan-outside-pool", "occupiers/orbit-analytics.yaml", "vlan: 103", "vlan: 950",
     "vlan-pool", "vlan: 950"),
    ("subnet-outside-pool", "occupiers/orbit-analytics.yaml", "172.16.3.0/24", "10.9.3.0/24",
     "subnet-pool", "10.9.3.0/24"),
    ("allocation-missing", "occupiers/orbit-analytics.yaml",
     "    network: {vlan: 103, subnet: 172.16.3.0/24}\n", "", "allocation-missing", "- site: lon1"),
    ("email-twice", "occupiers/orbit-analytics.yaml", "sam.carter@orbit-analytics.example",
     "jane@acme.example", "unique-email", "jane@acme.example"),
    ("mac-twice", "occupiers/greenleaf-studio.yaml", "3c:d9:2b:4e:11:02", "80:5e:c0:12:34:56",
     "unique-mac", "80:5e:c0:12:34:56"),
    ("main-number-is-user-number", "occupiers/northwind-legal.yaml", 'number: "+441614960011"',
     'number: "+441614960010"', "main-number", "+441614960010"),
    ("numbers-exceed-lines", "occupiers/northwind-legal.yaml", "lines: 6", "lines: 1",
     "voice-lines", "numbers:"),
    ("number-outside-range", "occupiers/northwind-legal.yaml", '"+441614960012"',
     '"+441614960512"', "number-range", "+441614960512"),
    ("number-twice", "occupiers/northwind-legal.yaml", '"+441614960012"', '"+441614960011"',
     "unique-number", '"+441614960011", extension: 3012'),
    ("extension-twice", "occupiers/northwind-legal.yaml", "extension: 3012", "extension: 3011",
     "unique-extension", "extension: 3011, user: owen"),
    ("numbers-without-voice", "occupiers/northwind-legal.yaml",
     "      voice: {lines: 6, tariff: business}\n", "", "voice-service", "numbers:"),
    ("wifi-user-without-service", "occupiers/harbour-coffee.yaml",
     "    network: {vlan: 100, subnet: 172.16.0.0/24}\n",
     "    network: {vlan: 100, subnet: 172.16.0.0/24}\nusers:\n  - {email: a@b.example, "
     "name: A B, wifi_secure: true}\n", "wifi-service", "a@b.example"),
    ("user-number-unknown-user", "occupiers/northwind-legal.yaml",
     "user: owen.price@northwind-legal.example", "user: nobody@northwind-legal.example",
     "user-exists", "nobody@"),
    ("device-site-without-contract", "occupiers/greenleaf-studio.yaml",
     "site: lon1, kind: display", "site: man1, kind: display", "site-exists",
     "site: man1, kind: display"),
    ("reservation-outside-kept-hosts", "occupiers/greenleaf-studio.yaml", "172.16.1.10",
     "172.16.1.50", "reservation", "172.16.1.50"),
    ("dhcp-off-without-public-ip", "occupiers/harbour-coffee.yaml",
     "    network: {vlan: 100", "    dhcp: false\n    network: {vlan: 100", "dhcp-off",
     "dhcp: false"),
    ("vacant-vlan-in-pool", "sites/lon1.yaml", "vacant: {vlan: 999", "vacant: {vlan: 150",
     "site-vlans", "vacant:"),
    ("port-on-unknown-switch", "sites/lon1.yaml", '"acc-3a:Ethernet9"', '"acc-9z:Ethernet9"',
     "port-ref", "acc-9z"),
    ("port-in-two-spaces", "sites/lon1.yaml", '"acc-3a:Ethernet9"', '"acc-3a:Ethernet1"',
     "port-ref", '"3.04"'),
    ("port-ios-name-on-eos", "sites/lon1.yaml", '"acc-3a:Ethernet9"',
     '"acc-3a:GigabitEthernet1/0/9"', "port-ref", "GigabitEthernet1/0/9"),
    ("no-core-switch", "sites/man1.yaml", "role: core", "role: access", "site-core",
     "switches:"),
    ("file-name-mismatch", "occupiers/harbour-coffee.yaml", "id: harbour-coffee",
     "id: harbour-tea", "file-name", "id: harbour-tea"),
    # Outbound calling: a forward is an outside call the contract must allow.
    ("forward-to-barred-class", "occupiers/acme.yaml",
     'if_unanswered: {to: forward, forward: "+447700900123"}',
     'if_unanswered: {to: forward, forward: "+12125550123"}', "call-barring", "+12125550123"),
    ("number-forward-to-premium", "occupiers/acme.yaml", "        label: Raj Patel\n",
     '        label: Raj Patel\n        features: {forward: "+449011234567"}\n',
     "call-barring", "+449011234567"),
    ("caller-id-main-without-main", "occupiers/acme.yaml", ACME_MAIN + ACME_LINES,
     ACME_LINES + "        features: {caller_id: main}\n", "caller-id", "caller_id: main"),
    ("call-class-unknown", "occupiers/acme.yaml", "voice: {lines: 4, tariff: standard}",
     "voice: {lines: 4, tariff: standard, allow: [national, satellite]}", "schema", "satellite"),
    ("emergency-caller-id-missing", "sites/lon1.yaml",
     ', phone: "+442079460100", hours', ", hours", "emergency-caller-id", "pbx:"),
    ("dialling-plan-unknown", "sites/lon1.yaml", "provisioning_dir: provisioning/lon1}",
     "provisioning_dir: provisioning/lon1, dialling: xx}", "schema", "dialling: xx"),
    ("number-format-unknown", "sites/lon1.yaml", "provisioning_dir: provisioning/lon1}",
     "provisioning_dir: provisioning/lon1, number_format: e.164}", "schema", "e.164"),
    # Schema guards: values that would reach a device command or a file name.
    ("id-with-newline-injection", "occupiers/harbour-coffee.yaml", "id: harbour-coffee",
     'id: "harbour-coffee\\nshutdown"', "schema", "id:"),
    ("description-injection", "sites/lon1.yaml", "description: vacant}",
     'description: "vacant | end"}', "schema", "vacant | end"),
    ("vlan-wrong-type", "occupiers/orbit-analytics.yaml", "vlan: 103", "vlan: abc", "schema",
     "vlan: abc"),
    ("unknown-key", "occupiers/orbit-analytics.yaml", "bandwidth_mbps: 200",
     "bandwith_mbps: 200", "schema", "bandwith_mbps"),
    ("bad-mac", "occupiers/greenleaf-studio.yaml", "3c:d9:2b:4e:11:02", "3c:d9:2b:4e:11",
     "schema", "3c:d9:2b:4e:11"),
    ("bad-e164", "occupiers/northwind-legal.yaml", '"+441614960012"', '"01614960012"', "schema",
     "01614960012"),
    ("name-with-control-char", "occupiers/harbour-coffee.yaml", "name: Harbour Coffee Roasters",
     'name: "Harbour\\u0007Coffee"', "schema", "name:"),
    ("interface-injection-uplink", "sites/lon1.yaml", "uplinks: [Ethernet49], credentials: lon1",
     'uplinks: ["Ethernet49\\nno shutdown"], credentials: lon1', "schema", "acc-2a"),
    ("bad-date", "occupiers/harbour-coffee.yaml", "start: 2026-10-01", "start: 2026-02-30",
     "schema", "start:"),
    ("end-before-start", "occupiers/harbour-coffee.yaml", "start: 2026-10-01",
     "start: 2026-10-01\n    end: 2026-01-01", "schema", "- site: lon1"),
    ("unknown-timezone", "sites/man1.yaml", "timezone: Europe/London", "timezone: Mars/Olympus",
     "schema", "Mars/Olympus"),
    ("yaml-syntax", "occupiers/harbour-coffee.yaml", "billing_ref: HARBOUR-0090",
     "billing_ref: [HARBOUR-0090", "yaml-syntax", None),
    ("yaml-duplicate-key", "occupiers/harbour-coffee.yaml", "billing_ref: HARBOUR-0090",
     "billing_ref: HARBOUR-0090\nbilling_ref: HARBOUR-0091", "yaml-duplicate-key", None),
    ("yaml-alias", "occupiers/harbour-coffee.yaml", "    services:\n      internet: {bandwidth_mbps: 50}",
     "    services: &s\n      internet: {bandwidth_mbps: 50}\n    x: *s", "yaml-alias", None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_is_reported_at_file_line(case: tuple[str, ...], estate_dir: Path,
                                       cli: Callable[..., object]) -> None:
    _id, rel, old, new, rule, line_text = case
    path = estate_dir / rel
    edit(path, old, new)
    result = cli("validate", "--repo", estate_dir)
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1, out  # type: ignore[attr-defined]
    assert "Traceback" not in out
    pattern = re.compile(rf"^{re.escape(rel)}:(\d+):(\d+): \[{re.escape(rule)}\] ", re.M)
    m = pattern.search(out)
    assert m, f"expected {rel}:line:col [{rule}] in:\n{out}"
    if line_text is not None:
        assert line_text in path.read_text().splitlines()[int(m.group(1)) - 1], out


def test_all_errors_reported_at_once(estate_dir: Path, cli: Callable[..., object]) -> None:
    edit(estate_dir / "occupiers/kestrel-labs.yaml", "site: man1", "site: bri1")
    edit(estate_dir / "occupiers/harbour-coffee.yaml", 'space: "3.04"', 'space: "3.01"')
    edit(estate_dir / "occupiers/orbit-analytics.yaml", "vlan: 103", "vlan: abc")
    result = cli("validate", "--repo", estate_dir)
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "[site-exists]" in out and "[space-overlap]" in out and "[schema]" in out
    assert "3 problem(s) found." in out


def test_valid_estate_one_line_summary(estate_dir: Path, cli: Callable[..., object]) -> None:
    result = cli("validate", "--repo", estate_dir)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert result.output.strip().startswith("ok: 2 sites, 8 occupiers")  # type: ignore[attr-defined]


def test_github_annotations_in_ci(estate_dir: Path, cli: Callable[..., object],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    edit(estate_dir / "occupiers/kestrel-labs.yaml", "site: man1", "site: bri1")
    result = cli("validate", "--repo", estate_dir)
    line = line_of(estate_dir / "occupiers/kestrel-labs.yaml", "site: bri1")
    assert f"::error file=occupiers/kestrel-labs.yaml,line={line}," in result.output  # type: ignore[attr-defined]


def test_huge_file_is_refused_not_parsed(estate_dir: Path, cli: Callable[..., object]) -> None:
    big = estate_dir / "occupiers" / "big.yaml"
    big.write_text("id: big\n# " + "x" * (3 * 1024 * 1024) + "\n")
    result = cli("validate", "--repo", estate_dir)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "occupiers/big.yaml:1:1: [yaml-size]" in result.output  # type: ignore[attr-defined]


def test_billion_laughs_is_refused(estate_dir: Path, cli: Callable[..., object]) -> None:
    bomb = ["id: bomb", "name: Bomb", "a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, (n, p) in enumerate(zip("bcdefghij", "abcdefghi", strict=True)):
        bomb.append(f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]")
        del i
    (estate_dir / "occupiers" / "bomb.yaml").write_text("\n".join(bomb) + "\n")
    result = cli("validate", "--repo", estate_dir)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "[yaml-alias]" in result.output  # type: ignore[attr-defined]


def test_a_bad_wifi_prefix_is_located(estate_dir: Path, cli: Callable[..., object]) -> None:
    site = estate_dir / "sites" / "lon1.yaml"
    edit(site, "credentials: meraki-org}", "credentials: meraki-org, managed_prefix: \"a b;\"}")
    res = cli("validate", "--repo", estate_dir)
    assert res.exit_code == 1  # type: ignore[attr-defined]
    assert re.search(rf"sites/lon1.yaml:{line_of(site, 'managed_prefix')}:\d+: .*managed_prefix",
                     res.output)  # type: ignore[attr-defined]


# Sites that share a system (a PBX database, a switch, a Wi-Fi network, a DHCP server) must
# not hand out the same numbers, VLANs or subnets: each would prune the other's objects.
SHARED = [
    ("numbers-on-one-pbx", [('numbers: ["+441614960000-+441614960099"]',
                             'numbers: ["+441614960000-+441614960099", '
                             '"+442079460190-+442079460199"]')],
     "shared-number-range", "+442079460190", "PBX database pbx"),
    ("vlans-on-one-switch", [("host: 10.254.0.1,", "host: 10.255.0.1,")],
     "shared-vlan-pool", "occupier_vlans: 100-899", "switch 10.255.0.1:default"),
    ("vlans-on-one-wifi-network", [("network_id: L_646829496481105522",
                                    "network_id: L_646829496481105433")],
     "shared-vlan-pool", "occupier_vlans: 100-899", "Wi-Fi network L_646829496481105433"),
    ("subnets-on-one-dhcp-server", [("private: 172.17.0.0/16", "private: 172.16.0.0/15"),
                                    ("server_address: 10.254.0.5", "server_address: 10.255.0.5")],
     "shared-subnet-pool", "private: 172.16.0.0/15", "DHCP server http://10.255.0.5:8000/"),
]


@pytest.mark.parametrize("case", SHARED, ids=[c[0] for c in SHARED])
def test_sites_sharing_a_system_must_not_share_pools(case: tuple[object, ...], estate_dir: Path,
                                                     cli: Callable[..., object]) -> None:
    _id, edits, rule, line_text, system = case
    path = estate_dir / "sites" / "man1.yaml"
    for old, new in edits:  # type: ignore[attr-defined]
        edit(path, old, new)
    result = cli("validate", "--repo", estate_dir)
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1, out  # type: ignore[attr-defined]
    m = re.search(rf"^sites/man1\.yaml:(\d+):\d+: \[{rule}\] (.*)$", out, re.M)
    assert m, out
    assert str(line_text) in path.read_text().splitlines()[int(m.group(1)) - 1]
    assert f"of site lon1, which shares the {system}" in m.group(2)
