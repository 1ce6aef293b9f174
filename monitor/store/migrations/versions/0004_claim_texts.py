"""Claim texts: a claim's words move out of the row every corroboration rewrites.

Each corroboration rewrote the whole `claims` row, ~900 bytes with its JSON `doc` (aliases,
lookalikes, quote, source), though only the status-like fields change. Now `claims` holds those
(with the new columns `corroborations`, `evidence`, `evidence_link`) and `claim_texts` the words,
written when a claim is asserted. Existing rows are split here, so no replay is needed; the
downgrade joins them back into `doc` as `Claim.to_json` spelt it.

Revision ID: 0004
Revises: 0003
"""

import json
from typing import Any

from alembic import op
from sqlalchemy import (
    Column,
    Integer,
    String,
    Text,
    bindparam,
    column,
    select,
    table,
    update,
)

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CHUNK = 1000


def _claims(*names: str):  # noqa: ANN202
    return table("claims", *(column(n) for n in names))


def upgrade() -> None:
    op.create_table(
        "claim_texts",
        Column("id", String(100), primary_key=True),
        Column("doc", Text, nullable=False),
    )
    with op.batch_alter_table("claims") as batch:
        batch.add_column(Column("corroborations", Integer, nullable=False, server_default="0"))
        batch.add_column(Column("evidence", Text, nullable=False, server_default=""))
        batch.add_column(Column("evidence_link", Text, nullable=False, server_default=""))
    conn = op.get_bind()
    old = _claims("id", "doc", "corroborations", "evidence", "evidence_link")
    texts = table("claim_texts", column("id"), column("doc"))
    moving = (
        update(old)
        .where(old.c.id == bindparam("b_id"))
        .values(
            corroborations=bindparam("b_corroborations"),
            evidence=bindparam("b_evidence"),
            evidence_link=bindparam("b_evidence_link"),
        )
    )
    rows = conn.execute(select(old.c.id, old.c.doc).order_by(old.c.id)).all()
    for i in range(0, len(rows), _CHUNK):
        docs = [(cid, json.loads(doc)) for cid, doc in rows[i : i + _CHUNK]]
        conn.execute(
            texts.insert(),
            [{"id": cid, "doc": json.dumps(_text_of(d), ensure_ascii=False)} for cid, d in docs],
        )
        conn.execute(
            moving,
            [
                {
                    "b_id": cid,
                    "b_corroborations": d.get("corroborations") or 0,
                    "b_evidence": d.get("evidence") or "",
                    "b_evidence_link": d.get("evidence_link") or "",
                }
                for cid, d in docs
            ],
        )
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("doc")


def _text_of(doc: dict[str, Any]) -> dict[str, Any]:
    """The words of a 0003 `doc`, as the 0004 projector writes them."""
    return {
        "aliases": doc.get("aliases") or [],
        "lookalikes": doc.get("lookalikes") or [],
        "quote": doc.get("quote") or "",
        "source": doc.get("source") or {},
    }


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(Column("doc", Text, nullable=True))
    conn = op.get_bind()
    hot = _claims(
        "id",
        "subject",
        "status",
        "value",
        "updated_at",
        "version",
        "position",
        "corroborations",
        "evidence",
        "evidence_link",
        "doc",
    )
    texts = table("claim_texts", column("id"), column("doc"))
    rows = conn.execute(
        select(*(c for c in hot.c if c.name != "doc"), texts.c.doc.label("text")).join_from(
            hot, texts, texts.c.id == hot.c.id, isouter=True
        )
    ).all()
    fill = update(hot).where(hot.c.id == bindparam("b_id")).values(doc=bindparam("b_doc"))
    for i in range(0, len(rows), _CHUNK):
        conn.execute(
            fill,
            [{"b_id": r.id, "b_doc": _joined(r)} for r in rows[i : i + _CHUNK]],
        )
    with op.batch_alter_table("claims") as batch:
        batch.alter_column("doc", existing_type=Text, nullable=False)
        batch.drop_column("evidence_link")
        batch.drop_column("evidence")
        batch.drop_column("corroborations")
    op.drop_table("claim_texts")


def _joined(r: Any) -> str:
    """A 0003 `doc`, keys in `Claim.to_json`'s order."""
    words = json.loads(r.text) if r.text else {}
    return json.dumps(
        {
            "id": r.id,
            "subject": r.subject,
            "status": r.status,
            "value": r.value,
            "aliases": words.get("aliases") or [],
            "lookalikes": words.get("lookalikes") or [],
            "quote": words.get("quote") or "",
            "source": words.get("source") or {},
            "evidence": r.evidence,
            "evidence_link": r.evidence_link,
            "corroborations": r.corroborations,
            "updated_at": r.updated_at,
            "version": r.version,
            "position": r.position,
        },
        ensure_ascii=False,
    )
