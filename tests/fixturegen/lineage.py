"""The lineage projects: one job graph from two merged imports to refined maps,
as CryoSPARC v4.7.1 documents (P32) and as v5.0.3 (P449), for related jobs
and the cryo-EM Table 1.

    J1 import_movies ─┐
    J2 import_movies ─┴─ J3 patch_motion_correction_multi ── J4 patch_ctf_estimation_multi
      ── J5 blob_picker_gpu ── J6 extract_micrographs_multi (micrographs from J4, particles from J5)
      ── J7 class_2D_new ── J8 select_2D ─┬─ J9 homo_abinit
                                          ├─ J10 nonuniform_refine_new (volume from J9) ── J11 local_resolution
                                          └─ J12 homo_refine_new (volume from J9; no local resolution)
    J13 homo_reconstruct: particles from J14 (deleted: no folder) and J15 (a job of project P29)
    J17 homo_reconstruct <-> J18 homo_reconstruct: each the other's particles (a cycle)

The exposures' defocus and CTF fit are fixed, not random, so that a Table 1
has values a test can write down. The maps of J10, J12 and J13 are real MRC
files written with mrcfile, sparse (the header and a hole: a few KB on disk
for a 256^3 map); J13's half map B has another box and its auto FSC mask is
missing, for `csx check`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .datasets import write_datasets
from .documents import INPUTS, MICROGRAPH_SLOTS, InputSpec, project_doc, v4_job_doc, v5_job_doc
from .fields import TITLES
from .outputs import PARTICLE_PASSTHROUGH, Group, _iterated
from .outputs_pipeline import PIPELINE_OUTPUTS, _passthrough
from .params import COMPUTE, Param
from .params_pipeline import PIPELINE_PARAMS, SECTIONS
from .pipeline import mscope
from .projects import JobFixture, _write_json

P = Param

# --- the job types this graph adds to the pipeline's ----------------------------------------------------------

TITLES.update({"location": "Particle locations", "pick_stats": "Picking statistics"})
PICK_SLOTS = [("location", "particle.location", True), ("pick_stats", "particle.pick_stats", False)]
SECTIONS.update({"blob_picker": "Blob Picker", "extract": "Particle Extraction", "select2D": "Select 2D Classes"})
PIPELINE_PARAMS.update({
    "blob_picker_gpu": [
        P("diameter", "number", None, "Minimum particle diameter (A)", "Smallest particle diameter to pick.",
          "blob_picker"),
        P("diameter_max", "number", None, "Maximum particle diameter (A)", "Largest particle diameter to pick.",
          "blob_picker"),
        P("use_circle", "boolean", True, "Use circular blob", "Pick with a circular blob.", "blob_picker"),
        P("min_distance", "number", 1.0, "Min. separation dist (diameters)",
          "Minimum distance between picks, in units of the particle diameter.", "blob_picker"),
        P("max_num_hits", "number", 4000, "Number of mics to process", "Picks kept per micrograph at most.",
          "blob_picker", advanced=True),
    ] + COMPUTE,
    "extract_micrographs_multi": [
        P("box_size_pix", "number", 256, "Extraction box size (pix)", "Box size of the extracted particles.",
          "extract"),
        P("bin_size_pix", "number", None, "Fourier-crop to box size (pix)",
          "Box size after Fourier cropping; none keeps the extraction box.", "extract"),
        P("recenter_using_shifts", "boolean", True, "Recenter using aligned shifts",
          "Recenter particles on the shifts of an alignment.", "extract"),
        P("output_f16", "boolean", False, "Save results in 16-bit floating point",
          "Write the particle stacks as float16.", "extract"),
        P("flip_x", "boolean", False, "Flip mic. in x before extract", "Flip the micrographs in x.", "extract",
          advanced=True),
    ] + COMPUTE,
    "select_2D": [
        P("class_sort_by", "enum", "num_particles", "Sort classes by", "The order the classes are shown in.",
          "select2D", enum=("num_particles", "res_A", "ecaAng")),
        P("auto_select", "boolean", False, "Auto-select classes", "Select classes by thresholds.", "select2D"),
    ],
})
INPUTS.update({
    "blob_picker_gpu": [InputSpec("micrographs", "exposure", "Micrographs", 1, "inf",
                                  MICROGRAPH_SLOTS + [("ctf", "exposure.ctf", False)])],
    "extract_micrographs_multi": [
        InputSpec("micrographs", "exposure", "Micrographs", 1, "inf", MICROGRAPH_SLOTS),
        InputSpec("particles", "particle", "Particles", 1, "inf", PICK_SLOTS),
    ],
    "select_2D": [
        InputSpec("particles", "particle", "Particles", 1, "inf",
                  [("blob", "particle.blob", True), ("alignments2D", "particle.alignments2D", True)]),
        InputSpec("templates", "template", "2D class averages", 1, 1, [("blob", "template.blob", True)]),
    ],
})


def _picker_outputs(job: JobFixture) -> list[Group]:
    n = job.particle_count
    own = [_iterated(job, name, f"particle.{name}", "particles", n) for name in ("location", "pick_stats")]
    return [Group("particles", "particle", "Particles", n, own)]


def _extract_outputs(job: JobFixture) -> list[Group]:
    n = job.particle_count
    own = [_iterated(job, name, f"particle.{name}", "particles", n) for name in ("blob", "ctf", "location")]
    passed = _passthrough(job, ("pick_stats",), "particle", "particles", "particles", n)
    return [Group("particles", "particle", "Extracted particles", n, own + passed, passthrough_input="particles")]


def _select_outputs(job: JobFixture) -> list[Group]:
    """class_counts are the input's classes, every other one kept; particle_count what they hold."""
    selected, total = job.particle_count, sum(job.class_counts)
    groups = []
    for name, count in (("particles_selected", selected), ("particles_excluded", total - selected)):
        passed = _passthrough(job, ("alignments2D",) + PARTICLE_PASSTHROUGH[:2] + ("location",), "particle", name,
                              "particles", count)
        groups.append(Group(name, "particle", name.replace("_", " ").capitalize(), count, passed,
                            passthrough_input="particles"))
    return groups


