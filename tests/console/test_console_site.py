"""The built console as files: self-contained, linked, accessible markup, the right facts."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from reconciler.console.timeline import occupancy_spans
from reconciler.intent.compile import occupancy_effective
from reconciler.model.estate import load_estate
from tests.conftest import REPO_ROOT
from tests.console.conftest import MONTH, Built


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        for key in ("href", "src", "action"):
            if a.get(key):
                self.refs.append(str(a[key]))
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_page_and_asset_is_local_and_every_link_resolves(built: Built) -> None:
    found = pages(built.out)
    assert {p.relative_to(built.out).as_posix() for p in found} >= {
        "index.html", "status.html", "search.html", "sites/lon1.html", "sites/man1.html",
        "occupiers/acme.html", "occupiers/orbit-analytics.html"}
    broken = []
    for page in found:
        for ref in parse(page).refs:
            if ref.startswith(("mailto:", "#")):
                continue
            assert not re.match(r"^[a-z]+:|^//", ref), f"{page.name}: external reference {ref}"
            target = (page.parent / ref.split("#")[0].split("?")[0]).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(built.out)} -> {ref}")
    assert broken == []
    for asset in (built.out / "assets").iterdir():
        text = asset.read_text(encoding="utf-8")
        assert not re.search(r"https?://|url\(\s*['\"]?//|@import", text.replace(
            "http://www.w3.org/2000/svg", "")), asset.name


def test_markup_has_landmarks_labels_and_a_language(built: Built) -> None:
    for page in pages(built.out):
        p = parse(page)
        tags = [t for t, _ in p.tags]
        assert ("html", {"lang": "en"}) in p.tags, page.name
        assert tags.count("main") == 1 and "header" in tags and "footer" in tags, page.name
        assert all(a.get("aria-label") for t, a in p.tags if t == "nav"), page.name
        for t, a in p.tags:
            if t == "input" and a.get("type") != "hidden":
                assert a.get("id") in p.labels or a.get("aria-label"), (page.name, a)
            if t == "svg" and a.get("role") == "img":
                assert a.get("aria-label") or a.get("aria-labelledby"), (page.name, a)
        assert 'style="' not in page.read_text(), page.name  # CSP allows no inline style


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_colours_meet_wcag_aa_contrast() -> None:
    css = (REPO_ROOT / "templates" / "console" / "assets" / "console.css").read_text()
    var = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    ink, muted = var["ink"], var["muted"]
    for bg in ("#ffffff", var["bg"]):
        assert contrast(ink, bg) >= 7 and contrast(muted, bg) >= 4.5
    for kind in ("ok", "warn", "bad", "info"):
        assert contrast(var[kind], var[f"{kind}-bg"]) >= 4.5, kind
    tiles = re.findall(r"\.c\d+, \.faceplate li\.c\d+ \{ background: (#[0-9a-f]{6})", css)
    assert len(tiles) == 12
    assert min(contrast(ink, t) for t in tiles) >= 7
    assert contrast(var["brand"], "#ffffff") >= 4.5


def test_occupancy_spans_agree_with_the_intent_on_every_day() -> None:
    estate = load_estate(REPO_ROOT)
    first, days = dt.date(2025, 1, 1), 1000
    for occ in estate.occupiers.values():
        for c in occ.contracts:
            for o in c.occupancies:
                spans = occupancy_spans(o, c)
                for n in range(days):
                    d = first + dt.timedelta(days=n)
                    inside = any(a <= d and (b is None or d <= b) for a, b in spans)
                    assert inside == occupancy_effective(o, c, d), (occ.id, o.space, d)


def _floor_data(built: Built, site: str) -> dict[str, Any]:
    html = (built.out / "sites" / f"{site}.html").read_text()
    m = re.search(r'<script type="application/json" id="floor-data">(.*?)</script>', html, re.S)
    assert m
    return dict(json.loads(m.group(1)))


def test_site_page_draws_the_build_day_and_carries_the_timeline(built: Built) -> None:
    html = (built.out / "sites" / "lon1.html").read_text()
    tile = re.search(r'data-space="3\.02".*?</li>', html, re.S)
    assert tile and "Vacant" in tile.group(0)  # acme moves in on 1 December
    assert re.search(r'data-space="3\.01".*?Acme Robotics Ltd', html, re.S)
    assert re.search(r'data-space="3\.05" data-status="unavailable".*?Unavailable', html, re.S)
    data = _floor_data(built, "lon1")
    assert ["2026-12-01", "2027-01-04", "acme"] in data["spaces"]["3.02"]
    assert "2026-12-01" in data["changes"] and "2027-01-05" in data["changes"]
    # The port map: 3.01's ports carry acme's VLAN and the voice VLAN on the build day.
    assert re.search(r"Ethernet1-4</code>.*?3\.01.*?Acme Robotics Ltd.*?102.*?20", html, re.S)


def test_estate_page_counts_and_the_90_day_calendar(built: Built) -> None:
    html = (built.out / "index.html").read_text()
    assert "Tue 1 Dec 2026" in html and "Moves in" in html
    assert re.search(r"Numbers released.*?\+442079460121", html, re.S)
    assert 'href="occupiers/acme.html#contracts"' in html
    assert 'href="sites/lon1.html?on=2026-12-01"' in html
    assert "Mon 1 Feb 2027" in html  # quayside and kestrel start within 90 days


def test_occupier_page_tabs_hold_the_facts(built: Built) -> None:
    html = (built.out / "occupiers" / "acme.html").read_text()
    for tab in ("contracts", "services", "users", "devices", "calls", "telephony", "network"):
        assert f'id="{tab}"' in html
    # Jane's login was created by a finished run in the journal: her invitation went out.
    assert re.search(r"jane@acme\.example.*?Sent [A-Z][a-z]{2} \d+ [A-Z][a-z]{2} \d{4}.*?\(v1\)",
                     html, re.S)
    assert re.search(r"raj@acme\.example.*?Not sent yet", html, re.S)
    assert "00:1b:a9:5c:21:07" in html and "172.17.1.10" in html  # printer + reservation
    assert "172.16.2.1" in html and "172.16.2.21-172.16.2.254" in html  # gateway, DHCP
    assert "Hunt group" in html and "Forward" in html and "+447700900123" in html  # routing
    assert f"acme/calls-{MONTH}.csv" in html and f"acme/extensions-{MONTH}.csv" in html
    assert (built.out / "occupiers" / "acme" / f"calls-{MONTH}.csv").read_bytes() == \
        (built.calls / f"calls-{MONTH}" / "acme" / f"calls-{MONTH}.csv").read_bytes()


def test_status_page_reads_tags_drift_and_journal(built: Built) -> None:
    html = (built.out / "status.html").read_text()
    assert "Applied to lon1" not in html  # the commit subject, not the tag message
    assert re.search(r"London Shoreditch.*?estate.*?1 left uncorrected.*?Ethernet7", html, re.S)
    assert "never (no <code>reconciler/applied/man1</code> tag)" in html
    assert "ci-bot" in html and "0123456789ab" in html


def test_search_index_finds_what_people_ask_about(built: Built) -> None:
    script = (built.out / "assets" / "search-index.js").read_text()
    index = json.loads(script.removeprefix("window.RECONCILER_SEARCH=").rstrip(";\n"))
    occ = [o[0] for o in index["occupiers"]]
    keys = {(e[0], json.dumps(e[1])): e[3] for e in index["entries"]}
    assert keys[("m", '"001ba95c2107"')] == [occ.index("acme"), "devices"]
    assert keys[("n", '"442079460121"')] == [occ.index("acme"), "telephony"]
    assert keys[("e", '"jane@acme.example"')] == [occ.index("acme"), "users"]
    assert keys[("m", '"805ec0123456"')] == [occ.index("acme"), "telephony"]  # desk phone


def test_a_folder_that_is_not_a_console_is_never_replaced(tmp_path: Path, cli: Any,
                                                          estate_dir: Path) -> None:
    keep = tmp_path / "docs"
    keep.mkdir()
    (keep / "notes.txt").write_text("mine")
    res = cli("console", "build", "--repo", str(estate_dir), "--out", str(keep))
    assert res.exit_code == 1 and "not a console build" in res.output
    assert (keep / "notes.txt").read_text() == "mine"
    out = tmp_path / "site"
    assert cli("console", "build", "--repo", str(estate_dir), "--out", str(out)).exit_code == 0
    (out / "stale.html").write_text("old")
    assert cli("console", "build", "--repo", str(estate_dir), "--out", str(out)).exit_code == 0
    assert not (out / "stale.html").exists()  # a rebuild publishes nothing stale


def test_serve_refuses_a_folder_without_a_console(tmp_path: Path, cli: Any) -> None:
    res = cli("console", "serve", "--no-build", "--out", str(tmp_path / "nothing"))
    assert res.exit_code == 1 and "build it first" in res.output


def test_the_preview_server_listens_on_loopback_only(built: Built) -> None:
    from urllib.request import urlopen

    from reconciler.console.serve import make_server

    with make_server(built.out) as server:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        import threading

        t = threading.Thread(target=server.serve_forever, daemon=True)
        t.start()
        try:
            with urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10) as r:  # noqa: S310
                assert r.status == 200 and b"Estate" in r.read()
        finally:
            server.shutdown()
            t.join(timeout=5)
