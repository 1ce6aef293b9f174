"""parse_feed on feeds written for these tests: formats, identities, hashes, hostile documents."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from monitor.feeds.parse import MAX_ENTITY_EXPANSION, FeedParseError, ParsedFeed, parse_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Car News</title>
  <link>https://cars.example/</link>
  <item>
    <title>Plant starts building the new estate</title>
    <link>https://cars.example/estate</link>
    <guid isPermaLink="false">cars-0001</guid>
    <pubDate>Tue, 10 Jun 2025 04:00:00 +0200</pubDate>
    <description>&lt;p&gt;The first cars left the line.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>The first cars left the line.</p><p>More soon.</p>]]>
    </content:encoded>
  </item>
  <item>
    <title>Roadster delayed</title>
    <link>https://cars.example/roadster</link>
    <description>Not before spring.</description>
    <pubDate>not a date at all</pubDate>
  </item>
</channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Motors</title>
  <id>urn:uuid:feed</id>
  <updated>2025-03-01T12:00:00Z</updated>
  <entry>
    <title>Coupe revealed</title>
    <id>urn:uuid:entry-1</id>
    <link href="https://atom.example/coupe"/>
    <updated>2025-03-01T12:00:00Z</updated>
    <summary>The coupe was shown today.</summary>
    <content type="text">The coupe was shown today.</content>
  </entry>
  <entry>
    <title>Only updated</title>
    <id>urn:uuid:entry-2</id>
    <updated>2025-03-02T08:30:00-05:00</updated>
    <summary>An entry dated by its update.</summary>
  </entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/">
    <title>RDF Wheels</title><link>https://rdf.example/</link><description>d</description>
  </channel>
  <item rdf:about="https://rdf.example/1">
    <title>Saloon approved</title>
    <link>https://rdf.example/1</link>
    <description>The board said yes.</description>
    <dc:date>2024-05-01T10:00:00+02:00</dc:date>
  </item>
</rdf:RDF>"""


def rss(*items: str, head: str = "", decl: str = '<?xml version="1.0"?>') -> bytes:
    body = "".join(f"<item>{i}</item>" for i in items)
    return (
        f'{decl}\n{head}<rss version="2.0"><channel><title>T</title>{body}</channel></rss>'.encode()
    )


# -- the formats ---------------------------------------------------------------------------


def test_rss2_entries_carry_guid_link_title_utc_date_and_both_texts():
    feed = parse_feed(RSS, {"Content-Type": "application/rss+xml"})
    assert isinstance(feed, ParsedFeed) and feed.title == "Car News" and not feed.bozo
    first, second = feed.entries
    assert first.identity == "cars-0001" and first.link == "https://cars.example/estate"
    assert first.title == "Plant starts building the new estate"
    assert first.published == "2025-06-10T02:00:00Z"
    assert first.text.startswith("<p>The first cars left the line.</p>")
    assert "More soon." in first.text
    assert second.identity == "https://cars.example/roadster" and second.published is None


def test_atom_entries_deduplicate_summary_equal_to_content_and_fall_back_to_updated():
    feed = parse_feed(ATOM)
    first, second = feed.entries
    assert feed.title == "Atom Motors"
    assert first.identity == "urn:uuid:entry-1" and first.link == "https://atom.example/coupe"
    assert first.text == "The coupe was shown today."
    assert second.published == "2025-03-02T13:30:00Z"


def test_rdf_items_are_read():
    feed = parse_feed(RDF)
    (entry,) = feed.entries
    assert feed.title == "RDF Wheels" and entry.title == "Saloon approved"
    assert entry.identity == "https://rdf.example/1" and entry.published == "2024-05-01T08:00:00Z"


def test_relative_links_resolve_against_the_feed_url():
    doc = rss("<title>a</title><link>/news/a</link>")
    (entry,) = parse_feed(doc, url="https://rel.example/feeds/all.xml").entries
    assert entry.link == "https://rel.example/news/a"