PIPELINE_OUTPUTS.update({"blob_picker_gpu": _picker_outputs, "extract_micrographs_multi": _extract_outputs,
                         "select_2D": _select_outputs})

# --- the graph ------------------------------------------------------------------------------------------------


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


def lineage_jobs(layout: str) -> list[JobFixture]:
    v4 = layout == "v4"
    # v4: two sessions on one microscope, different doses; v5: a 300 kV and a 200 kV dataset merged
    second_kv, second_dose = (300.0, 52.5) if v4 else (200.0, 50.0)
    movies = [(40, 300.0, 50.0, "session1/*.tif"), (23, second_kv, second_dose, "session2/*.tif")]
    exposures = sum(n for n, *_ in movies)
    raw_psize, psize = 0.415, 0.83
    picked = 1412870 if v4 else 1523306
    class2d = (180512, 244077, 98310, 301455, 122830, 351227) if v4 else (210377, 302114, 275903, 413980, 199503)
    extracted, selected = sum(class2d), sum(class2d[1::2])  # every other class kept
    abinit = (411020, selected - 411020) if v4 else (398112, selected - 398112)
    maps = dict(layout=layout, box=256, psize_A=psize)
    jobs = [
        JobFixture(f"J{k + 1}", "import_movies", layout=layout, exposure_count=n, psize_A=raw_psize,
                   title=f"Import Movies ({path.split('/')[0]})", values=mscope(kv, 2.7, dose),
                   params_set={"blob_paths": f"/bulk4/raw/nav1_7/{path}", "psize_A": raw_psize, "accel_kv": kv,
                               "cs_mm": 2.7, "total_dose_e_per_A2": dose})
        for k, (n, kv, dose, path) in enumerate(movies)
    ]
    jobs += [
        JobFixture("J3", "patch_motion_correction_multi", layout=layout, exposure_count=exposures, psize_A=psize,
                   title="Patch Motion Correction", parents=(("movies", "J1", "imported_movies"),
                                                             ("movies", "J2", "imported_movies")),
                   params_set={"output_fcrop_factor": 0.5}),
        JobFixture("J4", "patch_ctf_estimation_multi", layout=layout, exposure_count=exposures, psize_A=psize,
                   title="Patch CTF Estimation", parents=(("exposures", "J3", "micrographs"),), values=FIXED_CTF),
        JobFixture("J5", "blob_picker_gpu", layout=layout, particle_count=picked, psize_A=psize, title="Blob Picker",
                   parents=(("micrographs", "J4", "exposures"),), params_set={"diameter": 90, "diameter_max": 140}),
        JobFixture("J6", "extract_micrographs_multi", layout=layout, particle_count=extracted, box=256, psize_A=psize,
                   title="Extract From Micrographs", parents=(("micrographs", "J4", "exposures"),
                                                              ("particles", "J5", "particles")),
                   params_set={"box_size_pix": 256}),
        JobFixture("J7", "class_2D_new", layout=layout, particle_count=extracted, box=256, psize_A=psize,
                   class_counts=class2d, class_res_A=tuple(round(4.9 + 0.8 * k, 2) for k in range(len(class2d))),
                   iteration=19, title="2D Classification", parents=(("particles", "J6", "particles"),),
                   params_set={"class2D_K": len(class2d)}),
        JobFixture("J8", "select_2D", layout=layout, particle_count=selected, box=256, psize_A=psize,
                   class_counts=class2d, title="Select 2D Classes",
                   parents=(("particles", "J7", "particles"), ("templates", "J7", "class_averages"))),
        JobFixture("J9", "homo_abinit", layout=layout, particle_count=sum(abinit), class_counts=abinit, box=128,
                   psize_A=psize * 2, title="Ab-Initio Reconstruction",
                   parents=(("particles", "J8", "particles_selected"),), params_set={"abinit_K": len(abinit)}),
        JobFixture("J10", "nonuniform_refine_new", **maps, particle_count=selected, iteration=11,
                   gsfsc_A=2.87 if v4 else 2.93, guinier_bfactor=-96.4 if v4 else -101.2, cfar=None if v4 else 0.79,
                   title="Non-uniform Refinement",
                   parents=(("particles", "J8", "particles_selected"), ("volume", "J9", "volume_class_0")),
                   params_set={"refine_symmetry": "C4"}),
        JobFixture("J11", "local_resolution", layout=layout, box=256, psize_A=psize,
                   title="Local Resolution Estimation", parents=(("volume", "J10", "volume"),),
                   stats={"locres_min_A": 2.41, "locres_max_A": 6.87, "locres_median_A": 3.02} if v4
                   else {"locres_min_A": 2.55, "locres_max_A": 7.3, "locres_median_A": 3.11}),
        JobFixture("J12", "homo_refine_new", **maps, particle_count=selected, iteration=9,
                   gsfsc_A=3.12 if v4 else 3.18, guinier_bfactor=-112.9 if v4 else -118.6,
                   cfar=None if v4 else 0.74, title="Homogeneous Refinement",
                   parents=(("particles", "J8", "particles_selected"), ("volume", "J9", "volume_class_0")),
                   params_set={"refine_symmetry": "C4"}),
        JobFixture("J13", "homo_reconstruct", **maps, particle_count=412008, gsfsc_A=3.46, guinier_bfactor=-131.0,
                   title="Homogeneous Reconstruction (deleted and foreign parents)",
                   parents=(("particles", "J14", "particles_selected"), ("particles", "J15", "particles_selected"))),
        JobFixture("J15", "select_2D", layout=layout, particle_count=83071, box=256, psize_A=psize,
                   class_counts=(120044, 83071), title="Select 2D Classes (from project P29)",
                   parents=(("particles", "J7", "particles"), ("templates", "J7", "class_averages"))),
        JobFixture("J17", "homo_reconstruct", **maps, particle_count=52110, gsfsc_A=4.8, guinier_bfactor=-150.0,
                   title="Homogeneous Reconstruction (cycle A)", parents=(("particles", "J18", "particles"),)),
        JobFixture("J18", "homo_reconstruct", **maps, particle_count=52110, gsfsc_A=4.9, guinier_bfactor=-152.0,
                   title="Homogeneous Reconstruction (cycle B)", parents=(("particles", "J17", "particles"),)),
    ]
    return jobs


