"""csx table1 and the table1 record, offline, on the lineage projects: values
as the fixtures were built (two imports merged, fixed defocus and CTF fit,
curation, extraction, 2D selection, 3D classification, sharpening, a local
resolution map), the edge cases of the walk, and the table as Markdown,
LaTeX, CSV and JSON, with --label and --meta, and through the Python API."""

import csv
import io
import json

import mrcfile
import numpy
import pytest

import extractor
from tests.helpers import records, run_csx

LINEAGE_V4 = [
    {"juid": "J10", "type": "nonuniform_refine_new", "input": "particles", "num_items": 512330},
    {"juid": "J20", "type": "hetero_refine", "input": "particles", "num_items": 896759},
    {"juid": "J9", "type": "homo_abinit", "input": "particles", "num_items": 896759},
    {"juid": "J22", "type": "restack_particles", "input": "particles", "num_items": 896759},
    {"juid": "J8", "type": "select_2D", "input": "particles", "num_items": 1298411},
    {"juid": "J7", "type": "class_2D_new", "input": "particles", "num_items": 1298411},
    {"juid": "J6", "type": "extract_micrographs_multi", "input": "particles", "num_items": 1412870},
    {"juid": "J5", "type": "blob_picker_gpu", "input": "micrographs", "num_items": 58},
    {"juid": "J19", "type": "curate_exposures_v2", "input": "exposures", "num_items": 63},
    {"juid": "J4", "type": "patch_ctf_estimation_multi", "input": "exposures", "num_items": 63},
    {"juid": "J3", "type": "patch_motion_correction_multi", "input": "movies", "num_items": 63},
    {"juid": "J1", "type": "import_movies", "input": None, "num_items": None},
    {"juid": "J2", "type": "import_movies", "input": None, "num_items": None},
]


def table1(capsys, project, *jobs, fmt="records", extra=()):
    code, out, err = run_csx(capsys, "table1", "--project-dir", project, *jobs, "--format", fmt, *extra)
    return code, (records(out) if fmt == "records" else out), err


def test_v4_map_with_merged_imports_curation_classification_sharpening_and_local_resolution(lineage_projects, capsys):
    code, (record,), err = table1(capsys, lineage_projects["P32"], "J10")
    assert (code, err) == (0, [])
    assert record == {
        "kind": "table1",
        "job_info": {"puid": "P32", "juid": "J10", "type": "nonuniform_refine_new"},
        # one microscope, two sessions: the doses and frame counts disagree and come as their sorted lists
        "acquisition": {"voltage_kV": 300.0, "cs_mm": 2.7, "total_dose_e_per_A2": [50.0, 52.5],
                        "frames_per_movie": [40, 50], "dose_per_frame_e_per_A2": [1.05, 1.25],
                        "pixel_size_A": 0.415, "movies": 63, "import_jobs": ["J1", "J2"]},
        "micrographs": {"count": 63, "accepted": 58, "defocus_min_um": 0.82, "defocus_max_um": 2.54,
                        "ctf_fit_median_A": 4.0, "ctf_jobs": ["J4"], "curation_jobs": ["J19"]},
        # the restack J22 is of particles the extraction J6 made: the initial count is J6's
        "particles": {"initial": 1298411, "after_2d_selection": 896759, "after_3d_classification": 512330,
                      "extract_jobs": ["J22", "J6"], "selection_2d_jobs": ["J8"], "classification_3d_jobs": ["J20"],
                      "final": 512330},
        "map": {"symmetry": "C4", "fsc_threshold": 0.143, "pixel_size_A": 0.8299999833106995, "box_size_vox": 16,
                "local_resolution_min_A": 2.41, "local_resolution_median_A": 2.9675, "local_resolution_max_A": 6.87,
                "local_resolution_job": "J11", "sharpening_bfactor_A2": -85.0, "sharpening_job": "J21",
                "resolution_A": 2.87, "bfactor_A2": -96.4},
        "lineage": LINEAGE_V4,
    }


