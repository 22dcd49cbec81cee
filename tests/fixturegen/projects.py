"""Project folders shaped like CryoSPARC's, and the reference projects.

A project folder holds `project.json` and one folder per job with its
`job.json` (one line, or indented: CryoSPARC writes both), the final metafile
of each output result and a `.csg` file per output. The maps themselves
(.mrc) are not written.

A Variant writes the same projects in another shape real CryoSPARC files take:
indented job.json, NaN/Infinity in the summary statistics, one shared volume
.cs, or the documents of CryoSPARC 4.0 to 4.2. Whatever the variant, a spec
must read the same facts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .datasets import write_datasets
from .documents import project_doc, v4_job_doc, v5_job_doc

DEFAULT_VERSIONS = {"v4": "v4.7.1", "v5": "v5.0.3"}


@dataclass(frozen=True)
class JobFixture:
    uid: str
    job_type: str
    layout: str = "v4"  # "v4" | "v5": which job document generation to write
    version: str = ""  # CryoSPARC version that ran the job; default by layout
    status: str = "completed"  # "completed" | "failed"
    box: int = 0
    psize_A: float = 0.0
    particle_count: int = 0
    iteration: int | None = None  # final iteration in file names (J180_009_...); None: no number
    params_set: dict[str, Any] = field(default_factory=dict)  # only what the user set
    gsfsc_A: float | None = None
    cfar: float | None = None
    guinier_bfactor: float | None = None
    title: str = ""
    parents: tuple[tuple[str, str, str], ...] = ()  # (input name, parent job uid, parent output name)
    # slots of a connection taken from another job: (input name, slot name, job uid, output name)
    slot_sources: tuple[tuple[str, str, str, str], ...] = ()
    volume_uid: int | None = None  # `uid` of the volume dataset's row; derived when None
    exposure_count: int = 0  # items of an import_movies / patch_ctf_estimation_multi output
    class_counts: tuple[int, ...] = ()  # particles in each class of a 2D/3D classification or ab-initio
    class_res_A: tuple[float, ...] = ()  # resolution of each class, where the job reports one
    # dataset column values that differ from the generic ones: "ctf/df1_A" -> a value, or a function
    # (rng, dataset) -> column, called in field order
    values: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)  # latest_summary_stats keys the job adds (helical, locres)
    job_json: str = "compact"  # "compact": one line; "indented": 4 spaces, extended JSON over several lines
    volume_files: str = "per-result"  # "per-result": a .cs per volume result; "shared": one J<N>_<iter>_volume.cs
    nonfinite_stats: bool = False  # NaN and Infinity tokens in the volume's summary statistics (no spec reads them)
    version_created: str = ""  # CryoSPARC version that created the job; default: `version`
    last_dumped_version: str = ""  # v5: the version that last wrote the document; default: `version`
    curve_names: str = ""  # "v4" | "v5": the FSC curves' names (fsc.CURVES); default: the layout's
    fsc_dicts: str = ""  # which FSC dicts the statistics hold (fsc.DICTS); default: those of the version
    dates: str = ""  # how dates are written: v4 "epoch" | "number-long", v5 "offset" | "naive"; default: as written
    disk_bytes: int = 0  # job_dir_size: what CryoSPARC last measured of the job's directory (0: not measured)
    counts: dict[str, int] = field(default_factory=dict)  # items of named outputs the fields above do not describe
    # what declares the job type's inputs, outputs and parameters in place of the shared tables (documents.py
    # INPUTS, outputs.job_outputs, params.py): an object with inputs, outputs, params and sections by name
    # (workflow_types.WORKFLOW), so that a project's declarations never depend on what another module registered
    declarations: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "version", self.version or DEFAULT_VERSIONS[self.layout])

    @property
    def uid_num(self) -> int:
        return int(self.uid[1:])


@dataclass(frozen=True)
class Variant:
    """A shape of real CryoSPARC files, applied to every job of a project."""

    name: str
    job_json: str = "compact"
    volume_files: str = "per-result"
    nonfinite_stats: bool = False
    v4_version: str | None = None  # e.g. "v4.2.1": the v4 jobs as that version wrote them
    version_suffix: str = ""  # e.g. "-cuda12+250814": what real instances write after the release number
    # e.g. "v4.7.1": the v5 jobs are jobs that version last ran, on an instance since upgraded to v5 (the v5 Job
    # keeps version, version_created and last_dumped_version apart); their statistics keep the v4 curve names
    upgraded_from: str | None = None
    v4_curve_names: str | None = None  # "v5": the v4 jobs' statistics under the v5 names (documents seen in 2026)
    v4_fsc_dicts: str | None = None  # which FSC dicts the v4 jobs' statistics hold (fixturegen.fsc.DICTS)
    dates: tuple = ()  # (layout, how dates are written: JobFixture.dates) pairs

    def apply(self, job: JobFixture) -> JobFixture:
        changes: dict[str, Any] = {}
        if job.layout == "v4":
            changes = {"version": self.v4_version or job.version, "curve_names": self.v4_curve_names or "",
                       "fsc_dicts": self.v4_fsc_dicts or ""}
        elif self.upgraded_from:
            changes = {"version": self.upgraded_from, "version_created": self.upgraded_from,
                       "last_dumped_version": job.version, "curve_names": "v4"}
        changes["version"] = changes.get("version", job.version) + self.version_suffix
        return replace(job, **changes, job_json=self.job_json, volume_files=self.volume_files,
                       nonfinite_stats=self.nonfinite_stats, dates=dict(self.dates).get(job.layout, ""))


AS_SHIPPED = Variant("as-shipped")
VARIANTS = {variant.name: variant for variant in (
    AS_SHIPPED,
    Variant("indented", job_json="indented", nonfinite_stats=True),
    Variant("shared-volume", volume_files="shared", nonfinite_stats=True),
    Variant("indented-shared", job_json="indented", volume_files="shared"),
    # after an upgrade to v5: the v5 jobs were last run by v4.7.1 (a CUDA 12 build); the v4 jobs' dates in
    # epoch milliseconds, the v5 jobs' with an offset
    Variant("upgraded", version_suffix="-cuda12+250814", upgraded_from="v4.7.1",
            dates=(("v4", "epoch"), ("v5", "offset"))),
    # CryoSPARC 4.0-4.2 documents whose last summary_stats hold only fsc_info and fsc_info_autotight
    Variant("older-autotight", job_json="indented", v4_version="v4.2.1", version_suffix="+230227",
            v4_fsc_dicts="autotight", dates=(("v4", "number-long"), ("v5", "naive"))),
    # v4-shaped documents seen in 2026: one fsc_info, the curves under the v5 names
    Variant("v4-renamed", volume_files="shared", v4_curve_names="v5", v4_fsc_dicts="single"),
)}


@dataclass
class ProjectFixture:
    puid: str
    title: str
    jobs: list[JobFixture]
    dirname: str | None = None


def _write_json(path: Path, doc: dict[str, Any], style: str = "compact") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f, indent=4 if style == "indented" else None)


def make_project(root: Path, puid: str, title: str, jobs: list[JobFixture], dirname: str | None = None,
                 variant: Variant = AS_SHIPPED) -> Path:
    """Write `<root>/<dirname or puid>/` with project.json and every job's folder, in the variant's shape."""
    jobs = [variant.apply(job) for job in jobs]
    layouts = {job.layout for job in jobs}
    if len(layouts) != 1:
        raise ValueError(f"{puid}: jobs of one project share a layout, got {sorted(layouts)}")
    project_dir = Path(root) / (dirname or puid)
    _write_json(project_dir / "project.json", project_doc(puid, title, dirname or puid, jobs), variant.job_json)
    for job in jobs:
        doc = v4_job_doc(job, puid) if job.layout == "v4" else v5_job_doc(job, puid)
        _write_json(project_dir / job.uid / "job.json", doc, job.job_json)
        write_datasets(job, puid, project_dir)
    return project_dir


def _refinement(uid: str, job_type: str, **kw: Any) -> JobFixture:
    parents = (("particles", "J170", "particles"), ("volume", "J165", "volume"))
    if job_type == "new_local_refine":
        parents += (("mask", "J172", "mask"),)
    return JobFixture(uid, job_type, parents=kw.pop("parents", parents), **kw)


P30_MAPS = dict(layout="v4", box=350, psize_A=0.9681428670883179)
P446_MAPS = dict(layout="v5", box=348, psize_A=1.2432949542999268)
P30_MOVIES = dict(layout="v4", exposure_count=8, psize_A=0.4840714335441589)
P446_MOVIES = dict(layout="v5", exposure_count=8, psize_A=0.6216474771499634)

P30_JOBS = [
    JobFixture("J1", "import_movies", **P30_MOVIES, title="Import Movies",
               params_set={"blob_paths": "/bulk1/data/raw/gastric_pump/*.tif", "psize_A": 0.4840714335441589,
                           "accel_kv": 300, "cs_mm": 2.7, "total_dose_e_per_A2": 60}),
    JobFixture("J2", "patch_ctf_estimation_multi", **P30_MOVIES, title="Patch CTF Estimation",
               parents=(("exposures", "J1", "imported_movies"),)),
    _refinement("J180", "nonuniform_refine_new", **P30_MAPS, particle_count=656974, iteration=9,
                gsfsc_A=2.2814612388610840, guinier_bfactor=-78.3, title="Non-uniform Refinement",
                volume_uid=802514353316584297, params_set={"refine_num_final_iterations": 1}),
    _refinement("J181", "homo_refine_new", **P30_MAPS, particle_count=656974, iteration=7,
                gsfsc_A=2.6035172939300537, guinier_bfactor=-91.7, title="Homogeneous Refinement C2",
                params_set={"refine_symmetry": "C2", "refine_defocus_refine": True, "refine_ctf_global_refine": True}),
    JobFixture("J182", "homo_reconstruct", **P30_MAPS, particle_count=656974, gsfsc_A=2.3190743923187256,
               guinier_bfactor=-80.2, title="Homogeneous Reconstruction Only",
               parents=(("particles", "J180", "particles"),)),
    _refinement("J183", "new_local_refine", **P30_MAPS, particle_count=656974, iteration=12,
                gsfsc_A=2.7412354946136475, guinier_bfactor=-95.4, title="Local Refinement TM domain",
                params_set={"use_alignment_prior": True, "refine_relax_symmetry": "none"}),
    _refinement("J184", "nonuniform_refine_new", **P30_MAPS, status="failed", particle_count=656974,
                iteration=4, title="Non-uniform Refinement (failed)", params_set={"compute_use_ssd": False}),
]

P446_JOBS = [
    JobFixture("J1", "import_movies", **P446_MOVIES, title="Import Movies",
               params_set={"blob_paths": "/bulk2/raw/transporter/*.eer", "psize_A": 0.6216474771499634,
                           "accel_kv": 300, "cs_mm": 2.7, "total_dose_e_per_A2": 50}),
    _refinement("J66", "homo_refine_new", **P446_MAPS, particle_count=512003, iteration=6,
                gsfsc_A=3.0527474880218506, cfar=0.71, guinier_bfactor=-104.6, title="Homogeneous Refinement C3",
                params_set={"refine_symmetry": "C3"}),
    _refinement("J329", "nonuniform_refine_new", **P446_MAPS, particle_count=440847, iteration=8,
                gsfsc_A=2.522837574905974, cfar=0.8075670003890991, guinier_bfactor=-82.71,
                title="Non-uniform Refinement", params_set={"refine_gs_resplit": False}),
    JobFixture("J330", "homo_reconstruct", **P446_MAPS, particle_count=440847, gsfsc_A=2.5731523036956787,
               cfar=0.79, guinier_bfactor=-88.0, title="Homogeneous Reconstruction Only",
               parents=(("particles", "J329", "particles"),)),
    _refinement("J331", "new_local_refine", **P446_MAPS, particle_count=440847, iteration=10,
                gsfsc_A=2.98104190826416, cfar=0.74, guinier_bfactor=-97.2, title="Local Refinement",
                params_set={"refine_symmetry": "C3", "refine_relax_symmetry": "marginalization"}),
    _refinement("J332", "nonuniform_refine_new", **P446_MAPS, status="failed", particle_count=440847,
                iteration=2, title="Non-uniform Refinement (failed)"),
]

# The jobs of CryoSPARC's example notebooks, P30/J180 (v4.7.1) and P446/J329
# and J66 (v5.0.3), with neighbours of other types and a failed refinement.
REFERENCE_PROJECTS: dict[str, ProjectFixture] = {
    "P30": ProjectFixture("P30", "Gastric proton pump automation", P30_JOBS,
                          dirname="CS-ks-gastric-proton-pump-automation"),
    "P446": ProjectFixture("P446", "Transporter in nanodiscs", P446_JOBS, dirname="CS-transporter-nanodiscs"),
}


def make_reference_projects(root: Path, variant: Variant = AS_SHIPPED) -> dict[str, Path]:
    """Write every reference project under root; returns puid -> project directory."""
    return {
        puid: make_project(root, p.puid, p.title, p.jobs, p.dirname, variant) for puid, p in REFERENCE_PROJECTS.items()
    }
