"""The lineage projects' fixtures: documents the v5 job model accepts, the
graph's connections in both layouts, and the MRC files of the maps."""

import json
from pathlib import Path

import mrcfile
import numpy
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
        assert job_json(project, "J24")["parents"] == ["J20", "J6"]  # a slot of its connection is J6's
        assert job_json(project, "J6")["children"] == ["J7" if project.name == "P32" else "J22", "J24"]


def test_maps_are_mrc_files_that_agree_with_their_datasets(lineage_projects):
    with mrcfile.open(lineage_projects["P32"] / "J10" / "J10_011_volume_map.mrc") as mrc:
        assert (int(mrc.header.nx), int(mrc.header.ny), int(mrc.header.nz)) == (16, 16, 16)
        assert float(mrc.voxel_size.x) == pytest.approx(0.83)
        assert mrc.data.max() == pytest.approx(1.0, abs=0.1)  # a blob of density at the centre
    with mrcfile.open(lineage_projects["P449"] / "J13" / "J13_volume_map_half_B.mrc", header_only=True) as mrc:
        assert int(mrc.header.nx) == 12
    assert not (lineage_projects["P449"] / "J13" / "J13_volume_mask_fsc_auto.mrc").exists()


@pytest.mark.parametrize("puid, low, high", [("P32", 2.41, 6.87), ("P449", 2.55, 7.3)])
def test_the_local_resolution_map_is_best_at_the_centre_and_unresolved_outside_its_mask(lineage_projects, puid, low,
                                                                                         high):
    with mrcfile.open(lineage_projects[puid] / "J11" / "J11_map_locres.mrc") as locres, \
            mrcfile.open(lineage_projects[puid] / "J11" / "J11_mask_refine.mrc") as mask:
        inside = mask.data > 0.5
        assert locres.data[8, 8, 8] == numpy.float32(low) and locres.data[inside].max() == numpy.float32(high)
        assert set(locres.data[~inside].tolist()) == {25.0}
        assert set(mask.data.ravel().tolist()) == {0.0, 1.0}
