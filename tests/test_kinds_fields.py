"""Every record field csx's own code reads (extractor/kinds/) is a place its
kind's JSON Schema has: a schema change that moves a field the report, the
pictures or csx check read fails here, not on a user's report."""

import json
from pathlib import Path

import pytest

from extractor import kinds
from extractor.kinds import fsc, job, map_info, table1

SCHEMAS = Path(__file__).parent.parent / "schemas"
MODULES = {"map-info": map_info, "fsc": fsc, "table1": table1, "job": job}


def _schema(kind: str) -> dict:
    return json.loads((SCHEMAS / f"{kind}.schema.json").read_text())


def _place(schema: dict, path: tuple):
    """The subschema at `path`, following properties, then additionalProperties (an object with open
    keys) and local $refs; None where the schema has no place for it."""
    root, node = schema, schema
    for key in path:
        while "$ref" in node:
            target = root
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            node = target
        if key in node.get("properties", {}):
            node = node["properties"][key]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
    return node


def _paths(module) -> list:
    return [(name, value) for name, value in vars(module).items()
            if name.isupper() and isinstance(value, tuple) and value and all(isinstance(k, str) for k in value)
            and name not in ("MAP_FILES", "MASK_FILES", "FSC_MASKS", "NOT_SECTIONS")]


@pytest.mark.parametrize("kind", list(MODULES))
def test_every_path_named_is_a_place_of_the_schema(kind):
    schema = _schema(kind)
    paths = _paths(MODULES[kind]) + [("PUID", kinds.PUID), ("JUID", kinds.JUID)]
    assert paths, kind
    missing = [name for name, path in paths if _place(schema, path) is None]
    assert missing == []


def test_the_names_under_paths_and_masks_are_the_schemas():
    map_schema, fsc_schema = _schema("map-info"), _schema("fsc")
    assert set(map_info.MAP_FILES + map_info.MASK_FILES) <= set(map_schema["properties"]["paths"]["properties"])
    # the report's mask columns follow the fsc schema's order, loosest first
    assert fsc.FSC_MASKS == ("no_mask", "spherical", "loose", "tight", "corrected")
    assert tuple(fsc_schema["properties"]["curves"]["properties"]) == fsc.FSC_MASKS
    assert tuple(map_schema["properties"]["fsc_resolution_A"]["properties"]) == fsc.FSC_MASKS
    assert set(table1.NOT_SECTIONS) <= set(_schema("table1")["properties"])


def test_value_at_and_job_label():
    record = {"job_info": {"puid": "P30", "juid": "J180", "parameters": {"refine_symmetry": "C1"}}, "paths": []}
    assert kinds.value_at(record, map_info.SYMMETRY) == "C1"
    assert kinds.value_at(record, (*map_info.PATHS, "map")) is None  # not an object: no value, no error
    assert kinds.job_label(record) == "P30/J180"
    with pytest.raises(KeyError):
        kinds.job_label({"kind": "fsc"})
