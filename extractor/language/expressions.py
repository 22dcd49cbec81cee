"""JMESPath expressions as csx uses them: compiled once (to closures), checked for unknown
functions and arity up front, and analysed for the dataset columns they read.
"""

import math
from dataclasses import dataclass, field

import jmespath
from jmespath import exceptions as jp_errors

from .compiler import compile_ast
from .definitions import DefinitionError, expand, placeholders, references
from .functions import CsxFunctions

ALL_FIELDS = None  # an alias used whole (e.g. `keys(datasets.volume)`): load every column
# how many times the size of what it reads an expression may make its value: `[@, @]` doubles, and thirty of
# them in a row would make a gigabyte of a four-letter uid. csx's own specs stay under 100.
MAX_GROWTH = 2**20


class ExpressionSyntaxError(Exception):
    """An expression that does not compile; `offset` is where in it the problem is."""

    def __init__(self, text, offset, message):
        self.text, self.offset, self.message = text, offset, message  # offset None: the whole expression
        super().__init__(message)

    def caret(self) -> str:
        return "" if self.offset is None else f"    {self.text}\n    {' ' * self.offset}^"


@dataclass
class Expression:
    text: str  # as written, `$name`s and all
    parsed: object
    # alias -> set of column names, or ALL_FIELDS when the alias is read whole
    dataset_fields: dict = field(default_factory=dict)
    expanded: str = ""  # the text with every `$name` replaced by its definition: what is evaluated

    @property
    def evaluated_text(self) -> str:
        return self.expanded or self.text

    def __post_init__(self):
        self._run = compile_ast(self.parsed.parsed)

    # closures do not pickle (the spec cache, the process pool): they are compiled again on unpickling
    def __getstate__(self):
        return {key: value for key, value in self.__dict__.items() if key != "_run"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()

    def search(self, context: dict, functions: CsxFunctions):
        return self._run(context, functions)


def syntax_error(text: str, exc: jp_errors.JMESPathError) -> ExpressionSyntaxError:
    """jmespath's error about an expression that does not compile, in one line (jmespath's own message
    spreads over three: the expression and a caret under it)."""
    if isinstance(exc, jp_errors.LexerError):
        return ExpressionSyntaxError(text, exc.lexer_position, f"bad expression: {exc.message}")
    if isinstance(exc, jp_errors.ParseError) and not isinstance(exc, jp_errors.ArityError):
        found = "end of expression" if exc.token_value is None else repr(exc.token_value)
        return ExpressionSyntaxError(text, exc.lex_position, f"bad expression: {exc.msg} at {found}")
    return ExpressionSyntaxError(text, 0, f"bad expression: {' '.join(str(exc).split())}")


def compile_expression(text: str, definitions: dict | None = None) -> Expression:
    """The compiled expression; `$name`s are replaced by their text in `definitions` (name -> text).
    Raises ExpressionSyntaxError, its offset in the text as written."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionSyntaxError(str(text), 0, "empty expression")
    expanded = text
    if "$" in text and references(text):
        check_syntax(text)  # the text's own mistakes, at their column
        try:
            expanded = expand(text, definitions or {})
        except DefinitionError as exc:
            raise ExpressionSyntaxError(text, exc.offset, exc.message) from None
    parsed = _parse(expanded)
    _check_functions(expanded, parsed.parsed)
    _check_growth(text, parsed.parsed)
    return Expression(text, parsed, _dataset_fields(parsed.parsed), expanded if expanded != text else "")


def check_syntax(text: str):
    """Raises ExpressionSyntaxError where `text` is no expression, its `$name`s taken as any expression:
    a definition's own mistakes, found before the names it uses are known."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionSyntaxError(str(text), 0, "empty expression")
    for start, _, name in references(text):
        if text[:start].rstrip().endswith("."):
            raise ExpressionSyntaxError(text, start, f"${name} after '.': a name stands for an expression in "
                                                     "parentheses, which JMESPath takes after '|' "
                                                     f"(write `... | ${name}`)")
    own = placeholders(text)  # as long as the text: a column in one is the same in the other
    try:
        _check_functions(own, _parse(own).parsed)
    except ExpressionSyntaxError as exc:
        raise ExpressionSyntaxError(text, exc.offset, exc.message) from None


def _parse(text: str):
    try:
        return jmespath.compile(text)
    except jp_errors.JMESPathError as exc:
        raise syntax_error(text, exc) from exc


def _check_growth(text, ast):
    try:
        factor = growth(ast)
    except RecursionError:  # nested too deep to walk here: the limit on values built (columns.MAX_SIZE) holds
        return
    if factor > MAX_GROWTH:
        raise ExpressionSyntaxError(text, None, f"the expression can make its value {factor:.2g} times the size of "
                                             f"what it reads (multi-selects such as [@, @] in a row multiply); "
                                             f"csx takes at most {MAX_GROWTH:,}")


GROWTH_CEILING = 2**64  # past it, counting on would only make the number longer
_PRODUCTS = ("subexpression", "pipe", "index_expression", "projection", "value_projection", "filter_projection")


def growth(node) -> int:
    """An upper bound, read from the expression alone, on how many times the size of its input a value it
    makes (or makes on the way) can be: a multi-select adds its parts, a chain or a projection multiplies
    its steps, a function adds its arguments and multiplies by the expression it maps."""
    children = [child for child in node.get("children", ()) if isinstance(child, dict)]
    if not children:
        return 1
    factors = [growth(child) for child in children]
    kind = node["type"]
    if kind in _PRODUCTS:
        factor = math.prod(factors)
    elif kind in ("multi_select_list", "multi_select_dict"):
        factor = sum(factors)
    elif kind == "function_expression":
        mapped = [f for child, f in zip(children, factors) if child["type"] == "expref"]
        factor = max(sum(f for child, f in zip(children, factors) if child["type"] != "expref"), 1) * math.prod(mapped)
    else:
        factor = max(factors)
    return min(factor, GROWTH_CEILING)


def _walk(node):
    yield node
    for child in node.get("children", ()):
        if isinstance(child, dict):
            yield from _walk(child)


def _check_functions(text, ast):
    table = CsxFunctions.FUNCTION_TABLE
    for node in _walk(ast):
        if node["type"] != "function_expression":
            continue
        name, argc = node["value"], len(node["children"])
        offset = max(text.find(name + "("), 0)
        if name not in table:
            known = ", ".join(sorted(table))
            raise ExpressionSyntaxError(text, offset, f"unknown function {name}(); known: {known}")
        signature = table[name]["signature"]
        variadic = bool(signature) and signature[-1].get("variadic")
        if argc < len(signature) if variadic else argc != len(signature):
            wanted = f"at least {len(signature)}" if variadic else str(len(signature))
            raise ExpressionSyntaxError(text, offset, f"{name}() takes {wanted} argument(s), got {argc}")


def _path_starts(node, parent_type=None):
    """Nodes that begin a path: not the parts of a `a.b.c` chain, which its subexpression stands for."""
    if parent_type != "subexpression":
        yield node
    for child in node.get("children", ()):
        if isinstance(child, dict):
            yield from _path_starts(child, node["type"])


def _leading_path(node) -> list:
    """The names a node reads from the value it is applied to, as far as they are plain fields."""
    kind = node["type"]
    if kind == "field":
        return [node["value"]]
    if kind == "subexpression":
        path = []
        for child in node["children"]:
            path += _leading_path(child)
            if child["type"] != "field":
                break
        return path
    if kind in ("index_expression", "projection", "value_projection", "filter_projection", "flatten", "pipe"):
        return _leading_path(node["children"][0])
    return []


def _dataset_fields(ast) -> dict:
    """Which columns of which dataset alias an expression reads.

    Over-approximates on purpose: any path anywhere that starts with
    `datasets` counts, so a column is never missing, at worst loaded unused.
    """
    used = {}
    for node in _path_starts(ast):
        path = _leading_path(node)
        if not path or path[0] != "datasets":
            continue
        if len(path) == 1:
            return {"*": ALL_FIELDS}
        alias = path[1]
        if len(path) == 2:
            used[alias] = ALL_FIELDS
        elif used.get(alias, set()) is not ALL_FIELDS:
            used.setdefault(alias, set()).add(path[2])
    return used


def names_under(expression: Expression, root: str) -> set:
    """The names an expression reads right under a top-level key of the context (`related.<name>`)."""
    return names_under_ast(expression.parsed.parsed, root)


def names_under_ast(ast: dict, root: str) -> set:
    return {path[1] for path in map(_leading_path, _path_starts(ast)) if len(path) >= 2 and path[0] == root}


def merge_dataset_fields(usages) -> dict:
    """Union of several expressions' dataset_fields."""
    merged = {}
    for usage in usages:
        for alias, columns in usage.items():
            if columns is ALL_FIELDS or merged.get(alias, set()) is ALL_FIELDS:
                merged[alias] = ALL_FIELDS
            else:
                merged.setdefault(alias, set()).update(columns)
    return merged
