"""The public API, as a notebook uses it: records from job directories, a project directory and a
running instance (through a client the notebook made itself), errors as classes with attributes."""

import json
import pickle

import pytest

import extractor
from extractor import CsxError, FieldError, JobError, RecordError, SpecError
from tests.fixturegen import REFERENCE_PROJECTS, make_project

P30 = "examples/CS-ks-gastric-proton-pump-automation"


def test_the_public_names():
    assert extractor.__all__[:5] == ["extract", "iter_extract", "query", "validate", "flatten"]
    assert all(hasattr(extractor, name) for name in extractor.__all__)


def test_extract_a_job_directory_gives_the_notebooks_facts():
    (record,) = extractor.extract(f"{P30}/J180")
    assert record["psize_A"] == 0.9681428670883179
    assert record["box_size_vox"] == 350
    assert record["job_info"]["particle_count"] == 656974
    assert record["job_info"]["parameters"] == {"refine_symmetry": "C1", "refine_relax_symmetry": "none"}
    assert record["gsfsc"] == 2.281461238861084
    assert record["paths"]["map"].endswith(f"{P30}/J180/J180_009_volume_map.mrc")


def test_a_project_directory_without_jobs_is_every_job_of_the_kind():
    records = extractor.extract(project_dir=P30, kind="map-info")
    assert [r["job_info"]["juid"] for r in records] == ["J180", "J181", "J182", "J183"]


def test_uids_of_a_project_directory_and_a_spec_folder_and_a_type(tmp_path):
    records = extractor.extract(["J180-J183"], project_dir=P30, types=["new_local_refine", "nonuniform_refine_new"])
    assert [(r["job_info"]["juid"], r["kind"]) for r in records] == [("J180", "map-info"), ("J183", "map-info")]
    with pytest.raises(SpecError, match="not a directory") as caught:
        extractor.extract(["J180"], project_dir=P30, specs=tmp_path / "none")
    assert caught.value.file.endswith("none")


def test_a_failed_job_raises_its_error_with_the_job_named():
    with pytest.raises(JobError) as caught:
        extractor.extract(["J180", "J999"], project_dir=P30)
    assert caught.value.job == "P30/J999"
    assert str(caught.value).startswith("P30: no job J999 in ")


def test_errors_skip_goes_on_and_says_which(caplog):
    records = extractor.extract(["J999", "J181"], project_dir=P30, errors="skip")
    assert [r["job_info"]["juid"] for r in records] == ["J181"]
    assert [m for m in caplog.messages if "J999" in m][0].startswith("csx: skipped P30/J999: P30: no job J999")


def test_iter_extract_yields_each_outcome_with_its_label():
    outcomes = list(extractor.iter_extract(["J1", "J180", "J999"], project_dir=P30, kind="map-info"))
    assert [o.label for o in outcomes] == ["P30/J1", "P30/J180", "P30/J999"]
    assert outcomes[0].record is None and "import_movies" in str(outcomes[0].error)
    assert outcomes[1].record["job_info"]["juid"] == "J180" and outcomes[1].error is None
    assert isinstance(outcomes[2].error, JobError)


def test_a_required_field_that_fails_names_spec_file_line_and_field(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("kind: map-info\nmatch:\n  layout: v4\n  job_types: [nonuniform_refine_new]\nfields:\n"
                    "  psize_A:\n    expr: job.no_such_key\n    required: true\n")
    with pytest.raises(FieldError) as caught:
        extractor.extract(f"{P30}/J180", spec=spec)
    error = caught.value
    assert (error.job, error.file, error.line, error.field) == ("P30/J180", str(spec), 6, "psize_A")


@pytest.mark.parametrize("error", [
    JobError("P30/J180: truncated"),
    SpecError("specs/x.yaml", 3, 7, "bad expression", detail="  ^"),
    RecordError("record fails map-info.schema.json at gsfsc"),
])
def test_errors_survive_pickling_with_class_and_attributes(error):
    error.job, error.field = "P30/J180", "gsfsc"
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error)
    assert isinstance(again, CsxError)  # what a notebook catches
    assert (again.job, again.field, again.file, again.line) == ("P30/J180", "gsfsc", error.file, error.line)
    if isinstance(error, SpecError):
        assert (again.col, again.message, again.detail) == (7, "bad expression", "  ^")


def test_worker_processes_keep_the_error_class(tmp_path):
    outcomes = list(extractor.iter_extract(["J180", "J999", "J181"], project_dir=P30, workers=2))
    assert [type(o.error).__name__ for o in outcomes] == ["NoneType", "JobError", "NoneType"]
    assert outcomes[1].error.job == "P30/J999"


def test_query_a_job_by_uid_and_by_directory():
    assert extractor.query("job.job_type", "J180", project_dir=P30) == "nonuniform_refine_new"
    assert extractor.query("datasets.volume.\"map/shape\"[0]", f"{P30}/J180") == [350, 350, 350]


def test_validate_gives_back_the_record_or_names_the_field():
    (record,) = extractor.extract(f"{P30}/J180")
    assert extractor.validate(record) is record
    with pytest.raises(RecordError) as caught:
        extractor.validate({**record, "box_size_vox": "350"})
    assert caught.value.field == "box_size_vox"


def test_flatten_gives_the_csv_columns(tmp_path):
    records = extractor.extract(["J180", "J182"], project_dir=P30)
    rows = [extractor.flatten(r) for r in records]
    assert list(rows[0])[:5] == ["kind", "psize_A", "box_size_vox", "paths.map", "paths.map_sharp"]
    assert rows[0]["job_info.parameters.refine_symmetry"] == "C1"
    assert rows[1]["job_info.juid"] == "J182" and rows[1]["paths.mask_refine"] is None
    from extractor.cli import main

    assert main(["extract", "--project-dir", P30, "J180", "--format", "csv", "-o", str(tmp_path)]) == 0
    header = (tmp_path / "map-info.csv").read_text().splitlines()[0].split(",")
    assert header == ["source", "project_uid", "job_uid", *rows[0]]


@pytest.mark.live
@pytest.mark.parametrize("how", ["client", "instance dict", "instance file"])
def test_a_running_instance_through_the_notebooks_client(tmp_path_factory, tmp_path, how):
    cryosparc = pytest.importorskip("cryosparc")
    from cryosparc.tools import CryoSPARC

    from tests.lookalike import start_server

    generation = cryosparc.__version__.split(".")[0]
    fixture = REFERENCE_PROJECTS[{"4": "P30", "5": "P446"}[generation]]
    project = make_project(tmp_path_factory.mktemp("instance"), fixture.puid, fixture.title, fixture.jobs,
                           fixture.dirname)
    with start_server(project.parent, generation=generation) as server:
        if how == "client":
            options = {"client": CryoSPARC(**server.instance_info)}
        elif how == "instance dict":
            options = {"instance": server.instance_info}
        else:
            (tmp_path / "info.json").write_text(json.dumps(server.instance_info))
            options = {"instance": tmp_path / "info.json"}
        uid = {"4": "J180", "5": "J329"}[generation]
        (live,) = extractor.extract([uid], project=fixture.puid, **options)
        (offline,) = extractor.extract([uid], project_dir=project)
    assert live == offline
    assert live["box_size_vox"] == {"4": 350, "5": 348}[generation]
