"""Loading one spec file: YAML with line numbers, checked against
schemas/spec.schema.json, every expression compiled once."""

from dataclasses import dataclass, field
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ..checks.schemacheck import errors, located_error, shipped_schema
from ..errors import SpecError
from ..regularfiles import Unreadable, read_text
from ..resources import retired_spec, specs_dir
from .definitions import DefinitionError, expand, references
from .expressions import (Expression, ExpressionSyntaxError, check_syntax, compile_expression, merge_dataset_fields,
                          names_under)
from .relations import Relation
from .yamllines import MAX_SPEC_BYTES, Located, load_located

SPEC_SCHEMA = "spec.schema.json"
ANY_TYPE = "any"  # match.job_types: any, a spec for jobs of every type
SHIPPED_PREFIX = "csx:"  # extends: csx:NAME is NAME in the shipped specs folder, from any folder
MAX_EXTENDS_DEPTH = 32  # files in one extends chain, the spec itself included


@dataclass
class FieldSpec:
    """One output field: where it goes in the record and how it is computed."""

    file: Path  # the spec file, or the file it extends, that defines the field
    record_path: tuple
    expression: Expression
    required: bool
    type: str | None
    default: object
    line: int
    col: int

    @property
    def name(self) -> str:
        return ".".join(self.record_path)


@dataclass
class Spec:
    file: Path
    kind: str
    description: str
    layout: str
    job_types: tuple  # the types the spec names; () for a spec of any type
    cryosparc: SpecifierSet | None
    cryosparc_text: str | None  # the range as written, for messages
    datasets: dict  # alias -> output name
    fields: list
    dataset_fields: dict  # alias -> columns (or ALL_FIELDS) over all expressions
    related: dict = field(default_factory=dict)  # alias -> Relation
    on_request: bool = False  # chosen only when its kind is asked for
    definitions: dict = field(default_factory=dict)  # name -> expression text, for `$name` (define:)
    any_type: bool = False  # match.job_types: any; a spec naming a job's type wins over it
    located: Located = field(repr=False, default=None)

    def error(self, yaml_path, message) -> SpecError:
        return self.located.error(yaml_path, message)

    @property
    def name(self) -> str:
        return self.file.stem

    def where(self, spec_field: FieldSpec) -> str:
        return f"{spec_field.file}:{spec_field.line}"

    def field_for(self, record_path) -> FieldSpec | None:
        """The field that produced a record path (or the group containing it)."""
        record_path = tuple(str(p) for p in record_path)
        best = None
        for spec_field in self.fields:
            n = len(spec_field.record_path)
            if record_path[:n] == spec_field.record_path and (best is None or n > len(best.record_path)):
                best = spec_field
        return best

    def covers(self, job_type) -> bool:
        return self.any_type or job_type in self.job_types

    @property
    def types_text(self) -> str:
        return ANY_TYPE if self.any_type else ", ".join(self.job_types)

    def admits_version(self, version) -> bool:
        return self.cryosparc is None or version is None or self.cryosparc.contains(version, prereleases=True)


def load_spec(file: Path) -> Spec:
    """The spec in `file`; raises SpecError on its first problem (see check_spec for all of them)."""
    spec, problems = _load(Path(file), stop_at_first=True)
    if problems:
        raise problems[0]
    return spec


def check_spec(file: Path, read: dict | None = None):
    """(spec or None, [SpecError, ...]) with every problem found in the file. `read` keeps the files read
    for a caller that checks many specs sharing bases (lint): each is then read and checked once."""
    return _load(Path(file), stop_at_first=False, read=read)


def is_fragment(file: Path) -> bool:
    """Files named _*.yaml hold shared parts for specs to extend; they are not specs themselves."""
    return Path(file).name.startswith("_")


def extended_file(file: Path, base: str) -> Path:
    """The file `extends: base` in `file` names: relative to `file`, or with the prefix csx:, one of
    the shipped specs and fragments, e.g. csx:_map-info-maps.yaml."""
    if base.startswith(SHIPPED_PREFIX):
        return (specs_dir() / base[len(SHIPPED_PREFIX):]).resolve()
    return (file.parent / base).resolve()


def _read_layer(file: Path) -> tuple:
    """(Located or None, its problems, the file it extends resolved or None): one file of a spec, read and
    checked against the spec schema."""
    try:
        located = load_located(file)
    except SpecError as exc:
        return None, [exc], None
    mixups = _exp_mixups(located)  # in the schema's words, they would speak of `required` or of groups
    schema_errors = [e for e in errors(shipped_schema(SPEC_SCHEMA), located.data)
                     if not any(tuple(e.absolute_path)[:len(at)] == at for at in mixups)]
    if mixups or schema_errors:
        return None, list(mixups.values()) + [located_error(located, e, "spec schema") for e in schema_errors], None
    base = located.data.get("extends")
    return located, [], None if base is None else extended_file(file, base)


DEFINITION_OPTIONS = {"expr", "required", "type", "default", "description"}


