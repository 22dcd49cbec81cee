"""Names checked before any job is read: a status is CryoSPARC's (or any), a job type is one a spec names,
a record kind, or the type of a job of the project; a typo is refused with the nearest names rather than
a quiet "0 done". And `exp` written for `expr` is said as such."""

import json
import shutil

import pytest

import extractor
from extractor import SpecError, UsageError
from tests.helpers import records, run_csx

# cryosparc-tools' JobStatus, 4.7.1 cryosparc/spec.py and 5.0.3 cryosparc/models/job.py (the same nine)
JOB_STATUSES = ("building", "queued", "launched", "started", "running", "waiting", "completed", "killed", "failed")
SITE_TYPE = "orientation_diagnostics"  # a real job type no shipped spec names


def _set_type(job_json, job_type: str):
    doc = json.loads(job_json.read_text())
    if "spec" in doc:
        doc["spec"]["type"] = job_type
    else:
        doc["job_type"] = job_type
    job_json.write_text(json.dumps(doc))


@pytest.fixture(scope="module")
def p30_with_a_site_type(reference_projects, tmp_path_factory):
    """P30 with J2 (an import) made a job of SITE_TYPE."""
    project = shutil.copytree(reference_projects["P30"], tmp_path_factory.mktemp("names") / "P30")
    _set_type(project / "J2" / "job.json", SITE_TYPE)
    return project


@pytest.mark.parametrize("status", JOB_STATUSES + ("any",))
def test_every_status_of_cryosparc_is_taken(reference_projects, status, capsys):
    code, _, err = run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "--all", "--spec", "job",
                           "--status", status, "-q")
    assert (code, err) == (0, [])


@pytest.mark.parametrize("status, said", [("complete", "complete"), ("Completed", "Completed"), ("done", "done"),
                                         ("", "''"), ("failed\n", "'failed\\n'")])
def test_a_status_cryosparc_has_not_is_refused_with_the_list(reference_projects, status, said, capsys):
    code, out, err = run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "--all", "--status",
                             status)
    assert (code, out) == (2, "")
    assert err == [f"csx: --status {said}: no such job status; CryoSPARC's are building, queued, launched, "
                   "started, running, waiting, completed, killed, failed (any: every status)"]


def test_a_typo_of_a_job_type_is_refused_with_the_nearest_names(reference_projects, capsys):
    p30 = reference_projects["P30"]
    code, out, err = run_csx(capsys, "extract", "--project-dir", p30, "--all", "--type", "nonuniform_refine")
    assert (code, out) == (2, "")
    assert err == [f"csx: --type nonuniform_refine: no spec reads this job type or record kind, and no job of "
                   f"project directory {p30} has it; the nearest names: nonuniform_refine_new, homo_refine"]
    # job directories named one by one: the jobs named are what has or has not the type
    code, _, err = run_csx(capsys, "extract", p30 / "J180", "--type", "homo_refine_neww")
    assert (code, err) == (2, ["csx: --type homo_refine_neww: no spec reads this job type or record kind, and no job "
                               "of the jobs named has it; the nearest names: homo_refine_new, homo_refine, "
                               "nonuniform_refine_new"])
    with pytest.raises(UsageError, match=r"^types='Nonuniform_refine_new': no spec reads"):
        extractor.extract(project_dir=p30, types=["nonuniform_refine_new", "Nonuniform_refine_new"])


def test_a_type_no_spec_names_is_taken_where_a_job_has_it(p30_with_a_site_type, capsys):
    code, out, err = run_csx(capsys, "extract", "-v", "--project-dir", p30_with_a_site_type, "--all", "--spec", "job",
                             "--type", SITE_TYPE)
    assert (code, [r["job_info"]["juid"] for r in records(out)]) == (0, ["J2"])
    assert err[-1] == "csx: 1 done, 6 skipped, 0 failed"  # J1, J180-J183: type not asked for; J184: failed