def test_v5_map_with_imports_at_two_voltages_and_a_downsampling(lineage_projects, capsys):
    code, (record,), err = table1(capsys, lineage_projects["P449"], "J10")
    assert (code, err) == (0, [])
    assert record["acquisition"] == {"voltage_kV": [200.0, 300.0], "cs_mm": 2.7, "total_dose_e_per_A2": 50.0,
                                     "frames_per_movie": 40, "dose_per_frame_e_per_A2": 1.25, "pixel_size_A": 0.415,
                                     "movies": 63, "import_jobs": ["J1", "J2"]}
    assert record["micrographs"] == {"count": 63, "accepted": 60, "defocus_min_um": 0.82, "defocus_max_um": 2.54,
                                     "ctf_fit_median_A": 4.0, "ctf_jobs": ["J4"], "curation_jobs": ["J19"]}
    assert record["particles"] == {"initial": 1401877, "after_2d_selection": 716094, "after_3d_classification": 402118,
                                   "extract_jobs": ["J22", "J6"], "selection_2d_jobs": ["J8"],
                                   "classification_3d_jobs": ["J20"], "final": 402118}
    assert record["map"] == {"symmetry": "C4", "fsc_threshold": 0.143, "pixel_size_A": 0.8299999833106995,
                             "box_size_vox": 16, "local_resolution_min_A": 2.55, "local_resolution_median_A": 3.14375,
                             "local_resolution_max_A": 7.3, "local_resolution_job": "J11",
                             "sharpening_bfactor_A2": -72.5, "sharpening_job": "J21", "resolution_A": 2.93,
                             "bfactor_A2": -101.2}
    assert [(s["juid"], s["input"], s["num_items"]) for s in record["lineage"]] == [
        ("J10", "particles", 402118), ("J20", "particles", 716094), ("J9", "particles", 716094),
        ("J8", "particles", 1401877), ("J7", "particles", 1401877), ("J22", "particles", 1401877),
        ("J6", "particles", 1523306), ("J5", "micrographs", 60), ("J19", "exposures", 63), ("J4", "exposures", 63),
        ("J3", "movies", 63), ("J1", None, None), ("J2", None, None)]


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_the_local_resolution_range_is_the_maps_inside_its_mask(lineage_projects, capsys, puid):
    """The numbers are what numpy finds in the local resolution map where the mask is over 0.5."""
    project = lineage_projects[puid]
    code, (record,), err = table1(capsys, project, "J10")
    with mrcfile.open(project / "J11" / "J11_map_locres.mrc") as locres, \
            mrcfile.open(project / "J11" / "J11_mask_refine.mrc") as mask:
        inside = locres.data[mask.data > 0.5]
    found = record["map"]
    assert (found["local_resolution_min_A"], found["local_resolution_max_A"]) == (
        float(str(inside.min())), float(str(inside.max())))
    assert found["local_resolution_median_A"] == float(str(numpy.median(inside)))
    assert len(inside) == 1045  # the voxels within 0.4 of the box (6.4 voxels) of the centre


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_a_map_without_local_resolution_sharpening_or_3d_classes(lineage_projects, capsys, puid):
    code, (record,), err = table1(capsys, lineage_projects[puid], "J12")
    assert code == 0
    assert {k: v for k, v in record["map"].items() if k.startswith(("local_", "sharpening_"))} == {
        "local_resolution_min_A": None, "local_resolution_median_A": None, "local_resolution_max_A": None,
        "local_resolution_job": None, "sharpening_bfactor_A2": None, "sharpening_job": None}
    assert (record["particles"]["after_3d_classification"], record["particles"]["classification_3d_jobs"]) == (None, [])
    assert record["acquisition"]["import_jobs"] == ["J1", "J2"]
    # J12 took the selected particles, not the restack: on its way the extraction alone
    assert record["particles"]["extract_jobs"] == (["J6"] if puid == "P32" else ["J22", "J6"])


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_deleted_and_foreign_parents_end_the_walk_with_a_note(lineage_projects, capsys, puid):
    code, (record,), err = table1(capsys, lineage_projects[puid], "J13")
    assert (code, err) == (0, [])
    assert record["acquisition"] is None and record["micrographs"] is None
    assert record["particles"] == {"initial": None, "after_2d_selection": None, "after_3d_classification": None,
                                   "extract_jobs": [], "selection_2d_jobs": [], "classification_3d_jobs": [],
                                   "final": 412008}
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


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_a_slot_from_another_job_counts_its_extraction_once(lineage_projects, capsys, puid):
    code, (record,), err = table1(capsys, lineage_projects[puid], "J24")
    assert record["particles"] == {
        "initial": 1298411 if puid == "P32" else 1401877, "after_2d_selection": 896759 if puid == "P32" else 716094,
        "after_3d_classification": 384429 if puid == "P32" else 313976, "extract_jobs": ["J22", "J6"],
        "selection_2d_jobs": ["J8"], "classification_3d_jobs": ["J20"], "final": 384429 if puid == "P32" else 313976}