LINEAGE_PROJECTS = {"P32": ("v4", "Nav1.7 lineage"), "P449": ("v5", "Nav1.7 lineage v5")}
FOREIGN = {"J15": "P29"}  # jobs whose document belongs to another project
MAP_JOBS = ("J10", "J12", "J13")  # maps written as MRC files


def _children(jobs: list[JobFixture]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for job in jobs:
        for _, parent, _ in job.parents:
            children.setdefault(parent, [])
            if job.uid not in children[parent]:
                children[parent].append(job.uid)
    return children


def make_lineage_projects(root: Path) -> dict[str, Path]:
    """Write P32 (v4) and P449 (v5) under root; returns puid -> project directory."""
    made = {}
    for puid, (layout, title) in LINEAGE_PROJECTS.items():
        jobs = lineage_jobs(layout)
        project_dir = Path(root) / puid
        _write_json(project_dir / "project.json", project_doc(puid, title, puid, jobs))
        children = _children(jobs)
        for job in jobs:
            owner = FOREIGN.get(job.uid, puid)
            doc = (v4_job_doc if layout == "v4" else v5_job_doc)(job, owner)
            doc["children"] = children.get(job.uid, [])
            _write_json(project_dir / job.uid / "job.json", doc)
            write_datasets(job, owner, project_dir)
        for juid in MAP_JOBS:
            _write_maps(project_dir, juid, broken=juid == "J13")
        made[puid] = project_dir
    return made


def _write_maps(project_dir: Path, juid: str, broken: bool) -> None:
    """An MRC file at every path of the job's volume output, box and pixel size as its dataset says."""
    import mrcfile
    from cryosparc.dataset import Dataset

    doc = json.loads((project_dir / juid / "job.json").read_text())
    results = doc.get("output_results") or doc["spec"]["outputs"]["volume"]["results"]
    metafiles = {r["metafiles"][-1] for r in results if r.get("group_name", "volume") == "volume" and r["metafiles"]}
    for metafile in sorted(metafiles):
        volume = Dataset.load(project_dir / metafile)
        for field in volume.fields():
            if not field.endswith("/path"):
                continue
            name = field.removesuffix("/path")
            if broken and name == "mask_fsc_auto":
                continue
            box = 16 if broken and name == "map_half_B" else int(volume[f"{name}/shape"][0][0])
            path = project_dir / str(volume[field][0])
            with mrcfile.new_mmap(path, shape=(box, box, box), mrc_mode=2, overwrite=True) as mrc:
                mrc.voxel_size = float(volume[f"{name}/psize_A"][0])
