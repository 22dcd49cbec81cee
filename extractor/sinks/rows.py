"""Records as flat rows (CSV files, database columns): stable column names
taken from the record schema (not from the records, whose nulls vary), so a
kind's columns are the same run after run (job_info.type, paths.map, ...),
and each value as a cell."""

import json
from pathlib import Path

from ..checks.records import subschema
from ..checks.schemacheck import read_schema

SCALAR_TYPES = ("integer", "number", "string", "boolean")


def schema_columns(schema_file: Path) -> list:
    """Dotted paths of the leaves of a record schema, in its order."""
    schema = read_schema(schema_file)
    columns = []

    def walk(node, prefix):
        node = subschema(node, schema)
        properties = node.get("properties")
        if not properties:
            columns.append(prefix)
            return
        for key, child in properties.items():
            walk(child, f"{prefix}.{key}" if prefix else key)

    walk(schema, "")
    return columns


def in_schema_order(record: dict, schema: dict) -> dict:
    """The record with the keys of each object in the order of the schema's properties, the keys it does not
    name after them as they came: PostgreSQL's jsonb gives a record back with its keys in an order of its own
    (shortest first), and a record must read back alike from every database (a report lists Table 1's rows
    in this order)."""
    def ordered(value, node):
        node = subschema(node, schema)
        if isinstance(value, dict):
            properties = node.get("properties") or {}
            others = node.get("additionalProperties")
            keys = [key for key in properties if key in value] + [key for key in value if key not in properties]
            return {key: ordered(value[key], properties.get(key, others)) for key in keys}
        if isinstance(value, list):
            return [ordered(item, node.get("items")) for item in value]
        return value

    return ordered(record, schema)


def top_level_scalars(schema_file: Path) -> dict:
    """{key: JSON type} of a record schema's top-level keys of one scalar type (integer, number, string,
    boolean): the columns a database table gives a kind beside the whole record."""
    schema = read_schema(schema_file)
    scalars = {}
    for key, child in schema.get("properties", {}).items():
        child = subschema(child, schema)
        types = child.get("type", [])
        types = [types] if isinstance(types, str) else types
        known = [t for t in types if t != "null"]
        if "const" in child:
            known = ["string"]
        if len(known) == 1 and known[0] in SCALAR_TYPES:
            scalars[key] = known[0]
    return scalars


def flatten(record: dict, prefix="") -> dict:
    """{dotted path: value} of a record; lists and objects without a schema place are JSON text."""
    flat = {}
    for key, value in record.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(flatten(value, path))
        else:
            flat[path] = value
    return flat


# how a spreadsheet recognises a formula: a cell beginning with one of these (OWASP's CSV injection page, and
# ASVS 5.0 requirement 1.2.10, which adds NUL); and the apostrophe put before them, so that one leading
# apostrophe always comes off a text cell
APOSTROPHE_BEFORE = ("=", "+", "-", "@", "\t", "\r", "\0", "'")


def cell(value):
    """A record value as a CSV cell: a number as it is (a negative number stays a number), a list or an
    object as JSON text, and text as text_cell() has it."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, str):
        return text_cell(value)
    return value


def text_cell(text: str) -> str:
    """Text as a CSV cell: behind a leading apostrophe where a spreadsheet would take it for a formula (or
    where it begins with an apostrophe itself), and with what UTF-8 cannot encode (a lone surrogate, which
    JSON can hold) written as JSON escapes it (\\ud800)."""
    if text.startswith(APOSTROPHE_BEFORE):
        text = "'" + text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
