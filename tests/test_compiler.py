"""Compiled expressions (extractor/language/compiler.py) against jmespath's TreeInterpreter: random expressions over
random data give the same value or the same error, and the edge cases of the interpreter's semantics hold
with the values written out."""

import json
import pickle
import re

import jmespath
import numpy
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jmespath import exceptions
from jmespath.visitor import Options, TreeInterpreter, _Expression

from extractor.language.values import Column, plain
from extractor.language.compiler import compile_ast
from extractor.language.expressions import compile_expression
from extractor.language.functions import CsxFunctions


class Job:
    """What csx's functions ask of a job: its parameters (param) and project directory (abspath)."""
    project_dir = "/data/CS-p30"

    def param(self, name):
        return {"a": "C1", "b": 2}.get(name)


class ColumnPlan:
    """A Column to make afresh for each evaluation (a Column fills its list on first use)."""

    def __init__(self, array):
        self.array = array

    def __repr__(self):
        return f"Column({self.array!r})"


def built(plan):
    if isinstance(plan, ColumnPlan):
        return Column(plan.array.copy())
    if isinstance(plan, dict):
        return {key: built(value) for key, value in plan.items()}
    if isinstance(plan, list):
        return [built(value) for value in plan]
    return plan


KEYS = ("a", "b", "c", "map/path")
TEXT = st.text(alphabet="ab/. ", max_size=3)
SCALARS = st.one_of(st.none(), st.booleans(), st.sampled_from([0, 1, 0.0, 1.0, -0.0, 2, -1]), st.integers(),
                    st.floats(), TEXT)
COLUMNS = st.one_of(
    st.lists(st.integers(-10**6, 10**6), max_size=4).map(lambda v: numpy.array(v, dtype="i8")),
    st.lists(st.floats(width=32), max_size=4).map(lambda v: numpy.array(v, dtype="f4")),
    st.lists(TEXT, max_size=4).map(lambda v: numpy.array(v, dtype=object)),
    st.lists(st.lists(st.integers(0, 500), min_size=3, max_size=3), min_size=1, max_size=2).map(numpy.array),
).map(ColumnPlan)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner,
                                                                                        max_size=4), max_leaves=12)
DATA = st.recursive(SCALARS | COLUMNS,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner,
                                                                                max_size=4), max_leaves=16)
ROOTS = st.one_of(st.dictionaries(st.sampled_from(KEYS), DATA, max_size=4), DATA)


def filled(template, *parts):
    return st.tuples(*parts).map(lambda values: template.format(*values))


FIELDS = st.sampled_from(["a", "b", "c", '"map/path"', "d"])
INDICES = st.integers(-4, 4).map(str)
SLICE_PARTS = st.one_of(st.just(""), INDICES)
LEAVES = st.one_of(
    FIELDS, st.just("@"),
    # where JMESPath is not Python: 0 and 1 beside false and true, empty values, numbers against others
    st.sampled_from(["`0`", "`1`", "`true`", "`false`", "`0.0`", "`-1`", "`2.5`", "`null`", "'a'", "''", "`[]`",
                     "`{}`"]),
    JSON.map(lambda value: "`" + json.dumps(value).replace("`", "\\`") + "`"),
    TEXT.map(lambda text: f"'{text}'"),
)
# every function csx knows, with the number of arguments its signature takes, some taking an expref;
# one with an argument too many and one unknown to csx
FUNCTIONS = (
    ["length({})", "sum({})", "avg({})", "min({})", "max({})", "median({})", "mean_of({}, {})", "abs_diff({}, {})",
     "items({})", "get({}, {})", "zip({}, {})", "zip({})", "root()", "agree({})", "divide({}, {})",
     "shell_frequencies({}, {}, {})", "param({})", "abspath({})"]
    + ["sort_by({}, &{})", "max_by({}, &{})", "min_by({}, &{})", "map(&{}, {})", "keys({})", "values({})",
       "sort({})", "reverse({})", "join({}, {})", "contains({}, {})", "starts_with({}, {})", "ends_with({}, {})",
       "to_string({})", "to_number({})", "to_array({})", "type({})", "not_null({}, {})", "abs({})", "ceil({})",
       "floor({})", "merge({}, {})"]
    + ["length({}, {})", "nope({})"]
)


