"""Bad input: each gets one line naming the culprit, and a batch goes on."""

import json
import re
import textwrap

import pytest

from tests.helpers import records, run_csx

SPEC = """\
    # yaml-language-server: $schema=../schemas/spec.schema.json
    kind: map-info
    match:
      layout: v4
      job_types: [nonuniform_refine_new]
    fields:
      gsfsc: job.output_result_groups[?name=='volume'] | [0].latest_summary_stats.fsc_info_best.radwn_final_A
"""


def spec_dir(tmp_path, text, name="mine.yaml"):
    directory = tmp_path / "myspecs"
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(textwrap.dedent(text))
    return directory


@pytest.mark.parametrize("broken, expected", [
    (SPEC.replace("job_types: [nonuniform_refine_new]", "job_types: [nonuniform_refine_new"), r"mine.yaml:6:\d+: YAML syntax"),
    (SPEC.replace("kind: map-info", "kind: Map Info"), r"mine.yaml:2:7: spec schema: kind: 'Map Info' does not match"),
    (SPEC.replace("[?name=='volume'] | [0]", "[?name=='volume' | [0]"), r"mine.yaml:7:\d+: field gsfsc: bad expression"),
    (SPEC.replace("job.output_result_groups", "outputs(job)"), r"mine.yaml:7:\d+: field gsfsc: unknown function outputs\(\)"),
])
def test_a_broken_spec_stops_everything_with_its_line(tmp_path, reference_projects, capsys, broken, expected):
    directory = spec_dir(tmp_path, broken)
    code, out, err = run_csx(capsys, "extract", "--specs", directory, reference_projects["P30"] / "J180")
    assert (code, out) == (2, "")
    assert len(err) == 1
    assert err[0].startswith(f"csx: {directory}/")
    assert re.search(expected, err[0]), err[0]


