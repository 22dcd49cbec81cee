"""A record schema compiled to Python checks, for the yes/no of every record.

jsonschema spends about 0.4 ms on a record, and 100 ms importing itself in
each process; the record schemas use a handful of keywords, which compile to
closures that answer in microseconds. `compile_schema` gives None for any
schema that uses another keyword, a form it does not know or a remote $ref:
jsonschema checks those, and jsonschema still words every error (records.py),
and checks spec and layout files. The answers are the same as jsonschema's
Draft 2020-12 ones (tests/test_fastcheck.py, on every record of the test
corpus and on mutated ones).
"""

import re

# keywords that do not assert anything, and what the metaschema allows each to be (a schema
# that breaks the metaschema is left to jsonschema, which says so)
ANNOTATIONS = {"$schema": str, "$id": str, "$comment": str, "title": str, "description": str, "default": object,
               "examples": list, "deprecated": bool, "readOnly": bool, "writeOnly": bool}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


class NotCompiled(Exception):
    """The schema uses what this compiler does not cover."""


def compile_schema(schema):
    """A function data -> bool, or None when jsonschema must decide."""
    try:
        return _Compiler(schema).compile(schema)
    except (NotCompiled, re.error, RecursionError):
        return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def json_equal(one, other) -> bool:
    """Equality as JSON Schema means it: true is not 1, 1.0 is 1."""
    if isinstance(one, bool) or isinstance(other, bool):
        return isinstance(one, bool) and isinstance(other, bool) and one == other
    if isinstance(one, dict) and isinstance(other, dict):
        return one.keys() == other.keys() and all(json_equal(one[key], other[key]) for key in one)
    if isinstance(one, list) and isinstance(other, list):
        return len(one) == len(other) and all(map(json_equal, one, other))
    if _is_number(one) and _is_number(other):
        return one == other
    return type(one) is type(other) and one == other


class _Compiler:
    def __init__(self, root):
        self.root = root
        self.refs = {}  # "#/$defs/x" -> [check], filled once compiled (a $ref may recur)

    def compile(self, schema):
        if schema is True:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, dict):
            raise NotCompiled(schema)
        unknown = set(schema) - set(ANNOTATIONS) - set(_KEYWORDS) - {"$defs"}
        if unknown:
            raise NotCompiled(unknown)
        if any(not isinstance(schema[key], kind) for key, kind in ANNOTATIONS.items() if key in schema):
            raise NotCompiled("annotation")
        definitions = schema.get("$defs", {})
        if not isinstance(definitions, dict):
            raise NotCompiled("$defs")
        for definition in definitions.values():  # each must be a schema, used or not
            self.compile(definition)
        checks = [_KEYWORDS[keyword](self, schema[keyword], schema) for keyword in schema if keyword in _KEYWORDS]
        checks = [check for check in checks if check is not None]
        if len(checks) == 1:
            return checks[0]
        return lambda value: all(check(value) for check in checks)

    def ref(self, target: str):
        if not isinstance(target, str) or not target.startswith("#/"):
            raise NotCompiled(target)
        if target not in self.refs:
            cell = self.refs[target] = []
            node = self.root
            for part in target[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(node, dict) or part not in node:
                    raise NotCompiled(target)
                node = node[part]
            cell.append(self.compile(node))
        cell = self.refs[target]
        return lambda value: cell[0](value)


def _type(compiler, wanted, schema):
    names = [wanted] if isinstance(wanted, str) else wanted
    if not isinstance(names, list) or not names or any(name not in TYPES for name in names) \
            or len(set(names)) != len(names):
        raise NotCompiled(wanted)
    tests = [TYPES[name] for name in names]
    return lambda value: any(test(value) for test in tests)


def _number(compare):
    def keyword(compiler, limit, schema):
        if not _is_number(limit):
            raise NotCompiled(limit)
        return lambda value: not _is_number(value) or compare(value, limit)
    return keyword


def _count(kind, compare):
    def keyword(compiler, limit, schema):
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise NotCompiled(limit)
        return lambda value: not isinstance(value, kind) or compare(len(value), limit)
    return keyword


def _pattern(compiler, pattern, schema):
    if not isinstance(pattern, str):
        raise NotCompiled(pattern)
    search = re.compile(pattern).search
    return lambda value: not isinstance(value, str) or search(value) is not None


def _const(compiler, const, schema):
    return lambda value: json_equal(value, const)


def _required(compiler, names, schema):
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names) \
            or len(set(names)) != len(names):
        raise NotCompiled(names)
    return lambda value: not isinstance(value, dict) or all(name in value for name in names)


def _properties(compiler, properties, schema):
    if not isinstance(properties, dict):
        raise NotCompiled(properties)
    checks = [(name, compiler.compile(sub)) for name, sub in properties.items()]
    return lambda value: not isinstance(value, dict) or all(
        check(value[name]) for name, check in checks if name in value)


def _additional_properties(compiler, additional, schema):
    known = set(schema.get("properties", {}))
    check = compiler.compile(additional)
    return lambda value: not isinstance(value, dict) or all(
        check(item) for key, item in value.items() if key not in known)


def _items(compiler, items, schema):
    check = compiler.compile(items)
    return lambda value: not isinstance(value, list) or all(map(check, value))


def _any_of(compiler, options, schema):
    if not isinstance(options, list) or not options:
        raise NotCompiled(options)
    checks = [compiler.compile(option) for option in options]
    return lambda value: any(check(value) for check in checks)


def _ref(compiler, target, schema):
    return compiler.ref(target)


_KEYWORDS = {
    "type": _type,
    "minimum": _number(lambda value, limit: value >= limit),
    "maximum": _number(lambda value, limit: value <= limit),
    "exclusiveMinimum": _number(lambda value, limit: value > limit),
    "exclusiveMaximum": _number(lambda value, limit: value < limit),
    "minLength": _count(str, lambda length, limit: length >= limit),
    "maxLength": _count(str, lambda length, limit: length <= limit),
    "minItems": _count(list, lambda length, limit: length >= limit),
    "maxItems": _count(list, lambda length, limit: length <= limit),
    "pattern": _pattern,
    "const": _const,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "items": _items,
    "anyOf": _any_of,
    "$ref": _ref,
}
