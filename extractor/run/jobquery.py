"""One expression against one job's context: what a spec author tries before writing a field."""

from jmespath.exceptions import JMESPathError

from ..errors import FieldError, NoSpecError, UsageError
from ..language.values import MAX_DEPTH, TooDeep, plain
from ..language.expressions import ExpressionSyntaxError, compile_expression
from ..language.functions import CsxFunctions, error_text
from ..language.registry import Registry
from ..wording import KIND, Words
from .context import JobContext
from .datasets import load_datasets
from .jobs import open_job
from .related import RelatedJobs


def chosen_spec(context: JobContext, registry: Registry, kind=None):
    """The spec of `kind` (or the job's default one) whose aliases and related jobs the expression sees."""
    try:
        return registry.choose(context.key, kind)
    except NoSpecError as exc:
        if kind is not None:
            raise UsageError(Words("query ", KIND.given(kind), ": ", exc)) from exc
        return None


def declared_datasets(context: JobContext, spec) -> dict:
    """Every output under its own name, plus the aliases of the spec."""
    declared = {name: name for name in context.output_names()}
    if spec is not None:
        declared.update(spec.datasets)
    return declared


def query_job(expression_text: str, handle, registry: Registry, kind=None):
    """The value of a JMESPath expression over the job's context (job, project, datasets.<output or
    alias>, source; related.<alias> and lineage.<alias> where the spec of `kind` names related jobs), with
    the names that spec defines ($name)."""
    context = open_job(handle, registry.layouts)
    spec = chosen_spec(context, registry, kind)
    try:  # with the names the spec defines ($name)
        expression = compile_expression(expression_text, spec.definitions if spec is not None else None)
    except ExpressionSyntaxError as exc:
        column = "" if exc.offset is None else f"at column {exc.offset + 1} "
        raise UsageError(f"query: {exc.message} ({column}of {exc.text!r})") from exc
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
        return plain(expression.search(scope, CsxFunctions(context, scope)))
    except JMESPathError as exc:
        raise FieldError(f"{context.origin}: {expression_text}: {error_text(exc)}") from exc
    except (TooDeep, RecursionError) as exc:
        raise FieldError(f"{context.origin}: {expression_text}: the value nests deeper than {MAX_DEPTH} "
                         "levels") from exc
