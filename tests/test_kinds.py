"""Every shipped record kind but map-info, extracted from the pipeline projects'
jobs (P31: v4 documents, P447: v5), with the values the fixtures define."""

import json
import sys

import numpy as np
import pytest
from cryosparc.dataset import Dataset

from extractor.cli import main
from tests.fixturegen import PIPELINE_PROJECTS, make_large_ctf_job
from tests.helpers import records, run_csx

PUIDS = ["P31", "P447"]


def f32(value: float) -> float:
    """A value as a float32 dataset column holds it."""
    return float(np.float32(value))


def fixture(puid: str, juid: str):
    return next(job for job in PIPELINE_PROJECTS[puid].jobs if job.uid == juid)


def extract(capsys, job_dir) -> dict:
    code, out, err = run_csx(capsys, "extract", job_dir)
    assert (code, err) == (0, [])
    (record,) = records(out)
    return record


def job_info(puid: str, juid: str) -> dict:
    return {"puid": puid, "juid": juid, "type": fixture(puid, juid).job_type}


def spread(values: np.ndarray) -> dict:
    return {"median": np.median(values).item(), "min": values.min().item(), "max": values.max().item()}


def ctf_summary(exposures: Dataset) -> dict:
    df1, df2 = exposures["ctf/df1_A"], exposures["ctf/df2_A"]
    return {"defocus_A": spread((df1 + df2) / 2), "astigmatism_A": spread(np.abs(df1 - df2)),
            "ctf_fit_A": spread(exposures["ctf/ctf_fit_to_A"])}


@pytest.mark.parametrize("puid", PUIDS)
@pytest.mark.parametrize("juid", ["J3", "J4"])
def test_ctf_of_patch_ctf_and_ctffind4(pipeline_projects, capsys, puid, juid):
    project = pipeline_projects[puid]
    exposures = Dataset.load(project / juid / f"{juid}_exposures.cs")
    assert extract(capsys, project / juid) == {
        "kind": "ctf",
        "job_info": job_info(puid, juid),
        "exposures": fixture(puid, juid).exposure_count,
        **ctf_summary(exposures),
    }


def test_ctf_defoci_are_realistic(pipeline_projects, capsys):
    record = extract(capsys, pipeline_projects["P31"] / "J3")
    assert 8000 <= record["defocus_A"]["min"] < record["defocus_A"]["median"] < record["defocus_A"]["max"] <= 26000
    assert 30 <= record["astigmatism_A"]["min"] and record["astigmatism_A"]["max"] <= 900
    assert 2.4 <= record["ctf_fit_A"]["min"] and record["ctf_fit_A"]["max"] <= 7.5


@pytest.mark.parametrize("puid", PUIDS)
@pytest.mark.parametrize("juid", ["J1", "J5"])
def test_import_of_movies_and_micrographs(pipeline_projects, capsys, puid, juid):
    job = fixture(puid, juid)
    assert extract(capsys, pipeline_projects[puid] / juid) == {
        "kind": "import",
        "job_info": job_info(puid, juid),
        "voltage_kv": job.params_set["accel_kv"],
        "spherical_aberration_mm": job.params_set["cs_mm"],
        "psize_A": job.params_set["psize_A"],
        "total_dose_e_per_A2": job.params_set["total_dose_e_per_A2"],
        "exposures": job.exposure_count,
        # micrographs have no frames; the movies have 40 each (the fixture's movie_blob/shape)
        "frames_per_movie": 40 if juid == "J1" else None,
        "dose_per_frame_e_per_A2": job.params_set["total_dose_e_per_A2"] / 40 if juid == "J1" else None,
    }


def test_import_values_are_the_acquisition(pipeline_projects, capsys):
    record = extract(capsys, pipeline_projects["P31"] / "J1")
    assert (record["voltage_kv"], record["spherical_aberration_mm"], record["psize_A"], record["total_dose_e_per_A2"],
            record["exposures"], record["frames_per_movie"], record["dose_per_frame_e_per_A2"]) == (
        300.0, 2.7, 0.415, 58.6, 24, 40, 1.465)


