"""JMESPath ASTs compiled into nested Python closures, one per node, so a
spec's expressions are evaluated without walking the AST each time.

jmespath.py's TreeInterpreter dispatches every node of every search by name
(`visit` -> `getattr` -> `visit_<type>`), which costs more than the work
itself (tests/benchmarks/bench_expressions.py measures both ways). A compiled
expression is a closure `run(value, functions)`: `value` is what the node
applies to, `functions` the `Functions` instance of this search (csx's is
made per job). The closures do exactly what jmespath 1.1.0's TreeInterpreter
does, node by node, and call functions through `Functions.call_function`, so
results and errors are the same (tests/test_compiler.py checks both side by
side on random expressions and data). A node type not known here is
evaluated by the TreeInterpreter.
"""

from numbers import Number

import jmespath
from jmespath.functions import Functions
from jmespath.visitor import Options, TreeInterpreter, _Expression

from .values import MAX_SIZE, Column, TooLarge, value_size

# the interpreter's own comparators: `eq` is not Python's == (0 and 1 never equal false and true)
_COMPARATORS = TreeInterpreter.COMPARATOR_FUNC


def compile_ast(node):
    """The closure `run(value, functions)` that evaluates a parsed JMESPath AST."""
    try:
        return _compiled(node)
    except RecursionError:
        # nested deeper than Python's recursion allows (`a || a || ...` parses without recursion): left to the
        # interpreter, which fails on it when run, as it always has
        return _interpreted(node)


def _compiled(node):
    return _BUILDERS.get(node["type"], _interpreted)(node)


def _interpreted(node):
    def run(value, functions):
        return TreeInterpreter(Options(custom_functions=functions)).visit(node, value)
    return run


def _is_false(value):
    """JMESPath's falsy values: "", [], {}, null and false (0 is true)."""
    kind = type(value)
    if kind is bool or kind is str or kind is list or kind is dict or kind is Column:
        return not value  # a Column is empty when its array is, without filling it
    if value is None:
        return True
    if kind is int or kind is float:
        return False
    # anything else exactly as the interpreter tests it, by equality
    return value == "" or value == [] or value == {} or value is None or value is False


def _is_orderable(value):
    """What the ordering comparators accept: numbers (not booleans) and strings."""
    kind = type(value)
    if kind is int or kind is float or kind is str:
        return True
    if value is None or kind is bool:
        return False
    return isinstance(value, (str, Number))


# subexpression (a.b), index expression (a[0]) and pipe (a | b) all apply their children one after another
_CHAINS = ("subexpression", "index_expression", "pipe")


def _chain(node):
    # a.b.c is subexpression(subexpression(a, b), c): walked as the list a, b, c (without recursion, as
    # long chains would need), runs of plain fields made one step
    steps, pending = [], [node]
    while pending:
        step = pending.pop()
        if step["type"] in _CHAINS:
            pending.extend(reversed(step["children"]))
        elif step["type"] == "field" and steps and isinstance(steps[-1], list):
            steps[-1].append(step["value"])
        elif step["type"] == "field":
            steps.append([step["value"]])
        else:
            steps.append(step)
    runs = [_fields(step) if isinstance(step, list) else _compiled(step) for step in steps]
    if len(runs) == 1:
        return runs[0]
    if len(runs) == 2:
        first, second = runs

        def run(value, functions):
            return second(first(value, functions), functions)
        return run

    def run(value, functions):
        for step in runs:
            value = step(value, functions)
        return value
    return run


def _field(node):
    return _fields([node["value"]])


def _fields(names):
    # a field of anything without .get() (a list, a string, null) is null, and so is every field after it
    if len(names) == 1:
        name = names[0]

        def run(value, functions):
            try:
                return value.get(name)
            except AttributeError:
                return None
        return run

    def run(value, functions):
        for name in names:
            try:
                value = value.get(name)
            except AttributeError:
                return None
        return value
    return run


def _current(node):
    def run(value, functions):
        return value
    return run


def _literal(node):
    literal = node["value"]

    def run(value, functions):
        return literal
    return run


def _index(node):
    index = node["value"]

    def run(value, functions):
        if not isinstance(value, list):
            return None
        try:
            return value[index]
        except IndexError:
            return None
    return run


def _slice(node):
    part = slice(*node["children"])

    def run(value, functions):
        if not isinstance(value, list):
            return None
        return value[part]
    return run


def _comparator(node):
    name = node["value"]
    left, right = map(_compiled, node["children"])
    compare = _COMPARATORS[name]
    literal = node["children"][1]
    if name in ("eq", "ne") and literal["type"] == "literal" and isinstance(literal["value"], str):
        # beside a string, jmespath's equality is Python's (only numbers and booleans are special)
        text = literal["value"]
        if name == "eq":
            def run(value, functions):
                return left(value, functions) == text
            return run

        def run(value, functions):
            return not left(value, functions) == text
        return run
    if name in ("eq", "ne"):
        def run(value, functions):
            return compare(left(value, functions), right(value, functions))
        return run

    def run(value, functions):
        first, second = left(value, functions), right(value, functions)
        if not (_is_orderable(first) and _is_orderable(second)):
            return None
        return compare(first, second)
    return run


