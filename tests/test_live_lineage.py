"""Related jobs and csx table1 live: the real cryosparc-tools client of the
installed generation against the look-alike serving the lineage project of
that generation. The table equals the project directory's, and a batch asks
the instance for each job's document once."""

import json
from collections import Counter

import pytest

cryosparc = pytest.importorskip("cryosparc")

from tests.fixturegen.lineage import make_lineage_projects  # noqa: E402
from tests.helpers import records, run_csx  # noqa: E402
from tests.lookalike import start_server  # noqa: E402

GENERATION = cryosparc.__version__.split(".")[0]
PUID = {"4": "P32", "5": "P449"}[GENERATION]
GET_JOB = {"4": "get_job", "5": "jobs.find_one"}[GENERATION]
pytestmark = pytest.mark.live


@pytest.fixture(autouse=True)
def fail_fast(monkeypatch):
    if GENERATION == "4":
        import cryosparc.command

        monkeypatch.setattr(cryosparc.command, "MAX_ATTEMPTS", 2)
        monkeypatch.setattr(cryosparc.command, "RETRY_INTERVAL", 0)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("instance")
    project_dir = make_lineage_projects(root)[PUID]
    other = "P449" if PUID == "P32" else "P32"
    # an instance serves projects of its own generation only
    for path in sorted((root / other).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (root / other).rmdir()
    return project_dir


@pytest.fixture(scope="module")
def server(project):
    with start_server(project.parent, generation=GENERATION) as server:
        yield server


@pytest.fixture
def instance_file(server, tmp_path):
    path = tmp_path / "instance-info.json"
    path.write_text(json.dumps(server.instance_info))
    return path


def _job_uid(params) -> str:
    return params["job_uid"] if isinstance(params, dict) else params[1]


def test_table1_live_equals_offline_and_reads_each_job_once(project, server, instance_file, capsys):
    jobs = ["J10", "J12", "J13", "J17"]
    offline = run_csx(capsys, "table1", "--project-dir", project, *jobs, "--format", "json")
    del server.requests[:]
    live = run_csx(capsys, "table1", "--instance", instance_file, "--project", PUID, *jobs, "--format", "json")
    assert (live[0], live[2]) == (0, [])
    assert records(live[1]) == records(offline[1])
    assert records(live[1])[0]["acquisition"]["import_jobs"] == ["J1", "J2"]
    reads = Counter(_job_uid(call.params) for call in server.requests if call.name == GET_JOB)
    # J14 is deleted: the instance answers "no such job", once; every other job is read once
    assert set(reads.values()) == {1}
    assert {"J1", "J2", "J4", "J10", "J11", "J12", "J13", "J14", "J15", "J17", "J18"} <= set(reads)


def test_markdown_live(instance_file, capsys):
    code, out, err = run_csx(capsys, "table1", "--instance", instance_file, "--project", PUID, "J10", "J12")
    assert code == 0
    kv = "300 | 300" if GENERATION == "4" else "200, 300 | 200, 300"
    assert f"| Voltage (kV) | {kv} |" in out.splitlines()
    assert "| Defocus range (μm) | 0.82–2.54 | 0.82–2.54 |" in out.splitlines()


def test_check_live_reads_the_maps_the_instance_names(project, instance_file, capsys):
    offline = run_csx(capsys, "check", "--project-dir", project, "J10", "J13")
    live = run_csx(capsys, "check", "--instance", instance_file, "--project", PUID, "J10", "J13")
    assert live == offline
    assert live[1].splitlines()[0] == f"{PUID}/J10: map, half maps and masks agree with the record"
    assert live[0] == 1