def test_markdown_one_row_per_quantity_one_column_per_map(lineage_projects, capsys):
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", "J12", "J13", fmt="markdown")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["| Data collection and processing | P32/J10 | P32/J12 | P32/J13 |", "|:---|---:|---:|---:|"]
    for line in ["| Voltage (kV) | 300 | 300 | — |",
                 "| Electron exposure (e⁻/Å²) | 50, 52.5 | 50, 52.5 | — |",
                 "| Frames per movie (no.) | 40, 50 | 40, 50 | — |",
                 "| Dose per frame (e⁻/Å²) | 1.05, 1.25 | 1.05, 1.25 | — |",
                 "| Micrographs kept after curation (no.) | 58 | 58 | — |",
                 "| Defocus range (μm) | 0.82–2.54 | 0.82–2.54 | — |",
                 "| Initial particle images (no.) | 1,298,411 | 1,298,411 | — |",
                 "| Particle images after 2D classification (no.) | 896,759 | 896,759 | — |",
                 "| Particle images after 3D classification (no.) | 512,330 | — | — |",
                 "| Final particle images (no.) | 512,330 | 896,759 | 412,008 |",
                 "| Map resolution (Å) | 2.87 | 3.12 | 3.46 |",
                 "| Map sharpening B factor (Å²) | -85 (sharpen J21) | -112.9 (refinement J12) | -131 (refinement J13) |",
                 "| Local resolution range (Å) | 2.41–6.87 | — | — |",
                 "| Local resolution, median (Å) | 2.967 | — | — |",
                 "| CryoSPARC jobs: extraction | J22, J6 | J6 | — |"]:
        assert line in lines
    assert not any(line.startswith("| Microscope") for line in lines)  # no meta file: no rows of dashes
    assert len(lines) == 2 + 31 + 2
    assert lines[-1] == ("- P32/J13: J13: the walk stops: input particles comes from J14, which is not in project "
                         "P32 (deleted?); input particles comes from J15, a job of project P29, not P32")


