"""Checking records against their record kind's JSON Schema."""

import re
from pathlib import Path

from ..errors import RecordError
from .schemacheck import describe, first_error, is_valid

KIND_NAME = re.compile(r"[A-Za-z0-9_-]+")  # a record kind names a schema file: no path in it


class UnknownKind(RecordError):
    """A record whose kind cannot be told: none given and none in the record (`missing`: the caller says
    how to give one), a "kind" that is no kind name, or a kind without a schema."""

    def __init__(self, message: str, missing: bool = False):
        super().__init__(message)
        self.missing = missing


def kind_schema(registry, record, kind=None) -> tuple:
    """(kind, schema file) a record is checked against: `kind` when given, else the record's own "kind",
    and that kind's schema in `registry` (a language.registry.Registry). Raises UnknownKind."""
    kind = kind or (record.get("kind") if isinstance(record, dict) else None)
    if not kind:
        raise UnknownKind('no "kind" in the record', missing=True)
    if not isinstance(kind, str) or not KIND_NAME.fullmatch(kind):
        raise UnknownKind('"kind" is not a record kind name (letters, digits, - and _)')
    schema = registry.record_schema(kind)
    if schema is None:
        raise UnknownKind(f"no schema for record kind {kind!r}")
    return kind, schema


def subschema(schema: dict, root: dict) -> dict:
    """A schema with its local $refs (#/$defs/...) followed."""
    while isinstance(schema, dict) and schema.get("$ref", "").startswith("#/"):
        target = root
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        schema = target
    return schema if isinstance(schema, dict) else {}


def disallowed_path(record_path: tuple, schema: dict) -> tuple | None:
    """The first key of `record_path` that `schema` does not allow, or None.

    Follows properties, additionalProperties and local $refs: enough for
    the record schemas csx ships, and for any written the same way."""
    root, node = schema, schema
    for depth, key in enumerate(record_path):
        node = subschema(node, root)
        properties = node.get("properties", {})
        if key in properties:
            node = properties[key]
        elif node.get("additionalProperties") is False and not node.get("patternProperties"):
            return record_path[:depth + 1]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
    return None


def check_record(record: dict, schema_file: Path, spec=None, origin: str = ""):
    """Raise RecordError naming the field path (and the spec line behind it) of the most useful violation."""
    if is_valid(schema_file, record):
        return
    problem = first_error(schema_file, record)
    where = f"{origin}: " if origin else ""
    behind, spec_field = "", None
    if spec is not None:
        spec_field = spec.field_for(problem.absolute_path)
        if spec_field is not None:
            behind = f" (field {spec_field.name}, {spec.where(spec_field)})"
    error = RecordError(f"{where}record fails {Path(schema_file).name} at {describe(problem)}{behind}")
    error.field = ".".join(str(key) for key in problem.absolute_path)
    if spec_field is not None:
        error.file, error.line = str(spec_field.file), spec_field.line
    raise error
