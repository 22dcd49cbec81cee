"""What spec and layout expressions read of a job, found without running
them: the parsed JMESPath AST is walked with places of the context instead
of values. csx survey compares this with real documents and datasets, to say
which keys and columns no spec reads.

A place is a tuple of steps from the context's root (`("job", "spec",
"outputs", "volume")`): a key, ANY (any key of an object: `*`, `keys()`,
`items()`, a parameter named by an expression) or ITEM (any item of a list).
Each place an expression reaches is either passed through (an object whose
key is then looked up, a list whose items are walked) or used whole (the
value itself goes into the record, a function or a comparison), which reads
everything under it. Where an expression does something this walk does not
follow, it counts as reading everything it was given: the answer may say a
key is read that is not, never the other way round.
"""

import json
from dataclasses import dataclass, field

import jmespath

ANY = "*"
ITEM = "[]"


@dataclass(frozen=True)
class _At:
    """The value at a place of the context."""

    path: tuple


@dataclass(frozen=True)
class _ListOf:
    """A list the expression makes (a projection, zip, values()), of these items."""

    items: frozenset


@dataclass(frozen=True)
class _Row:
    """A list of known parts ([a, b], a row of zip): [i] is parts[i]."""

    parts: tuple


@dataclass(frozen=True)
class _Obj:
    """An object the expression makes ({k: a})."""

    entries: tuple  # (key, values)


@dataclass(frozen=True)
class _Entry:
    """One [key, value] pair of items(path): [1] is any value of the object at path."""

    path: tuple


NOTHING = frozenset()
# functions whose result is one of their arguments (or a list of them), not something computed
_PASSING = ("not_null", "sort", "reverse", "merge")
# functions that look at their argument's size or type only, not into it
_SHALLOW = ("length", "type")


@dataclass
class Reads:
    """The places an expression passes through and those it uses whole, and the parameter names
    its param() calls give (ANY for a name computed by an expression)."""

    passed: set = field(default_factory=set)
    whole: set = field(default_factory=set)
    params: set = field(default_factory=set)

    def update(self, other: "Reads") -> "Reads":
        self.passed |= other.passed
        self.whole |= other.whole
        self.params |= other.params
        return self


def expression_reads(parsed: dict) -> Reads:
    """What one parsed expression (jmespath's `.parsed`) reads of the context it is evaluated over."""
    walk = _Walk()
    try:
        walk.whole(walk.eval(parsed, frozenset({_At(())})))
    except RecursionError:  # nested past Python's reach: counted as reading everything
        walk.reads.whole.add(())
    return walk.reads


