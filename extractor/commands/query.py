"""csx query: one expression against one job's context, for spec authors."""

import json
from pathlib import Path

from jmespath.exceptions import JMESPathError

from ..columns import MAX_DEPTH, TooDeep, plain
from ..context import JobContext
from ..datasets import load_datasets
from ..errors import FieldError, NoSpecError, UsageError
from ..expressions import ExpressionSyntaxError, compile_expression
from ..functions import CsxFunctions, error_text
from ..jobs import open_job
from ..registry import Registry
from ..related import RelatedJobs
from ..sources.files import job_dir_handles


HELP = "evaluate one expression against a job"
DESCRIPTION = ("Evaluate one JMESPath expression over a job's context (job, project, datasets.<output>, source; "
               "related.<alias> and lineage.<alias> where the spec names related jobs).")


def add_arguments(parser):
    parser.add_argument("expression", metavar="EXPR")
    parser.add_argument("job_dir", metavar="JOB_DIR")
    parser.add_argument("--spec", metavar="KIND",
                        help="see the job as the spec of this record kind does: its dataset aliases and related jobs "
                             "(related.<alias>, lineage.<alias>), e.g. --spec table1")
    parser.add_argument("--keys", action="store_true",
                        help="list what is under EXPR (keys and their types) instead of printing it whole")


def chosen_spec(context: JobContext, registry: Registry, kind=None):
    """The spec of `kind` (or the job's default one) whose aliases and related jobs the expression sees."""
    try:
        return registry.choose(context.key, kind)
    except NoSpecError as exc:
        if kind is not None:
            raise UsageError(f"query --spec {kind}: {exc}") from exc
        return None


def declared_datasets(context: JobContext, spec) -> dict:
    """Every output under its own name, plus the aliases of the spec."""
    declared = {name: name for name in context.output_names()}
    if spec is not None:
        declared.update(spec.datasets)
    return declared


def run(args, log) -> int:
    try:
        expression = compile_expression(args.expression)
    except ExpressionSyntaxError as exc:
        raise UsageError(f"query: {exc.message} (at column {exc.offset + 1} of {exc.text!r})") from exc
    registry = Registry(args.specs)
    (handle,) = job_dir_handles([Path(args.job_dir)])
    context = open_job(handle, registry.layouts)
    spec = chosen_spec(context, registry, args.spec)
    declared = declared_datasets(context, spec)
    unknown = sorted(set(expression.dataset_fields) - set(declared) - {"*"})
    if unknown:
        raise UsageError(f"query: datasets.{unknown[0]}: the job has no such output "
                         f"(available: {', '.join(declared) or 'none'})")
    datasets = load_datasets(context, declared, expression.dataset_fields)
    scope = context.scope(datasets)
    if spec is not None and spec.related:
        scope.update(RelatedJobs(registry)(context, spec))
    try:
        value = plain(expression.search(scope, CsxFunctions(context, scope)))
    except JMESPathError as exc:
        raise FieldError(f"{context.origin}: {args.expression}: {error_text(exc)}") from exc
    except (TooDeep, RecursionError) as exc:
        raise FieldError(f"{context.origin}: {args.expression}: the value nests deeper than {MAX_DEPTH} "
                         "levels") from exc
    print("\n".join(outline(value)) if args.keys else json.dumps(value, indent=2))
    return 0


def _describe(value) -> str:
    """A value in a few words: its type, and its size or (for short scalars) itself."""
    if isinstance(value, dict):
        return f"object, {len(value)} keys"
    if isinstance(value, list):
        return f"array, {len(value)} items"
    text = json.dumps(value)
    return text if len(text) <= 60 else f"{type(value).__name__}, {text[:57]}..."


def outline(value) -> list:
    """One line per key of an object (or a summary of an array) under the queried path."""
    if isinstance(value, dict):
        width = max((len(key) for key in value), default=0)
        return [f"{key.ljust(width)}  {_describe(item)}" for key, item in value.items()]
    if isinstance(value, list):
        lines = [f"array, {len(value)} items"]
        if value:
            lines.append(f"[0]  {_describe(value[0])}")
            if isinstance(value[0], dict):
                lines += ["  " + line for line in outline(value[0])]
        return lines
    return [_describe(value)]
