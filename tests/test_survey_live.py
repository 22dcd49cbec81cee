"""csx survey of a running instance, through the real cryosparc-tools client installed (4.x or 5.x)
against the look-alike: the same tallies as the project directory's, .cs fields read from downloaded
files, and shapes without values."""

import json

import pytest

cryosparc = pytest.importorskip("cryosparc")

import extractor  # noqa: E402
from tests.fixturegen import REFERENCE_PROJECTS  # noqa: E402
from tests.helpers import run_csx  # noqa: E402
from tests.live import GENERATION, fail_fast, instance_file, server, write_project  # noqa: E402,F401 (fixtures)

PUID = {"4": "P30", "5": "P446"}[GENERATION]
LAYOUT = {"4": "v4", "5": "v5"}[GENERATION]
FIXTURE = REFERENCE_PROJECTS[PUID]
pytestmark = pytest.mark.live



@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return write_project(tmp_path_factory.mktemp("instance"), FIXTURE)


def _tallies(found: dict) -> dict:
    """What a survey says of each type that does not depend on where the jobs were read: counts, specs and
    nulls, failures counted, dataset fields (the document keys an instance gives may be more than job.json's)."""
    return {entry["type"]: (entry["jobs"], entry["versions"], entry["statuses"], entry["layouts"], entry["specs"],
                            entry["failed"], entry["sampled_datasets"], entry["unread_columns"])
            for entry in found["types"]}


def test_an_instance_gives_the_tallies_of_its_project_directory(project, instance_file, server, capsys):
    code, out, err = run_csx(capsys, "survey", "--instance", instance_file, "--project", PUID, "--format", "json",
                             "--status", "completed", "--status", "failed", "--workers", "3")
    assert (code, err) == (0, [])
    live = json.loads(out)
    offline = extractor.survey(project, statuses=("completed", "failed"))
    assert live["source"] == server.instance_info.get("base_url") or live["source"].endswith(
        str(server.instance_info.get("base_port")))
    assert live["jobs"] == offline["jobs"] == len(FIXTURE.jobs)
    assert _tallies(live) == _tallies(offline)
    refinement = {entry["type"]: entry for entry in live["types"]}["nonuniform_refine_new"]
    map_info = next(spec for spec in refinement["specs"] if spec["kind"] == "map-info")
    assert (map_info["evaluated"], map_info["records"], map_info["failed"]) == (2, 2, 1)
    assert {"precision/path", "blob/path"} <= set(refinement["unread_columns"]["volume"]) | set(
        refinement["unread_columns"]["particles"])
    failed = {"P30": "J184", "P446": "J332"}[PUID]
    assert refinement["failures"][0].startswith(f"{PUID}/{failed}: map-info-{LAYOUT}: {PUID}/{failed} (")


def test_an_instance_survey_with_shapes_holds_no_title(instance_file, capsys, tmp_path):
    shape_file = tmp_path / "shape.json"
    code, out, _ = run_csx(capsys, "survey", "--instance", instance_file, "--project", PUID, "--shape", shape_file)
    assert code == 0
    assert out.splitlines()[0].endswith(f": {len(FIXTURE.jobs)} jobs of {len({j.job_type for j in FIXTURE.jobs})} "
                                        "types; records made of completed jobs (--status)")
    text = shape_file.read_text()
    assert [job.title for job in FIXTURE.jobs if job.title in text] == []
    groups = json.loads(text)["groups"]
    assert {(g["type"], g["layout"]) for g in groups} == {(job.job_type, LAYOUT) for job in FIXTURE.jobs}