def postfixes(base):
    return [
        filled("{}.{}", base, FIELDS), filled("{}[{}]", base, INDICES),
        filled("{}[{}:{}{}]", base, SLICE_PARTS, SLICE_PARTS, st.one_of(st.just(""), INDICES.map(":{}".format))),
        filled("{}[*]", base), filled("{}[]", base), filled("{}.*", base), filled("{}[?{}]", base, base),
        filled("{}.[{}, {}]", base, base, base), filled("{}.{{a: {}, b: {}}}", base, base, base),
    ]


def compound(inner):
    return st.one_of(
        # a postfix straight on an expression (a[*].b continues the projection), or on it in parentheses
        st.one_of(postfixes(inner)), st.one_of(postfixes(filled("({})", inner))),
        filled("({}) || ({})", inner, inner), filled("({}) && ({})", inner, inner), filled("!({})", inner),
        filled("{} | {}", inner, inner), filled("&{}", inner),
        st.tuples(inner, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), inner).map(
            lambda parts: "({}) {} ({})".format(*parts)),
        filled("[{}, {}]", inner, inner), filled("{{a: {}, \"map/path\": {}}}", inner, inner),
        *[st.sampled_from(FUNCTIONS).flatmap(lambda template: filled(template, *[inner] * template.count("{}")))] * 4,
    )


SPECIAL_SCALARS = st.sampled_from(["`0`", "`1`", "`0.0`", "`1.0`", "`true`", "`false`", "`null`", "''", "'a'", "`[]`",
                                   "`{}`", "`2.5`"])
# a field and a few steps straight after it, which reach into the data more often than random nesting
PATHS = st.tuples(FIELDS, st.lists(st.sampled_from([".a", ".b", "[0]", "[-1]", "[*]", "[]", ".*", "[1:]", "[::-1]",
                                                    "[?@]", "[?a]", "[?!@]"]), min_size=1, max_size=4)).map(
    lambda parts: parts[0] + "".join(parts[1]))
OPERANDS = st.one_of(SPECIAL_SCALARS, SPECIAL_SCALARS, SCALARS.map(lambda value: "`" + json.dumps(value) + "`"), FIELDS)
OPERATIONS = st.one_of(
    st.tuples(OPERANDS, st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "||", "&&"]), OPERANDS).map(" ".join),
    OPERANDS.map("!{}".format),
)


def outcome(run):
    try:
        return "value", run()
    except Exception as exc:  # what the interpreter raises, the compiled expression must raise
        return "error", (type(exc), re.sub(r"0x[0-9a-f]+", "0x", str(exc)))


def interpreted(ast, plan):
    data = built(plan)
    return outcome(lambda: TreeInterpreter(Options(custom_functions=CsxFunctions(Job(), data))).visit(ast, data))


def compiled(ast, plan):
    data = built(plan)
    run = compile_ast(ast)
    return outcome(lambda: run(data, CsxFunctions(Job(), data)))


def same(x, y) -> bool:
    """Equal, and of the same types all the way down (1 is not 1.0 nor true; NaN is NaN)."""
    if type(x) is not type(y):
        return False
    if isinstance(x, Column):
        return x.array.dtype == y.array.dtype and same(x.array.tolist(), y.array.tolist())
    if isinstance(x, (list, tuple)):
        return len(x) == len(y) and all(map(same, x, y))
    if isinstance(x, dict):
        return list(x) == list(y) and all(same(x[key], y[key]) for key in x)
    if isinstance(x, _Expression):
        return x.expression is y.expression
    if isinstance(x, float):
        return repr(x) == repr(y)
    return x == y


def assert_compiled_does_what_the_interpreter_does(text, plan):
    try:
        ast = jmespath.compile(text).parsed
    except exceptions.JMESPathError:
        assume(False)
    expected, found = interpreted(ast, plan), compiled(ast, plan)
    assert same(found, expected), (text, plan)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=st.recursive(LEAVES, compound, max_leaves=10), plan=ROOTS)
def test_random_expressions_do_what_the_interpreter_does(text, plan):
    assert_compiled_does_what_the_interpreter_does(text, plan)


