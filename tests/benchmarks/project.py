"""A CryoSPARC project of N refinement jobs, as heavy as real ones, in any shape, for the benchmarks.

The jobs come from the fixture generators (tests.fixturegen), each with its
own type, box, pixel size, iterations, resolutions and parameters, so their
records differ. Their job.json files are then filled with what real v4
refinement documents also carry and the fixtures leave empty (per-iteration
`bench` timings, `progress`, `ui_layouts`, every GPU in
`instance_information`, tile images), which brings each to 100 KB or more.

A Shape says which documents (v4 or v5) and which of the shapes real files
take (tests.fixturegen.Variant: compact or indented job.json, NaN tokens, a
.cs per volume result or one shared) the project is written in.
"""

import json
import os
import random
import re
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.fixturegen import AS_SHIPPED, JobFixture, Variant, v4_job_doc, v5_job_doc
from tests.fixturegen.datasets import write_datasets
from tests.fixturegen.documents import project_doc

PUID = "P7"
TITLE = "Benchmark: refinements"
FIRST_UID = 100
BOXES = (288, 320, 350, 384, 400, 432, 448)
PIXEL_SIZES = (0.83, 0.9681428670883179, 1.06, 1.1, 1.2432949542999268)
SYMMETRIES = ("C1", "C1", "C1", "C2", "C3", "C4", "D2", "D7", "T", "O")
RELAXATIONS = ("none", "none", "maximization", "marginalization")
# what a refinement iteration spends its time on, as its event log reports it
STEPS = ("read_particles", "prepare_window", "noise_model", "pose_search", "shift_search", "backproject_A",
         "backproject_B", "reconstruct", "fsc", "auto_mask", "noise_substitution", "local_filter",
         "write_volumes", "write_particles")
BATCHES = 12  # progress updates per iteration
WORKSPACES = 8
GPUS = 4
# jobs past this many are copies of the first ones under their own uid (10,000 jobs made one by one take
# several minutes); a copy reads as its original does, and its files are its own
DISTINCT_JOBS = 200
TILES = ("fsc", "viewing_direction", "posterior_precision", "guinier", "real_space_slices", "noise_model")


@dataclass(frozen=True)
class Shape:
    layout: str  # "v4" | "v5"
    variant: Variant

    @property
    def name(self) -> str:
        v = self.variant
        return (f"{self.layout} {v.job_json}{'+NaN' if v.nonfinite_stats else ''} "
                f"{'shared' if v.volume_files == 'shared' else 'per-result'} .cs")


def _shape(layout: str, job_json: str, volume_files: str) -> Shape:
    # indented documents carry NaN tokens (the harder parse), as CryoSPARC's own do where a statistic is NaN
    return Shape(layout, Variant(f"{layout}-{job_json}-{volume_files}", job_json=job_json, volume_files=volume_files,
                                 nonfinite_stats=job_json == "indented"))


# every combination of document generation, job.json layout and volume .cs layout
SHAPES = [_shape(layout, job_json, volume_files) for layout in ("v4", "v5") for job_json in ("compact", "indented")
          for volume_files in ("per-result", "shared")]
V4_AS_SHIPPED = Shape("v4", AS_SHIPPED)


def refinement(n: int) -> JobFixture:
    """The n-th benchmark job (n from 0): a fixture refinement with values of its own."""
    rng = random.Random(n)
    nonuniform = n % 3 != 2
    params = {"refine_symmetry": rng.choice(SYMMETRIES)}
    if rng.random() < 0.5:
        params["refine_relax_symmetry"] = rng.choice(RELAXATIONS)
    return JobFixture(
        f"J{FIRST_UID + n}", "nonuniform_refine_new" if nonuniform else "homo_refine_new",
        box=rng.choice(BOXES), psize_A=rng.choice(PIXEL_SIZES), particle_count=rng.randrange(40_000, 900_000),
        iteration=rng.randrange(10, 26) if nonuniform else rng.randrange(8, 16),
        gsfsc_A=round(rng.uniform(2.0, 4.5), 6), cfar=round(rng.uniform(0.55, 0.9), 4) if n % 3 else None,
        guinier_bfactor=-round(rng.uniform(50, 160), 1), params_set=params,
        title="Non-uniform Refinement" if nonuniform else "Homogeneous Refinement",
        parents=(("particles", "J10", "particles"), ("volume", "J11", "volume")),
    )


