"""The email as a reader sees it, rendered in a real Chromium: no horizontal scrolling on a
390 px phone, nor on a 900 px desktop, for every kind of message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import chromium, open_html, overflow
from email_samples import SAMPLES, html_of


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.mark.parametrize("width", [390, 900])
@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_no_horizontal_overflow(browser: Any, kind: str, width: int) -> None:
    page = open_html(browser, html_of(SAMPLES[kind]()), width)
    try:
        size = overflow(page)
        assert size["innerWidth"] == width
        assert size["scrollWidth"] <= size["innerWidth"], f"{kind} at {width}px: {size}"
        # and nothing inside is wider than the screen either (a clipped code block, a link)
        widest = page.evaluate(
            "() => Math.max(...[...document.body.querySelectorAll('*')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= width, f"{kind} at {width}px: an element ends at {widest}px"
    finally:
        page.close()


def test_the_phone_layout_is_one_column(browser: Any) -> None:
    """At 390 px the cards fill the width (less a small margin) and stack, one under another."""
    page = open_html(browser, html_of(SAMPLES["report"]()), 390)
    try:
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('.card')].map(e => {"
            " const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; })"
        )
        assert len(boxes) == 2
        for left, right, _, _ in boxes:
            assert left <= 16 and right >= 390 - 16
        assert boxes[0][3] <= boxes[1][2]  # the second card is below the first
        link = page.evaluate(
            "() => { const a = document.querySelector('.card a[href^=\"https://www.example\"]');"
            " const r = a.getBoundingClientRect(); return [r.left, r.right]; }"
        )
        assert link[1] <= 390  # the long report link wraps inside the screen
    finally:
        page.close()


def test_the_desktop_layout_is_a_readable_column(browser: Any) -> None:
    page = open_html(browser, html_of(SAMPLES["report"]()), 900)
    try:
        width = page.evaluate("() => document.querySelector('.card').getBoundingClientRect().width")
        assert 500 <= width <= 600  # a comfortable line length, centred
    finally:
        page.close()
