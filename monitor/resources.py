"""Where the shipped schemas and event logs are: in an installed wheel, or beside the package."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the monitor package has no {name}/ folder (broken install?)")


def schemas_dir() -> Path:
    return _data_dir("schemas")


def events_dir() -> Path:
    return _data_dir("events")


def shipped_baseline() -> Path:
    return events_dir() / "bmw-neue-klasse-2024.jsonl"
