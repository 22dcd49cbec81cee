"""The record kinds of the SPA workflow's other jobs (picking, curation, extraction, particle sets,
variability, 3D Flex, per-particle refinement, imports), extracted from the workflow projects (P35: v4.7.1
documents, P455: v5.0.3) and held to literal values: what each job's fixture says it did."""

import contextlib
import io
import json
import shutil

import numpy as np
import pytest
from cryosparc.dataset import Dataset

from extractor.cli import main
from tests.helpers import records, run_csx


def f32(value: float) -> float:
    """A value as a float32 dataset column holds it."""
    return float(np.float32(value))


@pytest.fixture(scope="module")
def extracted(workflow_projects):
    """{(puid, juid): record} of every job --all gives a record, extracted once for the module."""
    made = {}
    for puid, project in workflow_projects.items():
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main(["extract", "--project-dir", str(project), "--all", "--workers", "1"]) == 0
        made.update({(puid, r["job_info"]["juid"]): r for r in records(out.getvalue())})
    return made


def test_all_gives_each_job_its_kind(extracted):
    kinds = {}
    for (puid, juid), record in extracted.items():
        kinds.setdefault(puid, {})[juid] = record["kind"]
    expected = {
        "J1": "import", "J2": "motion", "J3": "ctf", "J4": "curation", "J5": "picking", "J6": "curation",
        "J7": "extraction", "J8": "classes-2d", "J9": "curation", "J10": "picking", "J11": "extraction",
        "J12": "extraction", "J13": "extraction", "J14": "picking", "J15": "picking", "J16": "classes-3d",
        "J17": "map-info", "J18": "variability", "J19": "variability", "J20": "flex", "J21": "flex", "J22": "flex",
        "J23": "flex", "J24": "particle-sets", "J25": "particle-sets", "J26": "particle-refinement",
        "J27": "particle-refinement", "J28": "particle-refinement", "J30": "particle-refinement",
        "J31": "import-data", "J32": "import-data",
    }  # J29 (full-frame motion), J33 (an External job) and the failed J34 have no record but their job record
    assert kinds == {"P35": expected, "P455": expected}


# --- picking ------------------------------------------------------------------------------------------------------

PICKING = {
    # each picker's own parameters, values in force (min_distance: the default where the user set none)
    ("P35", "J5"): ("blob_picker_gpu", 1104, 1532877, {"diameter": 100, "diameter_max": 160, "min_distance": 1.0}),
    ("P455", "J5"): ("blob_picker_gpu", 2291, 2904311, {"diameter": 120, "diameter_max": 180, "min_distance": 1.0}),
    ("P35", "J10"): ("template_picker_gpu", 1104, 1876050, {"diameter": 140, "min_distance": 0.5}),
    ("P455", "J14"): ("filament_tracer_gpu", 2291, 655240, {"diameter": 40, "diameter_max": 140,
                                                            "filament_diameter": 90, "min_distance": 1.0}),
    ("P35", "J15"): ("topaz_extract", 1104, 1402337, {"radius": 8}),
}


@pytest.mark.parametrize("puid, juid", list(PICKING))
def test_picking(extracted, puid, juid):
    job_type, micrographs, particles, parameters = PICKING[puid, juid]
    assert extracted[puid, juid] == {
        "kind": "picking",
        "job_info": {"puid": puid, "juid": juid, "type": job_type, "parameters": parameters},
        "micrographs": micrographs, "particles": particles,
    }


# --- curation -----------------------------------------------------------------------------------------------------

CURATION = {
    ("P35", "J4"): ("curate_exposures_v2", {"exposures": {"in": 1210, "accepted": 1104, "rejected": 106}}),
    ("P455", "J4"): ("curate_exposures_v2", {"exposures": {"in": 2480, "accepted": 2291, "rejected": 189}}),
    ("P35", "J6"): ("inspect_picks_v2", {"micrographs": {"in": 1104, "accepted": 1098, "rejected": 6},
                                         "particles": {"in": 1532877, "accepted": 1204311, "rejected": 328566}}),
    ("P455", "J6"): ("inspect_picks_v2", {"micrographs": {"in": 2291, "accepted": 2285, "rejected": 6},
                                          "particles": {"in": 2904311, "accepted": 2110904, "rejected": 793407}}),
    ("P35", "J9"): ("select_2D", {"particles": {"in": 1198764, "accepted": 920477, "rejected": 278287},
                                  "classes": {"in": 12, "accepted": 7, "rejected": 5}}),
    ("P455", "J9"): ("select_2D", {"particles": {"in": 2101337, "accepted": 1613524, "rejected": 487813},
                                   "classes": {"in": 12, "accepted": 7, "rejected": 5}}),
}


