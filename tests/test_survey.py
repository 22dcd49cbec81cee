"""csx survey on the reference, pipeline and lineage projects, in both layouts: per job type the counts,
the specs that match and their nulls, the failures (as csx extract words them), the keys and dataset
fields no shipped spec reads (and a document stripped of them gives the same records), a project's files
read only inside it, and shape files that become documents csx reads again."""

import json
import os
import shutil
from pathlib import Path

import pytest

import extractor
from extractor.language.registry import Registry
from extractor.run.jobs import open_job
from extractor.run.shapes import shape_key
from extractor.sources.files import job_dir_handles
from tests.fixturegen.from_shape import write_project
from tests.helpers import run_csx

LAYOUT = {"P30": "v4", "P446": "v5"}
_surveys = {}


def surveyed(project: Path, **options) -> dict:
    """The survey of a project, made once per project and options in a session."""
    key = (str(project), tuple(sorted(options.items())))
    if key not in _surveys:
        _surveys[key] = extractor.survey(project, **options)
    return _surveys[key]


def by_type(found: dict) -> dict:
    return {entry["type"]: entry for entry in found["types"]}


def specs_of(entry: dict) -> dict:
    return {spec["spec"]: spec for spec in entry["specs"]}


@pytest.mark.parametrize("puid", ["P30", "P446"])
def test_the_reference_projects_job_types_counts_and_specs(reference_projects, puid):
    found = surveyed(reference_projects[puid])
    layout, version = LAYOUT[puid], {"P30": "v4.7.1", "P446": "v5.0.3"}[puid]
    assert found["jobs"] == {"P30": 7, "P446": 6}[puid]
    types = by_type(found)
    assert sorted(types) == sorted(["nonuniform_refine_new", "homo_refine_new", "homo_reconstruct", "new_local_refine",
                                    "import_movies"] + (["patch_ctf_estimation_multi"] if puid == "P30" else []))
    refinement = types["nonuniform_refine_new"]
    assert (refinement["jobs"], refinement["versions"], refinement["statuses"], refinement["layouts"]) == (
        2, {version: 2}, {"completed": 1, "failed": 1}, {layout: 2})
    assert [(s["spec"], s["kind"], s["on_request"], s["related"], s["evaluated"], s["records"], s["failed"])
            for s in refinement["specs"]] == [
        (f"map-info-{layout}", "map-info", False, False, 1, 1, 0),
        (f"fsc-{layout}", "fsc", True, False, 1, 1, 0),
        (f"job-{layout}", "job", True, False, 1, 1, 0),  # every type's, on request
        (f"table1-{layout}", "table1", True, True, 0, 0, 0),  # walks related jobs: only with related=True
    ]
    assert [s["spec"] for s in types["import_movies"]["specs"]] == [f"import-{layout}", f"job-{layout}"]
    assert refinement["failed"] == 0 and refinement["failures"] == []


@pytest.mark.parametrize("puid", ["P30", "P446"])
def test_how_often_each_field_came_out_null(reference_projects, puid):
    types = by_type(surveyed(reference_projects[puid]))
    nulls = {job_type: {field: count for field, count in specs_of(types[job_type])[f"map-info-{LAYOUT[puid]}"]["null"]
                        .items() if count}
             for job_type in ("nonuniform_refine_new", "homo_reconstruct")}
    # v4 documents carry no cFAR; a reconstruction has no refinement mask and no symmetry relaxation parameter
    assert nulls == {
        "P30": {"nonuniform_refine_new": {"cfar": 1},
                "homo_reconstruct": {"paths.mask_refine": 1, "job_info.parameters.refine_relax_symmetry": 1,
                                     "cfar": 1}},
        "P446": {"nonuniform_refine_new": {},
                 "homo_reconstruct": {"paths.mask_refine": 1, "job_info.parameters.refine_relax_symmetry": 1}},
    }[puid]
    counted = specs_of(types["nonuniform_refine_new"])[f"map-info-{LAYOUT[puid]}"]["null"]
    assert counted["gsfsc"] == 0 and counted["fsc_resolution_A.tight"] == 0  # an object field's keys one by one


@pytest.mark.parametrize("puid", ["P30", "P446"])
def test_a_failed_job_is_one_line_as_csx_extract_words_it(reference_projects, capsys, puid):
    project = reference_projects[puid]
    failed = {"P30": "J184", "P446": "J332"}[puid]
    code, _, err = run_csx(capsys, "extract", "--project-dir", project, failed, "--status", "failed")
    assert code == 1 and len(err) == 1
    refinement = by_type(surveyed(project, statuses=("completed", "failed")))["nonuniform_refine_new"]
    assert refinement["failed"] == 1
    assert refinement["failures"] == [f"{puid}/{failed}: map-info-{LAYOUT[puid]}: {err[0]} (and 3 more fields); "
                                      f"also failed: fsc-{LAYOUT[puid]}"]


