"""specs/PROVENANCE.md names a public source, or says "assumed" and why, for
every CryoSPARC fact the shipped specs and layouts rely on.

What the shipped files read is computed here from their YAML and the JMESPath
syntax tree of every expression, independently of csx's own compiler: the
document keys under `job` (per layout), the dataset fields under
`datasets.<alias>`, the parameters named by `param('x')` or by a layout's
parameter templates, the output and input names, and the job types of
`match.job_types` and `related.*.job_types`. A name read but not listed in
PROVENANCE.md fails the test, as does a source cell that cites nothing.
"""

import json
import re
from pathlib import Path

import jmespath
import pytest
import yaml

from extractor.language.specfile import load_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
PROVENANCE = SPECS / "PROVENANCE.md"

# Layout templates take {output}, {input} or {name}; csx puts a JSON-quoted name there, so do we,
# with the placeholder itself as the name: it reads as `<output>` in a key.
PLACEHOLDERS = {"{output}": "<output>", "{input}": "<input>", "{name}": "<param>"}
# The segment after these (job-relative) key paths is a name the document chooses, not a fixed key.
NAMED = {("spec", "outputs"): "<output>", ("spec", "inputs"): "<input>", ("spec", "params"): "<param>",
         ("params_spec",): "<param>", ("params_base",): "<param>"}
# Where an output's name is a value compared in a filter (v4: output_result_groups[?name=='volume']).
V4_OUTPUT_NAME = ("job", "output_result_groups", "[]", "name")
V5_OUTPUTS = ("job", "spec", "outputs")


# ---------------------------------------------------------------------------------------------
# What one expression reads: a walk over the JMESPath syntax tree with symbolic values.
# A value is a tuple: ("doc", path, lists) a place in the context (path from the root, "[]" for
# a list element, "*" for any key), inside `lists` levels of projected lists; ("items", path,
# lists) the list of [key, value] pairs of the object at path; ("pair", path) one of them;
# ("key", path) a key of the object at path; ("zip", args, lists) the rows of several lists;
# ("tuple", args) one row; ("lit", value); ("other",) anything computed.
# ---------------------------------------------------------------------------------------------

OTHER = ("other",)