def test_the_charset_of_the_http_header_is_honoured():
    doc = '<?xml version="1.0"?><rss version="2.0"><channel><title>Café</title></channel></rss>'
    feed = parse_feed(doc.encode("iso-8859-1"), {"content-type": "text/xml; charset=iso-8859-1"})
    assert feed.title == "Café" and feed.entries == []


# -- bozo ---------------------------------------------------------------------------------


def test_an_ill_formed_feed_with_entries_is_used_and_keeps_a_warning():
    doc = rss("<title>Broken &nbsp; but readable</title><guid>x1</guid>", "<title>unclosed")
    feed = parse_feed(doc)
    assert feed.bozo and feed.warning
    assert [e.identity for e in feed.entries][0] == "x1"


def test_an_ill_formed_document_without_entries_is_an_error():
    with pytest.raises(FeedParseError, match="no entries"):
        parse_feed(b"<rss version='2.0'><channel><title>x</chan")


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"<html><body><p>Hello</p></body></html>", b'{"not": "xml"}'],
    ids=["empty", "blank", "html", "json"],
)
def test_a_document_that_is_not_a_feed_is_an_error(body):
    with pytest.raises(FeedParseError):
        parse_feed(body)


def test_a_well_formed_feed_with_no_items_is_an_empty_feed_not_an_error():
    feed = parse_feed(rss())
    assert feed.entries == [] and not feed.bozo and feed.title == "T"


# -- identities and hashes ------------------------------------------------------------------


def test_identity_falls_back_from_guid_to_link_to_a_content_hash():
    doc = rss(
        "<guid>g-1</guid><link>https://x.example/1</link><title>a</title>",
        "<link>https://x.example/2</link><title>b</title>",
        "<title>c</title><description>only words</description>",
    )
    a, b, c = parse_feed(doc).entries
    assert a.identity == "g-1" and b.identity == "https://x.example/2"
    assert c.identity == f"sha256:{c.content_hash}" and len(c.content_hash) == 64


def test_a_revised_entry_keeps_its_identity_and_changes_its_content_hash():
    before = parse_feed(rss("<guid>g</guid><title>t</title><description>on track</description>"))
    after = parse_feed(rss("<guid>g</guid><title>t</title><description>delayed</description>"))
    retitled = parse_feed(rss("<guid>g</guid><title>t2</title><description>on track</description>"))
    (b,), (a,), (r,) = before.entries, after.entries, retitled.entries
    assert b.identity == a.identity == r.identity == "g"
    assert len({b.content_hash, a.content_hash, r.content_hash}) == 3


def test_the_same_entry_hashes_the_same_every_time():
    assert parse_feed(RSS).entries == parse_feed(RSS).entries


def test_a_repeated_identity_keeps_the_first_entry():
    doc = rss("<guid>dup</guid><title>first</title>", "<guid>dup</guid><title>second</title>")
    (entry,) = parse_feed(doc).entries
    assert entry.title == "first"


def test_max_entries_truncates_with_a_warning():
    doc = rss(*(f"<guid>{i}</guid><title>t{i}</title>" for i in range(5)))
    feed = parse_feed(doc, max_entries=3)
    assert [e.identity for e in feed.entries] == ["0", "1", "2"] and "first 3" in feed.warning


# -- hostile and broken input ---------------------------------------------------------------


def _billion_laughs(oneline: bool = False) -> bytes:
    sep = "" if oneline else "\n"
    decls = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    head = f"<!DOCTYPE rss [{sep}{sep.join(decls)}{sep}]>\n"
    return rss("<guid>a</guid><title>&lol9;</title><description>&lol9;</description>", head=head)


@pytest.mark.parametrize("oneline", [False, True], ids=["lines", "oneline"])
def test_a_billion_laughs_bomb_is_refused_quickly_and_cheaply(oneline):
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FeedParseError, match="entity expansion"):
            parse_feed(_billion_laughs(oneline))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 1.0 and peak < 20_000_000