def test_failure_lines_are_capped_and_all_counted(reference_projects):
    found = extractor.survey(reference_projects["P30"], statuses=("completed", "failed"), failures=0)
    refinement = by_type(found)["nonuniform_refine_new"]
    assert (refinement["failed"], refinement["failures"]) == (1, [])


@pytest.mark.parametrize("puid", ["P30", "P446"])
def test_keys_no_shipped_spec_reads(reference_projects, puid):
    refinement = by_type(surveyed(reference_projects[puid]))["nonuniform_refine_new"]
    unread = refinement["unread_keys"][LAYOUT[puid]]
    if puid == "P30":
        stats = "output_result_groups[].latest_summary_stats"
        assert {f"{stats}.extent", "params_base.compute_use_ssd", "params_base.refine_symmetry.title"} <= set(unread)
        read = ["params_base.refine_symmetry", "params_base.refine_symmetry.value", "output_result_groups[].num_items",
                "output_result_groups[].name", f"{stats}.fsc_info_best.radwn_final_A", "job_type", "uid"]
    else:
        stats = "spec.outputs.volume.latest_summary_stats"
        assert {f"{stats}.extent", f"{stats}.processed_fraction", "spec.outputs.volume.results[].versions"} <= set(unread)
        read = ["spec.params.refine_symmetry", "spec.outputs.particles.num_items", f"{stats}.cfar",
                f"{stats}.fsc_info_best.radwn_final_A", "spec.type", "uid"]
    assert [key for key in read if key in unread] == []
    assert unread["bench"] == 2  # in the documents of both jobs, counted once each


@pytest.mark.parametrize("puid", ["P30", "P446"])
def test_dataset_fields_no_shipped_spec_reads(reference_projects, puid):
    refinement = by_type(surveyed(reference_projects[puid]))["nonuniform_refine_new"]
    assert refinement["sampled_datasets"] == 1  # the completed job; a failed one has no datasets to speak of
    volume = refinement["unread_columns"]["volume"]
    assert {"precision/path", "map_half_A/psize_A", "map_sharp/shape"} <= set(volume)
    assert [name for name in ("map/path", "map/psize_A", "map/shape", "map_half_A/path", "uid") if name in volume] == []
    assert {"blob/path", "alignments3D/pose", "ctf/df1_A"} <= set(refinement["unread_columns"]["particles"])


def _strip(value, steps: list):
    """Delete a key path as the survey shows it (split on "."; `name[]`: each item of the list at name)."""
    step, rest = steps[0], steps[1:]
    if not isinstance(value, dict):
        return
    for key in [key for key in value if shape_key(key) == step.removesuffix("[]")]:
        if step.endswith("[]"):
            items = value[key] if isinstance(value[key], list) else []
            if not rest:
                value[key] = []
            for item in items if rest else ():
                _strip(item, rest)
        elif rest:
            _strip(value[key], rest)
        else:
            del value[key]


@pytest.mark.parametrize("puid", ["P31", "P447"])
def test_a_document_stripped_of_every_key_said_unread_gives_the_same_records(pipeline_projects, tmp_path, puid):
    """Every job type of the pipeline, import to local resolution, through every spec of its kind."""
    source = pipeline_projects[puid]
    project = Path(shutil.copytree(source, tmp_path / source.name))
    kinds = ("map-info", "fsc", "ctf", "motion", "import", "classes-2d", "classes-3d", "sharpen", "local-resolution")
    before = {kind: extractor.extract(project_dir=project, kind=kind) for kind in kinds}
    types = by_type(surveyed(source))
    for job_dir in sorted(project.glob("J*")):
        doc = json.loads((job_dir / "job.json").read_text())
        context = open_job(job_dir_handles([job_dir])[0], Registry().layouts)
        for path in types[context.identity["type"]]["unread_keys"].get(context.layout.name, {}):
            _strip(doc, path.split("."))
        (job_dir / "job.json").write_text(json.dumps(doc))
    after = {kind: extractor.extract(project_dir=project, kind=kind) for kind in kinds}
    assert sum(map(len, before.values())) == {"P31": 16, "P447": 15}[puid]  # each job its own, the two maps fsc too
    assert after == before
    # most of each document went (the specs read every spelling of the statistics, which stay)
    assert sum(path.stat().st_size for path in project.glob("J*/job.json")) < 0.75 * sum(
        path.stat().st_size for path in source.glob("J*/job.json"))


