"""The compiled record check says what jsonschema says: on every record of the test corpus (the committed
records of every fixture project in every shape) and on those records mutated at random."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from extractor.checks.fastcheck import compile_schema
from extractor.resources import schemas_dir

CORPUS = sorted((Path(__file__).parent / "expected" / "records").glob("*.jsonl"))
RECORD_SCHEMAS = {path.name.removesuffix(".schema.json"): json.loads(path.read_text())
                  for path in schemas_dir().glob("*.schema.json")
                  if path.name not in ("spec.schema.json", "layout.schema.json", "table1.meta.schema.json")}
CHECKS = {kind: (compile_schema(schema), Draft202012Validator(schema)) for kind, schema in RECORD_SCHEMAS.items()}


def corpus_records() -> list:
    records = []
    for path in CORPUS:
        # the paths as a project directory makes them (the placeholder is no absolute path)
        records += [json.loads(line) for line in path.read_text().replace("{project}", "/data/P30").splitlines()]
    return records


RECORDS = corpus_records()


def test_every_record_schema_compiles():
    assert sorted(kind for kind, (check, _) in CHECKS.items() if check is not None) == sorted(RECORD_SCHEMAS)


def test_the_compiled_check_agrees_on_the_whole_corpus():
    assert len(RECORDS) > 300 and {record["kind"] for record in RECORDS} == set(RECORD_SCHEMAS)
    for record in RECORDS:
        check, validator = CHECKS[record["kind"]]
        assert check(record) is validator.is_valid(record) is True


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 2**63) | st.floats(allow_nan=False) | st.sampled_from(
        [0, 1, 1.0, 0.5, -1, "", "P30", "J180", "P", "map-info", "fsc", "/a/b.mrc", "C1"]) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["map", "x", "kind", "mean"]),
                                                                inner, max_size=3),
    max_leaves=6)


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, prefix + (index,))


def mutated(record, path, how, new):
    record = json.loads(json.dumps(record))
    if not path:
        return new if how == "replace" else record
    parent = record
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if how == "replace":
        parent[key] = new
    elif how == "delete":
        del parent[key]
    elif isinstance(parent, dict):
        parent[f"{key}_extra"] = new
    else:
        parent.append(new)
    return record


@st.composite
def mutations(draw):
    record = draw(st.sampled_from(RECORDS))
    path = draw(st.sampled_from(list(paths(record))))
    return mutated(record, path, draw(st.sampled_from(["replace", "delete", "add"])), draw(JSON_VALUES))


@settings(max_examples=400, deadline=None)
@given(record=mutations())
def test_the_compiled_check_agrees_on_mutated_records(record):
    for check, validator in CHECKS.values():  # its own kind's schema, and every other kind's
        assert check(record) is validator.is_valid(record)


@pytest.mark.parametrize("schema", [
    {"type": "object", "patternProperties": {"^x": {"type": "string"}}},  # a keyword it does not cover
    {"$ref": "https://example.invalid/other.json"},  # a remote $ref
    {"type": "text"},  # no such type: jsonschema says the schema is wrong
    {"pattern": "("},  # no regular expression
    {"required": ["a", "a"]},  # the metaschema wants unique names
    {"description": 5},
    {"$defs": {"unused": {"type": 7}}},
])
def test_what_it_does_not_cover_is_left_to_jsonschema(schema):
    assert compile_schema(schema) is None


def test_true_is_not_one_and_one_is_one_point_zero():
    check = compile_schema({"type": "object", "properties": {"n": {"const": 1}, "i": {"type": "integer"}}})
    assert [check({"n": 1.0}), check({"n": True}), check({"i": 2.0}), check({"i": True}), check({"i": 2.5})] == [
        True, False, True, False, False]
