"""The workflow projects: a single-particle workflow from movies to a map and
on through the jobs around it (curation, picking, extraction, selection,
3D variability, 3D Flex, symmetry expansion, subtraction, CTF refinement,
imports, an External job), once as CryoSPARC v4.7.1 documents (P35) and once
as v5.0.3 (P455). Each job connects to the outputs of the jobs before it, so
the counts flow as they do in CryoSPARC: what curation accepts is what the
picker reads, and so on. Numbers differ by layout, so that a spec reading the
wrong project's layout cannot pass by accident.

Jobs (the same uids in both projects): J1 import_movies, J2
patch_motion_correction_multi, J3 patch_ctf_estimation_multi, J4
curate_exposures_v2, J5 blob_picker_gpu, J6 inspect_picks_v2, J7
extract_micrographs_cpu_parallel, J8 class_2D_new, J9 select_2D, J10
template_picker_gpu, J11 extract_micrographs_multi, J12 downsample_particles,
J13 restack_particles, J14 filament_tracer_gpu, J15 topaz_extract, J16
homo_abinit, J17 nonuniform_refine_new, J18 var_3D, J19 var_3D_disp, J20
flex_prep, J21 flex_meshprep, J22 flex_train, J23 flex_highres, J24
sym_expand, J25 particle_subtract, J26 ctf_refine_global, J27
ctf_refine_local, J28 reference_motion_correction, J29
rigid_motion_correction_multi, J30 local_motion_correction_multi, J31
import_particles, J32 import_volumes, J33 snowflake (an External job, a type
no spec names), J34 var_3D (failed).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from .pipeline import CTF_VALUES, mscope, uniform
from .projects import AS_SHIPPED, JobFixture, ProjectFixture, Variant, make_project
from .workflow_types import WORKFLOW

GB = 1_000_000_000


def split(total: int, weights) -> tuple[int, ...]:
    """`total` items over classes in proportion to `weights`, the last class taking the rounding."""
    shares = [int(total * w / sum(weights)) for w in weights[:-1]]
    return (*shares, total - sum(shares))


def paths(template: str):
    """A text column, one value per row: template.format(i=row)."""
    return lambda rng, ds: np.array([template.format(i=i) for i in range(len(ds))], dtype=object)


def cycle(period: int):
    return lambda rng, ds: np.arange(len(ds)) % period


PICKS = {"pick_stats/ncc_score": uniform(0.22, 0.61), "pick_stats/power": uniform(420.0, 1380.0),
         "location/center_x_frac": uniform(0.02, 0.98), "location/center_y_frac": uniform(0.02, 0.98)}


def _workflow_jobs(layout: str) -> list[JobFixture]:
    """The jobs, those of the workflow's own types declared by workflow_types.WORKFLOW."""
    return [replace(job, declarations=WORKFLOW) if job.job_type in WORKFLOW.outputs else job
            for job in _jobs(layout)]


