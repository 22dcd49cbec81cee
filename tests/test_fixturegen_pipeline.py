"""The pipeline projects' fixtures: documents the v5 job model accepts, every
metafile on disk, per-class outputs that agree with each other."""

import json
from pathlib import Path

import pytest
from cryosparc.dataset import Dataset

from tests.fixturegen import PIPELINE_PROJECTS, make_pipeline_projects, params_base


def job_json(project: Path, juid: str) -> dict:
    return json.loads((project / juid / "job.json").read_text())


def results_of(doc: dict) -> list[dict]:
    if "output_results" in doc:
        return doc["output_results"]
    return [r for output in doc["spec"]["outputs"].values() for r in output["results"]]


def test_v5_pipeline_documents_are_what_the_job_model_dumps(pipeline_projects):
    pytest.importorskip("cryosparc.models.job", reason="needs cryosparc-tools 5")
    from cryosparc.models.job import Job

    for job in PIPELINE_PROJECTS["P447"].jobs:
        doc = job_json(pipeline_projects["P447"], job.uid)
        assert Job.model_validate(doc).model_dump(mode="json", by_alias=True) == doc


def test_every_final_metafile_exists_and_holds_its_results_fields(pipeline_projects):
    for puid, fixture in PIPELINE_PROJECTS.items():
        for job in fixture.jobs:
            for result in results_of(job_json(pipeline_projects[puid], job.uid)):
                metafile = result["metafiles"][0 if result["passthrough"] else -1]
                fields = Dataset.load(pipeline_projects[puid] / metafile).fields()
                assert any(f.startswith(result["name"] + "/") for f in fields), (puid, metafile, result["name"])


@pytest.mark.parametrize("juid", ["J12", "J13", "J14"])
def test_per_class_outputs_agree(pipeline_projects, juid):
    project = pipeline_projects["P31"]
    doc = job_json(project, juid)
    groups = {g["name"]: g for g in doc["output_result_groups"]}
    counts = [groups[f"particles_class_{k}"]["num_items"] for k in range(len(groups) // 2 - 1)]
    assert groups["particles_all_classes"]["num_items"] == sum(counts)
    volumes = [r for r in doc["output_results"] if r["group_name"] == "volumes_all_classes"][0]["metafiles"][-1]
    maps = Dataset.load(project / volumes)["map/path"].tolist()
    for k, path in enumerate(maps):
        (result,) = [r for r in doc["output_results"] if r["group_name"] == f"volume_class_{k}"]
        assert path == result["metafiles"][-1].removesuffix(".cs") + ".mrc"


def test_class_assignments_follow_the_class_sizes(pipeline_projects):
    job = next(j for j in PIPELINE_PROJECTS["P31"].jobs if j.uid == "J10")
    classes = Dataset.load(pipeline_projects["P31"] / "J10" / "J10_019_particles.cs")["alignments2D/class"]
    assert set(classes.tolist()) <= set(range(len(job.class_counts)))


@pytest.mark.parametrize("job_type", ["patch_motion_correction_multi", "ctf_estimation", "class_2D_new",
                                      "homo_abinit", "hetero_refine", "class_3D", "helix_refine"])
def test_pipeline_params_base_is_full(job_type):
    params = params_base(job_type)
    assert len(params) >= 10
    assert all({"value", "title", "type", "desc", "section"} <= set(p) for p in params.values())


def test_generation_is_deterministic(pipeline_projects, tmp_path):
    again = make_pipeline_projects(tmp_path)
    for puid, path in pipeline_projects.items():
        files = sorted(p.relative_to(path) for p in path.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(again[puid]) for p in again[puid].rglob("*") if p.is_file())
        assert all((path / f).read_bytes() == (again[puid] / f).read_bytes() for f in files)