@settings(max_examples=150, deadline=None)
@given(text=PATHS, plan=st.fixed_dictionaries({"a": DATA, "b": DATA, "c": DATA}))
def test_paths_do_what_the_interpreter_does(text, plan):
    assert_compiled_does_what_the_interpreter_does(text, plan)


@settings(max_examples=500, deadline=None)
@given(text=OPERATIONS, plan=st.dictionaries(st.sampled_from(KEYS), SCALARS | COLUMNS, max_size=4))
def test_operators_do_what_the_interpreter_does(text, plan):
    # where JMESPath's truth, equality and order differ from Python's: 0 and 1 beside false and true, empty values,
    # numbers against other things
    assert_compiled_does_what_the_interpreter_does(text, plan)


@pytest.fixture
def data():
    return {
        "groups": [{"name": "particles", "n": 10}, {"name": "volume", "n": 1}, {"n": 3}],
        "numbers": [3, 1, 2], "flags": [True, False, 0, 1], "nested": [[1, 2], [3], 4, [[5]]],
        "text": "abc", "empty": {"list": [], "dict": {}, "text": ""},
        "col": Column(numpy.array([2.5, 0.5], dtype="f8")), "nocol": Column(numpy.array([], dtype="f8")),
        "paths": Column(numpy.array(["J1/a.mrc", "J1/b.mrc"], dtype=object)),
    }


def search(text, data):
    return compile_expression(text).search(data, CsxFunctions(Job(), data))


@pytest.mark.parametrize("text, expected", [
    # truthiness: "", [], {}, null and false are false; 0 is true, and an empty column false
    ("empty.list || 'x'", "x"), ("empty.dict || 'x'", "x"), ("empty.text || 'x'", "x"), ("`0` || 'x'", 0),
    ("`false` && 'x'", False), ("empty.list && 'x'", []), ("nocol || 'x'", "x"), ("numbers[0] && 'x'", "x"),
    ("!`0`", False), ("!`0.0`", False), ("!(empty.list)", True), ("!`false`", True), ("!text", False),
    ("!nocol", True), ("!col", False),
    # equality: 0 and 1 are not false and true; otherwise Python's
    ("flags[?@ == `true`]", [True]), ("flags[?@ == `1`]", [1]), ("flags[?@ != `0`]", [True, False, 1]),
    ("`1.0` == `1`", True), ("`[1, 2]` == numbers[1:]", True), ("col == `[2.5, 0.5]`", True),
    # ordering: numbers and strings only, anything else null
    ("`1` < `2`", True), ("'a' < 'b'", True), ("`true` < `2`", None), ("numbers < `2`", None),
    ("`null` >= `null`", None), ("numbers[?@ >= `2`]", [3, 2]),
    # projections drop null; filters keep the elements whose condition is true
    ("groups[*].name", ["particles", "volume"]), ("groups[?name == 'volume'].n", [1]),
    ("groups[?n > `2`] | [*].name", ["particles"]), ("empty.*", [[], {}, ""]), ("numbers.*", None),
    ("groups[?name == 'volume'] | [0].n", 1), ("groups[*].name | [0]", "particles"),
    # indices and slices
    ("numbers[-1]", 2), ("numbers[5]", None), ("numbers[::-1]", [2, 1, 3]), ("numbers[1:]", [1, 2]),
    ("text[0]", None), ("text[:1]", None), ("text[::0]", None), ("col[-1]", 0.5), ("col[::-1]", [0.5, 2.5]),
    # fields of what is no object are null
    ("numbers.a", None), ("text.a", None), ("col.a", None), ("groups[0].name.a", None),
    # flatten one level, and only lists
    ("nested[]", [1, 2, 3, 4, [5]]), ("text[]", None), ("col[]", [2.5, 0.5]),
    ("[col, numbers][]", [2.5, 0.5, 3, 1, 2]),
    # multi-selects: null on null, else built even of nulls
    ("missing.[a, b]", None), ("missing.{a: a}", None), ("groups[0].[name, x]", ["particles", None]),
    ("groups[0].{name: name, x: x}", {"name": "particles", "x": None}),
    # literals, current node, pipes
    ("`{\"a\": [1]}`.a[0]", 1), ("@.text", "abc"), ("numbers | [0]", 3), ("groups[*] | [1].name", "volume"),
    # functions taking exprefs, and csx's own
    ("sort_by(groups[:2], &name)[*].n", [10, 1]), ("max_by(groups, &n).n", 10), ("min_by(groups, &n).n", 1),
    ("map(&name, groups)", ["particles", "volume", None]), ("abspath(paths[0])", "/data/CS-p30/J1/a.mrc"),
    ("param('a')", "C1"), ("sum(col)", 3.0), ("length(nocol)", 0), ("root().text", "abc"),
])
def test_edge_cases(data, text, expected):
    found = plain(search(text, data))
    assert found == expected and type(found) is type(expected)
    assert plain(compile_expression(text).parsed.search(data, Options(custom_functions=CsxFunctions(Job(), data)))) \
        == expected


