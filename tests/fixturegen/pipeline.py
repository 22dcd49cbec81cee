"""The pipeline projects: a processing pipeline from import to local resolution,
once as CryoSPARC v4.7.1 documents (P31) and once as v5.0.3 (P447), and a job
with a 1,000,000-exposure CTF dataset.

Jobs (the same uids in both projects; P31 adds the older `class_2D` as J11):
J1 import_movies, J2 patch_motion_correction_multi, J3
patch_ctf_estimation_multi, J4 ctf_estimation (CTFFIND4), J5
import_micrographs, J10 class_2D_new, J12 homo_abinit, J13 hetero_refine, J14
class_3D, J15 helix_refine, J16 homo_reconstruct, J17 sharpen, J18
local_resolution.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
from cryosparc.dataset import Dataset

from .datasets import CONSTANTS, _numpy_field, _seed
from .documents import project_doc, v4_job_doc, v5_job_doc
from .outputs import job_outputs
from .projects import AS_SHIPPED, JobFixture, ProjectFixture, Variant, _write_json, make_project


def uniform(low: float, high: float):
    return lambda rng, ds: rng.uniform(low, high, len(ds))


def below(column: str, low: float, high: float):
    """A column a random amount below another: df2 under df1 by the astigmatism."""
    return lambda rng, ds: ds[column] - rng.uniform(low, high, len(ds))


def mscope(kv: float, cs: float, dose: float) -> dict[str, float]:
    return {"mscope_params/accel_kv": kv, "mscope_params/cs_mm": cs, "mscope_params/total_dose_e_per_A2": dose}


CTF_VALUES = {
    "ctf/df1_A": uniform(8000, 26000),
    "ctf/df2_A": below("ctf/df1_A", 30, 900),
    "ctf/df_angle_rad": uniform(0, math.pi),
    "ctf/phase_shift_rad": 0.0,
    "ctf/ctf_fit_to_A": uniform(2.4, 7.5),
}


def _pipeline_jobs(layout: str, raw_psize: float, kv: float, dose: float, mic_kv: float) -> list[JobFixture]:
    """The jobs both pipeline projects share; numbers differ by layout so that a spec reading the wrong
    project's layout cannot pass by accident."""
    v4 = layout == "v4"
    psize = raw_psize * 2  # super-resolution movies, Fourier-cropped by 1/2 in motion correction
    acquisition = mscope(kv, 2.7, dose)
    movies = dict(layout=layout, exposure_count=24 if v4 else 30)
    binned = dict(layout=layout, box=200, psize_A=round(psize * 1.5, 4))
    class2d = (7412, 15873, 3120, 22091, 9876, 1254, 18342, 4033) if v4 else (12001, 8450, 23876, 5012, 16630, 2210)
    abinit = (61234, 48877, 21570) if v4 else (70321, 52018, 30977, 11004)
    hetero = (58210, 23104, 41877, 8490) if v4 else (66150, 38012, 29110)
    class3d = (20311, 18004, 9982, 26541, 7433) if v4 else (15520, 24077, 11834, 19003)
    helical = ({"hsym_order": 13, "helical_rise_A": 9.4612, "helical_twist_deg": -27.6917} if v4
               else {"hsym_order": 14, "helical_rise_A": 8.7931, "helical_twist_deg": -25.7224})
    return [
        JobFixture("J1", "import_movies", **movies, psize_A=raw_psize, title="Import Movies", values=acquisition,
                   params_set={"blob_paths": f"/bulk3/raw/{'kinesin_mt/*.tif' if v4 else 'kinesin_mt_eer/*.eer'}",
                               "gainref_path": "/bulk3/raw/gain/gain_ref.mrc", "psize_A": raw_psize,
                               "accel_kv": kv, "cs_mm": 2.7, "total_dose_e_per_A2": dose}),
        JobFixture("J2", "patch_motion_correction_multi", **movies, psize_A=psize, title="Patch Motion Correction",
                   parents=(("movies", "J1", "imported_movies"),),
                   values={**acquisition, "movie_blob/psize_A": raw_psize},
                   params_set={"output_fcrop_factor": 0.5, "output_f16": True}
                   | ({} if v4 else {"override_total_exp": dose + 2})),
        JobFixture("J3", "patch_ctf_estimation_multi", **movies, psize_A=psize, title="Patch CTF Estimation",
                   parents=(("exposures", "J2", "micrographs"),), values={**acquisition, **CTF_VALUES},
                   params_set={"res_max_align": 3.5}),
        JobFixture("J4", "ctf_estimation", **movies, psize_A=psize, title="CTF Estimation (CTFFIND4)",
                   parents=(("exposures", "J2", "micrographs"),), values={**acquisition, **CTF_VALUES},
                   params_set={"compute_num_cpus": 16}),
        JobFixture("J5", "import_micrographs", layout=layout, exposure_count=10 if v4 else 12, psize_A=1.06,
                   title="Import Micrographs", values=mscope(mic_kv, 2.0, 50.0),
                   params_set={"blob_paths": "/bulk3/raw/apoferritin/*.mrc", "psize_A": 1.06, "accel_kv": mic_kv,
                               "cs_mm": 2.0, "total_dose_e_per_A2": 50}),
        JobFixture("J10", "class_2D_new", **binned, particle_count=sum(class2d), class_counts=class2d,
                   class_res_A=tuple(round(5.8 + 1.37 * k, 2) for k in range(len(class2d))), iteration=19,
                   title="2D Classification", parents=(("particles", "J9", "particles"),),
                   params_set={"class2D_K": len(class2d), "class2D_window_inner_A": 180}),
        JobFixture("J12", "homo_abinit", **binned, particle_count=sum(abinit), class_counts=abinit,
                   title="Ab-Initio Reconstruction", parents=(("particles", "J10", "particles"),),
                   params_set={"abinit_K": len(abinit)}),
        JobFixture("J13", "hetero_refine", **binned, particle_count=sum(hetero), class_counts=hetero,
                   class_res_A=(4.12, 6.85, 3.87, 8.9)[:len(hetero)], iteration=34,
                   title="Heterogeneous Refinement", params_set={"multirefine_force_hard_class": True},
                   parents=(("particles", "J12", "particles_all_classes"),)
                   # as many classes as volumes connected, one of the ab-initio classes twice when it has fewer
                   + tuple(("volume", "J12", f"volume_class_{k % len(abinit)}") for k in range(len(hetero)))),
        JobFixture("J14", "class_3D", **binned, particle_count=sum(class3d), class_counts=class3d,
                   class_res_A=(7.35, 6.9, 9.42, 6.61, 11.8)[:len(class3d)], iteration=20,
                   title="3D Classification", parents=(("particles", "J13", "particles_class_0"),),
                   params_set={"class3D_N_K": len(class3d), "class3D_target_res": 6}),
        JobFixture("J15", "helix_refine", layout=layout, box=320, psize_A=psize, particle_count=98431 if v4 else 87120,
                   iteration=11, gsfsc_A=3.4107 if v4 else 3.2264, guinier_bfactor=-102.4 if v4 else -95.8,
                   cfar=None if v4 else 0.66, title="Helical Refinement",
                   parents=(("particles", "J14", "particles_class_3"), ("volume", "J14", "volume_class_3")),
                   params_set={"helical_twist_est": -27.7, "helical_rise_est": 9.46} if v4
                   else {"helical_twist_est": -25.7, "helical_rise_est": 8.79, "refine_symmetry": "C1"}, stats=helical),
        JobFixture("J16", "homo_reconstruct", **binned, particle_count=hetero[0], gsfsc_A=3.7912 if v4 else 3.6583,
                   guinier_bfactor=-118.0, cfar=None if v4 else 0.72, title="Homogeneous Reconstruction Only",
                   parents=(("particles", "J13", "particles_class_0"),)),
        JobFixture("J17", "sharpen", **binned, title="Sharpening Tools", parents=(("volume", "J16", "volume"),),
                   params_set={"sharp_bfactor": -85 if v4 else -72.5}),
        JobFixture("J18", "local_resolution", **binned, title="Local Resolution Estimation",
                   parents=(("volume", "J16", "volume"),)),
    ]