class _Walk:
    def __init__(self):
        self.reads = Reads()

    # -- what happens to a value --

    def passed(self, values):
        for value in values:
            if isinstance(value, _At):
                self.reads.passed.add(value.path)
            elif isinstance(value, _Entry):
                self.reads.passed.add(value.path + (ANY,))
            else:
                for part in _parts(value):
                    self.passed(part)

    def whole(self, values):
        for value in values:
            if isinstance(value, _At):
                self.reads.whole.add(value.path)
            elif isinstance(value, _Entry):
                self.reads.whole.add(value.path + (ANY,))
            else:
                for part in _parts(value):
                    self.whole(part)

    # -- steps --

    def key(self, values, name: str):
        found = set()
        for value in values:
            if isinstance(value, _At):
                self.reads.passed.add(value.path)
                found.add(_At(value.path + (name,)))
            elif isinstance(value, _Obj):
                for key, held in value.entries:
                    if key == name:
                        found |= held
        return frozenset(found)

    def index(self, values, index: int):
        found = set()
        for value in values:
            if isinstance(value, _At):
                self.reads.passed.add(value.path)
                found.add(_At(value.path + (ITEM,)))
            elif isinstance(value, _ListOf):
                found |= value.items
            elif isinstance(value, _Row) and -len(value.parts) <= index < len(value.parts):
                found |= value.parts[index]
            elif isinstance(value, _Entry) and index in (1, -1):
                found.add(_At(value.path + (ANY,)))
        return frozenset(found)

    def items(self, values):
        """The items of lists (a projection's, flatten's)."""
        found = set()
        for value in values:
            if isinstance(value, _At):
                self.reads.passed.add(value.path)
                found.add(_At(value.path + (ITEM,)))
            elif isinstance(value, _ListOf):
                found |= value.items
            elif isinstance(value, _Row):
                found |= frozenset().union(*value.parts)
            elif isinstance(value, _Entry):
                found.add(_At(value.path + (ANY,)))
        return frozenset(found)

    def values_of(self, values):
        """The values of objects (`*`, values())."""
        found = set()
        for value in values:
            if isinstance(value, _At):
                self.reads.passed.add(value.path)
                found.add(_At(value.path + (ANY,)))
            elif isinstance(value, _Obj):
                found |= frozenset().union(*(held for _, held in value.entries))
        return frozenset(found)

    # -- nodes --

    def eval(self, node: dict, values: frozenset) -> frozenset:
        kind = node["type"]
        children = node.get("children", [])
        if kind == "field":
            return self.key(values, node["value"])
        if kind in ("subexpression", "index_expression", "pipe"):
            for child in children:
                values = self.eval(child, values)
            return values
        if kind == "index":
            return self.index(values, node["value"])
        if kind == "slice":
            return frozenset(_ListOf(self.items({value})) if isinstance(value, _Row) else value
                             for value in values)
        if kind in ("identity", "current"):
            return values
        if kind in ("literal", "expref"):
            return NOTHING
        if kind == "projection":
            return _list(self.eval(children[1], self.items(self.eval(children[0], values))))
        if kind == "value_projection":
            return _list(self.eval(children[1], self.values_of(self.eval(children[0], values))))
        if kind == "filter_projection":
            items = self.items(self.eval(children[0], values))
            self.passed(self.eval(children[2], items))
            return _list(self.eval(children[1], items))
        if kind == "flatten":
            items = self.items(self.eval(children[0], values))
            return _list(items | self.items(items))
        if kind == "multi_select_list":
            return frozenset({_Row(tuple(self.eval(child, values) for child in children))})
        if kind == "multi_select_dict":
            return frozenset({_Obj(tuple((pair["value"], self.eval(pair["children"][0], values))
                                         for pair in children))})
        if kind == "or_expression":
            return self.eval(children[0], values) | self.eval(children[1], values)
        if kind == "and_expression":
            left = self.eval(children[0], values)
            self.passed(left)
            return left | self.eval(children[1], values)
        if kind == "not_expression":
            self.passed(self.eval(children[0], values))
            return NOTHING
        if kind == "comparator":
            for child in children:
                self.whole(self.eval(child, values))
            return NOTHING
        if kind == "function_expression":
            return self.function(node["value"], children, values)
        self.whole(values)  # a node this walk does not know: whatever it was given counts as read
        return NOTHING

    def function(self, name: str, arguments: list, values: frozenset) -> frozenset:
        if name == "root":
            return frozenset({_At(())})
        if name == "param":
            literal = _literal_string(arguments[0]) if arguments else None
            if literal is None:
                self.whole(self.eval(arguments[0], values))
            self.reads.params.add(literal if literal is not None else ANY)
            return NOTHING
        if name == "params":  # params(['a', 'b']): the parameters a list of names names
            listed = arguments[0] if arguments else {}
            literals = ([_literal_string(item) for item in listed.get("children", ())]
                        if listed.get("type") == "multi_select_list" else [None])
            if None in literals:
                self.whole(self.eval(listed, values))
            self.reads.params.update(ANY if literal is None else literal for literal in literals)
            return NOTHING
        if name == "get" and len(arguments) == 2:
            held = self.eval(arguments[0], values)
            literal = _literal_string(arguments[1])
            if literal is not None:
                return self.key(held, literal)
            self.whole(self.eval(arguments[1], values))
            return self.values_of(held)
        given = [None if argument["type"] == "expref" else self.eval(argument, values) for argument in arguments]
        plain = [argument for argument in given if argument is not None]
        if name == "keys":
            for argument in plain:
                self.passed(self.values_of(argument))
            return NOTHING
        if name == "values":
            return _list(frozenset().union(*map(self.values_of, plain)))
        if name == "items":
            found = set()
            for value in frozenset().union(*plain):
                if isinstance(value, _At):
                    self.reads.passed.add(value.path)
                    found.add(_Entry(value.path))
                elif isinstance(value, _Obj):
                    found |= frozenset(_Row((NOTHING, held)) for _, held in value.entries)
            return _list(frozenset(found))
        if name == "zip":
            return _list(frozenset({_Row(tuple(map(self.items, plain)))}))
        if name in _PASSING:
            return frozenset().union(*plain)
        if name == "to_array":
            return frozenset().union(*plain) | _list(frozenset().union(*plain))
        if name in _SHALLOW:
            for argument in plain:
                self.passed(argument)
            return NOTHING
        # an expref (&expr) is evaluated over the items of the lists given with it: sort_by, map, max_by
        items = frozenset().union(*map(self.items, plain)) if plain else NOTHING
        mapped = NOTHING
        for argument, value in zip(arguments, given):
            if value is None:
                mapped |= self.eval(argument["children"][0], items)
        if name == "map":
            return _list(mapped)
        self.whole(mapped)
        if name == "sort_by":
            return frozenset().union(*plain)
        if name in ("max_by", "min_by"):
            return items
        for argument in plain:
            self.whole(argument)
        return NOTHING


