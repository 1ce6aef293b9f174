"""The JSON API and the Atom feeds of `monitor serve`, over HTTP against a real uvicorn process,
on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest
from lxml import etree
from web_support import CLAIM, MARKUP_TITLE, TOKEN, make_site, serving

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(tmp_path: Path, db_url: str) -> Iterator[tuple[Path, Path, str]]:
    config = make_site(tmp_path, db_url)
    with serving(tmp_path, config) as base:
        yield tmp_path, config, base


def test_reads_with_etags_and_304(site):
    _, _, base = site
    health = httpx.get(base + "/api/health").json()
    assert health["ok"] is True and health["read_only"] is False and health["position"] > 0

    r = httpx.get(base + "/api/claims")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["count"] == len(body["claims"]) == 17
    assert body["position"] == health["position"]
    na3 = next(c for c in body["claims"] if c["id"] == CLAIM)
    assert na3["status"] == "approved"
    assert na3["last_change"]["type"] == "ClaimStatusChanged"
    assert na3["confidence"] == pytest.approx(0.9)
    # httpx asks for gzip: the compressed variant has its own ETag, the head position.
    assert r.headers["content-encoding"] == "gzip" and r.headers["vary"] == "Accept-Encoding"
    etag = r.headers["etag"]
    assert etag == f'"p{health["position"]}-gz"'
    again = httpx.get(base + "/api/claims", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    plain = httpx.get(base + "/api/claims", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == body
    assert plain.headers["etag"] == f'"p{health["position"]}"'
    assert plain.headers["x-content-type-options"] == "nosniff"
    head = httpx.head(base + "/api/claims", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(plain.content)

    for path in (
        f"/api/claims/{CLAIM}",
        f"/api/claims/{CLAIM}/history",
        "/api/changes",
        "/api/events",
        "/api/feeds",
        "/api/openapi.json",
        "/changes.atom",
    ):
        first = httpx.get(base + path)
        assert first.status_code == 200, path
        tag = first.headers["etag"]
        assert httpx.get(base + path, headers={"If-None-Match": tag}).status_code == 304, path

    claim = httpx.get(f"{base}/api/claims/{CLAIM}").json()
    assert claim["id"] == CLAIM and claim["status"] == "approved"
    history = httpx.get(f"{base}/api/claims/{CLAIM}/history").json()["events"]
    assert [e["type"] for e in history] == ["ClaimAsserted", "ClaimStatusChanged"]
    assert history[1]["data"]["report"]["link"] == "https://news.example.com/a1"
    feeds = httpx.get(base + "/api/feeds").json()["feeds"]
    assert [f["id"] for f in feeds] == ["autonews"] and feeds[0]["reports"] == 2


def test_changes_and_the_log(site):
    _, _, base = site
    changes = httpx.get(base + "/api/changes", params={"since": "2026-01-01"}).json()
    [change] = changes["changes"]
    assert (change["claim"], change["from"], change["to"]) == (CLAIM, "unapproved", "approved")
    assert change["report"]["title"] == MARKUP_TITLE
    assert (
        httpx.get(base + "/api/changes", params={"since": change["position"]}).json()["changes"]
        == []
    )
    assert httpx.get(base + "/api/changes", params={"since": "2999-01-01"}).json()["changes"] == []

    head = httpx.get(base + "/api/health").json()["position"]
    seen, after = [], 0
    while after is not None:
        page = httpx.get(base + "/api/events", params={"after": after, "limit": 7}).json()
        seen += page["events"]
        after = page["next"]
    assert [e["position"] for e in seen] == list(range(1, head + 1))
    assert all(e["prev_hash"] == p["hash"] for p, e in zip(seen, seen[1:], strict=False))


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/api/claims/no-such-claim", 404, "unknown claim id 'no-such-claim'"),
        ("/api/claims/no-such-claim/history", 404, "unknown claim id"),
        ("/api/events?after=x", 400, "after: 'x' is not a whole number"),
        ("/api/events?limit=100000", 400, "limit: 100000 must be between 1 and 1000"),
        ("/api/changes?since=yesterdayish", 400, "since: 'yesterdayish' is not an ISO 8601"),
        ("/api/nothing-here", 404, "no such page: /api/nothing-here"),
        ("/claims/no-such-claim.atom", 404, "unknown claim id"),
    ],
)
def test_json_errors_say_what_is_wrong(site, path, status, words):
    _, _, base = site
    r = httpx.get(base + path)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    error = r.json()["error"]
    assert error["status"] == status and words in error["message"]


def test_method_not_allowed_is_a_json_error(site):
    _, _, base = site
    r = httpx.delete(base + "/api/claims")
    assert r.status_code == 405
    assert r.json()["error"]["message"] == "DELETE is not allowed on /api/claims"


def test_openapi_document_names_every_route(site):
    _, _, base = site
    doc = httpx.get(base + "/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in (
        "/api/claims",
        "/api/claims/{id}",
        "/api/claims/{id}/history",
        "/api/changes",
        "/api/events",
        "/api/feeds",
        "/api/health",
    ):
        assert "get" in doc["paths"][path]
    assert "post" in doc["paths"]["/api/claims/{id}/corrections"]


def test_api_correction_needs_the_bearer_token(site):
    _, _, base = site
    url = f"{base}/api/claims/{CLAIM}/corrections"
    body = {"status": "unapproved", "reason": "the press office denied it", "by": "desk"}
    assert httpx.post(url, json=body).status_code == 401
    assert httpx.post(url, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad = httpx.post(url, json={"status": "maybe", "reason": "x"}, headers=auth)
    assert bad.status_code == 400 and "not a status" in bad.json()["error"]["message"]
    assert httpx.post(url, content=b"{nope", headers=auth).status_code == 400
    extra = httpx.post(url, json={**body, "colour": "red"}, headers=auth)
    assert "unknown field(s): colour" in extra.json()["error"]["message"]

    before = httpx.get(base + "/api/claims")
    done = httpx.post(url, json=body, headers=auth)
    assert done.status_code == 201, done.text
    event = done.json()
    assert event["type"] == "ClaimCorrected" and event["data"]["by"] == "desk"
    history = httpx.get(f"{base}/api/claims/{CLAIM}/history").json()["events"]
    assert history[-1]["position"] == event["position"]
    # The log moved: the claims list is rebuilt, with a new ETag and the corrected status.
    after = httpx.get(base + "/api/claims", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    na3 = next(c for c in after.json()["claims"] if c["id"] == CLAIM)
    assert na3["status"] == "unapproved" and na3["last_change"]["type"] == "ClaimCorrected"


def test_read_only_without_a_token(tmp_path, sqlite_url):
    config = make_site(tmp_path, sqlite_url)
    with serving(tmp_path, config, token=None) as base:
        assert httpx.get(base + "/api/health").json()["read_only"] is True
        page = httpx.get(base + "/claims").text
        assert "Read-only" in page
        r = httpx.post(
            f"{base}/api/claims/{CLAIM}/corrections",
            json={"status": "unapproved", "reason": "x"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 403 and "read-only" in r.json()["error"]["message"]
        login = httpx.post(base + "/login", data={"token": TOKEN, "next": "/claims"})
        assert login.status_code == 403 and "read-only" in login.text
        form = httpx.post(f"{base}/claims/{CLAIM}/correct", data={"reason": "x", "csrf": "y"})
        assert form.status_code == 403


def test_form_writes_need_session_csrf_and_same_origin(site):
    _, _, base = site
    with httpx.Client(base_url=base) as client:
        bad = client.post("/login", data={"token": "wrong", "next": "/claims"})
        assert bad.status_code == 403 and "not right" in bad.text
        ok = client.post("/login", data={"token": TOKEN, "next": "https://evil.example/"})
        assert ok.status_code == 303 and ok.headers["location"] == "/claims"
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        page = client.get(f"/claims/{CLAIM}").text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        form = {"status": "unapproved", "reason": "checked with BMW"}
        assert client.post(f"/claims/{CLAIM}/correct", data=form).status_code == 403
        assert (
            client.post(f"/claims/{CLAIM}/correct", data={**form, "csrf": "0" * 64}).status_code
            == 403
        )
        cross = client.post(
            f"/claims/{CLAIM}/correct",
            data={**form, "csrf": csrf},
            headers={"Origin": "https://evil.example"},
        )
        assert cross.status_code == 403 and "cross-origin" in cross.text
        done = client.post(f"/claims/{CLAIM}/correct", data={**form, "csrf": csrf})
        assert done.status_code == 303 and "correction+recorded" in done.headers["location"]
    # A crafted link cannot put words on the page: notices are signed by the server.
    crafted = httpx.get(f"{base}/claims", params={"error": "Session expired: log in at evil"})
    assert "log in at evil" not in crafted.text
    # Another client (no cookie) cannot reuse the CSRF token.
    assert (
        httpx.post(f"{base}/claims/{CLAIM}/correct", data={**form, "csrf": csrf}).status_code == 403
    )


def _atom_rules(document: bytes) -> list[str]:
    """RFC 4287's must-haves, checked on the XML itself."""
    root = etree.fromstring(document)
    assert root.tag == f"{ATOM}feed"
    problems = []
    for name in ("id", "title", "updated"):
        if len(root.findall(f"{ATOM}{name}")) != 1:
            problems.append(f"feed needs exactly one {name}")
    if not root.findall(f"{ATOM}author"):
        problems.append("feed has no author (and entries carry none)")
    if not root.findall(f"{ATOM}link[@rel='self']"):
        problems.append("feed should have a rel=self link")
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            if len(entry.findall(f"{ATOM}{name}")) != 1:
                problems.append(f"entry needs exactly one {name}")
        ids.append(entry.findtext(f"{ATOM}id"))
        alternates = entry.findall(f"{ATOM}link[@rel='alternate']")
        if len(alternates) != 1 and not entry.findall(f"{ATOM}content"):
            problems.append("entry without content needs an alternate link")
    for when in root.iter(f"{ATOM}updated", f"{ATOM}published"):
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)", when.text):
            problems.append(f"{when.text!r} is not an RFC 3339 date-time")
    for i in [root.findtext(f"{ATOM}id"), *ids]:
        if not re.match(r"^[a-z][a-z0-9+.-]*:", i or ""):
            problems.append(f"id {i!r} is not an IRI")
    if len(set(ids)) != len(ids):
        problems.append("entry ids repeat")
    return problems


