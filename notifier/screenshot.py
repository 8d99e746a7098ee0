"""Render the sample agency digest and screenshot it at phone width with headless Chromium.

    python -m notifier.screenshot [docs/digest-screenshot.png] [--width 420]

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the Playwright Python package;
Playwright drives the system browser, it downloads nothing.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from notifier.render import render_agency_digest
from notifier.sample import AGENCY, AS_OF, sample_previous, sample_verdicts

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def screenshot(html: str, out: Path, *, width: int = 420) -> Path:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "digest.html"
        page_file.write_text(html, encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(
                    viewport={"width": width, "height": 800}, device_scale_factor=1
                )
                page.route(
                    "**/*",
                    lambda route: (
                        route.abort()
                        if not route.request.url.startswith("file:")
                        else route.continue_()
                    ),
                )
                page.goto(page_file.as_uri())
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=True)
            finally:
                browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="docs/digest-screenshot.png", type=Path)
    parser.add_argument("--width", type=int, default=420)
    args = parser.parse_args()
    rendered = render_agency_digest(
        AGENCY, sample_verdicts(), as_of=AS_OF, prev_verdicts=sample_previous()
    )
    print(screenshot(rendered.html, args.out, width=args.width))


if __name__ == "__main__":
    main()
