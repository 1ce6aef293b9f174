"""Loading the JSON Schemas in `schemas/` and validating events and files against them.

Two validators per schema: fastjsonschema (compiled to Python, ~5 us an event) answers "valid?"
on the write path; jsonschema, only when that says no, finds the message naming the failing path.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from .errors import ValidationError
from .resources import schemas_dir


@cache
def _registry() -> Registry:
    resources = []
    root = schemas_dir()
    for path in sorted(root.rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if "$id" in doc:
            resources.append((doc["$id"], Resource.from_contents(doc)))
    return Registry().with_resources(resources)


@cache
def _load(relative: str) -> dict[str, Any]:
    return json.loads((schemas_dir() / relative).read_text(encoding="utf-8"))


@cache
def validator(relative: str) -> Draft202012Validator:
    """A compiled validator for a schema file, relative to `schemas/`."""
    return Draft202012Validator(_load(relative), registry=_registry())


def _inline_refs(node: Any) -> Any:
    """Replace `$ref`s into common.schema.json by their targets (fastjsonschema has no registry)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            if "#/$defs/" not in ref or not ref.split("#")[0].endswith(("common.schema.json", "")):
                raise ValueError(f"unsupported $ref {ref!r}")
            target = _load("common.schema.json")["$defs"][ref.split("#/$defs/")[1]]
            rest = {k: v for k, v in node.items() if k != "$ref"}
            merged = _inline_refs(target)
            return {"allOf": [merged, _inline_refs(rest)]} if rest else merged
        return {k: _inline_refs(v) for k, v in node.items() if k not in ("$id", "$schema")}
    if isinstance(node, list):
        return [_inline_refs(x) for x in node]
    return node


@cache
def fast_validator(relative: str):  # -> Callable[[Any], Any]
    return fastjsonschema.compile(_inline_refs(_load(relative)))


def event_schema_path(type_: str, schema_version: int) -> str:
    return f"events/{type_}.v{schema_version}.json"


@cache
def event_validator(type_: str, schema_version: int) -> Draft202012Validator:
    relative = event_schema_path(type_, schema_version)
    if not (schemas_dir() / relative).is_file():
        raise ValidationError(f"unknown event type {type_!r} (schema version {schema_version})")
    return validator(relative)


def format_path(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def first_error(v: Draft202012Validator, instance: Any) -> str | None:
    """The most relevant error as 'field.path: message', or None when valid."""
    best = None
    for err in v.iter_errors(instance):
        if best is None or len(err.absolute_path) > len(best.absolute_path):
            best = err
    if best is None:
        return None
    return f"{format_path(best.absolute_path)}: {best.message}"


def validate_event_data(type_: str, schema_version: int, data: Any, where: str = "") -> None:
    v = event_validator(type_, schema_version)
    try:
        fast_validator(event_schema_path(type_, schema_version))(data)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    if v.is_valid(data):  # the two disagree only if a schema uses what fastjsonschema lacks
        return
    msg = first_error(v, data)
    prefix = f"{where}: " if where else ""
    raise ValidationError(f"{prefix}{type_} v{schema_version} data.{msg}")


def validate_file_data(relative: str, data: Any, where: str) -> None:
    try:
        fast_validator(relative)(data)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    v = validator(relative)
    if v.is_valid(data):
        return
    raise ValidationError(f"{where}: {first_error(v, data)}")


def schema_file(relative: str) -> Path:
    return schemas_dir() / relative
