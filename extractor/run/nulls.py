"""Why a field came out null for a job: the step of its path where the
document holds none of its spellings, or the key it found holding null (a
NaN, Infinity or null in job.json). Said in the error of a required field and
by csx lint --job; the path's steps come from the spec language
(extractor.language.spellings)."""

from ..language.compiler import compile_ast
from ..language.spellings import leading_field, render, steps

MISSING, NULL = "missing", "null"


def _absent(value) -> bool:
    """What `||` passes over: null, false, and an empty string, list or object (0 is a value)."""
    return value is None or value is False or isinstance(value, (str, list, dict)) and not value


def why_null(path_steps: list, scope: dict, functions) -> tuple | None:
    """(MISSING or NULL, the clause that says so) for a path (spellings.steps) that starts in the document
    (`job`); None where every step finds a value (the null comes from elsewhere: a function, a dataset)."""
    if not path_steps or any(leading_field(node) != "job" for node in path_steps[0]):
        return None
    value, where = scope, ""
    for step in path_steps:
        for node in step:
            if node.get("key"):  # first_key(): the first key present is the answer, whatever it holds
                if not (isinstance(value, dict) and node["value"] in value):
                    continue
                found = value[node["value"]]
                if found is None:
                    return NULL, f"{_joined(where, render(node))} is null in the document (NaN, Infinity or null there)"
                break
            found = compile_ast(node)(value, functions)
            if not _absent(found) or len(step) == 1 and found is not None:
                break
        else:
            tried = ", ".join(render(node) for node in step)
            return MISSING, (f"none of its spellings is in the document: {f'{where} has ' if where else ''}"
                             f"{'no ' if len(step) == 1 else 'none of '}{tried}")
        where, value = _joined(where, render(node)), found
    return None


def why_field_is_null(expression, scope: dict, functions) -> tuple | None:
    """why_null of a compiled expression's whole path."""
    return why_null(steps(expression.parsed.parsed), scope, functions)


def _joined(where: str, text: str) -> str:
    return where + text if text.startswith("[") or not where else f"{where}.{text}"
