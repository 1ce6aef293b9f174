"""The lexicon: news phrasing as data, validated by schemas/lexicon.schema.json.

`Lexicon.from_data` is pure; `load_lexicon` is the detector's only file access: it reads the shipped
lexicon, then each extension file, whose phrases are added to the shipped lists (a status entry's
scalar fields are replaced).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from monitor.domain.statuses import STATUS_SET
from monitor.errors import ValidationError
from monitor.resources import schemas_dir

SHIPPED = Path(__file__).with_name("lexicon.json")

LIST_KEYS = (
    "pseudo_cues",
    "timing_cues",
    "terminators",
    "hedges",
    "reported",
    "official",
    "hypothetical",
    "opinion",
    "future",
    "future_time",
    "historical",
    "comparison",
    "other_brands",
    "report_denials",
    "english_stopwords",
)
NEGATION_KEYS = ("pre", "post", "pseudo")
STATUS_LIST_KEYS = ("cues", "weak_cues", "active_cues")


class LexiconError(ValidationError, ValueError):
    """A lexicon file that cannot be used; the message names the file and the JSON path."""

    def __init__(self, file: str, path: str, message: str):
        super().__init__(f"{file}: at {path}: {message}")
        self.file = file
        self.json_path = path


@dataclass(frozen=True, slots=True)
class StatusCues:
    status: str
    cues: tuple[str, ...] = ()
    weak_cues: tuple[str, ...] = ()
    active_cues: tuple[str, ...] = ()
    negated: str | None = None
    future: str | None = None
    stage: bool = False
    needs_official: bool = False
    confidence: float = 0.9


@dataclass(frozen=True, slots=True)
class Lexicon:
    statuses: Mapping[str, StatusCues]
    lists: Mapping[str, tuple[str, ...]]
    negation: Mapping[str, tuple[str, ...]]
    sources: tuple[str, ...] = field(default=())

    def words(self, key: str) -> tuple[str, ...]:
        return self.lists.get(key, ())

    @classmethod
    def from_data(cls, layers: Sequence[Mapping[str, Any]], sources: Sequence[str] = ()) -> Lexicon:
        """Merge validated lexicon documents, the shipped one first."""
        statuses: dict[str, dict[str, Any]] = {}
        lists: dict[str, list[str]] = {k: [] for k in LIST_KEYS}
        negation: dict[str, list[str]] = {k: [] for k in NEGATION_KEYS}
        for data in layers:
            for status, entry in (data.get("statuses") or {}).items():
                cur = statuses.setdefault(status, {k: [] for k in STATUS_LIST_KEYS})
                for key, value in entry.items():
                    if key in STATUS_LIST_KEYS:
                        _extend(cur[key], value)
                    else:
                        cur[key] = value
            for key in LIST_KEYS:
                _extend(lists[key], data.get(key) or ())
            for key in NEGATION_KEYS:
                _extend(negation[key], (data.get("negation") or {}).get(key) or ())
        built = {
            status: StatusCues(
                status=status,
                cues=tuple(e["cues"]),
                weak_cues=tuple(e["weak_cues"]),
                active_cues=tuple(e["active_cues"]),
                negated=e.get("negated"),
                future=e.get("future"),
                stage=bool(e.get("stage", False)),
                needs_official=bool(e.get("needs_official", False)),
                confidence=float(e.get("confidence", 0.9)),
            )
            for status, e in statuses.items()
        }
        return cls(
            statuses=built,
            lists={k: tuple(v) for k, v in lists.items()},
            negation={k: tuple(v) for k, v in negation.items()},
            sources=tuple(sources),
        )


def _extend(target: list[str], items: Sequence[str]) -> None:
    seen = set(target)
    for item in items:
        if item not in seen:
            target.append(item)
            seen.add(item)


def schema_path() -> Path:
    return schemas_dir() / "lexicon.schema.json"


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def validate(data: Any, file: str) -> None:
    """Raise LexiconError naming the file and the JSON path of the first problem."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        raise LexiconError(file, path, err.message)
    for status in (data.get("statuses") or {}).values():
        for key in ("negated", "future"):
            value = status.get(key)
            if value is not None and value not in STATUS_SET:  # pragma: no cover - schema enum
                raise LexiconError(file, f"$.statuses.{key}", f"unknown status {value!r}")


def read_layer(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(str(path), "$", f"cannot read: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise LexiconError(
            str(path), "$", f"not JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc
    validate(data, str(path))
    return data


def load_lexicon(extra_paths: Sequence[Path] = ()) -> Lexicon:
    """The shipped lexicon plus extension files, each validated; raises LexiconError."""
    paths = [SHIPPED, *(Path(p) for p in extra_paths)]
    return Lexicon.from_data([read_layer(p) for p in paths], [str(p) for p in paths])


@cache
def shipped_lexicon() -> Lexicon:
    return load_lexicon()
