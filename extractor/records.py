"""Checking records against their record kind's JSON Schema."""

from pathlib import Path

from .errors import RecordError
from .schemacheck import describe, first_error
from .specfile import Spec


def check_record(record: dict, schema_file: Path, spec: Spec | None = None, origin: str = ""):
    """Raise RecordError naming the field path (and the spec line behind it) of the most useful violation."""
    problem = first_error(schema_file, record)
    if problem is None:
        return
    where = f"{origin}: " if origin else ""
    behind = ""
    if spec is not None:
        spec_field = spec.field_for(problem.absolute_path)
        if spec_field is not None:
            behind = f" (field {spec_field.name}, {spec.where(spec_field)})"
    raise RecordError(f"{where}record fails {Path(schema_file).name} at {describe(problem)}{behind}")