def test_csv_is_data_one_value_per_row(lineage_projects, capsys):
    code, out, err = table1(capsys, lineage_projects["P449"], "J10", "J12", fmt="csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["column", "job", "key", "quantity", "unit", "value", "min", "max", "note"]
    by = {(r["job"], r["key"]): r for r in rows}
    # numbers as numbers, a list as one row per value, a range as min and max
    assert [float(r["value"]) for r in rows if (r["job"], r["key"]) == ("P449/J10", "voltage_kV")] == [200.0, 300.0]
    assert float(by["P449/J10", "particles_initial"]["value"]) == 1401877
    assert (float(by["P449/J10", "defocus_um"]["min"]), float(by["P449/J10", "defocus_um"]["max"])) == (0.82, 2.54)
    assert (by["P449/J12", "local_resolution_A"]["min"], by["P449/J12", "local_resolution_A"]["value"]) == ("", "")
    assert (float(by["P449/J10", "sharpening_bfactor_A2"]["value"]), by["P449/J10", "sharpening_bfactor_A2"]["note"]) \
        == (-72.5, "sharpen J21")
    assert by["P449/J12", "sharpening_bfactor_A2"]["note"] == "refinement J12"
    assert [r["value"] for r in rows if (r["job"], r["key"]) == ("P449/J10", "jobs_import")] == ["J1", "J2"]
    assert by["P449/J10", "symmetry"]["value"] == "C4" and by["P449/J10", "box_size_vox"]["value"] == "16"


def test_json_is_the_same_data_with_numbers_as_numbers(lineage_projects, capsys):
    code, out, err = table1(capsys, lineage_projects["P449"], "J10", "J13", fmt="json")
    document = json.loads(out)
    assert document["columns"] == [{"label": "P449/J10", "job": "P449/J10"}, {"label": "P449/J13", "job": "P449/J13"}]
    rows = document["rows"]
    assert {"column": "P449/J10", "job": "P449/J10", "key": "local_resolution_A", "quantity": "Local resolution range",
            "unit": "Å", "value": None, "min": 2.55, "max": 7.3, "note": None} in rows
    assert [r["value"] for r in rows if r["job"] == "P449/J10" and r["key"] == "total_dose_e_per_A2"] == [50.0]
    assert [r["value"] for r in rows if r["job"] == "P449/J13" and r["key"] == "movies"] == [None]
    assert document["notes"][0].startswith("P449/J13: J13: the walk stops")


META = """\
# yaml-language-server: $schema=../schemas/table1.meta.schema.json
all:
  microscope: Titan Krios G4
  detector: Falcon 4i (counting)
  magnification: 165000
  energy_filter_slit_eV: 10
  exposure_time_s: 2.6
  rows:
    - {label: Grid, value: Quantifoil R1.2/1.3 Au 300}
    - {label: Spot size, value: 8}
jobs:
  P32/J12:
    magnification: 130000
    rows: [{label: Grid, value: C-flat 2/1}, {label: Total defocus steps, unit: μm, value: 0.25}]
"""


def test_labels_and_meta_rows(lineage_projects, capsys, tmp_path):
    meta = tmp_path / "meta.yaml"
    meta.write_text(META)
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", "J12", fmt="markdown",
                            extra=("--label", "J10=EMD-50123", "--label", "P32/J12=apo", "--meta", meta))
    assert (code, err) == (0, [])
    lines = out.splitlines()
    assert lines[0] == "| Data collection and processing | EMD-50123 | apo |"
    assert lines[2:8] == ["| Microscope | Titan Krios G4 | Titan Krios G4 |",
                          "| Detector | Falcon 4i (counting) | Falcon 4i (counting) |",
                          "| Magnification | 165,000 | 130,000 |",
                          "| Voltage (kV) | 300 | 300 |",
                          "| Spherical aberration (mm) | 2.7 | 2.7 |",
                          "| Energy filter slit width (eV) | 10 | 10 |"]
    start = lines.index("| Pixel size, as collected (Å) | 0.415 | 0.415 |")
    assert lines[start + 1:start + 5] == ["| Grid | Quantifoil R1.2/1.3 Au 300 | C-flat 2/1 |",
                                          "| Spot size | 8 | 8 |",
                                          "| Total defocus steps (μm) | — | 0.25 |",
                                          "| Movies (no.) | 63 | 63 |"]
    assert "| Exposure time (s) | 2.6 | 2.6 |" in lines
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", "J12", fmt="csv",
                            extra=("--label", "J10=EMD-50123", "--meta", meta))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["column"], r["key"], r["value"]) for r in rows if r["key"] in ("magnification", "row:Grid")} == {
        ("EMD-50123", "magnification", "165000"), ("P32/J12", "magnification", "130000"),
        ("EMD-50123", "row:Grid", "Quantifoil R1.2/1.3 Au 300"), ("P32/J12", "row:Grid", "C-flat 2/1")}