def _p31_jobs() -> list[JobFixture]:
    jobs = _pipeline_jobs("v4", raw_psize=0.415, kv=300.0, dose=58.6, mic_kv=200.0)
    older = (3301, 5120, 2208, 7764, 1917)
    jobs.insert(6, JobFixture("J11", "class_2D", layout="v4", version="v4.4.1", box=200, psize_A=1.245,
                              particle_count=sum(older), class_counts=older, class_res_A=(9.1, 7.44, 12.6, 6.93, 15.2),
                              iteration=24, title="2D Classification (legacy)",
                              parents=(("particles", "J9", "particles"),), params_set={"class2D_K": len(older)}))
    return jobs


PIPELINE_PROJECTS: dict[str, ProjectFixture] = {
    "P31": ProjectFixture("P31", "v4 pipeline", _p31_jobs()),
    "P447": ProjectFixture("P447", "v5 pipeline", _pipeline_jobs("v5", raw_psize=0.365, kv=300.0, dose=50.0,
                                                                 mic_kv=300.0)),
}


def make_pipeline_projects(root: Path, variant: Variant = AS_SHIPPED) -> dict[str, Path]:
    """Write every pipeline project under root; returns puid -> project directory."""
    return {puid: make_project(root, p.puid, p.title, p.jobs, p.dirname, variant)
            for puid, p in PIPELINE_PROJECTS.items()}


