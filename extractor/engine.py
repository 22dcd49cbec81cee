"""The engine: a spec's compiled expressions evaluated over a job's context,
giving the record. It knows no job type, version or document key."""

from jmespath.exceptions import JMESPathError

from .columns import plain
from .context import JobContext
from .datasets import load_datasets
from .errors import FieldError
from .functions import CsxFunctions
from .specfile import FieldSpec, Spec

JSON_TYPES = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _typed(value, wanted: str, where: str):
    if wanted == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    is_bool = isinstance(value, bool)
    if isinstance(value, JSON_TYPES[wanted]) and (wanted == "boolean" or not is_bool):
        return value
    raise FieldError(f"{where}: expected {wanted}, got {type(value).__name__} {value!r}")


def evaluate(context: JobContext, spec: Spec, related=None) -> dict:
    """The record of `context` under `spec`; `related(context, spec)` gives the related jobs'
    records and walks (extractor.related.RelatedJobs) to a spec that declares some."""
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
        _put(record, spec_field.record_path, _value(context, spec, spec_field, scope, functions))
    return record


def _value(context, spec: Spec, spec_field: FieldSpec, scope, functions):
    where = f"{context.origin}: field {spec_field.name} ({spec.where(spec_field)})"
    try:
        value = plain(spec_field.expression.search(scope, functions))
    except JMESPathError as exc:
        raise FieldError(f"{where}: {exc}") from exc
    if value is None:
        value = spec_field.default
    if value is None:
        if spec_field.required:
            status = context.identity.get("status")
            hint = f"; the job's status is {status}" if status not in (None, "completed") else ""
            raise FieldError(f"{where}: required, but `{spec_field.expression.text}` is null for this job{hint}")
        return None
    return _typed(value, spec_field.type, where) if spec_field.type else value


def _put(record: dict, path: tuple, value):
    for key in path[:-1]:
        record = record.setdefault(key, {})
    record[path[-1]] = value
