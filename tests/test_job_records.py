"""The job record: every job of a project, of any type and status, with what
went in, what came out, the parameters, the times and the disk, equal to
what the test itself reads from each job.json (not through csx)."""

import json
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

import extractor
from tests.helpers import records, run_csx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [ROOT / "examples" / "CS-ks-gastric-proton-pump-automation", ROOT / "examples" / "CS-transporter-nanodiscs"]


# --- the test's own reading of a job.json ------------------------------------------------------------------------


def _moment(value):
    """A job.json date (v4 {"$date": ISO}, v5 ISO with microseconds) as an aware datetime, or None."""
    if isinstance(value, dict):
        value = value["$date"]
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def _iso(value):
    moment = _moment(value)
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _seconds(start, end):
    first, last = _moment(start), _moment(end)
    if first is None or last is None:
        return None
    return (last.replace(microsecond=last.microsecond // 1000 * 1000)
            - first.replace(microsecond=first.microsecond // 1000 * 1000)).total_seconds()


def expected_record(doc: dict, puid: str) -> dict:
    if "spec" in doc:  # v5
        job_type = doc["spec"]["type"]
        inputs = [{"input": name, "job_uid": c["job_uid"], "output": c["output"]}
                  for name, spec in doc["spec"]["inputs"].items() for c in spec["connections"]]
        outputs = [{"output": name, "type": out["type"], "num_items": out["num_items"]}
                   for name, out in doc["spec"]["outputs"].items()]
        params = {name: value for name, value in doc["spec"]["params"].items() if value is not None}
    else:
        job_type = doc["job_type"]
        inputs = [{"input": group["name"], "job_uid": c["job_uid"], "output": c["group_name"]}
                  for group in doc.get("input_slot_groups", []) for c in group["connections"]]
        outputs = [{"output": g["name"], "type": g["type"], "num_items": g["num_items"]}
                   for g in doc.get("output_result_groups", [])]
        params = {name: spec["value"] for name, spec in doc.get("params_spec", {}).items()}
    return {
        "kind": "job",
        "job_info": {"puid": puid, "juid": doc["uid"], "type": job_type, "title": doc.get("title"),
                     "status": doc["status"], "version": doc["version"]},
        "times": {"created_at": _iso(doc.get("created_at")), "started_at": _iso(doc.get("started_at")),
                  "completed_at": _iso(doc.get("completed_at")),
                  "run_seconds": _seconds(doc.get("started_at"), doc.get("completed_at") or doc.get("failed_at"))},
        "inputs": inputs,
        "outputs": outputs,
        "params": params,
        "disk_bytes": doc.get("job_dir_size"),
    }


def _job_dirs(project: Path) -> list:
    return sorted((p for p in project.iterdir() if re.fullmatch(r"J\d+", p.name) and (p / "job.json").exists()),
                  key=lambda p: int(p.name[1:]))


def _check_project(capsys, project: Path):
    puid = json.loads((project / "project.json").read_text())["uid"]
    code, out, err = run_csx(capsys, "extract", "--project-dir", project, "--all", "--spec", "job", "--status", "any")
    assert code == 0, err
    got = records(out)
    dirs = _job_dirs(project)
    assert [r["job_info"]["juid"] for r in got] == [d.name for d in dirs]
    for record, job_dir in zip(got, dirs):
        assert record == expected_record(json.loads((job_dir / "job.json").read_text()), puid), job_dir.name
    return got


# --- every job of a project --------------------------------------------------------------------------------------


@pytest.mark.parametrize("project", EXAMPLES, ids=lambda p: p.name)
def test_every_job_of_the_example_projects_gets_a_job_record(capsys, project):
    got = _check_project(capsys, project)
    statuses = {r["job_info"]["status"] for r in got}
    assert statuses == {"completed", "failed"}  # failed jobs too, with --status any


@pytest.mark.parametrize("project", EXAMPLES, ids=lambda p: p.name)
def test_a_job_of_a_type_no_spec_names_gets_its_job_record(tmp_path, capsys, project):
    """The example projects' job types all have a spec of their own kind; a copy with an External job added
    (type snowflake, what cryosparc-tools' save_external_result makes) and a Local Filtering job (a type no
    shipped spec names) gets a job record for those too."""
    copy = shutil.copytree(project, tmp_path / project.name)
    refinement = next(d for d in _job_dirs(copy) if d.name in ("J180", "J329"))
    for uid, job_type in (("J901", "snowflake"), ("J902", "local_filter")):
        doc = json.loads((refinement / "job.json").read_text())
        doc["uid"] = uid
        if "spec" in doc:
            doc["spec"]["type"] = job_type
        else:
            doc["job_type"] = doc["type"] = job_type
        (copy / uid).mkdir()
        (copy / uid / "job.json").write_text(json.dumps(doc))
    code, out, err = run_csx(capsys, "extract", "--project-dir", copy, "--all", "-v")
    assert {f"csx: skipped {r}: no spec for type {t}" for r, t in (("J901", "snowflake"), ("J902", "local_filter"))
            } == {line.replace(f"{json.loads((copy / 'project.json').read_text())['uid']}/", "") for line in err
                  if "no spec for type" in line}
    got = _check_project(capsys, copy)
    assert [r["job_info"]["type"] for r in got[-2:]] == ["snowflake", "local_filter"]


def test_the_example_job_records_hold_what_the_documents_say(capsys):
    """Literal values of CryoSPARC's example jobs, as the shipped examples keep them."""
    code, out, _ = run_csx(capsys, "extract", "--spec", "job", "--status", "any", EXAMPLES[0] / "J184",
                           EXAMPLES[1] / "J329", EXAMPLES[0] / "J200")
    failed, v5, minimal = records(out)
    assert failed["job_info"] == {"puid": "P30", "juid": "J184", "title": "Non-uniform Refinement (failed)",
                                  "status": "failed", "version": "v4.7.1", "type": "nonuniform_refine_new"}
    assert failed["times"] == {"created_at": "2025-06-02T16:08:00.284Z", "started_at": "2025-06-02T16:09:41.284Z",
                               "completed_at": None, "run_seconds": 5290.0}  # failed minus started
    assert failed["params"] == {"compute_use_ssd": False}  # v4: only what the user set
    assert v5["inputs"] == [{"input": "particles", "job_uid": "J170", "output": "particles"},
                            {"input": "volume", "job_uid": "J165", "output": "volume"}]
    assert [(o["output"], o["type"], o["num_items"]) for o in v5["outputs"]] == [
        ("particles", "particle", 440847), ("particles_rejected", "particle", 0), ("volume", "volume", 1),
        ("mask", "mask", 1), ("mask_fsc", "mask", 1), ("mask_fsc_auto", "mask", 1)]
    assert v5["params"]["refine_gs_resplit"] is False and v5["params"]["refine_symmetry"] == "C1"  # v5: all in force
    assert "refine_res_align_max" not in v5["params"]  # null in spec.params: no value
    assert (v5["times"]["run_seconds"], v5["disk_bytes"]) == (3849.0, 0)
    # the worked example's job.json has no dates, inputs or disk
    assert (minimal["times"], minimal["inputs"], minimal["disk_bytes"]) == (
        {"created_at": None, "started_at": None, "completed_at": "2025-06-01T09:12:44.512Z", "run_seconds": None},
        [], None)


@pytest.mark.parametrize("puid", ["P35", "P455"])
def test_every_job_of_the_workflow_projects_gets_a_job_record(workflow_projects, capsys, puid):
    got = _check_project(capsys, workflow_projects[puid])
    by_uid = {r["job_info"]["juid"]: r for r in got}
    # an External job: a type no spec names
    assert by_uid["J33"]["job_info"]["type"] == "snowflake"
    assert by_uid["J33"]["inputs"] == [{"input": "particles_1", "job_uid": "J9", "output": "particles_selected"}]
    assert by_uid["J33"]["outputs"] == [{"output": "combined_particles", "type": "particle",
                                         "num_items": 920477 if puid == "P35" else 1613524}]
    assert by_uid["J34"]["job_info"]["status"] == "failed"
    assert by_uid["J7"]["disk_bytes"] == (1198764 * 224 * 224 * 4 + 61440 if puid == "P35"
                                          else 2101337 * 192 * 192 * 4 + 61440)


def test_the_workflow_job_records_on_literal_values(workflow_projects, capsys):
    code, out, _ = run_csx(capsys, "extract", "--spec", "job", workflow_projects["P35"] / "J6",
                           workflow_projects["P455"] / "J22")
    inspect, flex = records(out)
    assert inspect["inputs"] == [{"input": "micrographs", "job_uid": "J5", "output": "micrographs"},
                                 {"input": "particles", "job_uid": "J5", "output": "particles"}]
    assert inspect["outputs"] == [{"output": "micrographs", "type": "exposure", "num_items": 1098},
                                  {"output": "particles", "type": "particle", "num_items": 1204311}]
    assert (inspect["params"], inspect["disk_bytes"]) == ({}, 88211456)
    assert flex["job_info"]["type"] == "flex_train" and flex["job_info"]["version"] == "v5.0.3"
    assert flex["outputs"] == [{"output": "flex_model", "type": "flex_model", "num_items": 1},
                               {"output": "particles", "type": "particle", "num_items": 1613524}]
    assert flex["params"] == {"flex_K": 3, "flex_num_layers": 6, "flex_hidden_units": 64, "flex_sv_lam": 2.0,
                              "flex_extra_epochs": 0}


# --- statuses and types ------------------------------------------------------------------------------------------


def test_all_gives_completed_jobs_unless_status_says_otherwise(capsys):
    code, out, err = run_csx(capsys, "extract", "--project-dir", EXAMPLES[0], "--all", "--spec", "job", "-v")
    assert code == 0
    assert "J184" not in [r["job_info"]["juid"] for r in records(out)]
    assert "csx: skipped P30/J184: status failed" in err
    code, out, _ = run_csx(capsys, "extract", "--project-dir", EXAMPLES[0], "--all", "--spec", "job",
                           "--status", "failed")
    assert [r["job_info"]["juid"] for r in records(out)] == ["J184"]


def test_a_named_job_of_another_status_says_how_to_ask_for_it(capsys):
    code, out, err = run_csx(capsys, "extract", "--spec", "job", EXAMPLES[0] / "J184")
    assert (code, out) == (1, "")
    assert err[0].endswith("the job is failed, not completed; add --status failed to extract it anyway")
    code, out, _ = run_csx(capsys, "extract", "--spec", "job", "--status", "any", EXAMPLES[0] / "J184")
    assert (code, records(out)[0]["job_info"]["status"]) == (0, "failed")


def test_type_job_stands_for_every_type(capsys):
    code, out, _ = run_csx(capsys, "extract", "--project-dir", EXAMPLES[1], "--all", "--spec", "job",
                           "--type", "job")
    assert [r["job_info"]["juid"] for r in records(out)] == ["J1", "J66", "J329", "J330", "J331"]


def test_the_api_gives_every_job_of_every_status():
    got = extractor.extract(project_dir=EXAMPLES[0], kind="job", statuses="any")
    assert [r["job_info"]["juid"] for r in got] == ["J1", "J2", "J180", "J181", "J182", "J183", "J184", "J200"]


def test_the_default_kind_of_a_job_is_unchanged_by_the_job_specs(capsys):
    """job is made on request: a refinement's record is still its map-info, and a type no other spec names is
    still skipped by --all."""
    code, out, _ = run_csx(capsys, "extract", EXAMPLES[1] / "J329")
    assert records(out)[0]["kind"] == "map-info"
    code, out, err = run_csx(capsys, "specs", "--explain", EXAMPLES[1] / "J329")
    assert "  job-v5 (" in out and "matches when asked for (--spec job)" in out