@pytest.mark.parametrize("puid", PUIDS)
def test_motion(pipeline_projects, capsys, puid):
    job, movies = fixture(puid, "J2"), fixture(puid, "J1")
    dose = job.params_set.get("override_total_exp") or f32(movies.params_set["total_dose_e_per_A2"])
    assert extract(capsys, pipeline_projects[puid] / "J2") == {
        "kind": "motion",
        "job_info": {**job_info(puid, "J2"), "parameters": {"output_fcrop_factor": 0.5}},
        "exposures": job.exposure_count,
        "total_dose_e_per_A2": dose,
        "psize_A": f32(job.psize_A),
        "movie_psize_A": f32(movies.psize_A),
    }


def test_motion_dose_override_wins_over_the_movies(pipeline_projects, capsys):
    assert extract(capsys, pipeline_projects["P447"] / "J2")["total_dose_e_per_A2"] == 52.0
    assert extract(capsys, pipeline_projects["P31"] / "J2")["total_dose_e_per_A2"] == f32(58.6)


@pytest.mark.parametrize("puid, juid, iteration", [("P31", "J10", 19), ("P31", "J11", 24), ("P447", "J10", 19)])
def test_classes_2d(pipeline_projects, capsys, puid, juid, iteration):
    job = fixture(puid, juid)
    project = pipeline_projects[puid]
    assert extract(capsys, project / juid) == {
        "kind": "classes-2d",
        "job_info": {**job_info(puid, juid), "parameters": {"class2D_K": len(job.class_counts)}},
        "num_classes": len(job.class_counts),
        "particles_in": sum(job.class_counts),
        "psize_A": f32(job.psize_A),
        "class_averages": f"{project}/{juid}/{juid}_{iteration:03d}_class_averages.mrc",
        "classes": [{"resolution_A": f32(res)} for res in job.class_res_A],
    }


def test_classes_2d_of_the_older_job_type(pipeline_projects, capsys):
    record = extract(capsys, pipeline_projects["P31"] / "J11")
    assert record["job_info"]["type"] == "class_2D"
    assert [c["resolution_A"] for c in record["classes"]] == [f32(r) for r in (9.1, 7.44, 12.6, 6.93, 15.2)]


@pytest.mark.parametrize("puid", PUIDS)
def test_sharpen(pipeline_projects, capsys, puid):
    project = pipeline_projects[puid]
    job = fixture(puid, "J17")
    assert extract(capsys, project / "J17") == {
        "kind": "sharpen",
        "job_info": job_info(puid, "J17"),
        "bfactor_A2": job.params_set["sharp_bfactor"],
        "psize_A": f32(job.psize_A),
        "paths": {
            "map": f"{project}/J16/J16_volume_map.mrc",
            "map_sharp": f"{project}/J17/J17_volume_map_sharp.mrc",
            "map_half_A": f"{project}/J16/J16_volume_map_half_A.mrc",
            "map_half_B": f"{project}/J16/J16_volume_map_half_B.mrc",
        },
    }


@pytest.mark.parametrize("puid", PUIDS)
def test_local_resolution(pipeline_projects, capsys, puid):
    """The pipeline projects hold no maps: the range, computed from the local resolution map, is null (the
    lineage projects, which have maps, test the numbers)."""
    project = pipeline_projects[puid]
    assert extract(capsys, project / "J18") == {
        "kind": "local-resolution",
        "job_info": {**job_info(puid, "J18"), "parameters": {"locres_fsc_thresh": 0.143}},
        "paths": {
            "map": f"{project}/J16/J16_volume_map.mrc",
            "map_locres": f"{project}/J18/J18_map_locres.mrc",
            "map_locres_fsc": f"{project}/J18/J18_map_locres_fsc.mrc",
            "map_half_A": f"{project}/J16/J16_volume_map_half_A.mrc",
            "map_half_B": f"{project}/J16/J16_volume_map_half_B.mrc",
            "mask": f"{project}/J18/J18_mask_refine.mrc",
        },
        "local_resolution_A": None,
    }


@pytest.mark.parametrize("puid, expression", [
    ("P31", "job.output_result_groups[?name=='volume'] | [0].latest_summary_stats"),
    ("P447", "job.spec.outputs.volume.latest_summary_stats"),
])
def test_helical_refinement_reports_its_symmetry_and_gsfsc(pipeline_projects, capsys, puid, expression):
    job = fixture(puid, "J15")
    fields = "{gsfsc: fsc_info_best.radwn_final_A, order: hsym_order, rise: helical_rise_A, twist: helical_twist_deg}"
    code, out, _ = run_csx(capsys, "query", f"{expression}.{fields}", pipeline_projects[puid] / "J15")
    assert code == 0
    assert json.loads(out) == {"gsfsc": job.gsfsc_A, "order": job.stats["hsym_order"],
                               "rise": job.stats["helical_rise_A"], "twist": job.stats["helical_twist_deg"]}