class Reads:
    def __init__(self):
        self.paths = set()  # every place a field access reached
        self.params = set()
        self.outputs = set()  # output names, "prefix*" for a starts_with() pattern

    def expression(self, text: str):
        paths_before = set(self.paths)
        self.paths = set()
        self._eval(jmespath.compile(text).parsed, [("doc", (), 0)])
        mine, self.paths = self.paths, paths_before | self.paths
        return mine

    # -- places --------------------------------------------------------------------------
    def _field(self, value, name):
        if value[0] == "doc":
            path = value[1] + (name,)
            self.paths.add(path)
            return ("doc", path, value[2])
        return OTHER

    @staticmethod
    def _element(value):
        """What a projection sees of each element of `value`."""
        kind = value[0]
        if kind == "doc":
            path, lists = value[1], value[2]
            return ("doc", path, lists - 1) if lists else ("doc", path + ("[]",), 0)
        if kind in ("items", "zip"):
            lists = value[2]
            return value[:2] + (lists - 1,) if lists else ("pair" if kind == "items" else "tuple", value[1])
        return OTHER

    def _index(self, value, index):
        kind = value[0]
        if kind == "doc" and not value[2]:
            path = value[1] + ("[]",)
            self.paths.add(path)
            return ("doc", path, 0)
        if kind in ("doc", "items", "zip"):
            return self._element(value)
        if kind == "pair":
            return ("key", value[1]) if index == 0 else self._field(("doc", value[1], 0), "*")
        if kind == "tuple" and isinstance(index, int) and -len(value[1]) <= index < len(value[1]):
            return value[1][index]
        return OTHER

    @staticmethod
    def _wrapped(value):
        if value[0] in ("doc", "items", "zip"):
            return value[:2] + (value[2] + 1,)
        if value[0] in ("pair", "tuple"):  # a list of pairs or rows again
            return ("items" if value[0] == "pair" else "zip", value[1], 0)
        return value

    # -- names compared or matched -----------------------------------------------------------
    def _names(self, subject, literal, pattern: bool):
        if literal[0] != "lit" or not isinstance(literal[1], str) or literal[1] in PLACEHOLDERS.values():
            return
        name = literal[1] + ("*" if pattern else "")
        if subject[0] == "doc" and subject[1] == V4_OUTPUT_NAME:
            self.outputs.add(name)
        if subject[0] == "key" and subject[1] == V5_OUTPUTS:
            self.outputs.add(name)

    # -- the walk ----------------------------------------------------------------------------
    def _eval(self, node, current: list) -> list:
        kind, children = node["type"], node.get("children", [])
        if kind == "field":
            return [self._field(v, node["value"]) for v in current]
        if kind in ("current", "identity"):
            return current
        if kind == "literal":
            return [("lit", node["value"])]
        if kind == "subexpression":
            values = current
            for child in children:
                values = self._eval(child, values)
            return values
        if kind == "index_expression":
            values = self._eval(children[0], current)
            for child in children[1:]:
                index = child.get("value") if child["type"] == "index" else None
                values = [self._index(v, index) for v in values]
            return values
        if kind in ("projection", "filter_projection"):
            elements = [self._element(v) for v in self._eval(children[0], current)]
            if kind == "filter_projection":
                self._eval(children[2], elements)
            return [self._wrapped(v) for v in self._eval(children[1], elements)]
        if kind == "value_projection":
            elements = [self._field(v, "*") for v in self._eval(children[0], current)]
            return [self._wrapped(v) for v in self._eval(children[1], elements)]
        if kind == "flatten":
            return [("doc", v[1] + ("[]",), v[2]) if v[0] == "doc" and v[2] else v
                    for v in self._eval(children[0], current)]
        if kind == "pipe":
            return self._eval(children[1], self._eval(children[0], current))
        if kind == "comparator":
            left, right = self._eval(children[0], current), self._eval(children[1], current)
            if node["value"] == "eq":
                for a in left:
                    for b in right:
                        self._names(a, b, False)
                        self._names(b, a, False)
            return [OTHER]
        if kind == "and_expression":
            self._eval(children[0], current)
            return self._eval(children[1], current)
        if kind == "or_expression":
            return self._eval(children[0], current) + self._eval(children[1], current)
        if kind == "not_expression":
            self._eval(children[0], current)
            return [OTHER]
        if kind == "multi_select_dict":
            for pair in children:
                self._eval(pair["children"][0], current)
            return [OTHER]
        if kind == "multi_select_list":
            for child in children:
                self._eval(child, current)
            return [OTHER]
        if kind == "function_expression":
            return self._function(node["value"], children, current)
        if kind == "expref":
            return [OTHER]
        raise AssertionError(f"no rule for JMESPath node {kind!r}: teach this test to read it")

    def _function(self, name, children, current):
        if name == "root":
            return [("doc", (), 0)]
        args = [self._eval(child, current) for child in children]
        if name == "param":
            self.params.update(v[1] for v in args[0] if v[0] == "lit")
            return [OTHER]
        if name == "params" and children[0]["type"] == "multi_select_list":  # params(['a', 'b'])
            self.params.update(c["value"] for c in children[0]["children"] if c["type"] == "literal")
            return [OTHER]
        if name == "items":
            return [("items", v[1], v[2]) if v[0] == "doc" else OTHER for v in args[0]]
        if name == "values":
            return [self._wrapped(self._field(v, "*")) for v in args[0]]
        if name == "get":
            keys = [v[1] if v[0] == "lit" else "*" for v in args[1]]
            return [self._field(v, key) for v in args[0] for key in keys]
        if name == "zip":
            return [("zip", tuple(args), 0)]
        if name == "starts_with":
            for subject in args[0]:
                for literal in args[1]:
                    self._names(subject, literal, True)
            return [OTHER]
        if name == "abspath":
            return args[0]
        return [OTHER]


def maximal(paths: set) -> set:
    """The places an expression reads values at: those it does not merely pass through on the way
    to another place it reads."""
    return {p for p in paths if not any(len(q) > len(p) and q[:len(p)] == p for q in paths)}


def key_text(path: tuple, reads: Reads) -> str:
    """A job-relative key as PROVENANCE.md writes it: output_result_groups[].latest_summary_stats.cfar,
    spec.outputs.<output>.num_items; names the document chooses become <output>, <input>, <param>."""
    segments = []
    for segment in path[1:]:
        named = NAMED.get(tuple(s for s in segments if s != "[]"))
        if named and segment not in PLACEHOLDERS.values():
            if named == "<output>" and segment != "*":
                reads.outputs.add(segment)
            if named == "<param>" and segment != "*":
                reads.params.add(segment)
            segment = named
        segments.append(segment)
    text = ""
    for segment in segments:
        text += segment if segment == "[]" or not text else "." + segment
    return text


# ---------------------------------------------------------------------------------------------
# The shipped files
# ---------------------------------------------------------------------------------------------

