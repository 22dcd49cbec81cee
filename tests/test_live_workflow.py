"""The job records and the workflow kinds through the real cryosparc-tools client installed (4.x or 5.x),
talking to the CryoSPARC look-alike: the same records as from the project directory, every status listed by
the instance with --status any."""

import re

import pytest

cryosparc = pytest.importorskip("cryosparc")

from tests.fixturegen.workflow import WORKFLOW_PROJECTS  # noqa: E402
from tests.helpers import records, run_csx  # noqa: E402
from tests.live import GENERATION, fail_fast, instance_file, server, write_project  # noqa: E402,F401 (fixtures)

PUID = {"4": "P35", "5": "P455"}[GENERATION]
FIXTURE = WORKFLOW_PROJECTS[PUID]
pytestmark = pytest.mark.live



@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return write_project(tmp_path_factory.mktemp("instance"), FIXTURE)


def _to_the_second(record: dict) -> dict:
    """CryoSPARC v4's command_core sends dates to the second (RFC 1123), where job.json keeps milliseconds."""
    if GENERATION == "4" and record["kind"] == "job":
        record["times"] = {key: re.sub(r"\.\d{3}Z$", ".000Z", value) if isinstance(value, str) else value
                           for key, value in record["times"].items()}
    return record


def test_every_job_record_from_the_instance_is_the_project_directorys(project, instance_file, capsys):
    asked = ["--all", "--spec", "job", "--status", "any"]
    offline = run_csx(capsys, "extract", "--project-dir", project, *asked)
    live = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, *asked, "--workers", "4")
    assert (live[0], offline[0]) == (0, 0)
    assert [_to_the_second(r) for r in records(live[1])] == [_to_the_second(r) for r in records(offline[1])]
    got = records(live[1])
    assert [r["job_info"]["juid"] for r in got] == [f"J{n}" for n in range(1, 35)]  # every status
    by_uid = {r["job_info"]["juid"]: r for r in got}
    assert (by_uid["J34"]["job_info"]["status"], by_uid["J33"]["job_info"]["type"]) == ("failed", "snowflake")
    assert by_uid["J24"]["params"]["sym_symmetry"] == {"4": "C4", "5": "C3"}[GENERATION]
    assert by_uid["J24"]["disk_bytes"] == {"4": 972023712, "5": 1277911008}[GENERATION]


def test_completed_jobs_only_without_status_any(instance_file, capsys):
    code, out, _ = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, "--all", "--spec",
                           "job", "--type", "job")
    assert code == 0
    assert [r["job_info"]["juid"] for r in records(out)] == [f"J{n}" for n in range(1, 34)]


def test_the_workflow_kinds_from_the_instance_are_the_project_directorys(project, instance_file, capsys):
    """Records that read datasets (extraction, particle-refinement) and related jobs (curation,
    particle-sets), through the client."""
    offline = run_csx(capsys, "extract", "--project-dir", project, "--all")
    live = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, "--all", "--workers", "4")
    assert (live[0], offline[0]) == (0, 0)
    assert records(live[1]) == records(offline[1])
    by_uid = {r["job_info"]["juid"]: r for r in records(live[1])}
    assert by_uid["J6"]["particles"] == {"4": {"in": 1532877, "accepted": 1204311, "rejected": 328566},
                                         "5": {"in": 2904311, "accepted": 2110904, "rejected": 793407}}[GENERATION]
    assert (by_uid["J7"]["box_size_pix"], by_uid["J7"]["particles"]) == {"4": (224, 1198764),
                                                                         "5": (192, 2101337)}[GENERATION]
    assert by_uid["J24"]["copies_per_particle"] == {"4": 4.0, "5": 3.0}[GENERATION]


def test_a_kind_on_the_instance_lists_its_types(instance_file, capsys):
    code, out, _ = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, "--all",
                           "--type", "picking")
    assert (code, [r["job_info"]["juid"] for r in records(out)]) == (0, ["J5", "J10", "J14", "J15"])