def _or(node):
    left, right = map(_compiled, node["children"])

    def run(value, functions):
        matched = left(value, functions)
        if _is_false(matched):
            return right(value, functions)
        return matched
    return run


def _and(node):
    left, right = map(_compiled, node["children"])

    def run(value, functions):
        matched = left(value, functions)
        if _is_false(matched):
            return matched
        return right(value, functions)
    return run


def _not(node):
    child = _compiled(node["children"][0])

    def run(value, functions):
        found = child(value, functions)
        if type(found) is not bool and isinstance(found, Number) and found == 0:
            return False  # !0 is false: 0 is true in JMESPath
        return not found
    return run


def _projection(node):
    left, right = map(_compiled, node["children"])

    def run(value, functions):
        base = left(value, functions)
        if not isinstance(base, list):
            return None
        return [found for element in base if (found := right(element, functions)) is not None]
    return run


def _value_projection(node):
    left, right = map(_compiled, node["children"])

    def run(value, functions):
        base = left(value, functions)
        try:
            base = base.values()
        except AttributeError:
            return None
        return [found for element in base if (found := right(element, functions)) is not None]
    return run


def _filter_projection(node):
    left, right, condition = map(_compiled, node["children"])

    def run(value, functions):
        base = left(value, functions)
        if not isinstance(base, list):
            return None
        return [found for element in base
                if not _is_false(condition(element, functions)) and (found := right(element, functions)) is not None]
    return run


def _flatten(node):
    child = _compiled(node["children"][0])

    def run(value, functions):
        base = child(value, functions)
        if not isinstance(base, list):
            return None
        merged = []
        for element in base:
            if isinstance(element, list):
                merged.extend(element)
            else:
                merged.append(element)
        if len(merged) > MAX_SIZE:  # where a list grows: `[@, @][]` in a row doubles it each time
            raise TooLarge()
        return merged
    return run


def _multi_select_list(node):
    children = [_compiled(child) for child in node["children"]]

    def run(value, functions):
        if value is None:
            return None
        return [child(value, functions) for child in children]
    return run


def _multi_select_dict(node):
    pairs = [(child["value"], _compiled(child)) for child in node["children"]]

    def run(value, functions):
        if value is None:
            return None
        return {key: child(value, functions) for key, child in pairs}
    return run


def _key_val_pair(node):
    return _compiled(node["children"][0])


def _function(node):
    name = node["value"]
    arguments = [_compiled(child) for child in node["children"]]

    def run(value, functions):
        values = [argument(value, functions) for argument in arguments]
        if name == "to_string" and value_size(values[0]) > MAX_SIZE:  # text of a value of shared parts
            raise TooLarge()
        result = functions.call_function(name, values)
        if isinstance(result, (str, list, dict)) and len(result) > MAX_SIZE:  # join(), or any other function
            raise TooLarge()
        return result
    return run


class _ExprefVisitor:
    """The interpreter an expref carries: functions taking one (sort_by, map, ...) call
    `expref.visit(expref.expression, value)`, which here runs the compiled expression."""
    __slots__ = ("node", "body", "functions")

    def __init__(self, node, body, functions):
        self.node, self.body, self.functions = node, body, functions

    def visit(self, node, value):
        if node is self.node:
            return self.body(value, self.functions)
        return TreeInterpreter(Options(custom_functions=self.functions)).visit(node, value)


def _expref(node):
    expression = node["children"][0]
    body = _compiled(expression)

    def run(value, functions):
        # jmespath's own expref object: its type name is what signatures check ("expref")
        return _Expression(expression, _ExprefVisitor(expression, body, functions))
    return run


_BUILDERS = {
    "subexpression": _chain,
    "index_expression": _chain,
    "pipe": _chain,
    "field": _field,
    "current": _current,
    "identity": _current,
    "literal": _literal,
    "index": _index,
    "slice": _slice,
    "comparator": _comparator,
    "or_expression": _or,
    "and_expression": _and,
    "not_expression": _not,
    "projection": _projection,
    "value_projection": _value_projection,
    "filter_projection": _filter_projection,
    "flatten": _flatten,
    "multi_select_list": _multi_select_list,
    "multi_select_dict": _multi_select_dict,
    "key_val_pair": _key_val_pair,
    "function_expression": _function,
    "expref": _expref,
}


_BUILT_IN_FUNCTIONS = Functions()  # JMESPath's own functions only, as jmespath.search has them


class CompiledPath:
    """jmespath.compile's result (`.expression`, `.parsed`, `.search(value)`) with the search compiled:
    what layouts read every document with. Its closure is made again when it is unpickled (the registry
    cache, worker processes)."""

    __slots__ = ("expression", "parsed", "_run")

    def __init__(self, expression: str):
        self.expression = expression
        self.parsed = jmespath.compile(expression).parsed  # raises JMESPathError on a bad expression
        self._run = compile_ast(self.parsed)

    def search(self, value):
        return self._run(value, _BUILT_IN_FUNCTIONS)

    def __getstate__(self):
        return self.expression

    def __setstate__(self, expression):
        self.__init__(expression)