@pytest.mark.parametrize("puid, juid", list(CURATION))
def test_curation(extracted, puid, juid):
    job_type, groups = CURATION[puid, juid]
    assert extracted[puid, juid] == {
        "kind": "curation", "job_info": {"puid": puid, "juid": juid, "type": job_type},
        **{group: None for group in ("exposures", "micrographs", "particles", "classes")}, **groups,
    }


def test_rejected_exposures_are_the_documents_count_not_a_difference(workflow_projects, tmp_path, capsys):
    """curate_exposures_v2 counts its rejected exposures itself: that count is the record's, even where it and
    in minus accepted disagree."""
    project = shutil.copytree(workflow_projects["P455"], tmp_path / "P455")
    path = project / "J4" / "job.json"
    doc = json.loads(path.read_text())
    doc["spec"]["outputs"]["exposures_rejected"]["num_items"] = 150
    path.write_text(json.dumps(doc))
    code, out, _ = run_csx(capsys, "extract", project / "J4")
    assert records(out)[0]["exposures"] == {"in": 2480, "accepted": 2291, "rejected": 150}


# --- extraction ---------------------------------------------------------------------------------------------------

EXTRACTION = {
    ("P35", "J7"): ("extract_micrographs_cpu_parallel", {"box_size_pix": 448, "bin_size_pix": 224},
                    1204311, 1198764, 1098, 224, 1.66),
    ("P455", "J7"): ("extract_micrographs_cpu_parallel", {"box_size_pix": 384, "bin_size_pix": 192},
                     2110904, 2101337, 2285, 192, 1.46),
    ("P35", "J11"): ("extract_micrographs_multi", {"box_size_pix": 400}, 1876050, 1861442, 1102, 400, 0.83),
    ("P455", "J12"): ("downsample_particles", {}, 3322016, 3322016, None, 180, 1.46),
    ("P35", "J13"): ("restack_particles", {}, 1861442, 1861442, None, 200, 1.66),
}


@pytest.mark.parametrize("puid, juid", list(EXTRACTION))
def test_extraction(extracted, puid, juid):
    job_type, parameters, picks, particles, micrographs, box, psize = EXTRACTION[puid, juid]
    assert extracted[puid, juid] == {
        "kind": "extraction", "job_info": {"puid": puid, "juid": juid, "type": job_type, "parameters": parameters},
        "particles_in": picks, "particles": particles, "micrographs": micrographs, "box_size_pix": box,
        "psize_A": f32(psize),
    }


def test_the_box_and_pixel_size_are_the_images_written(workflow_projects):
    """The Fourier-cropped box and pixel size are those of the particles' own dataset, as the test reads it."""
    dataset = Dataset.load(workflow_projects["P35"] / "J7" / "J7_particles.cs")
    assert {tuple(shape) for shape in dataset["blob/shape"]} == {(224, 224)}
    assert set(dataset["blob/psize_A"].tolist()) == {f32(1.66)}
    assert set(dataset["location/micrograph_psize_A"].tolist()) == {f32(0.83)}  # the micrographs', uncropped


# --- particle sets ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("puid, juid, job_type, symmetry, particles_in, particles, copies", [
    ("P35", "J24", "sym_expand", "C4", 920477, 3681908, 4.0),
    ("P455", "J24", "sym_expand", "C3", 1613524, 4840572, 3.0),
    ("P35", "J25", "particle_subtract", None, 3681908, 3681908, 1.0),
    ("P455", "J25", "particle_subtract", None, 4840572, 4840572, 1.0),
])
def test_particle_sets(extracted, puid, juid, job_type, symmetry, particles_in, particles, copies):
    assert extracted[puid, juid] == {
        "kind": "particle-sets",
        "job_info": {"puid": puid, "juid": juid, "type": job_type,
                     "parameters": {"sym_symmetry": symmetry} if symmetry else {}},
        "particles_in": particles_in, "particles": particles, "copies_per_particle": copies,
    }


def test_symmetry_copies_are_in_the_expanded_dataset(workflow_projects):
    dataset = Dataset.load(workflow_projects["P455"] / "J24" / "J24_particles.cs")
    assert set(dataset["sym_expand/symmetry"].tolist()) == {"C3"}
    assert set(dataset["sym_expand/idx"].tolist()) == {0, 1, 2}