def _date(dt: datetime) -> dict:
    return {"$date": dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"}


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def _started(doc: dict) -> datetime:
    started = doc["started_at"]
    text = started["$date"] if isinstance(started, dict) else started  # v4: extended JSON; v5: ISO text
    return datetime.strptime(text.rstrip("Z")[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)


def fill_document(doc: dict, iterations: int, rng: random.Random) -> dict:
    """The document with the bulk that real v4 refinement documents carry."""
    started, puid, uid = _started(doc), doc["project_uid"], doc["uid"]
    date = _date if isinstance(doc["started_at"], dict) else _iso
    bench, progress, at = [], [], started
    for i in range(iterations + 1):
        timings = {step: round(rng.uniform(0.2, 300.0), 3) for step in STEPS}
        bench.append({"iteration": i, "started_at": date(at), "timings_s": timings,
                      "gpu_mem_peak_bytes": [rng.randrange(2**32, 2**34) for _ in range(GPUS)]})
        for batch in range(BATCHES):
            at += timedelta(seconds=rng.uniform(1, 40))
            progress.append({"iteration": i, "stage": "pose_search", "batch": batch + 1, "num_batches": BATCHES,
                             "fraction": round((batch + 1) / BATCHES, 4), "updated_at": date(at)})
    doc["enable_bench"] = True
    doc["bench"] = {"iterations": bench, "total_s": round(sum(sum(b["timings_s"].values()) for b in bench), 3)}
    doc["progress"] = progress
    doc["ui_layouts"] = {f"{puid}W{w}": {"show": w == 1, "floater": False, "top": rng.randrange(0, 20_000),
                                         "left": rng.randrange(0, 2_000), "width": 1, "height": 1,
                                         "groups": [f"{uid}-G{g}" for g in range(1, 4)]}
                         for w in range(1, WORKSPACES + 1)}
    gpu = doc["instance_information"]["gpu_info"][0]
    doc["instance_information"]["gpu_info"] = [{**gpu, "id": g, "bus_id": f"0000:{0x1A + g:02X}:00.0"}
                                               for g in range(GPUS)]
    doc["ui_tile_images"] = [{"name": name, "fileid": f"{rng.getrandbits(96):024x}", "num_rows": 1, "num_cols": 1}
                             for name in TILES]
    outputs = doc["output_result_groups"] if "output_result_groups" in doc else doc["spec"]["outputs"]
    doc["output_group_images"] = {g["name"] if isinstance(g, dict) else g: f"{rng.getrandbits(96):024x}"
                                  for g in outputs}
    return doc


def without_curves(doc):
    """The document without its FSC curves (lists of numbers), which a map-info record does not read: a
    light refinement, for runs of 100,000 jobs."""
    if isinstance(doc, dict):
        return {key: without_curves(value) for key, value in doc.items()
                if not (isinstance(value, list) and len(value) > 16 and isinstance(value[0], (int, float)))}
    if isinstance(doc, list):
        return [without_curves(value) for value in doc]
    return doc


def make_benchmark_project(root: Path, jobs: int, shape: Shape = V4_AS_SHIPPED, bulk: bool = True) -> Path:
    """Write a project of `jobs` refinements under root in `shape`, returns the project directory. Without
    `bulk`, light refinements: the fixtures' documents, not filled, without their FSC curves."""
    # what tests.fixturegen.make_project does, with the documents filled before they are written, and
    # written by json.dumps (C encoder) rather than json.dump (pure Python, 3x slower at this size)
    fixtures = [shape.variant.apply(replace(refinement(n), layout=shape.layout, version="")) for n in range(jobs)]
    make_doc = v4_job_doc if shape.layout == "v4" else v5_job_doc
    indent = 4 if shape.variant.job_json == "indented" else None
    project_dir = Path(root) / "CS-benchmark"
    project_dir.mkdir(parents=True)
    (project_dir / "project.json").write_text(json.dumps(project_doc(PUID, TITLE, project_dir.name, fixtures),
                                                         indent=indent))
    for n, job in enumerate(fixtures[:DISTINCT_JOBS]):
        doc = make_doc(job, PUID)
        doc = fill_document(doc, job.iteration, random.Random(f"fill{n}")) if bulk else without_curves(doc)
        (project_dir / job.uid).mkdir()
        (project_dir / job.uid / "job.json").write_text(json.dumps(doc, indent=indent))
        write_datasets(job, PUID, project_dir)
    split = {}
    for n, job in enumerate(fixtures[DISTINCT_JOBS:], start=DISTINCT_JOBS):
        copy_job(project_dir, fixtures[n % DISTINCT_JOBS].uid, job.uid, split)
    return project_dir


def copy_job(project_dir: Path, original: str, uid: str, split: dict) -> None:
    """The job folder `original` again as job `uid`: its uid rewritten in the names and text of its files
    (job.json, .csg); its .cs files linked as they are (their path columns name the original's files).
    `split` keeps each original's files split at its uid, so that a copy costs joins, not regex passes."""
    if original not in split:
        split[original] = _split_by_uid(project_dir, original)
    (project_dir / uid).mkdir()
    for name, pieces in split[original]:
        target = project_dir / uid / name.replace(original, uid)
        if pieces is None:
            os.link(project_dir / original / name, target)
        else:
            target.write_text(f'"uid_num": {uid[1:]}'.join(uid.join(piece) for piece in pieces))


def _split_by_uid(project_dir: Path, original: str) -> list:
    """[(file name, None for a .cs file, else its text split at the original's uid_num, each piece split at
    its uid)] of a job folder."""
    same_uid = re.compile(rf"\b{original}(?!\d)")
    number = re.compile(rf'"uid_num": {original[1:]}\b')
    return [(path.name, None if path.suffix == ".cs" else
             [same_uid.split(piece) for piece in number.split(path.read_text())])
            for path in sorted((project_dir / original).iterdir())]


_projects: dict[tuple, Path] = {}
_scratch = None


def benchmark_project(jobs: int, shape: Shape = V4_AS_SHIPPED) -> Path:
    """The project of `jobs` refinements in `shape`, generated once per run into a temporary directory."""
    global _scratch
    if (jobs, shape) not in _projects:
        if _scratch is None:
            _scratch = tempfile.TemporaryDirectory(prefix="csx-bench-")
        _projects[jobs, shape] = make_benchmark_project(Path(_scratch.name) / f"n{jobs}-{shape.variant.name}",
                                                        jobs, shape)
    return _projects[jobs, shape]
