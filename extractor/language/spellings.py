"""The spellings an expression reads: its path cut into steps, each step the
alternatives of a `||` chain (or one node), for a spec author's check of why
a field came out null (`csx lint --job`), and the text of an AST for the
messages that name them.

`(a || b) | c.d` is the steps [a, b], [c], [d]: a value is looked for step by
step, as JMESPath evaluates a pipe or a subexpression, taking at each step the
first alternative that gives one, as `||` does; `first_key(@, 'a', 'b')` is
the step [a, b] of keys, the first one present taken (`key: True`).
"""

import json
import re

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
COMPARATORS = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "lte": "<=", "gte": ">="}
# nodes that read as one unit wherever they stand
ATOMS = ("field", "current", "identity", "literal", "function_expression", "multi_select_list", "multi_select_dict")
# what may stand unparenthesized as the base of `.key`, `[0]` or `[*]` (binding tighter than they do), of `[?...]`
# (jmespath's filter binds looser than `.`) and of `[]` (looser still)
TIGHT = ATOMS + ("index_expression",)
FILTERABLE = TIGHT + ("subexpression",)
FLATTENABLE = FILTERABLE + ("filter_projection", "projection", "value_projection", "flatten")
LOOSE = ("pipe", "or_expression", "and_expression", "not_expression", "comparator", "expref")
PROJECTIONS = ("projection", "value_projection", "filter_projection", "flatten")
IDENTITY = {"type": "identity", "children": []}


def steps(node) -> list:
    """[[alternative node, ...], ...]: the steps of the expression's path."""
    kind, children = node["type"], node.get("children", ())
    if kind in ("pipe", "subexpression"):  # a chain of fields is one subexpression of them all
        return [step for child in children for step in steps(child)]
    if kind == "index_expression":  # a[0][1] is one node of them all
        return steps(children[0]) + [[{"type": "index_expression", "children": [IDENTITY, c]}] for c in children[1:]]
    if kind == "or_expression":
        return [alternatives(node)]
    if kind in ("identity", "current"):
        return []
    if kind == "function_expression" and node["value"] == "first_key" and children[0]["type"] in ("current",
                                                                                                    "identity"):
        names = [c["value"] for c in children[1:] if c["type"] == "literal" and isinstance(c["value"], str)]
        if len(names) == len(children) - 1:  # `first_key(@, 'a', 'b')`: the keys are its spellings
            return [[{"type": "field", "children": [], "value": name, "key": True} for name in names]]
    return [[node]]


def alternatives(node) -> list:
    """The operands of a chain of `||`, in order."""
    if node["type"] != "or_expression":
        return [node]
    left, right = node["children"]
    return alternatives(left) + alternatives(right)


def leading_field(node) -> str | None:
    """The first key a node reads from the value it applies to, where it starts with one."""
    while node["type"] in ("subexpression", "index_expression", "projection", "filter_projection", "flatten",
                           "value_projection", "pipe"):
        node = node["children"][0]
    return node["value"] if node["type"] == "field" else None


def render(node) -> str:
    """JMESPath text of an AST (parenthesized where the order of operations needs it)."""
    kind, children = node["type"], node.get("children", ())
    if kind == "field":
        return _key(node["value"])
    if kind == "identity":
        return ""
    if kind == "current":
        return "@"
    if kind == "literal":
        value = node["value"]
        if isinstance(value, str):
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return f"`{json.dumps(value)}`"
    if kind == "index":
        return f"[{node['value']}]"
    if kind == "slice":
        start, stop, step = ("" if part is None else str(part) for part in children)
        return f"[{start}:{stop}" + (f":{step}]" if step else "]")
    if kind == "subexpression":
        text = _base(children[0], TIGHT)
        for before, child in zip(children[1:], children[2:]):
            text = _then(text, before)
            if before["type"] in PROJECTIONS:  # jmespath keeps `(a.b[*]).c` as one chain of a, b[*], c
                text = f"({text})"
        return _then(text, children[-1]) if len(children) > 1 else text
    if kind == "index_expression":
        return _base(children[0], ATOMS, bracket=True) + "".join(render(c) for c in children[1:])
    if kind == "projection":
        left = children[0]
        if left["type"] == "flatten":
            base = render(left)
        elif left["type"] == "index_expression" and left["children"][1]["type"] == "slice":
            base = render(left)  # a slice projects by itself
        else:
            base = _base(left, TIGHT, bracket=True) + "[*]"
        return _then(base, children[1])
    if kind == "value_projection":
        base = _base(children[0], FILTERABLE)
        return _then(f"{base}.*" if base else "*", children[1])
    if kind == "filter_projection":
        return _then(f"{_base(children[0], FILTERABLE)}[?{render(children[2])}]", children[1])
    if kind == "flatten":
        return _base(children[0], FLATTENABLE) + "[]"
    if kind == "comparator":
        return f"{_operand(children[0])} {COMPARATORS[node['value']]} {_operand(children[1])}"
    if kind in ("or_expression", "and_expression"):  # left-associative: a right operand of its kind in parentheses
        operator, looser = (" || ", ("pipe",)) if kind == "or_expression" else (" && ", ("pipe", "or_expression"))
        left, right = children  # &x takes all that follows it
        return (f"({render(left)})" if left["type"] in (*looser, "expref") else render(left)) + operator + (
            f"({render(right)})" if right["type"] in (*looser, kind, "expref") else render(right))
    if kind == "not_expression":
        return "!" + _base(children[0], ATOMS)
    if kind == "pipe":
        left, right = render(children[0]), render(children[1])
        return (f"({left})" if children[0]["type"] == "expref" else left) + " | " + (
            f"({right})" if children[1]["type"] in ("pipe", "expref") else right)
    if kind == "multi_select_list":
        return "[" + ", ".join(render(c) for c in children) + "]"
    if kind == "multi_select_dict":
        return "{" + ", ".join(f"{_key(pair['value'])}: {render(pair['children'][0])}" for pair in children) + "}"
    if kind == "function_expression":
        return f"{node['value']}({', '.join(render(c) for c in children)})"
    if kind == "expref":
        return "&" + render(children[0])
    return f"<{kind}>"


def _key(name: str) -> str:
    return name if IDENTIFIER.fullmatch(name) else json.dumps(name)


def _base(node, unparenthesized: tuple, bracket: bool = False) -> str:
    """A node's text where an operator applies to it: in parentheses unless its type is one that needs none
    there (`(a[*]).b` is not `a[*].b`, nor `(a.b)[0]` `a.b[0]`). `bracket`: a `[...]` follows, which indexes
    the whole `a.{k: b}` (a multi-select after `.` ends the subexpression)."""
    text = render(node)
    kind = node["type"]
    if kind == "subexpression":  # `a.b[*]` projects b: the chain binds as its last part does
        last = node["children"][-1]["type"]
        if bracket and last.startswith("multi_select"):
            return text
        if last in PROJECTIONS and last not in unparenthesized:
            return f"({text})"
    return text if kind in unparenthesized or not text else f"({text})"


def _operand(node) -> str:
    text = render(node)
    return f"({text})" if node["type"] in LOOSE else text


def _then(base: str, node) -> str:
    """`base` followed by the path `node` reads from it: `.key`, or a bracket right after it."""
    rest = render(node)
    if not rest or not base:
        return base + rest
    if rest.startswith("[") and node["type"] != "multi_select_list":
        return base + rest
    return f"{base}.{rest}"