def test_latex_is_a_tabular_with_units_and_specials_escaped(lineage_projects, capsys, tmp_path):
    meta = tmp_path / "meta.yaml"
    meta.write_text('all: {detector: "K3 & 50%_{x}$ ~^#\\\\"}\n')
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", "J13", fmt="latex",
                            extra=("--meta", meta, "--label", "J10=EMD_50123 & co"))
    lines = out.splitlines()
    assert lines[1:5] == [r"\begin{tabular}{lrr}", r"\hline",
                          r"Data collection and processing & EMD\_50123 \& co & P32/J13 \\", r"\hline"]
    assert (r"Detector & K3 \& 50\%\_\{x\}\$ \textasciitilde{}\^{}\#\textbackslash{} & "
            r"K3 \& 50\%\_\{x\}\$ \textasciitilde{}\^{}\#\textbackslash{} \\") in lines
    assert r"Electron exposure (e$^{-}$/\AA$^{2}$) & 50, 52.5 & --- \\" in lines
    assert r"Defocus range ($\mu$m) & 0.82--2.54 & --- \\" in lines
    assert r"Map sharpening B factor (\AA$^{2}$) & -85 (sharpen J21) & -131 (refinement J13) \\" in lines
    assert lines[-3:-1] == [r"\hline", r"\end{tabular}"]
    assert lines[-1].startswith("% P32/J13: J13: the walk stops:")


def test_no_value_forges_a_row_or_reaches_the_terminal_raw(lineage_projects, capsys, tmp_path):
    meta = tmp_path / "meta.yaml"
    meta.write_text('all: {microscope: "Krios | forged | row\\n| Voltage (kV) | 1 |\\u001b[31m\\u202e"}\n')
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", fmt="markdown",
                            extra=("--meta", meta, "--label", "J10=a|b\x1b]0;title\x07"))
    lines = out.splitlines()
    # the escapes of the control characters are text, their backslashes doubled as Markdown reads them
    assert lines[0] == r"| Data collection and processing | a\|b\\x1b]0;title\\x07 |"
    assert lines[2] == r"| Microscope | Krios \| forged \| row\\n\| Voltage (kV) \| 1 \|\\x1b[31m\\u202e |"
    assert "\x1b" not in out and "\u202e" not in out
    assert [line for line in lines if line.startswith("| Voltage")] == ["| Voltage (kV) | 300 |"]


BAD_META = [
    ("all: {microscop: Krios}\n", ":1:7: table1 meta schema: all: Additional properties are not allowed "
                                  "('microscop' was unexpected)"),
    ("all: {magnification: -5}\n", ":1:22: table1 meta schema: all/magnification: -5 is less than or equal to"),
    ("jobs: {J10x: {}}\n", ":1:7: table1 meta schema: jobs: 'J10x' does not match"),
    ("all: {rows: [{label: Grid}]}\n", ":1:14: table1 meta schema: all/rows/0: 'value' is a required property"),
    ("all: [\n", ":2:1: YAML syntax:"),
]


@pytest.mark.parametrize("text, message", BAD_META)
def test_a_bad_meta_file_is_one_located_line_before_any_job_is_read(lineage_projects, capsys, tmp_path, text, message):
    meta = tmp_path / "meta.yaml"
    meta.write_text(text)
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", fmt="markdown", extra=("--meta", meta))
    assert (code, out) == (2, "")
    assert len(err) == 1 and err[0].startswith(f"csx: {meta}{message}")


