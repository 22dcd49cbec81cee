"""Related jobs and csx table1 live: the real cryosparc-tools client of the
installed generation against the look-alike serving the lineage project of
that generation. The table equals the project directory's (a slot taken from
another job, the local resolution computed from the map the instance names,
the sharpening job downstream), a batch asks the instance for each job's
document once, and a parent the instance has but cannot give is not called
deleted."""

import json
from collections import Counter

import pytest

cryosparc = pytest.importorskip("cryosparc")

from tests.fixturegen.lineage import make_lineage_projects  # noqa: E402
from tests.helpers import records, run_csx  # noqa: E402
from tests.live import GENERATION, fail_fast, instance_file, server  # noqa: E402,F401 (fixtures)

PUID = {"4": "P32", "5": "P449"}[GENERATION]
GET_JOB = {"4": "get_job", "5": "jobs.find_one"}[GENERATION]
pytestmark = pytest.mark.live



@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("instance")
    project_dir = make_lineage_projects(root)[PUID]
    other = "P449" if PUID == "P32" else "P32"
    # an instance serves projects of its own generation only
    for path in sorted((root / other).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (root / other).rmdir()
    # J30 takes its particles from J31, whose document is damaged (its type a number): there, but unreadable
    doc = json.loads((project_dir / "J24" / "job.json").read_text())
    text = json.dumps({**doc, "uid": "J30", "uid_num": 30, "parents": ["J31"]}).replace('"J20"', '"J31"')
    (project_dir / "J30").mkdir()
    (project_dir / "J30" / "job.json").write_text(text)
    (project_dir / "J31").mkdir()
    damaged = {"job_type": 7} if PUID == "P32" else {"spec": {"type": 7}}
    (project_dir / "J31" / "job.json").write_text(json.dumps({"uid": "J31", "project_uid": PUID, **damaged}))
    return project_dir


def _job_uid(params) -> str:
    return params["job_uid"] if isinstance(params, dict) else params[1]


def test_table1_live_equals_offline_and_reads_each_job_once(project, server, instance_file, capsys):
    jobs = ["J10", "J12", "J13", "J17", "J24"]
    offline = run_csx(capsys, "table1", "--project-dir", project, *jobs, "--format", "records")
    del server.requests[:]
    live = run_csx(capsys, "table1", "--instance", instance_file, "--project", PUID, *jobs, "--format", "records")
    assert (live[0], live[2]) == (0, [])
    assert records(live[1]) == records(offline[1])
    first = records(live[1])[0]
    assert first["acquisition"]["import_jobs"] == ["J1", "J2"]
    v4 = GENERATION == "4"
    assert (first["map"]["local_resolution_min_A"], first["map"]["local_resolution_median_A"],
            first["map"]["sharpening_bfactor_A2"]) == ((2.41, 2.9675, -85.0) if v4 else (2.55, 3.14375, -72.5))
    assert first["particles"]["after_3d_classification"] == (512330 if v4 else 402118)
    # J13's J14 is not on the instance: the instance says so, and the walk says "deleted?", as offline
    assert "J14, which is not in project" in records(live[1])[2]["lineage"][0]["note"]
    # J24: a slot of its particles connection is J6's; the extraction is counted once
    assert records(live[1])[4]["particles"]["extract_jobs"] == ["J22", "J6"]
    reads = Counter(_job_uid(call.params) for call in server.requests if call.name == GET_JOB)
    # J14 is deleted: the instance answers "no such job", once; every other job is read once
    assert set(reads.values()) == {1}
    assert {"J1", "J2", "J4", "J6", "J10", "J11", "J12", "J13", "J14", "J15", "J17", "J18", "J19", "J20", "J21",
            "J24"} <= set(reads)


def test_a_parent_the_instance_cannot_give_is_unreadable_not_deleted(instance_file, capsys):
    code, out, err = run_csx(capsys, "table1", "--instance", instance_file, "--project", PUID, "J30",
                             "--format", "records")
    assert (code, err) == (0, [])
    step = records(out)[0]["lineage"][0]  # then J6, whose the particles' blob slot is
    assert step["juid"] == "J30" and step["note"].startswith(f"the walk stops: input particles comes from J31, which cannot be read: "
                                   f"{PUID}/J31 (")
    assert "deleted" not in step["note"]


def test_markdown_live(instance_file, capsys):
    code, out, err = run_csx(capsys, "table1", "--instance", instance_file, "--project", PUID, "J10", "J12")
    assert code == 0
    kv = "300 | 300" if GENERATION == "4" else "200, 300 | 200, 300"
    assert f"| Voltage (kV) | {kv} |" in out.splitlines()
    assert "| Defocus range (μm) | 0.82–2.54 | 0.82–2.54 |" in out.splitlines()
    kept = "58 | 58" if GENERATION == "4" else "60 | 60"
    assert f"| Micrographs kept after curation (no.) | {kept} |" in out.splitlines()


def test_check_live_reads_the_maps_the_instance_names(project, instance_file, capsys):
    offline = run_csx(capsys, "check", "--project-dir", project, "J10", "J13")
    live = run_csx(capsys, "check", "--instance", instance_file, "--project", PUID, "J10", "J13")
    assert live == offline
    assert live[1].splitlines()[0] == f"{PUID}/J10: map, half maps and masks agree with the record"
    assert live[0] == 1


def test_the_python_api_takes_the_client_a_notebook_has(server, instance_file, capsys):
    from cryosparc.tools import CryoSPARC

    import extractor

    table = extractor.table1(["J10"], project=PUID, client=CryoSPARC(**server.instance_info),
                             labels={"J10": "EMD-50123"})
    code, out, err = run_csx(capsys, "table1", "--instance", instance_file, "--project", PUID, "J10",
                             "--label", "J10=EMD-50123")
    assert table.markdown() == out and out.startswith("| Data collection and processing | EMD-50123 |")
