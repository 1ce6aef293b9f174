"""Migration 0004 splits each claim into a hot row and its text; claims come out the same.

A 0003 database is made as 0003's projector left it (one `claims` row per claim with the whole
`Claim.to_json` document), upgraded, and read back; the projector then carries on from it.
"""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from monitor.domain import events as ev
from monitor.services.replay import fold_log
from monitor.store.db import make_engine
from monitor.store.eventstore import EventStore
from monitor.store.migrate import _config, upgrade
from monitor.store.projections import ClaimsProjector, load_claims, set_position

REPORT = {"key": "r", "link": "https://news.example/1", "title": "Bericht"}


def asserted(claim: str, aliases: list[str], key: str) -> ev.NewEvent:
    return ev.NewEvent(
        stream=ev.claim_stream(claim),
        type=ev.CLAIM_ASSERTED,
        data={
            "claim": claim,
            "subject": f"Größe {claim}",
            "aliases": aliases,
            "lookalikes": [f"{claim} Coupé"],
            "status": "rumored",
            "value": None,
            "quote": f"„{claim}“ is in the works.",
            "source": {
                "title": "Seed",
                "link": "https://example.com/seed",
                "published": "2026-01-01T00:00:00Z",
                "name": "Example",
                "organizations": ["BMW"],
            },
        },
        occurred_at="2026-01-01T00:00:00Z",
        metadata={"cause": "baseline"},
        dedup_key=key,
    )


def later(claim: str, type_: str, key: str, **data: object) -> ev.NewEvent:
    return ev.NewEvent(
        stream=ev.claim_stream(claim),
        type=type_,
        data={
            "claim": claim,
            "evidence": f"Satz {key}.",
            "report": REPORT,
            "confidence": 0.9,
            **data,
        },
        occurred_at="2026-02-01T00:00:00Z",
        metadata={"cause": "poll"},
        dedup_key=key,
    )


def history() -> list[ev.NewEvent]:
    return [
        asserted("a", ["A", "Model A"], "a1"),
        asserted("b", ["B"], "b1"),
        asserted("c", [], "c1"),
        later("a", ev.CLAIM_CORROBORATED, "a2", status="rumored"),
        later("a", ev.CLAIM_STATUS_CHANGED, "a3", **{"from": "rumored", "to": "approved"}),
        later("a", ev.CLAIM_CORROBORATED, "a4", status="approved"),
        later("b", ev.CLAIM_VALUE_CHANGED, "b2", **{"from": None, "to": "2027"}),
    ]


def make_0003(engine: Engine, url: str) -> EventStore:
    """A database at 0003 whose `claims` rows are what 0003's projector wrote."""
    command.upgrade(_config(engine), "0003")
    store = EventStore(engine, [], url=url)
    store.append(history())
    state = fold_log(store).claims
    with engine.begin() as conn:
        for claim in state.values():
            conn.execute(
                text(
                    "INSERT INTO claims (id, subject, status, value, updated_at, version,"
                    " position, doc) VALUES (:id, :subject, :status, :value, :updated_at,"
                    " :version, :position, :doc)"
                ),
                {
                    "id": claim.id,
                    "subject": claim.subject,
                    "status": claim.status,
                    "value": claim.value,
                    "updated_at": claim.updated_at,
                    "version": claim.version,
                    "position": claim.position,
                    "doc": json.dumps(claim.to_json(), ensure_ascii=False),
                },
            )
        set_position(conn, "claims", store.head()[0])
    return store


@pytest.fixture
def engine(db_url: str):  # noqa: ANN201
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def test_an_upgraded_database_reads_the_same_claims_and_carries_on(engine, db_url):
    store = make_0003(engine, db_url)
    before = fold_log(store).claims
    assert before["a"].corroborations == 2 and before["b"].value == "2027"
    upgrade(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("claims")}
    assert "doc" not in columns and {"corroborations", "evidence", "evidence_link"} <= columns
    with engine.connect() as conn:
        assert load_claims(conn) == before
        assert load_claims(conn, ["b"]) == {"b": before["b"]}
        assert conn.execute(text("SELECT count(*) FROM claim_texts")).scalar() == 3
    # the projector goes on from the migrated rows (a fresh one: nothing cached)
    store = EventStore(engine, [ClaimsProjector()], url=db_url)
    store.append([later("a", ev.CLAIM_CORROBORATED, "a5", status="approved")])
    store.append([later("c", ev.CLAIM_CORROBORATED, "c2", status="rumored")])
    with engine.connect() as conn:
        projected = load_claims(conn)
    assert projected == fold_log(store).claims
    assert projected["a"].corroborations == 3 and projected["a"].aliases == ("A", "Model A")


def test_a_downgrade_joins_the_document_back(engine, db_url):
    store = make_0003(engine, db_url)
    with engine.connect() as conn:
        docs_0003 = dict(conn.execute(text("SELECT id, doc FROM claims")).all())
    upgrade(engine)
    command.downgrade(_config(engine), "0003")
    assert "claim_texts" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        docs = dict(conn.execute(text("SELECT id, doc FROM claims")).all())
    assert {k: json.loads(v) for k, v in docs.items()} == {
        k: json.loads(v) for k, v in docs_0003.items()
    }
    assert {k: json.loads(v) for k, v in docs.items()} == {
        k: c.to_json() for k, c in fold_log(store).claims.items()
    }


def test_new_words_on_a_known_claim_are_written_and_a_rebuild_writes_both_tables(engine, db_url):
    upgrade(engine)
    projector = ClaimsProjector()
    store = EventStore(engine, [projector], url=db_url)
    store.append(history())
    # asserted again with other words: the text row follows (in a batch with a corroboration)
    store.append(
        [
            later("b", ev.CLAIM_CORROBORATED, "b3", status="rumored"),
            asserted("b", ["B", "Model B"], "b4"),
            later("b", ev.CLAIM_CORROBORATED, "b5", status="rumored"),
        ]
    )
    folded = fold_log(store).claims
    with engine.connect() as conn:
        assert load_claims(conn) == folded
    assert folded["b"].aliases == ("B", "Model B") and folded["b"].corroborations == 1
    with engine.begin() as conn:
        projector.write_state(conn, folded, store.head()[0])
    with engine.connect() as conn:
        assert load_claims(conn) == folded
        assert conn.execute(text("SELECT count(*) FROM claim_texts")).scalar() == 3