def test_the_text_output_for_people(reference_projects, capsys):
    project = reference_projects["P446"]
    code, out, err = run_csx(capsys, "survey", project)
    assert (code, err) == (0, [])
    assert out.splitlines()[:11] == [
        f"{project}: 6 jobs of 5 types; records made of completed jobs (--status)",
        "",
        "nonuniform_refine_new: 2 jobs",
        "  versions: v5.0.3 (2)",
        "  statuses: completed (1), failed (1)",
        "  layouts: v5 (2)",
        "  map-info-v5 (map-info): 1 evaluated, 1 record, 0 failed; no field null",
        "  fsc-v5 (fsc, on request): 1 evaluated, 1 record, 0 failed; no field null",
        "  job-v5 (job, on request): 1 evaluated, 1 record, 0 failed; no field null",
        "  table1-v5 (table1, on request): walks related jobs, not run (--related runs it on the sampled jobs)",
        "  keys of v5 documents no shipped spec reads (158): spec.outputs.volume.results[].{dtype, num_items,",
    ]
    assert "    volume: map_half_A/{psize_A, shape}, map_half_B/{psize_A, shape}, map_sharp/{psize_A, shape}," in out


def test_json_output_is_the_api_answer_and_related_specs_run_when_asked(reference_projects, capsys):
    project = reference_projects["P30"]
    code, out, _ = run_csx(capsys, "survey", project, "--format", "json", "--related", "--workers", "1")
    assert code == 0
    assert json.loads(out) == surveyed(project, related=True)
    table1 = specs_of(by_type(json.loads(out))["nonuniform_refine_new"])["table1-v4"]
    assert (table1["evaluated"], table1["records"], table1["failed"]) == (1, 1, 0)
    assert table1["null"]["acquisition"] == 1  # the reference refinements' parents are not in the project


def test_worker_processes_tally_the_same(lineage_projects):
    one = extractor.survey(lineage_projects["P32"], shapes=True, workers=1)
    two = extractor.survey(lineage_projects["P32"], shapes=True, workers=2)
    assert json.dumps(two, sort_keys=True) == json.dumps(one, sort_keys=True)


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_a_job_of_another_project_is_counted_unreadable_with_why(lineage_projects, puid):
    unreadable = by_type(surveyed(lineage_projects[puid]))["(unreadable)"]
    assert (unreadable["jobs"], unreadable["failed"]) == (1, 1)
    assert unreadable["failures"] == [f"{puid}/J15 ({lineage_projects[puid]}/J15): its document is of project P29, "
                                      f"not {puid}; csx files a record only under the job's own project"]


def test_a_type_only_the_job_kind_covers_is_counted_and_shaped(lineage_projects, tmp_path):
    project = Path(shutil.copytree(lineage_projects["P449"], tmp_path / "P449"))
    doc = json.loads((project / "J5" / "job.json").read_text())
    doc["spec"]["type"] = "snowflake"  # what cryosparc-tools makes of an External job
    (project / "J5" / "job.json").write_text(json.dumps(doc))
    external = by_type(extractor.survey(project))["snowflake"]
    assert (external["jobs"], [(s["spec"], s["evaluated"], s["records"]) for s in external["specs"]]) == (
        1, [("job-v5", 1, 1)])
    assert "spec.params" not in external["unread_keys"]["v5"]  # the job record holds every parameter


# -- nothing outside the project --

def _outside(tmp_path: Path, source: Path) -> tuple:
    project = Path(shutil.copytree(source, tmp_path / "project" / source.name))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    return project, elsewhere


def test_a_job_folder_or_job_json_linked_out_of_the_project_is_not_read(reference_projects, tmp_path):
    project, elsewhere = _outside(tmp_path, reference_projects["P30"])
    shutil.move(project / "J181", elsewhere / "J181")
    os.symlink(elsewhere / "J181", project / "J181")
    shutil.move(project / "J182" / "job.json", elsewhere / "job.json")
    os.symlink(elsewhere / "job.json", project / "J182" / "job.json")
    unreadable = by_type(extractor.survey(project))["(unreadable)"]
    assert unreadable["failures"] == [
        f"{project}/J181/job.json: job.json resolves to {elsewhere}/J181/job.json, outside the project directory "
        f"{project}; csx reads only files of the project",
        f"{project}/J182/job.json: job.json resolves to {elsewhere}/job.json, outside the project directory "
        f"{project}; csx reads only files of the project"]


def test_a_dataset_linked_out_of_the_project_is_not_read(reference_projects, tmp_path):
    project, elsewhere = _outside(tmp_path, reference_projects["P30"])
    metafile = project / "J180" / "J180_009_volume_map.cs"
    shutil.move(metafile, elsewhere / metafile.name)
    os.symlink(elsewhere / metafile.name, metafile)
    refinement = by_type(extractor.survey(project))["nonuniform_refine_new"]
    assert refinement["failed"] == 1
    assert refinement["failures"][0].startswith(
        f"P30/J180: map-info-v4: P30/J180 ({project}/J180): metafile J180/J180_009_volume_map.cs is outside the "
        f"project directory {project} (it resolves to {elsewhere}/J180_009_volume_map.cs)")
    assert "map/path" not in refinement["unread_columns"]["volume"]  # its fields were not read either