def test_truncated_job_json_fails_that_job_only(project_copy, capsys):
    project = project_copy("P30")
    text = (project / "J181" / "job.json").read_text()
    (project / "J181" / "job.json").write_text(text[: len(text) // 2])
    code, out, err = run_csx(capsys, "extract", "--project-dir", project, "J181", "J180")
    assert code == 1
    assert [r["job_info"]["juid"] for r in records(out)] == ["J180"]
    # one line, so line 1; the column is where the text stops
    assert re.fullmatch(rf"{project}/J181/job.json:1:\d+: job.json is not valid JSON: [^;]+; is it truncated\? "
                        "re-export the job from CryoSPARC", err[0]), err[0]


def test_job_json_that_is_not_json(project_copy, capsys):
    project = project_copy("P30")
    (project / "J181" / "job.json").write_bytes(b"\x89PNG\r\n")
    code, _, err = run_csx(capsys, "extract", project / "J181")
    assert code == 1
    assert "job.json is not valid JSON" in err[0]


def test_json_that_is_no_cryosparc_document(project_copy, capsys):
    project = project_copy("P30")
    (project / "J181" / "job.json").write_text(json.dumps({"hello": "world"}))
    code, _, err = run_csx(capsys, "extract", project / "J181")
    assert code == 1
    assert err[0] == (f"P30/J181 ({project}/J181): not a CryoSPARC job document of any known layout "
                      "(v4 has job.job_type; v5 has job.spec.type)")


def test_job_dir_without_job_json(tmp_path, capsys):
    (tmp_path / "J7").mkdir()
    code, _, err = run_csx(capsys, "extract", tmp_path / "J7")
    assert code == 1
    assert err[0] == f"{tmp_path}/J7/job.json: no job.json there"


def test_missing_cs_file_names_it(project_copy, capsys):
    project = project_copy("P446")
    (project / "J329" / "J329_008_volume_map.cs").unlink()
    code, _, err = run_csx(capsys, "extract", "--project-dir", project, "J329", "J66")
    assert code == 1
    assert err[0] == f"P446/J329 ({project}/J329): dataset J329/J329_008_volume_map.cs is missing from {project}"


def test_corrupt_cs_file_names_it(project_copy, capsys):
    project = project_copy("P30")
    (project / "J180" / "J180_009_volume_map_half_A.cs").write_bytes(b"not a dataset at all")
    code, _, err = run_csx(capsys, "extract", project / "J180")
    assert code == 1
    assert err[0].startswith(f"P30/J180 ({project}/J180): cannot read dataset J180/J180_009_volume_map_half_A.cs: ")


def test_unused_cs_files_are_never_read(project_copy, capsys):
    project = project_copy("P30")
    for unused in ("J180_009_volume_precision.cs", "J180_009_particles.cs", "J180_passthrough_particles.cs"):
        (project / "J180" / unused).write_bytes(b"garbage")
    code, out, _ = run_csx(capsys, "extract", project / "J180")
    assert code == 0
    assert records(out)[0]["box_size_vox"] == 350


def test_no_summary_statistics_is_a_required_field_error(project_copy, capsys):
    project = project_copy("P30")
    doc = json.loads((project / "J180" / "job.json").read_text())
    for group in doc["output_result_groups"]:
        group.pop("latest_summary_stats", None)
    (project / "J180" / "job.json").write_text(json.dumps(doc))
    code, out, err = run_csx(capsys, "extract", project / "J180")
    assert (code, out) == (1, "")
    assert err[0] == (f"P30/J180 ({project}/J180): field gsfsc ({_shipped_line('map-info-v4.yaml', '  gsfsc:')}): required, "
                      "but `$volume | $gsfsc` is null for this job: none of its spellings is in the document: "
                      "job.output_result_groups[?name == 'volume'][0] has none of latest_summary_stats, "
                      "summary_stats[-1]")


def test_job_type_without_spec_names_type_version_and_what_exists(project_copy, capsys):
    project = project_copy("P30")
    doc = json.loads((project / "J2" / "job.json").read_text())
    doc["job_type"] = "orientation_diagnostics"  # a type no shipped spec covers
    (project / "J2" / "job.json").write_text(json.dumps(doc))
    code, _, err = run_csx(capsys, "extract", project / "J2")
    assert code == 1
    assert err[0].startswith(f"P30/J2 ({project}/J2): no spec for job type orientation_diagnostics, "
                             "version v4.7.1, layout v4; specs for layout v4: ")
    assert err[0].endswith(" (csx specs --explain JOB_DIR says why each does not match)")
    assert "map-info-v4, " in err[0] and "map-info-v5" not in err[0]


BRIEF_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["kind", "gsfsc", "box_size_vox"],
    "properties": {"kind": {"const": "brief"}, "gsfsc": {"type": "number"}, "box_size_vox": {"type": "integer"}},
}


def test_record_that_breaks_its_schema_names_field_and_spec_line(tmp_path, reference_projects, capsys):
    directory = spec_dir(tmp_path, SPEC.replace("kind: map-info", "kind: brief") + "      box_size_vox: job.uid\n")
    (directory / "schemas").mkdir()
    (directory / "schemas" / "brief.schema.json").write_text(json.dumps(BRIEF_SCHEMA))
    code, out, err = run_csx(capsys, "extract", "--specs", directory, reference_projects["P30"] / "J180")
    assert (code, out) == (1, "")
    assert err[0] == (f"P30/J180 ({reference_projects['P30']}/J180): record fails brief.schema.json at "
                      f"box_size_vox: 'J180' is not of type 'integer' (field box_size_vox, {directory}/mine.yaml:8)")
    code, out, err = run_csx(capsys, "extract", "--no-validate", "--specs", directory,
                             reference_projects["P30"] / "J180")
    assert code == 0
    assert records(out) == [{"kind": "brief", "gsfsc": 2.281461238861084, "box_size_vox": "J180"}]


def test_user_specs_win_over_shipped_ones_for_the_same_jobs(tmp_path, reference_projects, capsys):
    directory = spec_dir(tmp_path, SPEC.replace("kind: map-info", "kind: brief") + "      box_size_vox: '`350`'\n")
    (directory / "schemas").mkdir()
    (directory / "schemas" / "brief.schema.json").write_text(json.dumps(BRIEF_SCHEMA))
    code, out, _ = run_csx(capsys, "extract", "--specs", directory, "--project-dir", reference_projects["P30"],
                           "J180", "J181")
    assert code == 0
    brief, shipped = records(out)
    assert brief == {"kind": "brief", "gsfsc": 2.281461238861084, "box_size_vox": 350}
    assert shipped["kind"] == "map-info" and shipped["job_info"]["juid"] == "J181"


def _shipped_line(name, start):
    """file:line of the line of a shipped spec that starts with `start`."""
    from extractor.resources import specs_dir

    path = specs_dir() / name
    number = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))
    return f"{path}:{number}"


def test_outputs_that_cannot_be_written_stop_before_any_job(reference_projects, capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    job = reference_projects["P30"] / "J180"
    code, out, err = run_csx(capsys, "extract", "-o", blocker / "records", job)
    assert (code, out) == (2, "")
    assert err == [f"csx: -o {blocker / 'records'}: cannot write there ([Errno 20] Not a directory: "
                   f"'{blocker / 'records'}')"]
    code, out, err = run_csx(capsys, "extract", "--db", blocker / "csx.sqlite", job)
    assert (code, out) == (2, "")
    assert err == [f"csx: --db {blocker / 'csx.sqlite'}: cannot write there (unable to open database file)"]


def test_a_folder_without_jobs_is_no_project(tmp_path, capsys):
    code, _, err = run_csx(capsys, "extract", "--project-dir", tmp_path, "--all")
    assert (code, err) == (2, [f"csx: --project-dir {tmp_path}: no CryoSPARC jobs (J*/job.json) there; "
                               "is it a project directory?"])
