"""Schema evolution: old event versions are upcast on read; the stored log is never rewritten.

To change an event's shape: add `schemas/events/<Type>.v<N+1>.json`, bump CURRENT_VERSIONS, and
register a function here that turns a v<N> payload into v<N+1>. Chains apply one step at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.events import CURRENT_VERSIONS

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

# (type, from_version) -> function returning the payload of version from_version + 1
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcast(
    type_: str,
    schema_version: int,
    data: dict[str, Any],
    upcasters: dict[tuple[str, int], Upcaster] | None = None,
) -> tuple[int, dict[str, Any]]:
    table = UPCASTERS if upcasters is None else upcasters
    target = CURRENT_VERSIONS.get(type_, schema_version)
    while schema_version < target:
        step = table.get((type_, schema_version))
        if step is None:
            break
        data = step(data)
        schema_version += 1
    return schema_version, data
