"""The shape file holds no value of the documents: marker strings planted in titles, descriptions, paths,
emails, parameter values, dataset paths and in keys that are uids, ids, emails or file names appear
nowhere in it; the key rule on literal examples; shapes of random documents (hypothesis)."""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import extractor
from extractor.run.shapes import Shape, column_key, shape_key, version_key
from tests.helpers import run_csx

# each marker stands for a kind of value a document holds; none may reach a shape file
MARKERS = {
    "title": "Qmarktitle", "description": "Qmarkdescription", "path": "/data/qmarkpath/J180_map.mrc",
    "email": "qmarkemail@example.org", "parameter": "Qmarkparameter", "dataset path": "qmarkdataset",
    "uid key": "J424242", "workspace key": "P30W777", "uid part key": "J535353_particles",
    "hex key": "5f0c1d2e3a4b5c6d7e8f9012", "email key": "qmarkkey@example.org", "path key": "/qmarkkeypath/x.cs",
    "file key": "qmarkfile.cs", "digits key": "98765432101", "uuid key": "123e4567-e89b-12d3-a456-426614174000",
    "spaced key": "Qmark spaced key",
}
KEY_MARKERS = ("uid key", "workspace key", "uid part key", "hex key", "email key", "path key", "file key",
               "digits key", "uuid key", "spaced key")


def _plant(doc: dict, layout: str) -> dict:
    doc["title"], doc["description"] = MARKERS["title"], MARKERS["description"]
    doc["job_dir_abs"], doc["created_by_email"] = MARKERS["path"], MARKERS["email"]
    if layout == "v4":
        doc.setdefault("params_spec", {})["marker_param"] = {"value": MARKERS["parameter"]}
    else:
        doc["spec"]["params"]["marker_param"] = MARKERS["parameter"]
    doc["ui_layouts"] = {MARKERS[name]: {"show": True, "note": MARKERS["title"]} for name in KEY_MARKERS}
    return doc


@pytest.fixture(scope="module")
def planted(reference_projects, tmp_path_factory) -> dict:
    """The reference projects with markers in every job's document and in J180's and J329's map paths."""
    from cryosparc.dataset import Dataset

    root = tmp_path_factory.mktemp("planted")
    projects = {}
    for puid, layout, refinement, volume_map in (("P30", "v4", "J180", "J180_009_volume_map.cs"),
                                                 ("P446", "v5", "J329", "J329_008_volume_map.cs")):
        project = Path(shutil.copytree(reference_projects[puid], root / reference_projects[puid].name))
        for job_json in project.glob("J*/job.json"):
            job_json.write_text(json.dumps(_plant(json.loads(job_json.read_text()), layout)))
        dataset = Dataset.load(project / refinement / volume_map)
        dataset["map/path"] = [f"{refinement}/{MARKERS['dataset path']}.mrc"]
        dataset.save(project / refinement / volume_map)
        projects[puid] = project
    return projects


@pytest.mark.parametrize("puid", ["P30", "P446"])
def test_no_planted_value_reaches_the_shape_file(planted, tmp_path, capsys, puid):
    project, refinement = planted[puid], {"P30": "J180", "P446": "J329"}[puid]
    # the markers are really there, and csx reads them
    (record,) = extractor.extract([refinement], project_dir=project)
    assert record["paths"]["map"] == f"{project}/{refinement}/{MARKERS['dataset path']}.mrc"
    shape_file = tmp_path / "shape.json"
    code, out, _ = run_csx(capsys, "survey", project, "--shape", shape_file, "--samples", "5")
    assert code == 0 and "nonuniform_refine_new" in out
    text = shape_file.read_text().lower()
    assert [name for name, marker in MARKERS.items() if marker.lower() in text] == []
    for number in ("424242", "777", "535353", "5f0c1d2e", "98765432101", "123e4567"):
        assert number not in text
    assert str(project).lower() not in text and refinement.lower() not in text
    layouts = json.loads(shape_file.read_text())["groups"]
    refinement_shape = next(g for g in layouts if g["type"] == "nonuniform_refine_new")
    assert sorted(refinement_shape["document"]["keys"]["ui_layouts"]["keys"]) == [
        "<email>", "<hex>", "<key>", "<number>", "<path>", "<uid>"]
    assert refinement_shape["datasets"]["volume"]["map/path"] == "|O"  # the field and its type, not its value


