"""Acceptance: the records of CryoSPARC's example notebooks (v4: P30/J180;
v5: P446/J329 and J66), reproduced from documents shaped like theirs."""

import pytest

from tests.helpers import records, run_csx

MAP_KEYS = ["map", "map_sharp", "map_half_A", "map_half_B", "mask_refine", "mask_fsc", "mask_fsc_auto"]


def test_notebook_v4_record_of_P30_J180(reference_projects, capsys):
    project = reference_projects["P30"]
    code, out, err = run_csx(capsys, "extract", project / "J180")
    assert (code, err) == (0, [])
    (record,) = records(out)
    assert record == {
        "kind": "map-info",
        "psize_A": 0.9681428670883179,
        "box_size_vox": 350,
        "paths": {key: f"{project}/J180/J180_009_volume_{key}.mrc" for key in MAP_KEYS},
        "job_info": {
            "puid": "P30",
            "juid": "J180",
            "type": "nonuniform_refine_new",
            "particle_count": 656974,
            "parameters": {"refine_symmetry": "C1", "refine_relax_symmetry": "none"},
        },
        "gsfsc": 2.281461238861084,
        "cfar": None,
        "guinier_bfactor": -78.3,
        # each mask's radwn_<curve>_A, as the fixture writes them (GSFSC x 1.35, 1.2, 1.1, 1.02, rounded to 4 places)
        "fsc_resolution_A": {"no_mask": 3.08, "spherical": 2.7378, "loose": 2.5096, "tight": 2.3271,
                             "corrected": 2.281461238861084},
    }
    # the notebook printed the GSFSC as f"{gsfsc:1.2f}"
    assert f"{record['gsfsc']:1.2f}" == "2.28"


def test_notebook_v5_values_of_P446_J329(reference_projects, capsys):
    project = reference_projects["P446"]
    code, out, err = run_csx(capsys, "extract", project / "J329")
    assert (code, err) == (0, [])
    (record,) = records(out)
    assert record["box_size_vox"] == 348
    assert record["psize_A"] == 1.2432949542999268
    assert record["job_info"]["particle_count"] == 440847
    assert record["gsfsc"] == 2.522837574905974
    assert record["cfar"] == 0.8075670003890991
    assert record["guinier_bfactor"] == -82.71  # reported negative, as CryoSPARC does
    assert record["paths"]["map"] == f"{project}/J329/J329_008_volume_map.mrc"
    # v5 names: the tight mask is fsc_resmask, the corrected curve fsc_autotight_noisesub
    assert record["fsc_resolution_A"] == {"no_mask": 3.4058, "spherical": 3.0274, "loose": 2.7751, "tight": 2.5733,
                                          "corrected": 2.522837574905974}


def test_notebook_v5_values_of_P446_J66(reference_projects, capsys):
    code, out, _ = run_csx(capsys, "extract", reference_projects["P446"] / "J66")
    (record,) = records(out)
    assert code == 0
    assert record["job_info"]["type"] == "homo_refine_new"
    assert record["job_info"]["parameters"] == {"refine_symmetry": "C3", "refine_relax_symmetry": "none"}


@pytest.mark.parametrize("puid, juid, job_type, symmetry, relax", [
    ("P30", "J181", "homo_refine_new", "C2", "none"),
    ("P30", "J182", "homo_reconstruct", "C1", None),
    ("P30", "J183", "new_local_refine", "C1", "none"),
    ("P446", "J330", "homo_reconstruct", "C1", None),
    ("P446", "J331", "new_local_refine", "C3", "marginalization"),
])
def test_every_refinement_family_in_both_layouts(reference_projects, capsys, puid, juid, job_type, symmetry, relax):
    code, out, err = run_csx(capsys, "extract", reference_projects[puid] / juid)
    assert (code, err) == (0, [])
    (record,) = records(out)
    assert record["job_info"]["type"] == job_type
    assert record["job_info"]["parameters"] == {"refine_symmetry": symmetry, "refine_relax_symmetry": relax}
    assert record["paths"]["map"].startswith(f"{reference_projects[puid]}/{juid}/{juid}_")


def test_homo_reconstruct_has_no_refinement_mask(reference_projects, capsys):
    _, out, _ = run_csx(capsys, "extract", reference_projects["P30"] / "J182")
    (record,) = records(out)
    assert record["paths"]["mask_refine"] is None
    assert record["paths"]["map"] == f"{reference_projects['P30']}/J182/J182_volume_map.mrc"