def _jobs(layout: str) -> list[JobFixture]:
    v4 = layout == "v4"
    raw_psize = 0.415 if v4 else 0.365
    mic_psize = raw_psize * 2  # super-resolution movies, Fourier-cropped by 1/2 in motion correction
    dose = 58.6 if v4 else 50.0
    movies = 1210 if v4 else 2480
    accepted, rejected = (1104, 106) if v4 else (2291, 189)
    blob_picks, inspected_mics, inspected = (1532877, 1098, 1204311) if v4 else (2904311, 2285, 2110904)
    extracted = 1198764 if v4 else 2101337
    box, bin_box = (448, 224) if v4 else (384, 192)
    psize = round(mic_psize * box / bin_box, 4)  # the Fourier-cropped particles' pixel size
    classes_2d = split(extracted, (9, 7, 7, 6, 5, 5, 4, 4, 3, 3, 2, 1))
    selected = sum(classes_2d[:7])
    template_picks, gpu_mics, gpu_extracted = (1876050, 1102, 1861442) if v4 else (3350118, 2288, 3322016)
    gpu_box, small_box = (400, 200) if v4 else (360, 180)
    symmetry, copies = ("C4", 4) if v4 else ("C3", 3)
    latent_dims = 2 if v4 else 3
    var_modes = 3 if v4 else 4
    acquisition = mscope(300.0, 2.7, dose)
    mics = dict(layout=layout, exposure_count=movies, psize_A=mic_psize)
    particle_ctf = {**CTF_VALUES, "location/micrograph_psize_A": mic_psize}
    refined = dict(layout=layout, box=bin_box, psize_A=psize, particle_count=selected)
    return [
        JobFixture("J1", "import_movies", layout=layout, exposure_count=movies, psize_A=raw_psize,
                   title="Import Movies", values=acquisition, disk_bytes=4_718_592,
                   params_set={"blob_paths": f"/bulk4/raw/{'glur2' if v4 else 'glur2_eer'}/*.tif",
                               "psize_A": raw_psize, "accel_kv": 300, "cs_mm": 2.7, "total_dose_e_per_A2": dose}),
        JobFixture("J2", "patch_motion_correction_multi", **mics, title="Patch Motion Correction",
                   parents=(("movies", "J1", "imported_movies"),), values={**acquisition, "movie_blob/psize_A": raw_psize},
                   params_set={"output_fcrop_factor": 0.5}, disk_bytes=movies * 34_603_008),
        JobFixture("J3", "patch_ctf_estimation_multi", **mics, title="Patch CTF Estimation",
                   parents=(("exposures", "J2", "micrographs"),), values={**acquisition, **CTF_VALUES},
                   disk_bytes=movies * 1_310_720),
        JobFixture("J4", "curate_exposures_v2", **mics, title="Manually Curate Exposures",
                   parents=(("exposures", "J3", "exposures"),), values=CTF_VALUES, disk_bytes=2_883_584,
                   counts={"exposures_accepted": accepted, "exposures_rejected": rejected}),
        JobFixture("J5", "blob_picker_gpu", layout=layout, exposure_count=accepted, psize_A=mic_psize,
                   particle_count=blob_picks, title="Blob Picker", values={**PICKS, **CTF_VALUES},
                   parents=(("micrographs", "J4", "exposures_accepted"),), disk_bytes=412_090_368,
                   params_set={"diameter": 100, "diameter_max": 160} if v4 else {"diameter": 120, "diameter_max": 180}),
        JobFixture("J6", "inspect_picks_v2", layout=layout, exposure_count=inspected_mics, psize_A=mic_psize,
                   particle_count=inspected, title="Inspect Particle Picks", values={**PICKS, **CTF_VALUES},
                   parents=(("micrographs", "J5", "micrographs"), ("particles", "J5", "particles")),
                   disk_bytes=88_211_456),
        JobFixture("J7", "extract_micrographs_cpu_parallel", layout=layout, exposure_count=inspected_mics,
                   psize_A=psize, box=bin_box, particle_count=extracted, title="Extract From Micrographs (CPU)",
                   parents=(("micrographs", "J6", "micrographs"), ("particles", "J6", "particles")),
                   values={**PICKS, **particle_ctf, "blob/path": paths("J7/extract/{i:06d}_patch_aligned_doseweighted"
                                                                        "_particles.mrc")},
                   params_set={"box_size_pix": box, "bin_size_pix": bin_box, "compute_num_cores": 16},
                   disk_bytes=extracted * bin_box * bin_box * 4 + 61_440),
        JobFixture("J8", "class_2D_new", layout=layout, box=bin_box, psize_A=psize, particle_count=extracted,
                   class_counts=classes_2d, class_res_A=tuple(round(6.1 + 1.9 * k, 2) for k in range(12)),
                   iteration=19, title="2D Classification", parents=(("particles", "J7", "particles"),),
                   params_set={"class2D_K": 12}, values=particle_ctf, disk_bytes=1_966_080_000),
        JobFixture("J9", "select_2D", layout=layout, psize_A=psize, box=bin_box, title="Select 2D Classes",
                   parents=(("particles", "J8", "particles"), ("templates", "J8", "class_averages")),
                   counts={"particles_selected": selected, "particles_excluded": extracted - selected,
                           "templates_selected": 7, "templates_excluded": 5},
                   values={**particle_ctf, "blob/res_A": uniform(6.1, 27.0)},
                   disk_bytes=129_236_992),
        JobFixture("J10", "template_picker_gpu", layout=layout, exposure_count=accepted, psize_A=mic_psize,
                   particle_count=template_picks, title="Template Picker", values={**PICKS, **CTF_VALUES},
                   parents=(("micrographs", "J4", "exposures_accepted"), ("templates", "J9", "templates_selected")),
                   params_set={"diameter": 140 if v4 else 160}, disk_bytes=498_073_600),
        JobFixture("J11", "extract_micrographs_multi", layout=layout, exposure_count=gpu_mics, psize_A=mic_psize,
                   box=gpu_box, particle_count=gpu_extracted, title="Extract From Micrographs (GPU)",
                   parents=(("micrographs", "J10", "micrographs"), ("particles", "J10", "particles")),
                   values={**PICKS, **particle_ctf, "blob/path": paths("J11/extract/{i:06d}_particles.mrc")},
                   params_set={"box_size_pix": gpu_box}, disk_bytes=gpu_extracted * gpu_box * gpu_box * 2),
        JobFixture("J12", "downsample_particles", layout=layout, box=small_box, psize_A=mic_psize * 2,
                   particle_count=gpu_extracted, title="Downsample Particles", values=particle_ctf,
                   parents=(("particles", "J11", "particles"),), disk_bytes=gpu_extracted * small_box * small_box * 4),
        JobFixture("J13", "restack_particles", layout=layout, box=small_box, psize_A=mic_psize * 2,
                   particle_count=gpu_extracted, title="Restack Particles", values=particle_ctf,
                   parents=(("particles", "J12", "particles"),), disk_bytes=gpu_extracted * small_box * small_box * 4),
        JobFixture("J14", "filament_tracer_gpu", layout=layout, exposure_count=accepted, psize_A=mic_psize,
                   particle_count=402118 if v4 else 655240, title="Filament Tracer", values={**PICKS, **CTF_VALUES},
                   parents=(("micrographs", "J4", "exposures_accepted"),), disk_bytes=151_519_232,
                   params_set={"filament_diameter": 120, "diameter": 44, "diameter_max": 196} if v4
                   else {"filament_diameter": 90, "diameter": 40, "diameter_max": 140}),
        JobFixture("J15", "topaz_extract", layout=layout, exposure_count=accepted, psize_A=mic_psize,
                   particle_count=1402337 if v4 else 2566412, title="Topaz Extract", values={**PICKS, **CTF_VALUES},
                   parents=(("micrographs", "J4", "exposures_accepted"),), disk_bytes=301_989_888,
                   params_set={"pretrained": True, "radius": 8 if v4 else 7}),
        JobFixture("J16", "homo_abinit", **refined, class_counts=split(selected, (5, 3, 2)),
                   title="Ab-Initio Reconstruction", parents=(("particles", "J9", "particles_selected"),),
                   params_set={"abinit_K": 3}, values=particle_ctf, disk_bytes=734_003_200),
        JobFixture("J17", "nonuniform_refine_new", **refined, iteration=11, gsfsc_A=3.1204 if v4 else 2.9517,
                   guinier_bfactor=-112.6 if v4 else -98.3, cfar=None if v4 else 0.71, title="Non-uniform Refinement",
                   parents=(("particles", "J9", "particles_selected"), ("volume", "J16", "volume_class_0")),
                   values=particle_ctf, disk_bytes=5_872_025_600),
        JobFixture("J18", "var_3D", **refined, title="3D Variability", values=particle_ctf,
                   parents=(("particles", "J17", "particles"), ("mask", "J17", "mask")),
                   counts={"components": var_modes}, disk_bytes=2_248_146_944,
                   params_set={"var_K": var_modes, "var_filter_res": 6 if v4 else 5}),
        JobFixture("J19", "var_3D_disp", **refined, title="3D Variability Display",
                   parents=(("particles", "J18", "particles"), ("volume", "J18", "volume")),
                   values={"series/path": paths("J19/J19_component_{i:03d}.zip")}, disk_bytes=1_835_008_000,
                   params_set={"var_output_mode": "simple", "var_num_frames": 20} if v4
                   else {"var_output_mode": "cluster", "var_num_frames": 10, "var_filter_res": 5}),
        JobFixture("J20", "flex_prep", layout=layout, box=128, psize_A=round(psize * bin_box / 128, 4),
                   particle_count=selected, title="3D Flex Data Prep", values=particle_ctf,
                   parents=(("particles", "J17", "particles"), ("volume", "J17", "volume")),
                   disk_bytes=selected * 128 * 128 * 4),
        JobFixture("J21", "flex_meshprep", layout=layout, box=128, psize_A=round(psize * bin_box / 128, 4),
                   title="3D Flex Mesh Prep", values={"mesh/path": paths("J21/J21_mesh.pkl")},
                   parents=(("volume", "J20", "volume"), ("mask", "J17", "mask")), disk_bytes=26_214_400),
        JobFixture("J22", "flex_train", layout=layout, box=128, psize_A=round(psize * bin_box / 128, 4),
                   particle_count=selected, title="3D Flex Training", counts={"components": latent_dims},
                   values={**particle_ctf, "model/path": paths("J22/J22_train_checkpoint_final.tar")},
                   parents=(("particles", "J20", "particles"), ("flex_mesh", "J21", "flex_mesh")),
                   params_set={"flex_K": latent_dims}, disk_bytes=1_258_291_200),
        JobFixture("J23", "flex_highres", **refined, gsfsc_A=3.2791 if v4 else 3.0186, title="3D Flex Reconstruction",
                   parents=(("particles", "J17", "particles"), ("flex_model", "J22", "flex_model")),
                   values=particle_ctf, disk_bytes=3_145_728_000),
        JobFixture("J24", "sym_expand", layout=layout, box=bin_box, psize_A=psize, particle_count=selected * copies,
                   title="Symmetry Expansion", parents=(("particles", "J17", "particles"),),
                   values={**particle_ctf, "sym_expand/symmetry": symmetry, "sym_expand/idx": cycle(copies)},
                   params_set={"sym_symmetry": symmetry}, disk_bytes=selected * copies * 264),
        JobFixture("J25", "particle_subtract", layout=layout, box=bin_box, psize_A=psize,
                   particle_count=selected * copies, title="Particle Subtraction", values=particle_ctf,
                   parents=(("particles", "J24", "particles"), ("volume", "J17", "volume"), ("mask", "J17", "mask")),
                   params_set={"mask_threshold": 0.15} if v4 else {}, disk_bytes=selected * copies * bin_box**2 * 4),
        JobFixture("J26", "ctf_refine_global", **refined, title="Global CTF Refinement", values=particle_ctf,
                   parents=(("particles", "J17", "particles"), ("volume", "J17", "volume"), ("mask", "J17", "mask")),
                   params_set={"crg_do_spherical": True} if v4 else {"crg_do_tetrafoil": True, "crg_min_res_A": 8},
                   disk_bytes=196_083_712),
        JobFixture("J27", "ctf_refine_local", **refined, title="Local CTF Refinement", values=particle_ctf,
                   parents=(("particles", "J26", "particles"), ("volume", "J17", "volume"), ("mask", "J17", "mask")),
                   params_set={"crl_df_range": 1500} if v4 else {"crl_df_range": 1000, "crl_min_res_A": 15},
                   disk_bytes=171_966_464),
        JobFixture("J28", "reference_motion_correction", **refined, title="Reference Based Motion Correction",
                   values=particle_ctf, disk_bytes=selected * bin_box * bin_box * 4,
                   parents=(("particles", "J17", "particles"), ("volume", "J17", "volume"), ("mask", "J17", "mask"))),
        JobFixture("J29", "rigid_motion_correction_multi", **mics, title="Full-frame Motion Correction",
                   parents=(("movies", "J1", "imported_movies"),), values={**acquisition, "movie_blob/psize_A": raw_psize},
                   disk_bytes=movies * 33_554_432),
        JobFixture("J30", "local_motion_correction_multi", layout=layout, box=bin_box, psize_A=psize,
                   particle_count=extracted, title="Local Motion Correction", values=particle_ctf,
                   parents=(("particles", "J7", "particles"), ("micrographs", "J2", "micrographs")),
                   disk_bytes=extracted * bin_box * bin_box * 4),
        JobFixture("J31", "import_particles", layout=layout, box=256, psize_A=1.06, particle_count=250000 if v4 else 180000,
                   title="Import Particle Stack", disk_bytes=8_192_000,
                   params_set={"particle_meta_path": "/bulk4/relion/Extract/job012/particles.star",
                               "particle_blob_path": "/bulk4/relion/Extract/job012/Movies", "psize_A": 1.06,
                               "accel_kv": 300, "cs_mm": 2.7}),
        JobFixture("J32", "import_volumes", layout=layout, box=bin_box, psize_A=psize, title="Import 3D Volumes",
                   counts={"volumes": 3 if v4 else 2}, disk_bytes=3 * bin_box**3 * 4 if v4 else 2 * bin_box**3 * 4,
                   params_set={"volume_blob_path": "/bulk4/maps/series/*.mrc", "volume_psize": psize}),
        JobFixture("J33", "snowflake", layout=layout, box=bin_box, psize_A=psize, particle_count=selected,
                   title="Combined particles", parents=(("particles_1", "J9", "particles_selected"),),
                   values=particle_ctf, disk_bytes=37_748_736),
        JobFixture("J34", "var_3D", **refined, status="failed", title="3D Variability (failed)",
                   parents=(("particles", "J17", "particles"), ("mask", "J17", "mask")), counts={"components": 6},
                   params_set={"var_K": 6}, disk_bytes=20_480),
    ]


WORKFLOW_PROJECTS: dict[str, ProjectFixture] = {
    "P35": ProjectFixture("P35", "v4 workflow", _workflow_jobs("v4"), dirname="CS-glur2-workflow"),
    "P455": ProjectFixture("P455", "v5 workflow", _workflow_jobs("v5"), dirname="CS-glur2-workflow-v5"),
}


def make_workflow_projects(root: Path, variant: Variant = AS_SHIPPED) -> dict[str, Path]:
    """Write every workflow project under root; returns puid -> project directory."""
    return {puid: make_project(root, p.puid, p.title, p.jobs, p.dirname, variant)
            for puid, p in WORKFLOW_PROJECTS.items()}


def workflow_job(puid: str, juid: str) -> JobFixture:
    return next(job for job in WORKFLOW_PROJECTS[puid].jobs if job.uid == juid)

