"""csx query: one expression against one job's context, for spec authors."""

import json
from pathlib import Path

from jmespath.exceptions import JMESPathError

from ..columns import plain
from ..context import JobContext
from ..datasets import load_datasets
from ..errors import FieldError, NoSpecError, UsageError
from ..expressions import ExpressionSyntaxError, compile_expression
from ..functions import CsxFunctions
from ..jobs import open_job
from ..registry import Registry
from ..sources.files import job_dir_handles


def declared_datasets(context: JobContext, registry: Registry) -> dict:
    """Every output under its own name, plus the aliases of the spec that matches the job."""
    declared = {name: name for name in context.layout.output_names(context.doc)}
    try:
        declared.update(registry.choose(context.key).datasets)
    except NoSpecError:
        pass
    return declared


def run(args, log) -> int:
    try:
        expression = compile_expression(args.expression)
    except ExpressionSyntaxError as exc:
        raise UsageError(f"query: {exc.message} (at column {exc.offset + 1} of {exc.text!r})") from exc
    registry = Registry(args.specs)
    (handle,) = job_dir_handles([Path(args.job_dir)])
    context = open_job(handle, registry.layouts)
    declared = declared_datasets(context, registry)
    unknown = sorted(set(expression.dataset_fields) - set(declared) - {"*"})
    if unknown:
        raise UsageError(f"query: datasets.{unknown[0]}: the job has no such output "
                         f"(available: {', '.join(declared) or 'none'})")
    datasets = load_datasets(context, declared, expression.dataset_fields)
    scope = context.scope(datasets)
    try:
        value = plain(expression.search(scope, CsxFunctions(context, scope)))
    except JMESPathError as exc:
        raise FieldError(f"{context.origin}: {args.expression}: {exc}") from exc
    print(json.dumps(value, indent=2))
    return 0