def test_a_project_json_linked_out_of_the_project_stops_the_survey(reference_projects, tmp_path, capsys):
    project, elsewhere = _outside(tmp_path, reference_projects["P30"])
    shutil.move(project / "project.json", elsewhere / "project.json")
    os.symlink(elsewhere / "project.json", project / "project.json")
    code, out, err = run_csx(capsys, "survey", project)
    assert (code, out) == (2, "")
    assert err == [f"csx: {project}/project.json: project.json resolves to {elsewhere}/project.json, outside the "
                   f"project directory {project}; csx reads only files of the project"]


@pytest.mark.parametrize("args,message", [
    ([], "csx: survey: give a project directory, or --instance FILE --project P"),
    (["DIR", "--project-dir", "DIR"], "csx: survey: give the project directory once (PROJECT_DIR or --project-dir)"),
    (["DIR", "--instance", "x.json", "--project", "P1"],
     "csx: survey: give a project directory, or --instance FILE --project P, not both"),
    (["DIR", "--samples", "-1"], "csx: survey: --samples and --failures take a number of 0 or more"),
    (["DIR", "--shape", "/nonexistent/shape.json"], "csx: --shape /nonexistent/shape.json: no folder /nonexistent"),
])
def test_bad_arguments_are_one_line_and_exit_2(capsys, args, message):
    assert run_csx(capsys, "survey", *args) == (2, "", [message])


# -- shapes back into documents --

@pytest.mark.parametrize("projects,puid", [("reference_projects", "P30"), ("pipeline_projects", "P447")])
def test_a_shape_file_becomes_documents_whose_layout_and_spec_csx_finds(request, tmp_path, capsys, projects, puid):
    project = request.getfixturevalue(projects)[puid]
    shape_file = tmp_path / "shape.json"
    assert run_csx(capsys, "survey", project, "--shape", shape_file)[0] == 0
    jobs = write_project(shape_file, tmp_path / "again")
    registry = Registry()
    chosen = {}
    for (job_type, version, layout), job_dir in jobs.items():
        context = open_job(job_dir_handles([job_dir])[0], registry.layouts)
        assert (context.identity["type"], context.identity["version"], context.layout.name) == (job_type, version,
                                                                                              layout)
        own = [spec["spec"] for spec in by_type(surveyed(project))[job_type]["specs"] if not spec["on_request"]]
        try:
            chosen[job_type] = registry.choose(context.key).name
        except extractor.NoSpecError:
            chosen[job_type] = None
        assert [chosen[job_type]] == own or (own, chosen[job_type]) == ([], None)
    layout = {"P30": "v4", "P446": "v5", "P31": "v4", "P447": "v5"}[puid]
    assert (chosen["nonuniform_refine_new" if puid in LAYOUT else "homo_abinit"], chosen["import_movies"]) == (
        f"map-info-{layout}" if puid in LAYOUT else f"classes-3d-{layout}", f"import-{layout}")


def test_the_readme_shows_what_csx_survey_prints_for_the_example_project(capsys):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Surveying a project")[1].split("\n## ")[0]
    shown = section.split("For the example project:\n\n")[1].split("\n\n")[0].splitlines()
    code, out, _ = run_csx(capsys, "survey", Path(__file__).resolve().parent.parent / "examples" /
                           "CS-transporter-nanodiscs")
    printed = out.splitlines()
    assert code == 0 and len(shown) == 8
    start = printed.index(shown[0][4:])
    assert printed[start:start + len(shown)] == [line[4:] for line in shown]


def test_a_users_spec_is_counted_and_the_keys_no_shipped_spec_reads_stay_so(lineage_projects, tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "picks.schema.json").write_text('{"type": "object"}')
    (tmp_path / "picks-v4.yaml").write_text(
        "kind: picks\nmatch: {layout: v4, job_types: [blob_picker_gpu]}\n"
        "fields:\n  juid: job.uid\n  circle: param('use_circle')\n  nothing: job.no_such_key\n")
    picker = by_type(extractor.survey(lineage_projects["P32"], specs=[tmp_path]))["blob_picker_gpu"]
    assert [(s["spec"], s["kind"], s["file"], s["evaluated"], s["records"], s["null"]) for s in picker["specs"]
            if s["kind"] == "picks"] == [
        ("picks-v4", "picks", str(tmp_path / "picks-v4.yaml"), 1, 1, {"juid": 0, "circle": 0, "nothing": 1})]
    unread = picker["unread_keys"]["v4"]
    # the user's spec reads use_circle, which no shipped one reads (the picking kind reads the diameters); the
    # layout reads the output names
    assert "params_base.use_circle" in unread and "params_base.diameter" not in unread
    assert "output_result_groups[].name" not in unread