@pytest.mark.parametrize("text, error, message", [
    ("length(numbers[0])", exceptions.JMESPathTypeError,
     'In function length(), invalid type for value: 3, expected one of: [\'array\', \'string\', \'object\'], '
     'received: "number"'),
    ("sum(paths)", exceptions.JMESPathTypeError,
     'In function sum(), invalid type for value: <column of 2 object>, expected one of: [\'array-number\'], '
     'received: "array"'),
    ("sort_by(groups, &name)", exceptions.JMESPathTypeError,
     'In function sort_by(), invalid type for value: None, expected one of: [\'string\'], received: "null"'),
    ("`\"a\"` < numbers[0]", TypeError, "'<' not supported between instances of 'str' and 'int'"),
    ("numbers[::0]", ValueError, "slice step cannot be zero"),
    ("divide(`1`, `0`)", exceptions.JMESPathError, "divide(): division by zero"),
])
def test_errors_are_the_interpreters(data, text, error, message):
    with pytest.raises(error) as caught:
        search(text, data)
    assert type(caught.value) is error and str(caught.value) == message


def test_arity_and_unknown_functions_fail_as_in_the_interpreter(data):
    # csx refuses these when a spec is loaded; compiled by hand, they fail when run, with jmespath's message
    for text, error, message in [
        ("length(`1`, `2`)", exceptions.ArityError, "Expected 1 argument for function length(), received 2"),
        ("nope(`1`)", exceptions.UnknownFunctionError, "Unknown function: nope()"),
    ]:
        with pytest.raises(error) as caught:
            compile_ast(jmespath.compile(text).parsed)(data, CsxFunctions(Job(), data))
        assert str(caught.value) == message


def test_an_unknown_node_type_is_left_to_the_interpreter(data):
    node = {"type": "pipe", "children": [{"type": "field", "value": "numbers", "children": []},
                                         {"type": "future_node", "children": []}]}
    run = compile_ast(node)
    with pytest.raises(NotImplementedError, match="future_node"):
        run(data, CsxFunctions(Job(), data))


def test_an_expref_is_jmespaths_own_and_runs_compiled(data):
    found = search("&name", data)
    assert type(found) is _Expression and found.expression == {"type": "field", "value": "name", "children": []}
    assert found.visit(found.expression, {"name": "volume"}) == "volume"


def test_a_long_chain_compiles_without_recursion(data):
    text = ".".join(["a"] * 5000)
    assert compile_ast(jmespath.compile(text).parsed)({"a": None}, CsxFunctions(Job(), data)) is None


def test_an_expression_too_deep_to_compile_fails_when_run_as_in_the_interpreter(data):
    ast = jmespath.compile(" || ".join(["a"] * 2000)).parsed
    run = compile_ast(ast)
    for evaluate in (lambda: run({}, CsxFunctions(Job(), {})), lambda: TreeInterpreter().visit(ast, {})):
        with pytest.raises(RecursionError):
            evaluate()


def test_an_expression_pickles_without_its_closures_and_compiles_again(data):
    # the spec cache and the process pool pickle specs; closures do not pickle
    expression = pickle.loads(pickle.dumps(compile_expression("groups[?name == 'volume'] | [0].n")))
    assert expression.search(data, CsxFunctions(Job(), data)) == 1
