"""SSRF through redirects: a feed must not make the daemon fetch loopback, private, link-local
or reserved addresses it was not given, checked on the address actually connected to.

Real loopback servers only: 127.0.0.1 plays the "public" feed host where the feed URL names it
literally (its own address is allowed), other loopback addresses play the internal targets, and
``localhost`` is a DNS name that resolves to a refused address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from feeds_server import RSS_HEADERS, FeedServer, Item, make_app, rss
from sqlalchemy import select

from monitor.domain import events as ev
from monitor.feeds.fetch import AddressPolicy, Fetcher, FetchPolicy, address_class
from monitor.services.feeds import get_feed, subscribe
from monitor.services.poll import Poller
from monitor.store.tables import events as events_table

RSS = rss([Item("a1", "News", "Nothing happened.")])


@pytest.fixture
def feed_host() -> Iterator[FeedServer]:
    with FeedServer(host="127.0.0.1") as srv:
        yield srv


@pytest.fixture
def internal() -> Iterator[FeedServer]:
    """The target an attacker wants reached: a metadata-like endpoint on another address."""
    with FeedServer(host="127.0.0.2") as srv:
        srv.set("/latest/meta-data", b"secret-token", {"Content-Type": "text/plain"})
        srv.set("/feed.xml", RSS, RSS_HEADERS)
        yield srv


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchPolicy(timeout_connect=2, timeout_read=2)) as f:
        yield f


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "reserved"),
        ("240.0.0.1", "reserved"),
        ("::ffff:10.0.0.1", "private"),
        ("fd00::1", "private"),
    ],
)
def test_non_public_addresses_are_classified(address: str, kind: str) -> None:
    assert address_class(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_class(ipaddress.ip_address(address)) is None
    assert AddressPolicy().refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_loopback_address_is_refused_and_never_sent(
    feed_host: FeedServer, internal: FeedServer, fetcher: Fetcher, status: int
) -> None:
    target = internal.url("/latest/meta-data")
    feed_host.set("/feed.xml", b"", {"Location": target}, status=status)
    r = fetcher.fetch(feed_host.url("/feed.xml"))
    assert r.body is None and r.error is not None
    assert "refusing to connect to 127.0.0.2" in r.error and "loopback" in r.error
    assert "polling.allow_private" in r.error
    assert r.permanent_redirect_to is None
    assert internal.requests_for("/latest/meta-data") == []


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/admin",
        "http://[::1]:1/",
        "http://[::ffff:127.0.0.2]:1/",
        "http://0.0.0.0:1/",
    ],
)
def test_redirects_to_literal_internal_addresses_are_refused(
    feed_host: FeedServer, fetcher: Fetcher, location: str
) -> None:
    feed_host.set("/feed.xml", b"", {"Location": location}, status=301)
    r = fetcher.fetch(feed_host.url("/feed.xml"))
    assert r.error is not None and r.error.startswith("refusing to connect to")
    assert r.permanent_redirect_to is None


def test_a_name_that_resolves_to_a_refused_address_is_refused_at_connect(
    internal: FeedServer, fetcher: Fetcher
) -> None:
    # The feed URL names 127.0.0.2 (allowed: its own address); the redirect names a host,
    # `localhost`, that only DNS turns into 127.0.0.1 — a refused address.
    with FeedServer(host="127.0.0.1") as victim:
        victim.set("/private", b"secret", {"Content-Type": "text/plain"})
        internal.set("/feed.xml", b"", {"Location": f"http://localhost:{victim.port}/private"}, 302)
        r = fetcher.fetch(internal.url("/feed.xml"))
        assert r.error is not None and "refusing to connect to localhost" in r.error
        assert "127.0.0.1 is a loopback address" in r.error
        assert victim.requests_for("/private") == []


def test_a_feed_url_given_by_a_name_resolving_to_loopback_needs_allow_private(
    feed_host: FeedServer,
) -> None:
    feed_host.set("/feed.xml", RSS, RSS_HEADERS)
    url = f"http://localhost:{feed_host.port}/feed.xml"
    with Fetcher(FetchPolicy(timeout_connect=2, timeout_read=2)) as strict:
        r = strict.fetch(url)
    assert r.error is not None and "refusing to connect to localhost" in r.error
    assert feed_host.requests_for("/feed.xml") == []
    with Fetcher(FetchPolicy(timeout_connect=2, timeout_read=2, allow_private=True)) as loose:
        r = loose.fetch(url)
    assert r.error is None and r.body == RSS


def test_the_feed_urls_own_address_stays_reachable_across_redirects(
    feed_host: FeedServer, fetcher: Fetcher
) -> None:
    with FeedServer(host="127.0.0.1") as same_address_other_port:
        same_address_other_port.set("/new.xml", RSS, RSS_HEADERS)
        feed_host.set("/feed.xml", b"", {"Location": same_address_other_port.url("/new.xml")}, 301)
        r = fetcher.fetch(feed_host.url("/feed.xml"))
    assert r.error is None and r.body == RSS
    assert r.permanent_redirect_to == same_address_other_port.url("/new.xml")


def test_a_kept_alive_connection_of_one_feed_is_not_lent_to_another_feeds_redirect(
    feed_host: FeedServer, internal: FeedServer, fetcher: Fetcher
) -> None:
    # A feed given as 127.0.0.2 may reach it (and its connection stays open)...
    assert fetcher.fetch(internal.url("/feed.xml")).body == RSS
    # ...but a feed on 127.0.0.1 redirected there is still refused.
    feed_host.set("/feed.xml", b"", {"Location": internal.url("/feed.xml")}, status=302)
    r = fetcher.fetch(feed_host.url("/feed.xml"))
    assert r.error is not None and "refusing to connect to 127.0.0.2" in r.error
    assert len(internal.requests_for("/feed.xml")) == 1


def test_allow_private_follows_redirects_to_private_addresses(
    feed_host: FeedServer, internal: FeedServer
) -> None:
    feed_host.set("/feed.xml", b"", {"Location": internal.url("/feed.xml")}, status=301)
    with Fetcher(FetchPolicy(timeout_connect=2, timeout_read=2, allow_private=True)) as f:
        r = f.fetch(feed_host.url("/feed.xml"))
    assert r.error is None and r.body == RSS
    assert r.permanent_redirect_to == internal.url("/feed.xml")


@pytest.mark.parametrize("allow_private", [False, True])
def test_the_poller_never_records_a_move_to_a_refused_address(
    sqlite_url: str, feed_host: FeedServer, internal: FeedServer, allow_private: bool
) -> None:
    app = make_app(sqlite_url, allow_private=allow_private)
    try:
        old = feed_host.url("/feed.xml")
        feed_host.set("/feed.xml", b"", {"Location": internal.url("/feed.xml")}, status=301)
        fid, _ = subscribe(app, old)
        poller = Poller(app, parse_processes=0)
        try:
            outcome = poller.poll(get_feed(app, fid))
        finally:
            poller.close()
        with app.engine.connect() as conn:
            moves = conn.execute(
                select(events_table.c.data).where(events_table.c.type == ev.FEED_URL_CHANGED)
            ).all()
        state = get_feed(app, fid)
        assert state is not None
        if allow_private:
            assert outcome.error is None and len(moves) == 1
            assert state.url == internal.url("/feed.xml")
        else:
            assert moves == [] and state.url == old
            assert outcome.error is not None and "refusing to connect to 127.0.0.2" in outcome.error
            assert state.last_error is not None and "refusing" in state.last_error
            assert state.consecutive_failures == 1
            assert internal.requests_for("/feed.xml") == []
    finally:
        app.close()