# --- many exposures -------------------------------------------------------------------------------------------
# how long a million takes is the benchmark's business (python -m tests.benchmarks.bench_exposures); here: the
# summary is right, and csx does no Python work per exposure (which a clock on a shared machine cannot tell)

EXPOSURES = (1_000, 100_000)


@pytest.fixture(scope="module")
def ctf_jobs(tmp_path_factory):
    """{number of exposures: the job directory of a patch CTF estimation of that many}."""
    return {n: make_large_ctf_job(tmp_path_factory.mktemp(f"exposures-{n}"), exposures=n) for n in EXPOSURES}


def python_calls(job_dir) -> tuple:
    """(exit code, Python and built-in function calls made by `csx extract JOB_DIR` in this process)."""
    calls = [0]

    def count(frame, event, arg):
        if event in ("call", "c_call"):
            calls[0] += 1

    sys.setprofile(count)
    try:
        code = main(["extract", str(job_dir)])
    finally:
        sys.setprofile(None)
    return code, calls[0]


def test_many_exposures_are_summarised_column_by_column(ctf_jobs, capsys):
    large = ctf_jobs[EXPOSURES[-1]]
    code = main(["extract", str(large)])
    out, err = capsys.readouterr()
    assert code == 0, err
    (record,) = records(out)
    exposures = Dataset.load(large / "J1_exposures.cs", fields=["ctf/df1_A", "ctf/df2_A", "ctf/ctf_fit_to_A"])
    assert record["exposures"] == len(exposures) == 100_000
    assert {key: record[key] for key in ("defocus_A", "astigmatism_A", "ctf_fit_A")} == ctf_summary(exposures)
    # a hundred times the exposures, not a call more: no Python work per exposure (a warm start first, so that
    # both counts are of the same run: the specs cached)
    counts = [python_calls(ctf_jobs[n]) for n in (EXPOSURES[0], *EXPOSURES)][1:]
    capsys.readouterr()
    assert [code for code, _ in counts] == [0, 0]
    assert abs(counts[0][1] - counts[1][1]) < 500, counts


@pytest.mark.parametrize("puid", PUIDS)
@pytest.mark.parametrize("juid, iteration", [("J12", None), ("J13", 34), ("J14", 20)])
def test_classes_3d_of_abinit_hetero_and_class3d(pipeline_projects, capsys, puid, juid, iteration):
    job = fixture(puid, juid)
    project = pipeline_projects[puid]
    stem = f"{project}/{juid}/{juid}_" + ("" if iteration is None else f"{iteration:03d}_")
    resolutions = job.class_res_A or [None] * len(job.class_counts)
    assert extract(capsys, project / juid) == {
        "kind": "classes-3d",
        "job_info": job_info(puid, juid),
        "num_classes": len(job.class_counts),
        "particles_in": sum(job.class_counts),
        "psize_A": f32(job.psize_A),
        "box_size_vox": job.box,
        "classes": [{"particle_count": count, "map": f"{stem}class_{k:02d}_volume.mrc", "resolution_A": res}
                    for k, (count, res) in enumerate(zip(job.class_counts, resolutions))],
    }


def test_ab_initio_classes_report_no_resolution(pipeline_projects, capsys):
    record = extract(capsys, pipeline_projects["P31"] / "J12")
    assert [c["particle_count"] for c in record["classes"]] == [61234, 48877, 21570]
    assert {c["resolution_A"] for c in record["classes"]} == {None}


@pytest.mark.parametrize("puid", PUIDS)
def test_map_info_of_helical_refinement(pipeline_projects, capsys, puid):
    job = fixture(puid, "J15")
    record = extract(capsys, pipeline_projects[puid] / "J15")
    assert record["kind"] == "map-info"
    assert record["job_info"]["type"] == "helix_refine"
    assert record["job_info"]["particle_count"] == job.particle_count
    assert (record["box_size_vox"], record["psize_A"]) == (job.box, f32(job.psize_A))
    assert record["gsfsc"] == job.gsfsc_A
    assert record["paths"]["map"].startswith(f"{pipeline_projects[puid]}/J15/J15_")