def test_the_key_rule():
    kept = ["uid", "params_base", "radwn_final_A", "total_dose_e_per_A2", "PID_main", "_id", "fsc_info_best", "N",
            "class_2D", "particles_class_0", "deadbeef", "map_half_A"]
    assert [shape_key(key) for key in kept] == kept
    assert {key: shape_key(key) for key in [
        "J180", "P30", "W2", "S4", "P7W1", "J180_particles", "exposure_123456", "a3f29c1b", "a3f29c1b_x",
        "ali@example.org", "J180/J180_map.mrc", "map.mrc", "~ali", "5f0c1d2e3a4b5c6d7e8f9012",
        "123e4567-e89b-12d3-a456-426614174000", "2024", "12345678", "My title", "x" * 65, "",
    ]} == {
        "J180": "<uid>", "P30": "<uid>", "W2": "<uid>", "S4": "<uid>", "P7W1": "<uid>", "J180_particles": "<uid>",
        "exposure_123456": "<number>", "a3f29c1b": "<hex>", "a3f29c1b_x": "<hex>", "ali@example.org": "<email>",
        "J180/J180_map.mrc": "<path>", "map.mrc": "<path>", "~ali": "<path>", "5f0c1d2e3a4b5c6d7e8f9012": "<hex>",
        "123e4567-e89b-12d3-a456-426614174000": "<hex>", "2024": "<number>", "12345678": "<number>",
        "My title": "<key>", "x" * 65: "<key>", "": "<key>"}
    assert column_key("map_half_A/path") == "map_half_A/path"
    assert column_key("J180_x/path") == "<uid>/path"
    assert [version_key(v) for v in ("v4.7.1", "v4.7.1-cuda12+250814", "v5.0.4-beta", None, "ali@x.org", 4)] == [
        "v4.7.1", "v4.7.1-cuda12+250814", "v5.0.4-beta", "<none>", "<version>", "<version>"]


def test_a_shape_counts_types_and_list_lengths():
    shape = Shape()
    shape.add({"a": [1.5, 2.5], "b": None, "c": [{"d": "x"}, {"d": 1, "e": True}]})
    shape.add({"a": [], "b": 3, "c": [{"d": "y"}]})
    assert shape.as_json() == {"types": {"object": 2}, "keys": {
        "a": {"types": {"array": 2}, "length": [0, 2], "items": {"types": {"number": 2}}},
        "b": {"types": {"integer": 1, "null": 1}},
        "c": {"types": {"array": 2}, "length": [1, 2], "items": {"types": {"object": 3}, "keys": {
            "d": {"types": {"string": 2, "integer": 1}}, "e": {"types": {"boolean": 1}}}}}}}


# -- random documents --

NAMES = st.sampled_from(["uid", "params", "value", "spec", "outputs", "num_items", "fsc_info_best", "N"])
VALUE_KEYS = st.one_of(
    st.builds(lambda letter, n: f"{letter}{n}", st.sampled_from("PJWS"), st.integers(10 ** 7, 10 ** 9)),
    st.builds(lambda text: f"zq{text}@example.org", st.text("abcxyz", max_size=5)),
    st.builds(lambda text: f"/zq/{text}", st.text(max_size=8)),
    st.builds(lambda text: f"zq {text}", st.text(max_size=8)),
    st.builds(lambda n: f"{n:024x}", st.integers(16 ** 20, 16 ** 24 - 1)).filter(lambda h: any(c.isdigit() for c in h)),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.builds(lambda text: f"zq{text}", st.text(max_size=10)))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(NAMES, VALUE_KEYS), inner, max_size=5)), max_leaves=30)


def _markers(value, found: set):
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            _markers(item, found)
    elif isinstance(value, list):
        for item in value:
            _markers(item, found)
    elif isinstance(value, str):
        found.add(value)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.dictionaries(st.one_of(NAMES, VALUE_KEYS), DOCUMENTS, max_size=6), min_size=1, max_size=4))
def test_no_value_and_no_value_shaped_key_of_random_documents_reaches_a_shape(documents):
    shape = Shape()
    for document in documents:
        shape.add(document)
    text = json.dumps(shape.as_json())
    assert "zq" not in text.lower()
    found = set()
    for document in documents:
        _markers(document, found)
    digits = {part for key in found for part in (key[1:],) if key[:1] in "PJWS" and part.isdigit()}
    assert [number for number in digits if number in text] == []


@settings(max_examples=30, deadline=None)
@given(st.lists(DOCUMENTS, min_size=2, max_size=6), st.integers(1, 5))
def test_shapes_merged_are_the_shape_of_all_documents(documents, split):
    whole, first, second = Shape(), Shape(), Shape()
    for index, document in enumerate(documents):
        whole.add(document)
        (first if index < split else second).add(document)
    first.merge(second)
    assert json.dumps(first.as_json(), sort_keys=True) == json.dumps(whole.as_json(), sort_keys=True)