def shipped_facts() -> dict:
    """Every name the shipped specs and layouts rely on, each with the files that read it."""
    facts = {"keys": {}, "fields": {}, "params": {}, "outputs": {}, "inputs": {}, "job_types": {}}

    def note(table, key, file):
        facts[table].setdefault(key, set()).add(file)

    files = {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(SPECS.glob("*.yaml"))}
    # a field's expression as csx evaluates it: `$name`s (define:) replaced by their text, through extends
    for spec_file in sorted(SPECS.glob("*.yaml")):
        if spec_file.name.startswith("_"):
            continue
        spec = load_spec(spec_file)
        for spec_field in spec.fields:
            reads, name = Reads(), spec_field.file.name
            for path in maximal(reads.expression(spec_field.expression.evaluated_text)):
                if path[:1] == ("job",):
                    note("keys", (key_text(path, reads), spec.layout), name)
                elif path[:1] == ("datasets",) and len(path) >= 3:
                    note("fields", (spec.datasets[path[1]], path[2]), name)
            for param in reads.params:
                note("params", param, name)
            for output in reads.outputs:
                note("outputs", output, name)
    for name, data in files.items():
        for decl in (data.get("datasets") or {}).values():
            note("outputs", decl["output"], name)
        for decl in (data.get("related") or {}).values():
            for input_name in decl.get("upstream", ()):
                note("inputs", input_name, name)
            for output in decl.get("downstream", ()):
                note("outputs", output, name)
            for job_type in decl.get("job_types", ()):
                note("job_types", job_type, name)
        match_types = (data.get("match") or {}).get("job_types", ())
        for job_type in match_types if isinstance(match_types, list) else ():  # `any`: every type, no name
            note("job_types", job_type, name)

    for path in sorted((SPECS / "layouts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        name = f"layouts/{path.name}"
        texts = [data["detect"], data["outputs"], data["output_results"], *data["identity"].values(),
                 *data["params"], *(data.get("links") or {}).values()]
        reads = Reads()
        for text in texts:
            for placeholder, shown in PLACEHOLDERS.items():
                text = text.replace(placeholder, json.dumps(shown))
            for path_read in maximal(reads.expression(text)):
                if path_read[:1] == ("job",):
                    note("keys", (key_text(path_read, reads), data["layout"]), name)
        for output in reads.outputs:
            note("outputs", output, name)
    return facts


# ---------------------------------------------------------------------------------------------
# PROVENANCE.md
# ---------------------------------------------------------------------------------------------

SECTIONS = {  # heading -> (table name, the columns that identify a row)
    "Job types": ("job_types", ("job type",)),
    "Document keys": ("keys", ("key", "layout")),
    "Dataset fields": ("fields", ("output", "field")),
    "Parameters": ("params", ("parameter",)),
    "Output names": ("outputs", ("output",)),
    "Input names": ("inputs", ("input",)),
}
SOURCE_CELL = re.compile(r"^(?:(S\d+(?:, S\d+)*)(?:; )?)?(assumed: \S.*)?$")


def _cell(text: str) -> str:
    return text.strip().strip("`").replace("\\|", "|")


def tables(text: str) -> dict:
    """{heading: [row as {column: cell}]} for every table under a `## heading`."""
    found, heading, header = {}, None, None
    for line in text.splitlines():
        if line.startswith("## "):
            heading, header = line[3:].strip(), None
            continue
        if not line.startswith("|") or heading is None:
            header = None if not line.startswith("|") else header
            continue
        cells = [_cell(c) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if header is None:
            header = cells
        elif set(line) <= set("|-: "):
            continue
        else:
            found.setdefault(heading, []).append(dict(zip(header, cells)))
    return found


@pytest.fixture(scope="module")
def provenance() -> dict:
    return tables(PROVENANCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def facts() -> dict:
    return shipped_facts()


BRACES = re.compile(r"\{([^{}]*,[^{}]*)\}")


def expand_braces(cell: str) -> list:
    """A cell naming several keys at once, as a shell does: `a.{b,c}.d` is `a.b.d` and `a.c.d` (the places
    and spellings of one fact, listed once)."""
    found = BRACES.search(cell)
    if found is None:
        return [cell]
    return [expanded for choice in found.group(1).split(",")
            for expanded in expand_braces(cell[:found.start()] + choice + cell[found.end():])]


def _listed(provenance, heading) -> set:
    columns = SECTIONS[heading][1]
    listed = set()
    for row in provenance.get(heading, []):
        for first in expand_braces(row[columns[0]]):
            listed.add((first, *(row[c] for c in columns[1:])) if len(columns) > 1 else first)
    return listed


def test_braces_name_every_combination():
    assert expand_braces("s.{a,b[]}.{x,y}.N") == ["s.a.x.N", "s.a.y.N", "s.b[].x.N", "s.b[].y.N"]
    assert expand_braces("plain.key") == ["plain.key"]


@pytest.mark.parametrize("heading", list(SECTIONS))
def test_every_fact_a_shipped_file_relies_on_is_listed(heading, provenance, facts):
    table = SECTIONS[heading][0]
    missing = sorted(set(facts[table]) - _listed(provenance, heading))
    assert not missing, (f"specs/PROVENANCE.md, section {heading!r}, lacks (with the files reading each): "
                         + "; ".join(f"{m} ({', '.join(sorted(facts[table][m]))})" for m in missing))


def test_every_source_cell_cites_a_listed_source_or_says_assumed(provenance):
    sources = {row["id"] for row in provenance["Sources"]}
    for row in provenance["Sources"]:
        assert row["repository"] and row["path"] and row["commit or tag"], row
    bad = []
    for heading in [*SECTIONS, "Units and conventions"]:
        for row in provenance.get(heading, []):
            match = SOURCE_CELL.match(row["source"])
            cited = set(match.group(1).split(", ")) if match and match.group(1) else set()
            if not match or not (cited or match.group(2)) or cited - sources:
                bad.append(f"{heading}: {row}")
    assert not bad, "source cells that cite no listed source (Sn) and say no 'assumed: why':\n" + "\n".join(bad)


def test_the_read_by_column_names_files_that_exist(provenance):
    shipped = {p.name for p in SPECS.glob("*.yaml")} | {f"layouts/{p.name}" for p in (SPECS / "layouts").glob("*.yaml")}
    for heading in SECTIONS:
        for row in provenance.get(heading, []):
            if row["read by"].startswith("("):  # (none yet): a fact kept for the specs to come
                continue
            named = {f.strip() for f in row["read by"].split(",") if f.strip()}
            assert named <= shipped, f"{heading}: {row['read by']!r} names no shipped file"


def test_the_shipped_list_of_public_job_type_names_agrees_with_the_provenance_file(provenance):
    public = yaml.safe_load((SPECS / "names" / "job-types.yaml").read_text(encoding="utf-8"))["job_types"]
    sources = {row["id"] for row in provenance["Sources"]}
    unsourced = {name: entry for name, entry in public.items() if not entry.get("sources")
                 or not set(entry["sources"]) <= sources}
    assert unsourced == {}, "job types of specs/names/job-types.yaml citing no source of PROVENANCE.md"
    sourced = {row["job type"] for row in provenance["Job types"] if not row["source"].startswith("assumed")}
    assumed = {row["job type"] for row in provenance["Job types"] if row["source"].startswith("assumed")}
    assert (sorted(sourced - set(public)), sorted(assumed & set(public))) == ([], [])


# The walk itself, on expressions whose reads are written out by hand.
@pytest.mark.parametrize("text, keys, outputs, params", [
    ("job.output_result_groups[?name=='volume'] | [0].latest_summary_stats.fsc_info_best.radwn_final_A",
     {"output_result_groups[].name", "output_result_groups[].latest_summary_stats.fsc_info_best.radwn_final_A"},
     {"volume"}, set()),
    ("zip(items(job.spec.outputs)[?starts_with([0], 'particles_class_')][1].num_items, "
     "items(job.spec.outputs)[?starts_with([0], 'volume_class_')][1].{r: latest_summary_stats.cfar})"
     "[*].{n: [0], r: [1].r}",
     {"spec.outputs.<output>.num_items", "spec.outputs.<output>.latest_summary_stats.cfar"},
     {"particles_class_*", "volume_class_*"}, set()),
    ("job.input_slot_groups[?name==`\"<input>\"`] | [0].connections[].{job_uid: job_uid, output: group_name}",
     {"input_slot_groups[].name", "input_slot_groups[].connections[].job_uid",
      "input_slot_groups[].connections[].group_name"}, set(), set()),
    ("param('override_total_exp') || job.spec.outputs.volume.latest_summary_stats.fsc_info_best "
     "| shell_frequencies(radwns, N, psize)",
     {"spec.outputs.<output>.latest_summary_stats.fsc_info_best.radwns",
      "spec.outputs.<output>.latest_summary_stats.fsc_info_best.N",
      "spec.outputs.<output>.latest_summary_stats.fsc_info_best.psize"}, {"volume"}, {"override_total_exp"}),
    ("job.params_spec.\"<param>\".value", {"params_spec.<param>.value"}, set(), set()),
    ("job.spec.params.refine_symmetry", {"spec.params.<param>"}, set(), {"refine_symmetry"}),
])
def test_the_walk_finds_what_an_expression_reads(text, keys, outputs, params):
    reads = Reads()
    found = {key_text(p, reads) for p in maximal(reads.expression(text)) if p[0] == "job"}
    assert (found, reads.outputs, reads.params) == (keys, outputs, params)


def test_the_walk_finds_dataset_columns():
    reads = Reads()
    paths = maximal(reads.expression('median(mean_of(datasets.exposures."ctf/df1_A", datasets.exposures."ctf/df2_A"))'
                                     ' || length(datasets.volume."map/shape"[0][0])'))
    assert {p[:3] for p in paths} == {("datasets", "exposures", "ctf/df1_A"), ("datasets", "exposures", "ctf/df2_A"),
                                      ("datasets", "volume", "map/shape")}