@pytest.mark.parametrize("extra, message", [
    (("--label", "J99=x"), "csx: --label J99: no such map in the table (its maps: P32/J10)"),
    (("--label", "J10"), "csx: --label J10: give JOB=TEXT, e.g. --label J10=EMD-50123"),
])
def test_a_label_must_name_a_map_of_the_table(lineage_projects, capsys, extra, message):
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", fmt="markdown", extra=extra)
    assert (code, out, err) == (2, "", [message])


def test_a_label_naming_two_maps_is_refused(lineage_projects, capsys):
    code, out, err = run_csx(capsys, "table1", lineage_projects["P32"] / "J10", lineage_projects["P449"] / "J10",
                             "--label", "J10=x")
    assert (code, err) == (2, ["csx: --label J10: names several maps (P32/J10, P449/J10); write the project too, "
                               "e.g. P32/J10"])


def test_the_records_are_valid_table1_records(lineage_projects, capsys, tmp_path):
    code, out, err = table1(capsys, lineage_projects["P449"], "J10", "J12", "J13", "J17", "J24")
    for k, record in enumerate(out):
        (tmp_path / f"{k}.json").write_text(json.dumps(record))
    code, _, err = run_csx(capsys, "validate", *sorted(tmp_path.glob("*.json")))
    assert (code, err) == (0, [])


def test_a_job_without_a_table1_spec_fails_alone(lineage_projects, capsys):
    code, out, err = table1(capsys, lineage_projects["P32"], "J9", "J10", extra=("--label", "J9=x"))
    assert code == 1
    assert [r["job_info"]["juid"] for r in out] == ["J10"]
    assert len(err) == 1 and "no spec of kind table1 for job type homo_abinit" in err[0]


def test_extract_keeps_map_info_as_the_default_kind(lineage_projects, capsys):
    code, out, err = run_csx(capsys, "extract", "--project-dir", lineage_projects["P32"], "J10")
    assert [r["kind"] for r in records(out)] == ["map-info"]
    code, out, err = run_csx(capsys, "extract", "--project-dir", lineage_projects["P32"], "J10", "--spec", "table1")
    assert [r["kind"] for r in records(out)] == ["table1"]


def test_a_job_directory_finds_its_related_jobs_beside_it(lineage_projects, capsys):
    by_dir = run_csx(capsys, "table1", lineage_projects["P449"] / "J10", "--format", "records")
    by_uid = run_csx(capsys, "table1", "--project-dir", lineage_projects["P449"], "J10", "--format", "records")
    assert by_dir == by_uid
    assert records(by_dir[1])[0]["micrographs"]["ctf_jobs"] == ["J4"]


def test_the_python_api_makes_the_same_table(lineage_projects, capsys, tmp_path):
    meta = {"all": {"microscope": "Titan Krios G4"}, "jobs": {"J10": {"rows": [{"label": "EMDB", "value": "EMD-1"}]}}}
    table = extractor.table1(["J10", "J12", "J9"], project_dir=lineage_projects["P32"], labels={"J10": "holo"},
                             meta=meta)
    (tmp_path / "meta.yaml").write_text(json.dumps(meta))  # JSON is YAML
    code, out, err = table1(capsys, lineage_projects["P32"], "J10", "J12", "J9", fmt="markdown",
                            extra=("--label", "J10=holo", "--meta", tmp_path / "meta.yaml"))
    assert table.markdown() == out
    assert [o.label for o in table.failed] == ["P32/J9"] and [r["job_info"]["juid"] for r in table.records] == [
        "J10", "J12"]
    assert {"column": "holo", "job": "P32/J10", "key": "row:EMDB", "quantity": "EMDB", "unit": "", "value": "EMD-1",
            "min": None, "max": None, "note": None} in table.data_rows()
    assert table.latex().startswith("% Cryo-EM data collection and processing")
    assert json.loads(table.json())["columns"][0] == {"label": "holo", "job": "P32/J10"}
    with pytest.raises(extractor.UsageError, match=r"meta: all: Additional properties are not allowed"):
        extractor.table1(["J10"], project_dir=lineage_projects["P32"], meta={"all": {"scope": "x"}})
