"""A fixture job document made from a `csx survey --shape` file: what a
user's bug report attaches becomes a job csx can read.

Every key of the shape is written, with a value of its most frequent JSON
type (strings "x", numbers 1, booleans false; a placeholder key such as
<uid> becomes a key of that kind), lists of their shortest non-zero length.
The job's identity (uid, project, type, version, status) is written where
the layout reads it (specs/layouts/<layout>.yaml), so csx detects the
layout and chooses the spec the original job had.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jmespath
import yaml

LAYOUTS = Path(__file__).resolve().parents[2] / "specs" / "layouts"
PLACEHOLDER_KEYS = {"<uid>": "J1", "<number>": "123456", "<hex>": "0123456789abcdef01234567",
                    "<email>": "someone@example.org", "<path>": "J1/file.cs", "<key>": "a key"}
SCALARS = {"string": "x", "integer": 1, "number": 1.5, "boolean": False, "null": None}


def value_of(node: dict) -> Any:
    """A value of the shape's most frequent type (not null where another type was seen)."""
    types = node.get("types", {})
    seen = sorted((name for name in types if name != "null"), key=lambda name: -types[name]) or ["null"]
    kind = seen[0]
    if kind == "object":
        return {PLACEHOLDER_KEYS.get(key, key): value_of(child) for key, child in node.get("keys", {}).items()
                if key != "<more keys>"}
    if kind == "array":
        shortest, longest = node.get("length", [0, 0])
        length = max(shortest, 1) if longest and "items" in node else 0
        return [value_of(node["items"]) for _ in range(length)]
    return SCALARS[kind]


def _key_chain(expression: str) -> list[str]:
    """The keys of a layout's identity expression (`job.spec.type` -> [spec, type])."""
    def keys(node: dict) -> list[str]:
        if node["type"] == "field":
            return [node["value"]]
        if node["type"] == "subexpression":
            return [key for child in node["children"] for key in keys(child)]
        raise ValueError(f"{expression}: not a chain of keys")

    chain = keys(jmespath.compile(expression).parsed)
    if chain[0] != "job":
        raise ValueError(f"{expression}: does not start at job")
    return chain[1:]


def document_from_shape(group: dict, uid: str = "J1", project_uid: str = "P1",
                        status: str = "completed") -> dict:
    """The job document of one group of a shape file (its "document"), with its identity put back."""
    doc = value_of(group["document"])
    layout = yaml.safe_load((LAYOUTS / f"{group['layout']}.yaml").read_text())
    identity = {"uid": uid, "project_uid": project_uid, "type": group["type"], "version": group["version"],
                "status": status}
    for key, value in identity.items():
        *parents, last = _key_chain(layout["identity"][key])
        place = doc
        for parent in parents:
            place = place.setdefault(parent, {})
        place[last] = value
    return doc


def write_project(shape_file: Path, root: Path, project_uid: str = "P1") -> dict[tuple, Path]:
    """A project directory under root with one job per group of the shape file: {(type, version, layout):
    job directory}."""
    shapes = json.loads(Path(shape_file).read_text())
    project = Path(root) / project_uid
    project.mkdir(parents=True)
    (project / "project.json").write_text(json.dumps({"uid": project_uid, "title": "from a shape"}))
    jobs = {}
    for number, group in enumerate(shapes["groups"], start=1):
        job_dir = project / f"J{number}"
        job_dir.mkdir()
        (job_dir / "job.json").write_text(json.dumps(document_from_shape(group, f"J{number}", project_uid)))
        jobs[group["type"], group["version"], group["layout"]] = job_dir
    return jobs