def _exp_mixups(located: Located) -> dict:
    """{path: SpecError} at each `exp:` written for `expr:` where the schema would refuse it in its own words
    (that `required` is no field, that exp is unexpected): beside a field definition's options, and in
    define, whose values are expressions. A lone `{exp: ...}` in fields is, to the schema, a group holding a
    field named exp; `csx lint --job` says what it likely is (run.joblint)."""
    data = located.data if isinstance(located.data, dict) else {}
    problems = {}  # the definition's path -> its SpecError

    def walk(value, path, alone_too: bool):
        if not isinstance(value, dict):
            return
        others = set(value) - {"exp"}
        if "exp" in value and others <= DEFINITION_OPTIONS and (others or alone_too):
            problems[path] = located.error(path + ("exp",), "exp is not a field option; did you mean expr?")
            return
        for key, item in value.items():
            walk(item, path + (key,), alone_too)

    for section, value in data.items():  # in the file's order
        if section == "fields":
            walk(value, (section,), alone_too=False)
        elif section == "define" and isinstance(value, dict):
            for name, item in value.items():
                walk(item, (section, name), alone_too=True)
    return problems


def _layers(file: Path, problems: list, read: dict | None = None) -> list:
    """The Located files a spec is made of, its furthest base first."""
    layers, chain = [], {file.resolve()}
    read = {} if read is None else read
    while True:
        if file not in read:  # keyed as named: a spec's messages name it as it was given
            read[file] = _read_layer(file)
        located, found, base_file = read[file]
        if found:
            problems += found
            return []
        layers.insert(0, located)
        if base_file is None:
            return layers
        base = located.data["extends"]
        if base_file in chain:
            problems.append(located.error(("extends",), f"extends: {base} extends this file again (a cycle)"))
            return []
        if len(chain) >= MAX_EXTENDS_DEPTH:
            problems.append(located.error(("extends",), f"extends: {base} would make {layers[-1].file} a chain "
                                                        f"of more than {MAX_EXTENDS_DEPTH} files; merge some"))
            return []
        if base_file not in read and not base_file.is_file():
            replacement = retired_spec(base_file.name) if base.startswith(SHIPPED_PREFIX) else None
            problems.append(located.error(("extends",), f"extends: csx no longer ships {base_file.name}; "
                                                        f"{replacement} reads the documents of every CryoSPARC 4.x, "
                                                        f"4.0 to 4.2 included: extends: csx:{replacement}"
                                          if replacement else f"extends: no file {base_file}"))
            return []
        chain.add(base_file)
        file = base_file


def _merged_fields(layers: list, problems: list, definitions: dict) -> list:
    """Fields of every layer, a later layer's replacing a base's at the same record path, above it or under
    it. The paths are kept as a tree, so that each field costs the length of its path, not the number of
    fields (a spec of 30,000 fields loads in seconds)."""
    by_path, tree = {}, {}  # tree: key -> (subtree, has a field here)
    for located in layers:
        own = []
        _collect_fields(located, located.data.get("fields") or {}, ("fields",), own, problems, definitions)
        for spec_field in own:
            path, node = spec_field.record_path, tree
            for depth, key in enumerate(path[:-1]):
                node = node.setdefault(key, [{}, False])
                if node[1]:  # a base's field above this one: replaced
                    del by_path[path[:depth + 1]]
                    node[1] = False
                node = node[0]
            last = node.setdefault(path[-1], [{}, False])
            for below in _fields_under(last[0], path):  # a base's fields under this one: replaced
                del by_path[below]
            last[0], last[1] = {}, True
            by_path.pop(path, None)
            by_path[path] = spec_field
    return list(by_path.values())


def _fields_under(subtree: dict, prefix: tuple):
    pending = [(subtree, prefix)]
    while pending:
        node, path = pending.pop()
        for key, (children, has_field) in node.items():
            if has_field:
                yield path + (key,)
            pending.append((children, path + (key,)))


