"""The detector's account of itself: per sentence, what it found and what it decided, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class MentionNote:
    text: str
    claims: tuple[str, ...]
    blocked: tuple[str, ...] = ()  # claims a lookalike rules out here
    note: str = ""


@dataclass(frozen=True, slots=True)
class CueNote:
    text: str
    kind: str  # status cue, timing cue
    status: str | None  # the cue's own status
    claims: tuple[str, ...]  # claims it was attached to
    verdict: str | None  # status after negation, tense, plausibility
    confidence: float
    decisions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SentenceNote:
    text: str
    mentions: tuple[MentionNote, ...] = ()
    cues: tuple[CueNote, ...] = ()
    qualifiers: tuple[str, ...] = ()  # matched negation, hedge, future... phrases
    skipped: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    report: str
    language: str
    sentences: tuple[SentenceNote, ...] = ()
    verdicts: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": self.report,
            "language": self.language,
            "sentences": [
                {
                    "text": s.text,
                    "skipped": s.skipped or None,
                    "mentions": [
                        {
                            "text": m.text,
                            "claims": list(m.claims),
                            "blocked": list(m.blocked),
                            "note": m.note or None,
                        }
                        for m in s.mentions
                    ],
                    "qualifiers": list(s.qualifiers),
                    "cues": [
                        {
                            "text": c.text,
                            "kind": c.kind,
                            "status": c.status,
                            "claims": list(c.claims),
                            "verdict": c.verdict,
                            "confidence": round(c.confidence, 3),
                            "decisions": list(c.decisions),
                        }
                        for c in s.cues
                    ],
                }
                for s in self.sentences
            ],
            "verdicts": list(self.verdicts),
        }

    def to_text(self) -> str:
        lines = [f"report {self.report} (language: {self.language})"]
        for i, s in enumerate(self.sentences, 1):
            lines.append(f"[{i}] {s.text}")
            if s.skipped:
                lines.append(f"    skipped: {s.skipped}")
            for m in s.mentions:
                extra = f" (blocked by lookalike: {', '.join(m.blocked)})" if m.blocked else ""
                note = f" [{m.note}]" if m.note else ""
                lines.append(f"    mention {m.text!r} -> {', '.join(m.claims) or '-'}{extra}{note}")
            if s.qualifiers:
                lines.append(f"    qualifiers: {'; '.join(s.qualifiers)}")
            for c in s.cues:
                lines.append(
                    f"    cue {c.text!r} ({c.kind}, {c.status or '-'}) -> "
                    f"{', '.join(c.claims) or 'no mention in scope'}: "
                    f"{c.verdict or 'nothing'} @ {c.confidence:.2f}"
                )
                lines.extend(f"      - {d}" for d in c.decisions)
        if self.verdicts:
            lines.append("verdicts:")
            for v in self.verdicts:
                lines.append(
                    f"  {v['claim']}: {v['status'] or '(mentioned)'}"
                    f"{' value ' + v['value'] if v.get('value') else ''} @ {v['confidence']:.2f}"
                )
        return "\n".join(lines)
