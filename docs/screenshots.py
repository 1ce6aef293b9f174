"""Make the README's screenshots of `monitor serve`: a fresh demo database (the shipped
baseline, one polled report that approves a claim, one correction), served on loopback and
photographed with Debian's chromium through Playwright.

    .venv/bin/python docs/screenshots.py        # writes docs/web-*.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent / "tests"))

from test_web_browser import ARGS, CHROMIUM  # noqa: E402
from web_support import CLAIM, TOKEN, make_site, serving  # noqa: E402

SHOTS = [
    ("web-claims.png", "/claims", {"width": 1200, "height": 760}),
    ("web-claim.png", f"/claims/{CLAIM}", {"width": 1200, "height": 900}),
    ("web-changes.png", "/changes", {"width": 1200, "height": 640}),
    ("web-feeds.png", "/feeds", {"width": 1200, "height": 480}),
    ("web-phone.png", "/claims", {"width": 390, "height": 780}),
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = make_site(
            folder,
            f"sqlite:///{folder / 'monitor.db'}",
            title="BMW signs off the electric i4 Convertible",
        )
        with serving(folder, config) as base:
            httpx.post(
                f"{base}/api/claims/ix5-clar/corrections",
                json={"value": "2027", "reason": "BMW's investor day named the year", "by": "desk"},
                headers={"Authorization": f"Bearer {TOKEN}"},
            ).raise_for_status()
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for name, path, viewport in SHOTS:
                    page = browser.new_page(base_url=base, viewport=viewport)
                    if name == "web-claim.png":  # logged in: the correction form shows
                        page.goto(f"/login?next={path}")
                        page.fill("input[name=token]", TOKEN)
                        page.click("#login-form button")
                        page.wait_for_url(f"**{path}")
                    page.goto(path)
                    page.screenshot(path=str(DOCS / name))
                    page.close()
                    print(DOCS / name)
                browser.close()


if __name__ == "__main__":
    main()