LARGE_CTF_JOB = JobFixture("J1", "patch_ctf_estimation_multi", layout="v5", exposure_count=1_000_000, psize_A=0.83,
                           title="Patch CTF Estimation (1,000,000 exposures)")


def make_large_ctf_job(root: Path, puid: str = "P448", exposures: int = LARGE_CTF_JOB.exposure_count) -> Path:
    """A project whose only job is a patch CTF estimation of 1,000,000 exposures (or `exposures`); returns the
    job directory.

    Only the exposures' own metafile (ctf, ctf_stats) is written, column by column with numpy: the
    120-row writer of datasets.py would take minutes.
    """
    job = LARGE_CTF_JOB
    if exposures != job.exposure_count:
        job = replace(job, exposure_count=exposures, title=f"Patch CTF Estimation ({exposures:,} exposures)")
    project_dir = Path(root) / puid
    _write_json(project_dir / "project.json", project_doc(puid, "Large CTF", puid, [job]))
    _write_json(project_dir / job.uid / "job.json", (v4_job_doc if job.layout == "v4" else v5_job_doc)(job, puid))
    (group,) = job_outputs(job)
    own = [r for r in group.results if not r.passthrough]
    fields = [_numpy_field(r.name, f, spec) for r in own for f, spec in r.fields]
    ds = Dataset.allocate(job.exposure_count, fields)
    rng = np.random.default_rng(_seed(puid, job.uid, "large"))
    ds["uid"][:] = rng.integers(1, 2**63, len(ds), dtype=np.uint64)
    for name, dtype, *_ in fields:
        if dtype == "O":
            field = name.split("/")[1]
            ds[name][:] = CONSTANTS.get(field, f"{job.uid}/ctf_estimation/{field}.mrc")
        elif name in CTF_VALUES:
            value = CTF_VALUES[name]
            ds[name][:] = value(rng, ds) if callable(value) else value
        else:
            ds[name][:] = rng.random(ds[name].shape)
    ds.save(project_dir / own[0].final_metafile)
    return project_dir / job.uid
