"""The lineage projects: one processing pipeline from two merged imports to a
refined, sharpened map with its local resolution, as CryoSPARC v4.7.1
documents (P32) and as v5.0.3 (P449), for related jobs and the cryo-EM
Table 1; and the same pipeline, without the test-only jobs, as the examples
that ship (make_examples.py).

    J1 import_movies ─┐
    J2 import_movies ─┴─ J3 patch_motion_correction_multi ── J4 patch_ctf_estimation_multi
      ── J19 curate_exposures_v2 ── J5 blob_picker_gpu ── J6 extraction (micrographs from J19, particles from J5)
      v4: J6 extract_micrographs_multi ── J7 class_2D_new ── J8 select_2D ── J22 restack_particles ── J9 homo_abinit
      v5: J6 extract_micrographs_cpu_parallel ── J22 downsample_particles ── J7 ── J8 ── J9 homo_abinit
      J9 ── J20 hetero_refine ── J10 nonuniform_refine_new (particles and volume of class 0)
                                   ├─ J11 local_resolution
                                   └─ J21 sharpen
    Only in the test projects:
    J12 homo_refine_new: particles from J8, volume from J9 (no local resolution, no sharpening)
    J13 homo_reconstruct: particles from J14 (deleted: no folder) and J15 (a job of project P29)
    J17 homo_reconstruct <-> J18 homo_reconstruct: each the other's particles (a cycle)
    J24 homo_reconstruct: particles of J20's class 1, their blob slot taken from J6 (a slot of another job)

The exposures' defocus and CTF fit are fixed, not random, so that a Table 1
has values a test can write down. The maps of the refinements, the sharpened
map and the local resolution map and mask are real MRC files of a 16^3 box
(17 KB each); J13's half map B has another box and its auto FSC mask is
missing, for `csx check`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import lineage_types  # noqa: F401  (registers the job types the graph adds)
from .datasets import write_datasets
from .documents import project_doc, v4_job_doc, v5_job_doc
from .maps import write_volume_maps
from .pipeline import mscope
from .projects import JobFixture, _write_json


def _linear(start: float, stop: float):
    """Evenly spread values, the same whatever the seed: a test can write the range down."""
    return lambda rng, ds: np.linspace(start, stop, len(ds))


# df2 400 A under df1: the mean defocus runs 8200..25400 A (0.82..2.54 um); CTF fit 2.5..5.5 A in
# quarter steps, median 4.0 over an odd number of exposures
FIXED_CTF = {
    "ctf/df1_A": _linear(8400, 25600),
    "ctf/df2_A": lambda rng, ds: ds["ctf/df1_A"] - 400,
    "ctf/df_angle_rad": _linear(0.1, 3.0),
    "ctf/phase_shift_rad": 0.0,
    "ctf/ctf_fit_to_A": lambda rng, ds: np.round(np.linspace(2.5, 5.5, len(ds)) * 4) / 4,
}
BOX = 16  # the maps' box: small real files (the shipped examples stay small)
ROWS = 24  # rows of an item dataset (num_items in the documents is the real count)
PSIZE_A = 0.83  # after motion correction, Fourier-cropped by 1/2
LOCRES_A = {"v4": (2.41, 6.87), "v5": (2.55, 7.3)}  # the local resolution maps' lowest and highest values


def lineage_jobs(layout: str) -> list[JobFixture]:
    v4 = layout == "v4"
    # v4: two sessions on one microscope, different doses and frame counts; v5: a 300 kV and a 200 kV dataset
    sessions = ([(40, 300.0, 50.0, 40, "session1/*.tif"), (23, 300.0, 52.5, 50, "session2/*.tif")] if v4
                else [(40, 300.0, 50.0, 40, "krios/*.eer"), (23, 200.0, 50.0, 40, "arctica/*.eer")])
    exposures = sum(n for n, *_ in sessions)
    accepted = 58 if v4 else 60
    raw_psize = 0.415
    picked = 1412870 if v4 else 1523306
    class2d = (180512, 244077, 98310, 301455, 122830, 351227) if v4 else (210377, 302114, 275903, 413980, 199503)
    extracted, selected = sum(class2d), sum(class2d[1::2])  # every other class kept
    abinit = (411020, selected - 411020) if v4 else (398112, selected - 398112)
    hetero = (512330, selected - 512330) if v4 else (402118, selected - 402118)
    maps = dict(layout=layout, box=BOX, psize_A=PSIZE_A)
    extract_type, between = (("extract_micrographs_multi", "restack_particles") if v4
                             else ("extract_micrographs_cpu_parallel", "downsample_particles"))
    jobs = [
        JobFixture(f"J{k + 1}", "import_movies", layout=layout, exposure_count=n, psize_A=raw_psize,
                   title=f"Import Movies ({path.split('/')[0]})",
                   values={**mscope(kv, 2.7, dose), "movie_blob/shape": (frames, 8184, 11520)},
                   params_set={"blob_paths": f"/bulk4/raw/nav1_7/{path}", "psize_A": raw_psize, "accel_kv": kv,
                               "cs_mm": 2.7, "total_dose_e_per_A2": dose})
        for k, (n, kv, dose, frames, path) in enumerate(sessions)
    ]
    jobs += [
        JobFixture("J3", "patch_motion_correction_multi", layout=layout, exposure_count=exposures, psize_A=PSIZE_A,
                   title="Patch Motion Correction", parents=(("movies", "J1", "imported_movies"),
                                                             ("movies", "J2", "imported_movies")),
                   params_set={"output_fcrop_factor": 0.5}),
        JobFixture("J4", "patch_ctf_estimation_multi", layout=layout, exposure_count=exposures, psize_A=PSIZE_A,
                   title="Patch CTF Estimation", parents=(("exposures", "J3", "micrographs"),), values=FIXED_CTF),
        JobFixture("J19", "curate_exposures_v2", layout=layout, exposure_count=exposures, psize_A=PSIZE_A,
                   class_counts=(accepted, exposures - accepted), title="Manually Curate Exposures",
                   parents=(("exposures", "J4", "exposures"),), values=FIXED_CTF),
        JobFixture("J5", "blob_picker_gpu", layout=layout, particle_count=picked, psize_A=PSIZE_A, title="Blob Picker",
                   parents=(("micrographs", "J19", "exposures_accepted"),),
                   params_set={"diameter": 90, "diameter_max": 140}),
        JobFixture("J6", extract_type, layout=layout, particle_count=extracted, box=256, psize_A=PSIZE_A,
                   title="Extract From Micrographs", parents=(("micrographs", "J19", "exposures_accepted"),
                                                              ("particles", "J5", "particles")),
                   params_set={"box_size_pix": 256}),
        JobFixture("J22", between, layout=layout, particle_count=selected if v4 else extracted, box=256,
                   psize_A=PSIZE_A, title="Restack Particles" if v4 else "Downsample Particles",
                   parents=(("particles", "J8", "particles_selected") if v4 else ("particles", "J6", "particles"),)),
        JobFixture("J7", "class_2D_new", layout=layout, particle_count=extracted, box=256, psize_A=PSIZE_A,
                   class_counts=class2d, class_res_A=tuple(round(4.9 + 0.8 * k, 2) for k in range(len(class2d))),
                   iteration=19, title="2D Classification",
                   parents=(("particles", "J6" if v4 else "J22", "particles"),),
                   params_set={"class2D_K": len(class2d)}),
        JobFixture("J8", "select_2D", layout=layout, particle_count=selected, box=256, psize_A=PSIZE_A,
                   class_counts=class2d, title="Select 2D Classes",
                   parents=(("particles", "J7", "particles"), ("templates", "J7", "class_averages"))),
        JobFixture("J9", "homo_abinit", layout=layout, particle_count=sum(abinit), class_counts=abinit, box=128,
                   psize_A=PSIZE_A * 2, title="Ab-Initio Reconstruction",
                   parents=(("particles", "J22", "particles") if v4 else ("particles", "J8", "particles_selected"),),
                   params_set={"abinit_K": len(abinit)}),
        JobFixture("J20", "hetero_refine", layout=layout, particle_count=sum(hetero), class_counts=hetero, box=128,
                   psize_A=PSIZE_A * 2, class_res_A=(3.9, 4.6), iteration=27, title="Heterogeneous Refinement",
                   parents=(("particles", "J9", "particles_all_classes"), ("volume", "J9", "volume_class_0"),
                            ("volume", "J9", "volume_class_1"))),
        JobFixture("J10", "nonuniform_refine_new", **maps, particle_count=hetero[0], iteration=11,
                   gsfsc_A=2.87 if v4 else 2.93, guinier_bfactor=-96.4 if v4 else -101.2, cfar=None if v4 else 0.79,
                   title="Non-uniform Refinement",
                   parents=(("particles", "J20", "particles_class_0"), ("volume", "J20", "volume_class_0")),
                   params_set={"refine_symmetry": "C4"}),
        JobFixture("J11", "local_resolution", **maps, title="Local Resolution Estimation",
                   parents=(("volume", "J10", "volume"),)),
        JobFixture("J21", "sharpen", **maps, title="Sharpening Tools", parents=(("volume", "J10", "volume"),),
                   params_set={"sharp_bfactor": -85.0 if v4 else -72.5}),
        # test-only jobs from here on (TEST_ONLY)
        JobFixture("J12", "homo_refine_new", **maps, particle_count=selected, iteration=9,
                   gsfsc_A=3.12 if v4 else 3.18, guinier_bfactor=-112.9 if v4 else -118.6,
                   cfar=None if v4 else 0.74, title="Homogeneous Refinement",
                   parents=(("particles", "J8", "particles_selected"), ("volume", "J9", "volume_class_0")),
                   params_set={"refine_symmetry": "C4"}),
        JobFixture("J13", "homo_reconstruct", **maps, particle_count=412008, gsfsc_A=3.46, guinier_bfactor=-131.0,
                   title="Homogeneous Reconstruction (deleted and foreign parents)",
                   parents=(("particles", "J14", "particles_selected"), ("particles", "J15", "particles_selected"))),
        JobFixture("J15", "select_2D", layout=layout, particle_count=83071, box=256, psize_A=PSIZE_A,
                   class_counts=(120044, 83071), title="Select 2D Classes (from project P29)",
                   parents=(("particles", "J7", "particles"), ("templates", "J7", "class_averages"))),
        JobFixture("J17", "homo_reconstruct", **maps, particle_count=52110, gsfsc_A=4.8, guinier_bfactor=-150.0,
                   title="Homogeneous Reconstruction (cycle A)", parents=(("particles", "J18", "particles"),)),
        JobFixture("J18", "homo_reconstruct", **maps, particle_count=52110, gsfsc_A=4.9, guinier_bfactor=-152.0,
                   title="Homogeneous Reconstruction (cycle B)", parents=(("particles", "J17", "particles"),)),
        JobFixture("J24", "homo_reconstruct", **maps, particle_count=hetero[1], gsfsc_A=3.3, guinier_bfactor=-120.5,
                   title="Homogeneous Reconstruction (class 1, blob from the extraction)",
                   parents=(("particles", "J20", "particles_class_1"),),
                   slot_sources=(("particles", "blob", "J6", "particles"),)),
    ]
    return jobs


TEST_ONLY = ("J12", "J13", "J15", "J17", "J18", "J24")
LINEAGE_PROJECTS = {"P32": ("v4", "Nav1.7 lineage"), "P449": ("v5", "Nav1.7 lineage v5")}
# the shipped examples: the pipeline of each layout in a folder named as CryoSPARC names project folders
EXAMPLE_DIRS = {"P32": "CS-nav17-pipeline", "P449": "CS-nav17-pipeline-v5"}
FOREIGN = {"J15": "P29"}  # jobs whose document belongs to another project
MAP_JOBS = ("J10", "J12", "J13", "J24")  # refinements and reconstructions: every volume result an MRC file


def _children(jobs: list[JobFixture]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for job in jobs:
        for parent in [p for _, p, _ in job.parents] + [uid for _, _, uid, _ in job.slot_sources]:
            children.setdefault(parent, [])
            if job.uid not in children[parent]:
                children[parent].append(job.uid)
    return children


def _write_project(project_dir: Path, puid: str, layout: str, title: str, jobs: list[JobFixture]) -> Path:
    _write_json(project_dir / "project.json", project_doc(puid, title, project_dir.name, jobs))
    children = _children(jobs)
    for job in jobs:
        owner = FOREIGN.get(job.uid, puid)
        doc = (v4_job_doc if layout == "v4" else v5_job_doc)(job, owner)
        doc["children"] = children.get(job.uid, [])
        _write_json(project_dir / job.uid / "job.json", doc)
        write_datasets(job, owner, project_dir, max_rows=ROWS)
    present = {job.uid for job in jobs}
    for juid in MAP_JOBS + ("J21",):
        if juid in present:
            broken = juid == "J13"
            write_volume_maps(project_dir, juid, skip=("mask_fsc_auto",) if broken else (),
                              boxes={"map_half_B": 12} if broken else None)
    write_volume_maps(project_dir, "J11", locres=LOCRES_A[layout])
    return project_dir


def make_lineage_projects(root: Path) -> dict[str, Path]:
    """Write P32 (v4) and P449 (v5), test-only jobs included, under root; returns puid -> project directory."""
    return {puid: _write_project(Path(root) / puid, puid, layout, title, lineage_jobs(layout))
            for puid, (layout, title) in LINEAGE_PROJECTS.items()}


def make_pipeline_examples(root: Path) -> dict[str, Path]:
    """Write the shipped example pipelines (no test-only job) under root; returns puid -> project directory."""
    return {puid: _write_project(Path(root) / EXAMPLE_DIRS[puid], puid, layout, f"{title} (example)",
                                 [job for job in lineage_jobs(layout) if job.uid not in TEST_ONLY])
            for puid, (layout, title) in LINEAGE_PROJECTS.items()}
