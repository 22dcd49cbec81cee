"""Document layouts: where a generation of CryoSPARC keeps a job's identity,
outputs and parameters.

The engine names no document key; a layout file (specs/layouts/*.yaml) does,
as JMESPath over `{job: <document>}`. Templates take `{output}` or `{name}`,
replaced by the JSON-quoted name, which reads as a quoted identifier
(`job.spec.outputs.{output}`) or, between backticks, as a literal
(`[?group_name==`{output}`]`).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import jmespath

from ..checks.schemacheck import first_error, located_error, shipped_schema
from ..errors import JobError, json_type
from .compiler import CompiledPath
from .expressions import names_under_ast, syntax_error
from .functions import error_text
from .yamllines import load_located

IDENTITY_KEYS = ("uid", "project_uid", "type", "version", "status")
OPTIONAL_IDENTITY_KEYS = ("updated",)


@dataclass
class Layout:
    name: str
    file: Path
    description: str
    detect: object
    identity: dict
    outputs: object
    output_results: str
    params: list
    links: dict = field(default_factory=dict)  # how jobs connect: see `connections` and the related methods below
    _compiled: dict = field(default_factory=dict, repr=False)

    def _template(self, template: str, placeholder: str, name: str):
        key = (template, name)
        if key not in self._compiled:
            self._compiled[key] = CompiledPath(template.replace(placeholder, json.dumps(name)))
        return self._compiled[key]

    def document_keys(self) -> set:
        """The keys at the top of a document that this layout's expressions read (job_type, spec, ...)."""
        texts = [self.detect.expression, self.outputs.expression, self.output_results, *self.params,
                 *self.links.values(), *(path.expression for path in self.identity.values())]
        keys = set()
        for text in texts:
            for placeholder in ("{output}", "{name}", "{input}"):
                text = text.replace(placeholder, json.dumps("x"))
            keys |= names_under_ast(jmespath.compile(text).parsed, "job")
        return keys

    def detects(self, doc) -> bool:
        return self.detect.search({"job": doc}) is not None

    def identify(self, doc) -> dict:
        scope = {"job": doc}
        return {key: expr.search(scope) for key, expr in self.identity.items()}

    def output_names(self, doc) -> list:
        return self.outputs.search({"job": doc}) or []

    def results_of(self, doc, output: str) -> list:
        """[{name, metafiles, passthrough}] of one output, [] when the job has no such output."""
        return self.results_expression(output).search({"job": doc}) or []

    def results_expression(self, output: str):
        return self._template(self.output_results, "{output}", output)

    def param(self, doc, name: str):
        scope = {"job": doc}
        for template in self.params:
            value = _search_keys(self._template(template, "{name}", name), scope)
            if value is not None:
                return value
        return None


    # How jobs link, for related jobs: the layout's `links` templates.

    def _link(self, doc, key: str, placeholder: str = "{name}", name: str = ""):
        """A links template over the document; one without the placeholder reads the same for any name."""
        template = self.links.get(key)
        if template is None:
            return None
        return self._template(template, placeholder, name).search({"job": doc})

    def input_names(self, doc) -> list:
        return self._link(doc, "inputs") or []

    def connections(self, doc, input_name: str) -> list:
        """[{job_uid, output}] connected to one input; [] when it has none."""
        return self._link(doc, "connections", "{input}", input_name) or []

    def output_items(self, doc, output: str):
        return self._link(doc, "output_items", "{output}", output)

    def is_deleted(self, doc) -> bool:
        return bool(self._link(doc, "deleted"))


def _key_chain(parsed: dict) -> list | None:
    """The keys of an expression that only reads keys (`job.params_spec."x".value`), else None."""
    if parsed["type"] == "field":
        return [parsed["value"]]
    if parsed["type"] != "subexpression":
        return None
    chain = []
    for child in parsed["children"]:
        keys = _key_chain(child)
        if keys is None:
            return None
        chain += keys
    return chain


def _search_keys(expression, scope):
    """The expression's value; where it only reads keys, a step that meets something other than an object
    or null is an error naming that step (JMESPath would give null, and the next template be read instead)."""
    chain = _key_chain(expression.parsed)
    if chain is None:
        return expression.search(scope)
    value = scope
    for depth, key in enumerate(chain):
        if value is None:
            return None
        if not isinstance(value, dict):
            raise jmespath.exceptions.JMESPathError(f"{'.'.join(chain[:depth])} is {json_type(value)}, "
                                                    "not an object")
        value = value.get(key)
    return value


def load_layout(file: Path) -> Layout:
    located = load_located(file)
    problem = first_error(shipped_schema("layout.schema.json"), located.data)
    if problem is not None:
        raise located_error(located, problem, "layout schema")
    data = located.data

    def compiled(path, text, sample=None):
        try:
            return CompiledPath(text.replace(sample, json.dumps("x")) if sample else text)
        except jmespath.exceptions.JMESPathError as exc:
            error = syntax_error(text, exc)
            raise located.error(path, f"{'.'.join(map(str, path))}: {error.message} (column {error.offset + 1} "
                                      f"of {text!r})") from exc

    identity = {key: compiled(("identity", key), data["identity"][key])
                for key in IDENTITY_KEYS + OPTIONAL_IDENTITY_KEYS if key in data["identity"]}
    compiled(("output_results",), data["output_results"], "{output}")
    for index, template in enumerate(data["params"]):
        compiled(("params", index), template, "{name}")
    links = data.get("links", {})
    for key, placeholder in (("inputs", None), ("connections", "{input}"), ("output_items", "{output}"),
                             ("deleted", None)):
        if key in links:
            compiled(("links", key), links[key], placeholder)
    return Layout(
        name=data["layout"],
        file=Path(file),
        description=data.get("description", ""),
        detect=compiled(("detect",), data["detect"]),
        identity=identity,
        outputs=compiled(("outputs",), data["outputs"]),
        output_results=data["output_results"],
        params=list(data["params"]),
        links=dict(links),
    )


def load_layouts(dirs) -> dict:
    """Layouts from each dir's layouts/ folder; a later dir's layout replaces an earlier one of the same name."""
    layouts = {}
    for spec_dir in dirs:
        for file in sorted((Path(spec_dir) / "layouts").glob("*.yaml")):
            layout = load_layout(file)
            layouts[layout.name] = layout
    return layouts


def detect_layout(layouts: dict, doc, where: str) -> Layout:
    if not isinstance(doc, dict):
        raise JobError(f"{where}: not a job document (a JSON object was expected)")
    found = []
    for layout in layouts.values():
        try:
            if layout.detects(doc):
                found.append(layout)
        except jmespath.exceptions.JMESPathError as exc:  # e.g. a function given a type this document has
            raise JobError(f"{where}: layout {layout.name} cannot tell whether it fits: `{layout.detect.expression}` "
                           f"fails on this document ({error_text(exc)}; {layout.file})") from exc
    if len(found) == 1:
        return found[0]
    if not found:
        known = "; ".join(f"{layout.name} has {layout.detect.expression}" for layout in layouts.values())
        raise JobError(f"{where}: not a CryoSPARC job document of any known layout ({known})")
    names = ", ".join(layout.name for layout in found)
    raise JobError(f"{where}: the document fits several layouts ({names}); make their `detect` expressions exclusive")