def test_a_record_kind_and_a_type_a_spec_names_are_taken_without_looking(reference_projects, tmp_path, capsys):
    # a project of no job at all of these types: the names alone are known
    project = shutil.copytree(reference_projects["P30"], tmp_path / "P30", ignore=shutil.ignore_patterns("J18*"))
    for name in ("map-info", "homo_refine_new", "job"):
        code, out, err = run_csx(capsys, "extract", "--project-dir", project, "--all", "--type", name, "-q")
        assert (code, err) == (0, [])
    assert [r["job_info"]["juid"] for r in records(out)] == ["J1", "J2"]


@pytest.mark.live
def test_an_instance_is_asked_for_jobs_of_the_type_not_for_every_job(reference_projects, tmp_path_factory, tmp_path,
                                                                       capsys):
    cryosparc = pytest.importorskip("cryosparc")
    from tests.fixturegen import REFERENCE_PROJECTS, make_project
    from tests.lookalike import start_server

    generation = cryosparc.__version__.split(".")[0]
    fixture = REFERENCE_PROJECTS[{"4": "P30", "5": "P446"}[generation]]
    project = make_project(tmp_path_factory.mktemp("instance"), fixture.puid, fixture.title, fixture.jobs,
                           fixture.dirname)
    site_job = next(job.uid for job in fixture.jobs if job.status == "completed")
    _set_type(project / site_job / "job.json", SITE_TYPE)
    with start_server(project.parent, generation=generation) as server:
        info = tmp_path / "info.json"
        info.write_text(json.dumps(server.instance_info))
        code, out, err = run_csx(capsys, "extract", "--instance", info, "--project", fixture.puid, "--all",
                                 "--type", "nonuniform_refine")
        asked = list(server.requests)
        taken = run_csx(capsys, "extract", "--instance", info, "--project", fixture.puid, "--all", "--spec", "job",
                        "--type", SITE_TYPE, "-q")
    assert (code, out) == (2, "")
    assert err == [f"csx: --type nonuniform_refine: no spec reads this job type or record kind, and no job of project "
                   f"{fixture.puid} has it; the nearest names: nonuniform_refine_new, homo_refine"]
    listings = [call for call in asked if call.name in ("get_jobs_by_type", "get_jobs_by_status", "jobs.find")]
    if generation == "4":
        assert listings == [("get_jobs_by_type", {"project_uid": fixture.puid, "types": ["nonuniform_refine"]})]
    else:
        assert [call.name for call in listings] == ["jobs.find"]
        assert listings[0].params["type"] == ["nonuniform_refine"] and "status" not in listings[0].params
    assert (taken[0], [r["job_info"]["juid"] for r in records(taken[1])]) == (0, [site_job])


EXP_FOR_EXPR = """kind: map-info
match:
  layout: v4
  job_types: [nonuniform_refine_new]
define:
  size: {exp: job.box}
fields:
  psize_A:
    exp: job.psize
    required: true
  box_size_vox: {expr: $size, exp: job.box}
"""


def test_exp_written_for_expr_is_said_as_such_wherever_it_stands(reference_projects, tmp_path, capsys):
    spec = tmp_path / "mine.yaml"
    spec.write_text(EXP_FOR_EXPR)
    code, out, _ = run_csx(capsys, "lint", spec)
    assert code == 1
    assert out.splitlines() == [f"{spec}:6:10: exp is not a field option; did you mean expr?",
                                f"{spec}:9:5: exp is not a field option; did you mean expr?",
                                f"{spec}:11:31: exp is not a field option; did you mean expr?"]
    code, _, err = run_csx(capsys, "extract", "--specs", tmp_path, reference_projects["P30"] / "J180")
    assert (code, err) == (2, [f"csx: {spec}:6:10: exp is not a field option; did you mean expr?"])
    with pytest.raises(SpecError) as caught:
        extractor.extract(reference_projects["P30"] / "J180", spec=spec)
    assert (caught.value.line, caught.value.col) == (6, 10)