def _load(file: Path, stop_at_first: bool, read: dict | None = None):
    problems = []
    layers = _layers(file, problems, read)
    if problems:
        return None, problems[:1] if stop_at_first else problems
    located = layers[-1]
    data = {}
    for layer in layers:
        data.update({key: value for key, value in layer.data.items()
                     if key not in ("fields", "datasets", "related", "define")})
    written = {key for layer in layers for key in layer.data}
    missing = [key for key in ("kind", "match", "fields") if key not in written]
    if missing and not is_fragment(file):
        problems.append(located.error((), f"spec: missing {', '.join(missing)} (here or in what it extends)"))
        return None, problems
    version_range = None
    match = data.get("match", {})
    if "cryosparc" in match:
        try:
            version_range = SpecifierSet(match["cryosparc"])
        except InvalidSpecifier:
            problems.append(located.error(("match", "cryosparc"),
                                          f"match.cryosparc: {match['cryosparc']!r} is not a PEP 440 "
                                          "version range (write e.g. \">=4.0,<5\")"))
    definitions = _definitions(layers, problems, is_fragment(file))
    fields = _merged_fields(layers, problems, definitions)
    datasets = {}
    for layer in layers:
        datasets.update({alias: decl["output"] for alias, decl in (layer.data.get("datasets") or {}).items()})
    related = {}
    for layer in layers:
        for alias, decl in (layer.data.get("related") or {}).items():
            related[alias] = Relation.declared(alias, decl, layer.file, layer.position(("related", alias))[0])
    for spec_field in fields:
        for alias in spec_field.expression.dataset_fields:
            if alias not in datasets:
                declared = ", ".join(datasets) or "none"
                problems.append(SpecError(spec_field.file, spec_field.line, spec_field.col,
                                          f"field {spec_field.name}: datasets.{alias} is not declared under datasets: "
                                          f"(declared: {declared})"))
    for spec_field in fields:
        for root in ("related", "lineage"):
            for alias in sorted(names_under(spec_field.expression, root) - set(related)):
                declared = ", ".join(related) or "none"
                problems.append(SpecError(spec_field.file, spec_field.line, spec_field.col,
                                          f"field {spec_field.name}: {root}.{alias} is not declared under related: "
                                          f"(declared: {declared})"))
    if problems or is_fragment(file):
        return None, problems[:1] if stop_at_first else problems
    spec = Spec(
        file=file,
        kind=data["kind"],
        description=data.get("description", ""),
        layout=match["layout"],
        job_types=() if match["job_types"] == ANY_TYPE else tuple(match["job_types"]),
        cryosparc=version_range,
        cryosparc_text=match.get("cryosparc"),
        datasets=datasets,
        fields=fields,
        dataset_fields=merge_dataset_fields(f.expression.dataset_fields for f in fields),
        related=related,
        on_request=bool(data.get("on_request", False)),
        definitions=definitions,
        any_type=match["job_types"] == ANY_TYPE,
        located=located,
    )
    return spec, []


def _definitions(layers: list, problems: list, fragment: bool) -> dict:
    """name -> text of every `define:` of the layers, a later layer's replacing a base's, each checked.
    A broken name stands for any expression (`@`) in what uses it, so that each mistake is reported once;
    so does, in a fragment, a name that what extends it defines."""
    written = {}  # name -> (text, the layer that defines it)
    for located in layers:
        for name, text in (located.data.get("define") or {}).items():
            written[name] = (text, located)
    broken = set()
    for name, (text, located) in written.items():
        try:
            check_syntax(text)
        except ExpressionSyntaxError as exc:
            problems.append(_expression_error(located, ("define", name), ("define", name), exc, f"${name}"))
            broken.add(name)
    if fragment:
        used = {ref for layer in layers for text in _field_texts(layer.data.get("fields") or {})
                for *_, ref in references(text)} | {ref for text, _ in written.values() for *_, ref in references(text)}
        return {**{name: "@" for name in used}, **_usable(written, broken)}
    for name, (text, located) in written.items():
        if name in broken:
            continue
        try:
            expand(text, _usable(written, broken), name)
        except DefinitionError as exc:
            line, col = located.value_position(("define", name))
            problems.append(SpecError(located.file, line, col, f"${name}: {exc.message}"))
            broken.add(name)
    return _usable(written, broken)


def _usable(written: dict, broken: set) -> dict:
    return {name: "@" if name in broken else text for name, (text, _) in written.items()}


def _field_texts(group: dict):
    for value in group.values():
        if isinstance(value, dict) and "expr" not in value:
            yield from _field_texts(value)
        elif isinstance(value, dict):
            if isinstance(value.get("expr"), str):
                yield value["expr"]
        elif isinstance(value, str):
            yield value


def _collect_fields(located: Located, group: dict, yaml_path: tuple, out: list, problems: list, definitions: dict):
    for key, value in group.items():
        path = yaml_path + (key,)
        if isinstance(value, dict) and "expr" not in value:
            _collect_fields(located, value, path, out, problems, definitions)
            continue
        definition = value if isinstance(value, dict) else {"expr": value}
        expr_path = path + ("expr",) if isinstance(value, dict) else path
        line, col = located.position(path)
        try:
            expression = compile_expression(definition["expr"], definitions)
        except ExpressionSyntaxError as exc:
            problems.append(_expression_error(located, expr_path, path, exc))
            continue
        out.append(FieldSpec(
            file=located.file,
            record_path=path[1:],
            expression=expression,
            required=definition.get("required", False),
            type=definition.get("type"),
            default=definition.get("default"),
            line=line,
            col=col,
        ))


def _expression_error(located: Located, expr_path, field_path, exc: ExpressionSyntaxError, what: str = ""):
    line, col = located.value_position(expr_path)
    raw_line = _source_line(located.file, line)
    # Point at the broken spot when the expression is written plainly on its line.
    start = raw_line.find(exc.text, col - 1) if raw_line else -1
    if start >= 0:
        col = start + 1 + (exc.offset or 0)
    what = what or "field " + ".".join(str(p) for p in field_path[1:])
    return SpecError(located.file, line, col, f"{what}: {exc.message}", detail=exc.caret())


def _source_line(file, line: int) -> str:
    try:
        lines = read_text(file, MAX_SPEC_BYTES).splitlines()
    except (OSError, Unreadable):
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""
