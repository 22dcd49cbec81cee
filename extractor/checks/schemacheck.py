"""Checking data against csx's JSON Schemas (spec, layout and record kinds)."""

import json
from functools import lru_cache
from pathlib import Path

from ..errors import SpecError
from ..resources import schemas_dir
from ..regularfiles import read_source_text

MAX_SCHEMA_BYTES = 16 * 2**20


def read_schema(schema_file: Path) -> dict:
    """A JSON Schema file's object; SpecError naming the file, line and column when it is none."""
    text = read_source_text(schema_file, MAX_SCHEMA_BYTES)
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(schema_file, exc.lineno, exc.colno, f"not JSON: {exc.msg}") from exc
    except RecursionError as exc:
        raise SpecError(schema_file, 1, 1, "not a JSON Schema: nested too deeply") from exc
    if not isinstance(schema, dict):
        raise SpecError(schema_file, 1, 1, "not a JSON Schema: a JSON object ({...}) was expected")
    return schema


@lru_cache(maxsize=None)
def validator(schema_file: Path):
    from jsonschema import Draft202012Validator  # imported when the first check runs
    from jsonschema.exceptions import SchemaError

    schema = read_schema(schema_file)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise SpecError(schema_file, 1, 1, f"not a valid JSON Schema: {describe(exc)[:300]}") from exc
    except RecursionError as exc:
        raise SpecError(schema_file, 1, 1, "not a JSON Schema: nested too deeply") from exc
    return Draft202012Validator(schema)


def shipped_schema(name: str) -> Path:
    return schemas_dir() / name


def errors(schema_file: Path, data) -> list:
    """Every violation, most useful first within each place, in document order of path."""
    return sorted(validator(Path(schema_file)).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])


@lru_cache(maxsize=None)
def compiled_check(schema_file: Path):
    """The schema's compiled yes/no (fastcheck), or None where jsonschema decides."""
    from .fastcheck import compile_schema

    return compile_schema(read_schema(schema_file))


def is_valid(schema_file: Path, data) -> bool:
    """The quick yes/no; the errors are worked out only for data that fails."""
    check = compiled_check(Path(schema_file))
    if check is not None:
        return check(data)
    return validator(Path(schema_file)).is_valid(data)


def first_error(schema_file: Path, data):
    from jsonschema.exceptions import best_match

    return best_match(validator(Path(schema_file)).iter_errors(data))


def _error_path(error) -> tuple:
    """Where in the data an error is; for an unexpected key, the key itself."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [key for key in error.instance if key not in allowed]
        if extra:
            return path + (extra[0],)
    return path


def located_error(located, error, what: str):
    """A SpecError at the spot of a schema violation in a YAML file: the key for
    objects and unexpected keys, the value itself for a bad scalar."""
    path = _error_path(error)
    message = f"{what}: {describe(error)}"
    if isinstance(error.instance, (dict, list)) or path != tuple(error.absolute_path):
        return located.error(path, message)
    line, col = located.value_position(path)
    return SpecError(located.file, line, col, message)


def describe(error) -> str:
    """One line: where in the data, and what is wrong."""
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    return f"{where}: {error.message}"
