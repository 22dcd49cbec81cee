"""The lineage projects' fixtures: documents the v5 job model accepts, the
graph's connections in both layouts, and the MRC files of the maps."""

import json
from pathlib import Path

import mrcfile
import pytest

from tests.fixturegen.lineage import lineage_jobs


def job_json(project: Path, juid: str) -> dict:
    return json.loads((project / juid / "job.json").read_text())


def test_v5_lineage_documents_are_what_the_job_model_dumps(lineage_projects):
    pytest.importorskip("cryosparc.models.job", reason="needs cryosparc-tools 5")
    from cryosparc.models.job import Job

    for job in lineage_jobs("v5"):
        doc = job_json(lineage_projects["P449"], job.uid)
        assert Job.model_validate(doc).model_dump(mode="json", by_alias=True) == doc


def test_the_merge_connects_both_imports_in_both_layouts(lineage_projects):
    v4 = job_json(lineage_projects["P32"], "J3")
    (movies,) = [g for g in v4["input_slot_groups"] if g["name"] == "movies"]
    assert [(c["job_uid"], c["group_name"]) for c in movies["connections"]] == [("J1", "imported_movies"),
                                                                                 ("J2", "imported_movies")]
    assert v4["parents"] == ["J1", "J2"]
    assert job_json(lineage_projects["P32"], "J1")["children"] == ["J3"]
    v5 = job_json(lineage_projects["P449"], "J3")
    assert [(c["job_uid"], c["output"]) for c in v5["spec"]["inputs"]["movies"]["connections"]] == [
        ("J1", "imported_movies"), ("J2", "imported_movies")]


def test_edge_cases_are_on_disk(lineage_projects):
    for project in lineage_projects.values():
        assert not (project / "J14").exists()
        assert job_json(project, "J15")["project_uid"] == "P29"
        assert job_json(project, "J13")["parents"] == ["J14", "J15"]


def test_maps_are_mrc_files_that_agree_with_their_datasets(lineage_projects):
    with mrcfile.open(lineage_projects["P32"] / "J10" / "J10_011_volume_map.mrc", header_only=True) as mrc:
        assert (int(mrc.header.nx), int(mrc.header.ny), int(mrc.header.nz)) == (256, 256, 256)
        assert float(mrc.voxel_size.x) == pytest.approx(0.83)
    with mrcfile.open(lineage_projects["P449"] / "J13" / "J13_volume_map_half_B.mrc", header_only=True) as mrc:
        assert int(mrc.header.nx) == 16
    assert not (lineage_projects["P449"] / "J13" / "J13_volume_mask_fsc_auto.mrc").exists()
    # sparse: a 64 MB map takes a few blocks
    assert (lineage_projects["P32"] / "J12" / "J12_009_volume_map.mrc").stat().st_blocks < 64
