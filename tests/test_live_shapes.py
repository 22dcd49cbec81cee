"""The shapes real instances give, live: through the real cryosparc-tools client installed (4.x against a v4
look-alike, 5.x against a v5 one), the records of each shape's project equal its project directory's and
hold the facts CryoSPARC's examples print. 5.x meets the jobs v4 ran on an instance upgraded to v5 (v5
documents with version v4.7.1-cuda12+250814 and the v4 curve names); 4.x the v4 documents of 4.0-4.2 with
only fsc_info_autotight, and those with the v5 names; both, versions with build suffixes and dates in every
form (v4's command_core sends RFC 1123 text, to the second)."""

import contextlib
import json

import pytest

cryosparc = pytest.importorskip("cryosparc")

from tests.fixturegen import REFERENCE_PROJECTS, VARIANTS, make_project  # noqa: E402
from tests.helpers import records, run_csx  # noqa: E402
from tests.live import GENERATION, fail_fast  # noqa: E402,F401 (fixtures)
from tests.lookalike import start_server  # noqa: E402

PUID = {"4": "P30", "5": "P446"}[GENERATION]
FIXTURE = REFERENCE_PROJECTS[PUID]
SHAPES = ("upgraded", "older-autotight", "v4-renamed")
pytestmark = pytest.mark.live

# The refinement each generation's example notebook prints, whatever the shape
REFINEMENT = {
    "4": ("J180", {"psize_A": 0.9681428670883179, "box_size_vox": 350, "gsfsc": 2.281461238861084, "cfar": None,
                   "guinier_bfactor": -78.3, "fsc_resolution_A": {
                       "no_mask": 3.08, "spherical": 2.7378, "loose": 2.5096, "tight": 2.3271,
                       "corrected": 2.281461238861084}}),
    "5": ("J329", {"psize_A": 1.2432949542999268, "box_size_vox": 348, "gsfsc": 2.522837574905974,
                   "cfar": 0.8075670003890991, "guinier_bfactor": -82.71, "fsc_resolution_A": {
                       "no_mask": 3.4058, "spherical": 3.0274, "loose": 2.7751, "tight": 2.5733,
                       "corrected": 2.522837574905974}}),
}[GENERATION]
# When the refinement completed, as its fsc record says: the instant of job.json to the millisecond, which v4's
# command_core sends to the second (Flask's RFC 1123 text)
COMPLETED = {"4": ("2025-06-02T17:09:51.733Z", "2025-06-02T17:09:51.000Z"),
             "5": ("2025-10-07T23:28:50.209Z", "2025-10-07T23:28:50.209Z")}[GENERATION]



@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    """shape -> (project directory, instance file): the generation's reference project in that shape, served
    by a look-alike of its own."""
    with contextlib.ExitStack() as stack:
        served = {}
        for shape in SHAPES:
            root = tmp_path_factory.mktemp(shape)
            project = make_project(root, FIXTURE.puid, FIXTURE.title, FIXTURE.jobs, FIXTURE.dirname, VARIANTS[shape])
            server = stack.enter_context(start_server(root, generation=GENERATION))
            info = root / "instance-info.json"
            info.write_text(json.dumps(server.instance_info))
            served[shape] = project, info
        yield served


def test_the_shapes_are_what_the_client_meets(instances):
    project, _ = instances["upgraded"]
    doc = json.loads((project / REFINEMENT[0] / "job.json").read_text())
    assert doc["version"] == "v4.7.1-cuda12+250814"
    assert ("spec" in doc) is (GENERATION == "5")  # 5.x meets the v5 documents of jobs that v4 ran


@pytest.mark.parametrize("shape", SHAPES)
def test_every_job_of_each_shape_gives_the_record_of_its_directory(instances, capsys, shape):
    project, info = instances[shape]
    offline = run_csx(capsys, "extract", "--project-dir", project, "--all")
    live = run_csx(capsys, "extract", "--instance", info, "--project", PUID, "--all")
    assert (live[0], records(live[1])) == (offline[0], records(offline[1]))
    juid, facts = REFINEMENT
    (record,) = [r for r in records(live[1]) if r["job_info"]["juid"] == juid]
    assert {key: record[key] for key in facts} == facts


@pytest.mark.parametrize("shape", SHAPES)
def test_fsc_records_live_with_dates_as_iso_utc(instances, capsys, shape):
    project, info = instances[shape]
    juid, facts = REFINEMENT
    offline = run_csx(capsys, "extract", "--spec", "fsc", project / juid)
    live = run_csx(capsys, "extract", "--spec", "fsc", "--instance", info, "--project", PUID, juid)
    assert (offline[0], live[0]) == (0, 0)
    (on_disk,), (served,) = records(offline[1]), records(live[1])
    assert (on_disk["job_info"]["completed_at"], served["job_info"]["completed_at"]) == COMPLETED
    assert served["resolution_A"] == facts["fsc_resolution_A"]
    del on_disk["job_info"]["completed_at"], served["job_info"]["completed_at"]
    assert served == on_disk
