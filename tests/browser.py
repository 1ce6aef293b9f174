"""Chromium (Debian's, driven by Playwright) for tests that look at rendered email HTML.

Playwright's own browser download is not used: `executable_path` points at /usr/bin/chromium
(or $MONITOR_TEST_CHROMIUM). Without it the tests that need it fail, with the fix in the message.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("MONITOR_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser; offline: every request but the page itself is refused."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def open_html(browser: Any, html: str, width: int, height: int = 800) -> Any:
    """A page of `width` CSS pixels showing `html` (as a mail client's web view would)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.route("**/*", lambda route: route.abort())  # no network: a mail is self-contained
    page.set_content(html, wait_until="load")
    return page


def overflow(page: Any) -> dict[str, int]:
    """How wide the document is against the viewport (scrollWidth > innerWidth: a scrollbar)."""
    return page.evaluate(
        "() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth})"
    )
