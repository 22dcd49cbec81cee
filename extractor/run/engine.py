"""The engine: a spec's compiled expressions evaluated over a job's context,
giving the record. It knows no job type, version or document key."""

import math

from jmespath.exceptions import JMESPathError

from ..errors import FieldError, json_type, shown
from ..language.values import MAX_DEPTH, TooDeep, plain
from ..language.functions import CsxFunctions, error_text
from ..language.specfile import FieldSpec, Spec
from .context import JobContext
from .datasets import load_datasets
from .nulls import why_field_is_null

JSON_TYPES = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


# floats hold every integer up to this exactly; past it an integral float may not be the integer meant
EXACT_FLOAT_INTEGERS = 2 ** 53


def _typed(value, wanted: str, where: str):
    if wanted == "integer" and isinstance(value, float) and value.is_integer():
        if abs(value) > EXACT_FLOAT_INTEGERS:
            raise FieldError(f"{where}: expected an integer, got {shown(value)}, a number too large to be an "
                             "exact integer")
        return int(value)
    is_bool = isinstance(value, bool)
    if isinstance(value, JSON_TYPES[wanted]) and (wanted == "boolean" or not is_bool):
        return value
    raise FieldError(f"{where}: expected {wanted}, got {json_type(value)} ({shown(value)})")


def _non_finite(value) -> bool:
    try:
        return not math.isfinite(value)
    except (TypeError, OverflowError):  # not a number; an integer past a float's range
        return False


def _json_name(number) -> str:
    """NaN, Infinity or -Infinity, as Python's json writes them."""
    return "NaN" if math.isnan(number) else "Infinity" if number > 0 else "-Infinity"


def evaluate(context: JobContext, spec: Spec, related=None) -> dict:
    """The record of `context` under `spec`; `related(context, spec)` gives the related jobs'
    records and walks (extractor.run.related.RelatedJobs) to a spec that declares some."""
    return _evaluate(context, spec, related, failed=None)


def evaluate_every_field(context: JobContext, spec: Spec, related=None) -> tuple:
    """(record, [FieldError]): every field tried, a failing one null in the record, for a spec
    author who wants every problem at once."""
    failed = []
    return _evaluate(context, spec, related, failed), failed


def _evaluate(context: JobContext, spec: Spec, related, failed: list | None) -> dict:
    datasets = load_datasets(context, spec.datasets, spec.dataset_fields)
    scope = context.scope(datasets)
    if spec.related:
        if related is None:
            raise FieldError(f"{context.origin}: spec {spec.file} names related jobs, which this call does not "
                             "give (pass related=RelatedJobs(registry))")
        scope.update(related(context, spec))
    functions = CsxFunctions(context, scope)
    record = {"kind": spec.kind}
    for spec_field in spec.fields:
        try:
            value = _value(context, spec, spec_field, scope, functions)
        except FieldError as exc:  # what the line says, as attributes for a program
            exc.field, exc.file, exc.line = spec_field.name, str(spec_field.file), spec_field.line
            if failed is None:
                raise
            failed.append(exc)
            value = None
        _put(record, spec_field.record_path, value)
    return record


def _value(context, spec: Spec, spec_field: FieldSpec, scope, functions):
    where = f"{context.origin}: field {spec_field.name} ({spec.where(spec_field)})"
    try:
        found = spec_field.expression.search(scope, functions)
        value = plain(found)
    except JMESPathError as exc:
        raise FieldError(f"{where}: {error_text(exc)}") from exc
    except TooDeep as exc:
        raise FieldError(f"{where}: the value nests deeper than {MAX_DEPTH} levels") from exc
    except RecursionError as exc:
        raise FieldError(f"{where}: the value nests too deeply to evaluate") from exc
    if value is None:
        value = plain(spec_field.default)
    if value is None:
        if spec_field.required:
            status = context.identity.get("status")
            hint = f"; the job's status is {status}" if status not in (None, "completed") else ""
            what = f"{_json_name(found)}, not a finite number" if _non_finite(found) else "null"
            raise FieldError(f"{where}: required, but `{spec_field.expression.text}` is {what} for this "
                             f"job{hint}{_why(spec_field, scope, functions)}")
        return None
    return _typed(value, spec_field.type, where) if spec_field.type else value


def _why(spec_field: FieldSpec, scope, functions) -> str:
    """Where in the document the field's path found nothing, as a clause of its error, or ""."""
    try:
        why = why_field_is_null(spec_field.expression, scope, functions)
    except (JMESPathError, RecursionError):  # the path fails part way: the error as it is says enough
        return ""
    return "" if why is None else f": {why[1]}"


def _put(record: dict, path: tuple, value):
    for key in path[:-1]:
        record = record.setdefault(key, {})
    record[path[-1]] = value