def _parts(value) -> tuple:
    if isinstance(value, _ListOf):
        return (value.items,)
    if isinstance(value, _Row):
        return value.parts
    if isinstance(value, _Obj):
        return tuple(held for _, held in value.entries)
    return ()


def _list(items: frozenset) -> frozenset:
    return frozenset({_ListOf(items)}) if items else NOTHING


def _literal_string(node: dict):
    """The string of a literal argument ('x' or `"x"`), else None."""
    if node["type"] == "literal" and isinstance(node["value"], str):
        return node["value"]
    return None


class ReadTree:
    """Read places as a tree of steps, for walking a document beside it: each node says whether the
    value there is used whole (everything under it read)."""

    __slots__ = ("whole", "children")

    def __init__(self):
        self.whole, self.children = False, {}

    @classmethod
    def of(cls, reads: Reads) -> "ReadTree":
        root = cls()
        for path in reads.passed:
            root._add(path)
        for path in reads.whole:
            root._add(path).whole = True
        return root

    def _add(self, path: tuple) -> "ReadTree":
        node = self
        for step in path:
            node = node.children.setdefault(step, ReadTree())
        return node

    def step(self, key) -> list:
        """The nodes under this one that a key of an object (a string) or an item of a list (ITEM) reaches."""
        children = self.children
        if key == ITEM:
            found = children.get(ITEM)
            return [found] if found is not None else []
        return [node for node in (children.get(key), children.get(ANY)) if node is not None]


def step_all(nodes: list, key) -> list:
    """The nodes reached from any of `nodes` by one key (or ITEM)."""
    if len(nodes) == 1:
        return nodes[0].step(key)
    return [found for node in nodes for found in node.step(key)]


ALL_COLUMNS = None  # every column of an output is read


def columns_read(root: ReadTree, alias: str):
    """The columns of `datasets.<alias>` read (a set of names), or ALL_COLUMNS."""
    if root.whole:
        return ALL_COLUMNS
    columns = set()
    for datasets in root.step("datasets"):
        if datasets.whole:
            return ALL_COLUMNS
        for node in datasets.step(alias):
            if node.whole or ANY in node.children:
                return ALL_COLUMNS
            columns |= {name for name in node.children if name != ITEM}
    return columns


def layout_reads(layout, outputs=(), params=()) -> Reads:
    """What a layout's expressions read: detect, identity, the output names, the results of each output in
    `outputs`, the parameters named `params` (ANY: any), and how jobs link (any input and output)."""
    reads = Reads()
    for compiled in (layout.detect, layout.outputs, *layout.identity.values()):
        reads.update(expression_reads(compiled.parsed))
    templates = [(layout.output_results, "{output}", name) for name in outputs]
    templates += [(template, "{name}", name) for template in layout.params for name in params]
    templates += [(template, slot, ANY) for template, slot in
                  ((layout.links.get("inputs"), None), (layout.links.get("connections"), "{input}"),
                   (layout.links.get("output_items"), "{output}"), (layout.links.get("deleted"), None))
                  if template is not None]
    for template, slot, name in templates:
        text = template.replace(slot, json.dumps(name)) if slot else template
        reads.update(expression_reads(jmespath.compile(text).parsed))
    return reads


def spec_reads(spec) -> tuple:
    """(Reads of every field of a spec, {output name: the columns read, or ALL_COLUMNS}): its dataset
    aliases stand for the outputs they declare."""
    reads = Reads()
    for spec_field in spec.fields:
        reads.update(expression_reads(spec_field.expression.parsed.parsed))
    tree = ReadTree.of(reads)
    columns = {}
    for alias, output in spec.datasets.items():
        read = columns_read(tree, alias)
        if read is ALL_COLUMNS or columns.get(output, set()) is ALL_COLUMNS:
            columns[output] = ALL_COLUMNS
        else:
            columns.setdefault(output, set()).update(read)
    return reads, columns
