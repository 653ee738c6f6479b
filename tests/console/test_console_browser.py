"""The console in a real browser: Debian's Chromium driven by Playwright.

One browser for the session, headless, a fresh profile, no network features; the
site served from loopback. Every request the pages make is intercepted: anything
that is not the site's own origin is refused and fails the test, and so does any
console error or uncaught exception.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.console.serve import make_server
from tests.console.conftest import MONTH, Built

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class Browser:
    def __init__(self, context: Any, base: str) -> None:
        self.context, self.base = context, base
        self.errors: list[str] = []
        self.outside: list[str] = []
        context.route("**/*", self._route)
        context.on("page", self._watch)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _watch(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def page(self, path: str) -> Any:
        page = self.context.new_page()
        page.goto(self.base + path)
        return page


@pytest.fixture(scope="session")
def browser(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(reason=f"{CHROMIUM} not installed (scripts/system-packages.sh installs "
                    "Debian's chromium)")
    from playwright.sync_api import sync_playwright

    server = make_server(built.out)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    profile = tmp_path_factory.mktemp("chromium-profile")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, headless=True, args=ARGS,
                accept_downloads=True, viewport={"width": 1280, "height": 900})
            try:
                yield Browser(context, f"http://127.0.0.1:{server.server_address[1]}/")
            finally:
                context.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def b(browser: Browser) -> Iterator[Browser]:
    """Each test ends with no console error and no request outside the site."""
    browser.errors.clear()
    browser.outside.clear()
    yield browser
    for page in browser.context.pages:
        page.close()
    assert browser.errors == []
    assert browser.outside == []


def test_estate_to_an_occupier_and_its_tabs(b: Browser) -> None:
    page = b.page("index.html")
    assert page.title().startswith("Estate")
    page.get_by_role("link", name="Acme Robotics Ltd").first.click()
    page.wait_for_url("**/occupiers/acme.html*")
    assert page.locator("#contracts").is_visible()
    users = page.get_by_role("tab", name="Users")
    users.click()
    assert users.get_attribute("aria-selected") == "true"
    assert page.locator("#users").is_visible() and not page.locator("#contracts").is_visible()
    assert page.locator("#users").get_by_text("jane@acme.example").is_visible()
    users.press("ArrowRight")  # keyboard: the next tab takes focus and shows its panel
    devices = page.get_by_role("tab", name="Wi-Fi devices")
    assert devices.get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.id") == "tab-devices"
    assert page.locator("#devices").get_by_text("00:1b:a9:5c:21:07").is_visible()
    assert page.url.endswith("#devices")
    page.emulate_media(media="print")  # printed, every section is there and no tabs
    assert page.locator("#contracts").is_visible() and not page.locator("nav.tabs").is_visible()


def test_the_date_control_redraws_the_floors(b: Browser) -> None:
    page = b.page("sites/lon1.html")
    tile = page.locator('.tile[data-space="3.02"]')
    assert tile.locator(".who").inner_text() == "Vacant"
    page.locator("#floor-date").fill("2026-12-01")  # acme's move-in into 3.02
    assert tile.locator(".who").inner_text() == "Acme Robotics Ltd"
    assert "vacant" not in (tile.get_attribute("class") or "")
    assert page.locator("#floor-day").inner_text() == "Tue 1 Dec 2026"
    assert "on=2026-12-01" in page.url
    page.get_by_role("button", name="Back to 26 Nov").click()
    assert tile.locator(".who").inner_text() == "Vacant"
    page.get_by_role("button", name="Next change").click()  # the next change is that move-in
    assert page.locator("#floor-date").input_value() == "2026-12-01"
    assert tile.locator(".who").inner_text() == "Acme Robotics Ltd"
    slider = page.get_by_label("Scrub through the timeline")
    slider.press("ArrowLeft")  # one day back: vacant again
    assert page.locator("#floor-date").input_value() == "2026-11-30"
    assert tile.locator(".who").inner_text() == "Vacant"
    # A link from the estate calendar opens the site on that day.
    later = b.page("sites/lon1.html?on=2027-01-05")
    assert later.locator('.tile[data-space="3.01"] .who').inner_text() == "Vacant"  # acme left
    assert later.locator('.tile[data-space="2.05"] .who').inner_text() == "Vacant"
    assert later.locator('.tile[data-space="2.02"] .who').inner_text() == "Orbit Analytics Ltd"


@pytest.mark.parametrize("query,tab,text", [
    ("00-1B-A9-5C-21-07", "devices", "printer-m1"),       # a MAC, written another way
    ("020 7946 0121", "telephony", "+442079460121"),      # a number, national format
])
def test_search_lands_on_the_occupier(b: Browser, query: str, tab: str, text: str) -> None:
    page = b.page("sites/man1.html")
    box = page.get_by_role("searchbox", name="Search the estate")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(f"**/occupiers/acme.html#{tab}")
    assert page.locator(f"#{tab}").is_visible()
    assert page.locator(f"#{tab}").get_by_text(text).first.is_visible()


def test_search_lists_several_hits_and_says_when_nothing_matches(b: Browser) -> None:
    page = b.page("search.html?q=VLAN%20102")
    results = page.locator("#search-results")
    # acme and (from February) quayside at lon1, kestrel at man1
    assert "3 results" in results.locator("h2").inner_text()
    hrefs = {results.get_by_role("link").nth(i).get_attribute("href") for i in range(3)}
    assert hrefs == {f"occupiers/{o}.html#network" for o in ("acme", "kestrel-labs",
                                                             "quayside-trading")}
    none = b.page("search.html?q=zz:zz")
    assert "Nothing found" in none.locator("#search-results").inner_text()


def test_a_call_charge_csv_downloads(b: Browser, built: Built, tmp_path: Path) -> None:
    page = b.page("occupiers/acme.html#calls")
    assert page.locator("#calls").is_visible()
    assert page.locator("#calls svg.chart rect.b").count() == 31
    with page.expect_download() as info:
        page.get_by_role("link", name=f"calls-{MONTH}.csv").click()
    saved = tmp_path / "calls.csv"
    info.value.save_as(saved)
    source = built.calls / f"calls-{MONTH}" / "acme" / f"calls-{MONTH}.csv"
    assert saved.read_bytes() == source.read_bytes()
    assert "2026-10-05 09:15:00,2121,+442079460121" in saved.read_text()


def test_pages_show_their_content_without_javascript(browser: Browser) -> None:
    # The script is served empty for this page only: what is left is the pages' own content.
    page = browser.context.new_page()
    page.route("**/assets/console.js", lambda route: route.fulfill(body="", status=200))
    page.goto(browser.base + "occupiers/acme.html")
    for tab in ("contracts", "users", "devices", "telephony", "network"):
        assert page.locator(f"#{tab}").is_visible(), tab
    page.goto(browser.base + "sites/lon1.html")
    assert not page.locator("#datebar").is_visible()  # the control needs the script
    assert page.locator('.tile[data-space="3.01"] .who').inner_text() == "Acme Robotics Ltd"
    page.close()
