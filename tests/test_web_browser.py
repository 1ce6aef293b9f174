"""The dashboard in a real browser: Playwright for Python driving Debian's chromium against
`monitor serve` on loopback. Clicks through every page, logs in, corrects a claim through the
form and sees the event in its history, adds and removes a feed, retries a mail, and checks
that report titles carrying markup are shown as text."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM  # one launch recipe for every browser test
from web_support import CLAIM, MARKUP_TITLE, TOKEN, make_site, serving


def _need_browser() -> None:
    """In CI a missing browser is a failure (`.ci/run` installs it), elsewhere a skip."""
    missing = not Path(CHROMIUM).exists() and shutil.which("chromium") is None
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} or playwright missing (CI installs chromium with apt)")
        pytest.skip("chromium or playwright not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def site(tmp_path: Path, sqlite_url: str) -> Iterator[str]:
    config = make_site(tmp_path, sqlite_url)
    with serving(tmp_path, config) as base:
        yield base


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def console(m) -> None:  # noqa: ANN001
        # A refused login answers 403, which the browser logs; everything else is a problem.
        if m.type == "error" and "status of 403" not in m.text:
            problems.append(f"console {m.type}: {m.text}")

    pg.on("console", console)
    yield pg
    context.close()
    assert problems == []


def test_click_through_every_page(page):
    page.goto("/")
    assert page.url.endswith("/claims")
    assert page.locator("h1").inner_text().startswith("Claims")
    rows = page.locator("#claims-table tbody tr")
    assert rows.count() == 17
    row = page.locator("#claims-table tbody tr", has_text="BMW i4 Convertible (NA3)")
    assert "approved" in row.inner_text() and "0.90" in row.inner_text()

    # The filter box narrows the list as one types (and works without script via ?q=).
    page.fill("input[name=q]", "convertible")
    visible = page.locator("#claims-table tbody tr:visible")
    assert 1 <= visible.count() < 17
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/claims?q=convertible")
    assert page.locator("#claims-table tbody tr").count() == visible.count()

    page.click("text=BMW i4 Convertible (NA3)")
    page.wait_for_url(f"**/claims/{CLAIM}")
    timeline = page.locator("ol.timeline li")
    assert timeline.count() == 2
    assert "baseline" in timeline.nth(0).inner_text().lower()
    change = timeline.nth(1).inner_text()
    assert "unapproved → approved" in change and "BMW signs off the i4 Convertible" in change
    assert page.locator("ol.timeline li a[href='https://news.example.com/a1']").count() == 1
    assert "Log in to correct" in page.inner_text("main")

    # The date picker shows the past: before anything was recorded, the claim was unknown.
    page.fill("input[name=as_of]", "2020-01-01")
    page.click("text=Show")
    assert "not yet known" in page.inner_text("main")

    for label, heading in [
        ("Changes", "Changes"),
        ("Feeds", "Feeds"),
        ("Reports", "Reports"),
        ("Outbox", "Outbox"),
        ("Claims", "Claims"),
    ]:
        page.click(f"header nav >> text={label}")
        assert page.locator("h1").inner_text().startswith(heading)
        assert page.locator("header nav a[aria-current=page]").inner_text() == label

    page.click("header nav >> text=Changes")
    assert "unapproved → approved" in page.inner_text("ol.timeline")
    page.click("header nav >> text=Feeds")
    feed = page.locator("#feed-autonews").inner_text()
    assert "Auto news" in feed and "ok" in feed and "2" in feed
    page.click("#feed-autonews >> td[data-label=Reports] a")
    page.wait_for_url("**/reports?feed=autonews")
    assert page.locator("ol.reports li").count() == 2
    page.click("header nav >> text=Reports")
    assert page.locator("ol.reports li").count() == 2
    page.fill("input[name=q]", "battery")
    page.click("text=Search")
    assert page.locator("ol.reports li").count() == 1
    page.select_option("select[name=claim]", CLAIM)
    page.fill("input[name=q]", "")
    page.click("text=Search")
    [item] = page.locator("ol.reports li").all()
    assert CLAIM in item.inner_text()
    page.click("header nav >> text=Outbox")
    assert "pending" in page.inner_text("table")
    page.click(f"table >> text=ClaimStatusChanged {CLAIM}")
    page.wait_for_url(f"**/claims/{CLAIM}#event-*")


def test_markup_in_report_titles_is_text(page):
    """A title with <script> and <b> shows literally: never run, never rendered as markup."""
    for path in ("/reports", f"/claims/{CLAIM}", "/changes"):
        page.goto(path)
        assert page.locator("main script").count() == 0, path
        assert page.locator("main b:text-is('bold')").count() == 0, path
    page.goto("/reports")
    assert page.get_by_text(MARKUP_TITLE, exact=True).count() == 1
    page.goto(f"/claims/{CLAIM}")
    assert page.get_by_text(MARKUP_TITLE, exact=True).count() == 1


def login(page, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.fill("input[name=token]", "not the token at all")
    page.click("#login-form button")
    assert "That token is not right" in page.inner_text(".error")
    page.fill("input[name=token]", TOKEN)
    page.click("#login-form button")
    page.wait_for_url(f"**{next_path}")


def test_correct_a_claim_through_the_form(page):
    page.goto(f"/claims/{CLAIM}")
    page.click("main >> text=Log in")
    page.fill("input[name=token]", TOKEN)
    page.click("#login-form button")
    page.wait_for_url(f"**/claims/{CLAIM}")
    page.select_option("select[name=status]", "unapproved")
    page.fill("input[name=value]", "2027")
    page.fill("textarea[name=reason]", "BMW's press office says it is not signed off")
    page.fill("input[name=by]", "desk <i>editor</i>")
    page.click("#correct-form button")
    page.wait_for_url("**/claims/**flash=*")
    assert "correction recorded as event #" in page.inner_text(".flash")
    last = page.locator("ol.timeline li").last
    text = last.inner_text()
    assert "correction" in text.lower()
    assert "status approved → unapproved" in text and "value — → 2027" in text
    assert "by desk <i>editor</i>" in text
    assert page.locator("dl.state").inner_text().count("unapproved") == 1
    # The change shows on the changes page and the claims list too.
    page.click("header nav >> text=Changes")
    assert "corrected status" in page.locator("ol.timeline li").first.inner_text()
    page.click("header nav >> text=Claims")
    row = page.locator("#claims-table tbody tr", has_text="BMW i4 Convertible (NA3)")
    assert "unapproved" in row.inner_text() and "2027" in row.inner_text()

    # A bad correction comes back as a readable error, nothing appended.
    page.goto(f"/claims/{CLAIM}")
    page.fill("textarea[name=reason]", "only a reason")
    page.click("#correct-form button")
    assert "needs --status and/or --value" in page.inner_text(".error")
    assert page.locator("ol.timeline li").count() == 3


def test_feeds_and_outbox_writes(page, tmp_path):
    login(page, "/feeds")
    extra = tmp_path / "extra.xml"
    extra.write_text("<rss version='2.0'><channel><title>x</title></channel></rss>")
    page.fill("input[name=url]", str(extra))
    page.fill("input[name=name]", "Extra news")
    page.fill("input[name=interval]", "15m")
    page.click("#add-feed button")
    assert "subscribed extra-news-" in page.inner_text(".flash")
    assert page.locator("tbody tr").count() == 2
    page.fill("input[name=interval]", "soon")
    page.fill("input[name=url]", str(extra))
    page.click("#add-feed button")
    assert "is not a duration" in page.inner_text(".error")
    page.locator("tr", has_text="Extra news").locator("button", has_text="Remove").click()
    assert "unsubscribed extra-news-" in page.inner_text(".flash")
    assert page.locator("tbody tr").count() == 1

    page.click("header nav >> text=Outbox")
    page.locator("tbody tr").first.locator("button", has_text="Retry").click()
    assert "pending, due now" in page.inner_text(".flash")

    page.click("header >> text=log out")
    page.goto("/feeds")
    assert page.locator("#add-feed").count() == 0


def test_readable_on_a_phone(browser, site):
    context = browser.new_context(base_url=site, viewport={"width": 390, "height": 844})
    pg = context.new_page()
    try:
        for path in ("/claims", f"/claims/{CLAIM}", "/changes", "/feeds", "/reports", "/outbox"):
            pg.goto(path)
            width = pg.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
    finally:
        context.close()