# --- variability, 3D Flex -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("puid, juid, job_type, parameters, particles", [
    ("P35", "J18", "var_3D", {"var_K": 3, "var_filter_res": 6}, 920477),
    ("P455", "J18", "var_3D", {"var_K": 4, "var_filter_res": 5}, 1613524),
    ("P35", "J19", "var_3D_disp", {"var_output_mode": "simple", "var_num_frames": 20}, None),  # no filter set
    ("P455", "J19", "var_3D_disp", {"var_output_mode": "cluster", "var_num_frames": 10, "var_filter_res": 5}, None),
])
def test_variability(extracted, puid, juid, job_type, parameters, particles):
    assert extracted[puid, juid] == {
        "kind": "variability", "job_info": {"puid": puid, "juid": juid, "type": job_type, "parameters": parameters},
        "components": parameters.get("var_K"), "filter_resolution_A": parameters.get("var_filter_res"),
        "mode": parameters.get("var_output_mode"), "frames": parameters.get("var_num_frames"), "particles": particles,
    }


@pytest.mark.parametrize("puid, juid, job_type, latent_dims, particles, resolution", [
    ("P35", "J20", "flex_prep", None, 920477, None),
    ("P455", "J21", "flex_meshprep", None, None, None),
    ("P35", "J22", "flex_train", 2, 920477, None),
    ("P455", "J22", "flex_train", 3, 1613524, None),
    ("P35", "J23", "flex_highres", None, None, 3.2791),
    ("P455", "J23", "flex_highres", None, None, 3.0186),
])
def test_flex(extracted, puid, juid, job_type, latent_dims, particles, resolution):
    assert extracted[puid, juid] == {
        "kind": "flex", "job_info": {"puid": puid, "juid": juid, "type": job_type,
                                     "parameters": {"flex_K": latent_dims} if latent_dims else {}},
        "latent_dims": latent_dims, "particles": particles, "resolution_A": resolution,
    }


def test_the_training_writes_a_component_per_latent_dimension(workflow_projects):
    fields = Dataset.load(workflow_projects["P455"] / "J22" / "J22_particles.cs").fields()
    assert sorted(f for f in fields if f.startswith("components_mode_")) == [
        f"components_mode_{k}/{name}" for k in range(3) for name in ("component", "value")]


# --- per-particle refinement, imports -----------------------------------------------------------------------------

def particle_defocus(path) -> dict:
    """The mean defocus of each particle of a .cs file, median and range, computed here with numpy."""
    dataset = Dataset.load(path)
    mean = (dataset["ctf/df1_A"] + dataset["ctf/df2_A"]) / 2
    return {"median": float(np.median(mean)), "min": float(mean.min()), "max": float(mean.max())}


@pytest.mark.parametrize("puid, juid, job_type, parameters, particles, metafile", [
    ("P35", "J26", "ctf_refine_global", {"crg_do_tilt": True, "crg_do_trefoil": True, "crg_do_spherical": True,
                                         "crg_do_tetrafoil": False, "crg_min_res_A": 10},
     920477, "J26/J26_particles.cs"),
    ("P455", "J26", "ctf_refine_global", {"crg_do_tilt": True, "crg_do_trefoil": True, "crg_do_spherical": False,
                                          "crg_do_tetrafoil": True, "crg_min_res_A": 8},
     1613524, "J26/J26_particles.cs"),
    # crl_max_res_A has no value: unset, no default
    ("P455", "J27", "ctf_refine_local", {"crl_df_range": 1000, "crl_min_res_A": 15}, 1613524, "J27/J27_particles.cs"),
    ("P35", "J28", "reference_motion_correction", {}, 920477, "J28/J28_passthrough_particles.cs"),
    ("P455", "J30", "local_motion_correction_multi", {}, 2101337, "J30/J30_passthrough_particles.cs"),
])
def test_particle_refinement(extracted, workflow_projects, puid, juid, job_type, parameters, particles, metafile):
    record = extracted[puid, juid]
    assert record == {
        "kind": "particle-refinement", "job_info": {"puid": puid, "juid": juid, "type": job_type,
                                                    "parameters": parameters},
        "particles": particles, "defocus_A": particle_defocus(workflow_projects[puid] / metafile),
    }
    assert 7000 < record["defocus_A"]["min"] < record["defocus_A"]["median"] < record["defocus_A"]["max"] < 26000


@pytest.mark.parametrize("puid, juid, job_type, particles, volumes, acquisition", [
    ("P35", "J31", "import_particles", 250000, 0, (1.06, 300, 2.7)),
    ("P455", "J31", "import_particles", 180000, 0, (1.06, 300, 2.7)),
    ("P35", "J32", "import_volumes", 0, 3, (1.66, None, None)),
    ("P455", "J32", "import_volumes", 0, 2, (1.46, None, None)),
])
def test_import_data(extracted, puid, juid, job_type, particles, volumes, acquisition):
    psize, kv, cs = acquisition
    assert extracted[puid, juid] == {
        "kind": "import-data", "job_info": {"puid": puid, "juid": juid, "type": job_type},
        "particles": particles, "volumes": volumes, "psize_A": psize, "voltage_kv": kv,
        "spherical_aberration_mm": cs,
    }
