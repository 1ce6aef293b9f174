"""A claim: one statement of a report whose status the monitor tracks."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Source:
    """The report a claim's words come from."""

    title: str = ""
    link: str = ""
    published: str | None = None
    name: str = ""
    organizations: tuple[str, ...] = ()  # who the article is about: "X said", "X's model"

    def to_json(self) -> dict:
        out: dict = {
            "title": self.title,
            "link": self.link,
            "published": self.published,
            "name": self.name,
        }
        if self.organizations:
            out["organizations"] = list(self.organizations)
        return out

    @classmethod
    def from_json(cls, data: dict | None) -> Source:
        src = data or {}
        return cls(
            title=src.get("title") or "",
            link=src.get("link") or "",
            published=src.get("published"),
            name=src.get("name") or "",
            organizations=tuple(src.get("organizations") or ()),
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """Where a claim stands after folding its events (immutable; `evolve` returns a new one)."""

    id: str
    subject: str
    status: str
    value: str | None = None
    aliases: tuple[str, ...] = ()
    lookalikes: tuple[str, ...] = ()
    quote: str = ""
    source: Source = field(default_factory=Source)
    version: int = 0
    updated_at: str = ""
    position: int = 0
    corroborations: int = 0
    evidence: str = ""
    evidence_link: str = ""

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "subject": self.subject,
            "status": self.status,
            "value": self.value,
            "aliases": list(self.aliases),
            "lookalikes": list(self.lookalikes),
            "quote": self.quote,
            "source": self.source.to_json(),
            "evidence": self.evidence,
            "evidence_link": self.evidence_link,
            "corroborations": self.corroborations,
            "updated_at": self.updated_at,
            "version": self.version,
            "position": self.position,
        }

    @classmethod
    def from_json(cls, data: dict) -> Claim:
        return cls(
            id=data["id"],
            subject=data["subject"],
            status=data["status"],
            value=data.get("value"),
            aliases=tuple(data.get("aliases") or ()),
            lookalikes=tuple(data.get("lookalikes") or ()),
            quote=data.get("quote") or "",
            source=Source.from_json(data.get("source")),
            evidence=data.get("evidence") or "",
            evidence_link=data.get("evidence_link") or "",
            corroborations=data.get("corroborations", 0),
            updated_at=data.get("updated_at") or "",
            version=data.get("version", 0),
            position=data.get("position", 0),
        )