def test_atom_feeds_parse_and_follow_the_rules(site):
    folder, config, base = site
    for path in ("/changes.atom", f"/claims/{CLAIM}.atom"):
        r = httpx.get(base + path)
        assert r.headers["content-type"].startswith("application/atom+xml")
        assert _atom_rules(r.content) == []
        parsed = feedparser.parse(r.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        [entry] = parsed.entries
        assert entry.title == "BMW i4 Convertible (NA3): status unapproved → approved"
        assert "Evidence: BMW signs off the i4 Convertible" in entry.content[0].value
        assert MARKUP_TITLE in entry.content[0].value  # text content: the markup is text
        links = {link.rel: link.href for link in entry.links}
        assert links["alternate"].endswith(f"/claims/{CLAIM}#event-{entry_position(r.content)}")
        assert links["related"] == "https://news.example.com/a1"
        assert entry.id.startswith("tag:monitor.localhost,2026:event/")

    first_ids = [e.id for e in feedparser.parse(httpx.get(base + "/changes.atom").content).entries]
    # Stable ids: the same after another change, and from another server process.
    httpx.post(
        f"{base}/api/claims/{CLAIM}/corrections",
        json={"value": "2027", "reason": "launch year announced"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    ).raise_for_status()
    with serving(folder, config) as other:
        entries = feedparser.parse(httpx.get(other + "/changes.atom").content).entries
    assert len(entries) == 2 and entries[0].title.endswith("corrected — → 2027")
    assert [e.id for e in entries][1:] == first_ids


def entry_position(document: bytes) -> str:
    return re.search(rb"#event-(\d+)", document).group(1).decode()


def test_the_claim_page_as_of_a_past_moment(site):
    _, _, base = site
    history = httpx.get(f"{base}/api/claims/{CLAIM}/history").json()["events"]
    asserted, changed = history
    assert asserted["recorded_at"] < changed["recorded_at"]

    def state_at(moment: str) -> str:
        page = httpx.get(f"{base}/claims/{CLAIM}", params={"as_of": moment}).text
        return re.search(r'<dl class="state">.*?class="status s-([a-z-]+)"', page, re.S).group(1)

    assert state_at(asserted["recorded_at"]) == "unapproved"
    assert state_at(changed["recorded_at"]) == "approved"
    assert "not yet known" in httpx.get(f"{base}/claims/{CLAIM}?as_of=2001-01-01").text
    bad = httpx.get(f"{base}/claims/{CLAIM}?as_of=last+week")
    assert bad.status_code == 400 and "as_of: &#39;last week&#39; is not an ISO 8601" in bad.text
