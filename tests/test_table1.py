"""csx table1 and the table1 record, offline, on the lineage projects: values
as the fixtures were built (two imports merged, fixed defocus and CTF fit),
the edge cases of the walk, and the table as Markdown, CSV and JSON."""

import csv
import io
import json
from pathlib import Path

import pytest

from tests.helpers import records, run_csx

LINEAGE_V4 = [
    {"juid": "J10", "type": "nonuniform_refine_new", "input": "particles", "num_items": 896759},
    {"juid": "J8", "type": "select_2D", "input": "particles", "num_items": 1298411},
    {"juid": "J7", "type": "class_2D_new", "input": "particles", "num_items": 1298411},
    {"juid": "J6", "type": "extract_micrographs_multi", "input": "particles", "num_items": 1412870},
    {"juid": "J5", "type": "blob_picker_gpu", "input": "micrographs", "num_items": 63},
    {"juid": "J4", "type": "patch_ctf_estimation_multi", "input": "exposures", "num_items": 63},
    {"juid": "J3", "type": "patch_motion_correction_multi", "input": "movies", "num_items": 63},
    {"juid": "J1", "type": "import_movies", "input": None, "num_items": None},
    {"juid": "J2", "type": "import_movies", "input": None, "num_items": None},
]


def table1(capsys, project, *jobs, fmt="json"):
    code, out, err = run_csx(capsys, "table1", "--project-dir", project, *jobs, "--format", fmt)
    return code, (records(out) if fmt == "json" else out), err


def test_v4_map_with_merged_imports_and_local_resolution(lineage_projects, capsys):
    code, (record,), err = table1(capsys, lineage_projects["P32"], "J10")
    assert (code, err) == (0, [])
    assert record == {
        "kind": "table1",
        "job_info": {"puid": "P32", "juid": "J10", "type": "nonuniform_refine_new"},
        # one microscope, two sessions: the doses disagree and come as their sorted list
        "acquisition": {"voltage_kV": 300.0, "cs_mm": 2.7, "total_dose_e_per_A2": [50.0, 52.5],
                        "pixel_size_A": 0.415, "movies": 63, "import_jobs": ["J1", "J2"]},
        "micrographs": {"count": 63, "defocus_min_um": 0.82, "defocus_max_um": 2.54, "ctf_fit_median_A": 4.0,
                        "ctf_jobs": ["J4"]},
        "particles": {"initial": 1298411, "extract_jobs": ["J6"], "final": 896759},
        "map": {"symmetry": "C4", "fsc_threshold": 0.143, "pixel_size_A": 0.8299999833106995, "box_size_vox": 256,
                "local_resolution_min_A": 2.41, "local_resolution_median_A": 3.02, "local_resolution_max_A": 6.87,
                "local_resolution_job": "J11", "resolution_A": 2.87, "bfactor_A2": -96.4},
        "lineage": LINEAGE_V4,
    }


def test_v5_map_with_imports_at_two_voltages(lineage_projects, capsys):
    code, (record,), err = table1(capsys, lineage_projects["P449"], "J10")
    assert code == 0
    assert record["acquisition"] == {"voltage_kV": [200.0, 300.0], "cs_mm": 2.7, "total_dose_e_per_A2": 50.0,
                                     "pixel_size_A": 0.415, "movies": 63, "import_jobs": ["J1", "J2"]}
    assert record["micrographs"] == {"count": 63, "defocus_min_um": 0.82, "defocus_max_um": 2.54,
                                     "ctf_fit_median_A": 4.0, "ctf_jobs": ["J4"]}
    assert record["particles"] == {"initial": 1401877, "extract_jobs": ["J6"], "final": 716094}
    assert record["map"] == {"symmetry": "C4", "fsc_threshold": 0.143, "pixel_size_A": 0.8299999833106995,
                             "box_size_vox": 256, "local_resolution_min_A": 2.55, "local_resolution_median_A": 3.11,
                             "local_resolution_max_A": 7.3, "local_resolution_job": "J11", "resolution_A": 2.93,
                             "bfactor_A2": -101.2}
    assert [(s["juid"], s["input"], s["num_items"]) for s in record["lineage"]] == [
        ("J10", "particles", 716094), ("J8", "particles", 1401877), ("J7", "particles", 1401877),
        ("J6", "particles", 1523306), ("J5", "micrographs", 63), ("J4", "exposures", 63), ("J3", "movies", 63),
        ("J1", None, None), ("J2", None, None)]


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_a_map_without_local_resolution_has_null_local_resolution(lineage_projects, capsys, puid):
    code, (record,), err = table1(capsys, lineage_projects[puid], "J12")
    assert code == 0
    assert {k: v for k, v in record["map"].items() if k.startswith("local_")} == {
        "local_resolution_min_A": None, "local_resolution_median_A": None, "local_resolution_max_A": None,
        "local_resolution_job": None}
    assert record["acquisition"]["import_jobs"] == ["J1", "J2"]


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_deleted_and_foreign_parents_end_the_walk_with_a_note(lineage_projects, capsys, puid):
    code, (record,), err = table1(capsys, lineage_projects[puid], "J13")
    assert (code, err) == (0, [])
    assert record["acquisition"] is None and record["micrographs"] is None
    assert record["particles"] == {"initial": None, "extract_jobs": [], "final": 412008}
    assert record["lineage"] == [{
        "juid": "J13", "type": "homo_reconstruct", "input": "particles", "num_items": None,
        "note": f"the walk stops: input particles comes from J14, which is not in project {puid} (deleted?); "
                f"input particles comes from J15, a job of project P29, not {puid}"}]


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_a_cycle_ends_the_walk_with_a_note(lineage_projects, capsys, puid):
    code, (record,), err = table1(capsys, lineage_projects[puid], "J17")
    assert code == 0
    assert record["lineage"] == [
        {"juid": "J17", "type": "homo_reconstruct", "input": "particles", "num_items": 52110},
        {"juid": "J18", "type": "homo_reconstruct", "input": "particles", "num_items": 52110,
         "note": "the walk stops: input particles comes from J17, which is downstream of it (a cycle)"}]