def test_a_billion_laughs_bomb_in_utf16_is_refused_too():
    doc = _billion_laughs().replace(
        b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="utf-16"?>'
    )
    with pytest.raises(FeedParseError, match="entity expansion"):
        parse_feed(doc.decode().encode("utf-16"))


def test_a_quadratic_blowup_is_refused():
    big = "x" * 100_000
    doc = rss("<guid>a</guid><description>" + "&a;" * 2000 + "</description>",
              head=f'<!DOCTYPE rss [\n<!ENTITY a "{big}">\n]>\n')  # fmt: skip
    started = time.monotonic()
    with pytest.raises(FeedParseError, match=str(MAX_ENTITY_EXPANSION)):
        parse_feed(doc)
    assert time.monotonic() - started < 2.0


def test_a_harmless_internal_entity_is_still_expanded():
    doc = rss(
        "<guid>&id;2006</guid><title>t</title>", head='<!DOCTYPE rss [\n<!ENTITY id "tag:x,">\n]>\n'
    )
    (entry,) = parse_feed(doc).entries
    assert entry.identity == "tag:x,2006"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-7f3a9c")
    return path


def _assert_no_leak(body: bytes, needle: str) -> None:
    try:
        feed = parse_feed(body)
    except FeedParseError as exc:
        assert needle not in str(exc)
    else:
        assert needle not in repr(feed)


@pytest.mark.parametrize("sep", ["\n", ""], ids=["lines", "oneline"])
def test_an_external_entity_is_refused_and_never_read(secret, sep):
    head = f'<!DOCTYPE rss [{sep}<!ENTITY xxe SYSTEM "{secret.as_uri()}">{sep}]>\n'
    doc = rss("<guid>a</guid><title>&xxe;</title><description>x &xxe; y</description>", head=head)
    with pytest.raises(FeedParseError, match="external entity"):
        parse_feed(doc)
    _assert_no_leak(doc, "TOP-SECRET")


def test_an_external_parameter_entity_and_an_external_dtd_leak_nothing(secret, tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">')
    item = "<guid>a</guid><title>&xxe;</title>"
    pe = rss(item, head=f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{dtd.as_uri()}"> %p; ]>\n')
    ext = rss(item, head=f'<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">', decl='<?xml version="1.0"?>')
    for doc in (pe, ext):
        _assert_no_leak(doc, "TOP-SECRET")


def test_a_body_that_names_a_local_file_is_parsed_as_data_not_opened(secret):
    _assert_no_leak(str(secret).encode(), "TOP-SECRET")


def test_invalid_utf8_and_nul_bytes_do_not_crash():
    doc = rss(
        "<guid>u</guid><title>caf\xe9 \x00 ok</title><description>bad \xff\xfe bytes</description>"
    )
    doc = doc.replace("é".encode(), b"\xe9").replace(b"\xc3\xbf\xc3\xbe", b"\xff\xfe")
    feed = parse_feed(doc, {"content-type": "application/rss+xml; charset=utf-8"})
    (entry,) = feed.entries
    assert "\x00" not in entry.title and entry.title.endswith("ok")
    entry.text.encode("utf-8")  # no lone surrogates


def test_ten_thousand_entries_parse():
    items = (
        f"<guid>g{i}</guid><title>T{i}</title><link>https://x.example/{i}</link>"
        f"<description>Body {i}</description><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>"
        for i in range(10_000)
    )
    started = time.monotonic()
    feed = parse_feed(rss(*items))
    assert len(feed.entries) == 10_000 and feed.entries[-1].identity == "g9999"
    assert feed.entries[0].published == "2003-06-10T04:00:00Z"
    assert time.monotonic() - started < 30


def test_an_empty_feed_served_without_a_content_type_is_still_a_feed():
    feed = parse_feed(rss(), {"content-type": "text/plain"})
    assert feed.entries == [] and feed.bozo and "NonXMLContentType" in feed.warning
