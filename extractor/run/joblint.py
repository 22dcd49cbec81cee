"""A spec author's check of every spec that matches one job, in one pass:
schema violations of the records, required fields that come out null,
fields null because none of their spellings is in the document (or because
they read another layout's keys), parameter names the job's document does
not know, and field names that look like misspelt field options
({exp: ...} makes a field named exp)."""

import difflib
import re

import jmespath
from jmespath.exceptions import JMESPathError

from ..checks.schemacheck import describe, errors
from ..errors import CsxError
from ..language.expressions import names_under
from ..language.functions import CsxFunctions
from ..language.registry import Registry
from ..language.spellings import steps
from .engine import evaluate_every_field
from .jobs import open_job
from .nulls import MISSING, why_null
from .related import RelatedJobs

FIELD_OPTIONS = ("expr", "required", "type", "default")
LAYOUT = "layout"  # a field null because it reads another layout's keys
# param('name') with the name as a raw string literal, or as a JSON literal in backticks
PARAM_CALL = re.compile(r"""param\(\s*(?:'((?:[^'\\]|\\.)*)'|`"([^"`]*)"`)\s*\)""")


def param_names(context) -> set | None:
    """Every parameter name the job's document holds, in any of its layout's places; None when the
    layout's parameter templates do not name a place (an object whose keys are the names)."""
    names = set()
    for template in context.layout.params:
        place, found, _ = template.partition(".{name}")
        if not found:
            return None
        held = jmespath.search(place, {"job": context.doc})
        if isinstance(held, dict):
            names |= set(held)
    return names


def _misspelt_options(spec) -> list:
    problems = []
    for spec_field in spec.fields:
        key = spec_field.record_path[-1]
        if key in FIELD_OPTIONS or len(spec_field.record_path) < 2:
            continue
        close = difflib.get_close_matches(key, FIELD_OPTIONS, n=1, cutoff=0.75)
        if close:
            group = ".".join(spec_field.record_path[:-1])
            problems.append(f"{spec_field.file}:{spec_field.line}:{spec_field.col}: field {spec_field.name}: "
                            f"{key!r} looks like the field option {close[0]!r}; as written, {group} is a group "
                            f"with a field named {key} (a field's options: {', '.join(FIELD_OPTIONS)})")
    return problems


def _unknown_params(spec, known: set | None) -> list:
    if known is None:
        return []
    problems = []
    for spec_field in spec.fields:
        for raw, literal in PARAM_CALL.findall(spec_field.expression.evaluated_text):
            name = raw or literal
            if name not in known:
                close = difflib.get_close_matches(name, sorted(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.append(f"{spec_field.file}:{spec_field.line}:{spec_field.col}: field {spec_field.name}: "
                                f"param({name!r}): the job's document has no parameter {name!r}{hint}")
    return problems


def _schema_problems(record, schema_file, spec, failed) -> list:
    """Each schema violation of the record, with the spec line behind it; not those of fields that
    failed already (their value is null for that reason)."""
    problems = []
    failed_paths = [tuple(error.field.split(".")) for error in failed]
    for error in errors(schema_file, record):
        path = tuple(str(key) for key in error.absolute_path)
        if any(path[:len(failed_path)] == failed_path for failed_path in failed_paths):
            continue
        spec_field = spec.field_for(path)
        where = f"{spec_field.file}:{spec_field.line}:{spec_field.col}: field {spec_field.name}: " if spec_field \
            else f"{spec.file}: "
        problems.append(f"{where}record fails {schema_file.name} at {describe(error)}")
    return problems


def _spelling_notes(context, spec, record, layouts: dict) -> dict:
    """{field name: (MISSING or LAYOUT, why it is null)} for each field (or member of a field's object) that is
    null because the document holds none of its spellings, or because it reads keys that only another layout's
    documents have."""
    doc, notes = context.doc, {}
    own = context.layout.document_keys()
    theirs = {key: layout for layout in layouts.values() if layout.name != context.layout.name
              for key in layout.document_keys() - own}
    scope = context.scope({})
    functions = CsxFunctions(context, scope)
    for spec_field in spec.fields:
        value = record
        for key in spec_field.record_path:
            value = value.get(key) if isinstance(value, dict) else None
        read = names_under(spec_field.expression, "job")
        foreign = sorted(key for key in read if key in theirs and key not in doc)
        if value is None and foreign and not any(key in doc for key in read):
            layout = theirs[foreign[0]]
            notes[spec_field.name] = LAYOUT, (f"it reads job.{foreign[0]}, which documents of layout {layout.name} "
                                              f"have ({layout.file}); this job's document is layout "
                                              f"{context.layout.name}: the spec is written for another layout")
            continue
        path_steps = steps(spec_field.expression.parsed.parsed)
        members = path_steps[-1][0] if path_steps and len(path_steps[-1]) == 1 else None
        if isinstance(value, dict) and members is not None and members["type"] == "multi_select_dict":
            wanted = [(f"{spec_field.name}.{pair['value']}", path_steps[:-1] + steps(pair["children"][0]))
                      for pair in members["children"] if value.get(pair["value"]) is None]
        else:
            wanted = [(spec_field.name, path_steps)] if value is None else []
        for name, member_steps in wanted:
            try:
                why = why_null(member_steps, scope, functions)
            except JMESPathError:
                continue
            if why is not None and why[0] == MISSING:
                notes[name] = why
    return notes


def job_problems(handle, registry: Registry) -> tuple:
    """(origin of the job, names of the specs tried, [problem line]) for every spec that matches the job,
    those used only when their kind is asked for included."""
    context = open_job(handle, registry.layouts)
    specs = [spec for spec, reason in registry.explain(context.key) if reason is None]
    if not specs:
        return context.origin, [], [f"{context.origin}: no spec matches this job ({context.key}); "
                                    "csx specs --explain JOB_DIR says why each does not"]
    related, known = RelatedJobs(registry), param_names(context)
    problems = []
    for spec in specs:
        problems += _misspelt_options(spec) + _unknown_params(spec, known)
        try:
            record, failed = evaluate_every_field(context, spec, related)
        except CsxError as exc:  # a dataset the spec needs, a related job: nothing to evaluate the fields on
            problems.append(str(exc))
            continue
        notes = _spelling_notes(context, spec, record, registry.layouts)
        for error in failed:  # a required field's error says where its spellings are missing, not whose keys
            kind, note = notes.pop(error.field, (None, None))
            problems.append(f"{error}; {note}" if kind == LAYOUT else str(error))
        for name, (_, note) in notes.items():
            spec_field = spec.field_for(name.split("."))
            problems.append(f"{context.origin}: field {name} ({spec.where(spec_field)}) is null: {note}")
        schema_file = registry.record_schema(spec.kind)
        if schema_file is not None:
            problems += _schema_problems(record, schema_file, spec, failed)
    return context.origin, [spec.name for spec in specs], problems