def test_markdown_one_row_per_quantity_one_column_per_map(lineage_projects, capsys):
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", "J12", "J13", fmt="markdown")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["| Data collection and processing | P32/J10 | P32/J12 | P32/J13 |", "|:---|---:|---:|---:|"]
    assert "| Voltage (kV) | 300 | 300 | — |" in lines
    assert "| Electron exposure (e⁻/Å²) | 50, 52.5 | 50, 52.5 | — |" in lines
    assert "| Defocus range (μm) | 0.82–2.54 | 0.82–2.54 | — |" in lines
    assert "| Initial particle images (no.) | 1,298,411 | 1,298,411 | — |" in lines
    assert "| Final particle images (no.) | 896,759 | 896,759 | 412,008 |" in lines
    assert "| Map resolution (Å) | 2.87 | 3.12 | 3.46 |" in lines
    assert "| Local resolution range (Å) | 2.41–6.87 | — | — |" in lines
    assert lines[-1] == ("- P32/J13: J13: the walk stops: input particles comes from J14, which is not in project "
                         "P32 (deleted?); input particles comes from J15, a job of project P29, not P32")


def test_csv_has_the_same_rows(lineage_projects, capsys):
    code, out, err = table1(capsys, lineage_projects["P449"], "J10", "J12", fmt="csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["quantity", "P449/J10", "P449/J12"]
    assert ["Voltage (kV)", "200, 300", "200, 300"] in rows
    assert ["Local resolution range (Å)", "2.55–7.3", ""] in rows
    assert ["Map box size (voxels)", "256", "256"] in rows
    assert len(rows) == 23


def test_the_records_are_valid_table1_records(lineage_projects, capsys, tmp_path):
    code, out, err = table1(capsys, lineage_projects["P449"], "J10", "J12", "J13", "J17")
    for k, record in enumerate(out):
        (tmp_path / f"{k}.json").write_text(json.dumps(record))
    code, _, err = run_csx(capsys, "validate", *sorted(tmp_path.glob("*.json")))
    assert (code, err) == (0, [])


def test_a_job_without_a_table1_spec_fails_alone(lineage_projects, capsys):
    code, out, err = table1(capsys, lineage_projects["P32"], "J9", "J10")
    assert code == 1
    assert [r["job_info"]["juid"] for r in out] == ["J10"]
    assert len(err) == 1 and "no spec of kind table1 for job type homo_abinit" in err[0]


def test_extract_keeps_map_info_as_the_default_kind(lineage_projects, capsys):
    code, out, err = run_csx(capsys, "extract", "--project-dir", lineage_projects["P32"], "J10")
    assert [r["kind"] for r in records(out)] == ["map-info"]
    code, out, err = run_csx(capsys, "extract", "--project-dir", lineage_projects["P32"], "J10", "--spec", "table1")
    assert [r["kind"] for r in records(out)] == ["table1"]


def test_the_readme_table_is_what_the_command_prints(lineage_projects, capsys):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    start = readme.index("| Data collection and processing | P32/J10 | P32/J12 | P32/J13 |")
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", "J12", "J13", fmt="markdown")
    assert readme[start:start + len(out)] == out


def test_a_job_directory_finds_its_related_jobs_beside_it(lineage_projects, capsys):
    by_dir = run_csx(capsys, "table1", lineage_projects["P449"] / "J10", "--format", "json")
    by_uid = run_csx(capsys, "table1", "--project-dir", lineage_projects["P449"], "J10", "--format", "json")
    assert by_dir == by_uid
    assert records(by_dir[1])[0]["micrographs"]["ctf_jobs"] == ["J4"]
