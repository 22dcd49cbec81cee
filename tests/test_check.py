"""csx check: the maps of the lineage projects are real MRC files of a 16^3 box;
J13's half map B has another box and its auto FSC mask is missing; copies of
J12 with a wrong pixel size, a truncated map and a file that is no MRC."""

import shutil

import mrcfile
import pytest

from tests.helpers import run_csx


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_good_maps_pass(lineage_projects, capsys, puid):
    code, out, err = run_csx(capsys, "check", "--project-dir", lineage_projects[puid], "J10", "J12")
    assert (code, err) == (0, [])
    assert out.splitlines() == [f"{puid}/J10: map, half maps and masks agree with the record",
                                f"{puid}/J12: map, half maps and masks agree with the record"]


def test_a_half_map_of_another_box_and_a_missing_mask(lineage_projects, capsys):
    project = lineage_projects["P449"]
    code, out, err = run_csx(capsys, "check", "--project-dir", project, "J13")
    assert code == 1
    assert out.splitlines() == [
        f"P449/J13: map_half_B {project}/J13/J13_volume_map_half_B.mrc: box 12x12x12, the map's is 16x16x16",
        f"P449/J13: mask_fsc_auto {project}/J13/J13_volume_mask_fsc_auto.mrc: missing"]


def test_a_job_without_maps_on_disk_and_a_job_that_is_no_map(lineage_projects, capsys):
    project = lineage_projects["P32"]
    code, out, err = run_csx(capsys, "check", "--project-dir", project, "J17", "J9")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"P32/J17: map {project}/J17/J17_volume_map.mrc: missing"
    assert len(lines) == 6
    assert "no spec of kind map-info for job type homo_abinit" in lines[-1]


@pytest.fixture
def j12_copy(lineage_projects, tmp_path):
    """J12 of P32 with its documents and datasets, and maps of its box written here (empty ones)."""
    source = lineage_projects["P32"]
    shutil.copy(source / "project.json", tmp_path / "project.json")
    (tmp_path / "J12").mkdir()
    for path in (source / "J12").iterdir():
        if path.suffix != ".mrc":
            shutil.copy(path, tmp_path / "J12" / path.name)
    for name in ("map", "map_half_A", "map_half_B", "mask_refine", "mask_fsc", "mask_fsc_auto"):
        with mrcfile.new_mmap(tmp_path / "J12" / f"J12_009_volume_{name}.mrc", (16, 16, 16), mrc_mode=2) as mrc:
            mrc.voxel_size = 0.83
    return tmp_path


def test_wrong_pixel_size_truncated_map_and_not_an_mrc(j12_copy, capsys):
    half_a = j12_copy / "J12" / "J12_009_volume_map_half_A.mrc"
    with mrcfile.new_mmap(half_a, (16, 16, 16), mrc_mode=2, overwrite=True) as mrc:
        mrc.voxel_size = 1.06
    with open(j12_copy / "J12" / "J12_009_volume_map_half_B.mrc", "r+b") as f:
        f.truncate(5000)
    (j12_copy / "J12" / "J12_009_volume_mask_fsc.mrc").write_text("not a map\n")
    code, out, err = run_csx(capsys, "check", j12_copy / "J12")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (f"P32/J12: map_half_A {j12_copy}/J12/J12_009_volume_map_half_A.mrc: pixel size 1.0600 A, "
                        "the record says 0.8300 A")
    assert lines[1] == (f"P32/J12: map_half_B {j12_copy}/J12/J12_009_volume_map_half_B.mrc: truncated: 5,000 bytes, "
                        "its header needs 17,408")
    assert lines[2].startswith(f"P32/J12: mask_fsc {j12_copy}/J12/J12_009_volume_mask_fsc.mrc: ")
    assert len(lines) == 3
