#!/usr/bin/env python3
"""Screenshots of the operator console for docs/ (the example estate on its story day).

    .venv/bin/python scripts/console_screenshots.py [--out docs]

Builds the console into a temporary folder, serves it on loopback and photographs
three pages with Debian's Chromium through Playwright (as the browser tests do).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reconciler.console.serve import make_server  # noqa: E402

STORY_DAY = "2026-11-26"
SHOTS = [("console-estate.png", "index.html", None),
         ("console-site.png", "sites/lon1.html?on=2026-12-01", None),
         ("console-occupier.png", "occupiers/acme.html#telephony", None)]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, "-m", "reconciler", "console", "build", "--repo",
                        str(ROOT), "--out", str(site), "--at", STORY_DAY], check=True)
        server = make_server(site)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                str(Path(tmp) / "profile"), executable_path="/usr/bin/chromium", headless=True,
                args=ARGS, viewport={"width": 1280, "height": 1000})
            page = ctx.new_page()
            for name, path, _ in SHOTS:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(args.out / name))
                print(f"wrote {args.out / name}")
            ctx.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
