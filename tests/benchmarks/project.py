"""A CryoSPARC v4 project of N refinement jobs, as heavy as real ones, for the benchmarks.

The jobs come from the fixture generators (tests.fixturegen), each with its
own type, box, pixel size, iterations, resolutions and parameters, so their
records differ. Their job.json files are then filled with what real v4
refinement documents also carry and the fixtures leave empty (per-iteration
`bench` timings, `progress`, `ui_layouts`, every GPU in
`instance_information`, tile images), which brings each to 100 KB or more.
"""

import json
import random
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.fixturegen import JobFixture, v4_job_doc
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
TILES = ("fsc", "viewing_direction", "posterior_precision", "guinier", "real_space_slices", "noise_model")


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


def _started(doc: dict) -> datetime:
    return datetime.strptime(doc["started_at"]["$date"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def fill_document(doc: dict, iterations: int, rng: random.Random) -> dict:
    """The document with the bulk that real v4 refinement documents carry."""
    started, puid, uid = _started(doc), doc["project_uid"], doc["uid"]
    bench, progress, at = [], [], started
    for i in range(iterations + 1):
        timings = {step: round(rng.uniform(0.2, 300.0), 3) for step in STEPS}
        bench.append({"iteration": i, "started_at": _date(at), "timings_s": timings,
                      "gpu_mem_peak_bytes": [rng.randrange(2**32, 2**34) for _ in range(GPUS)]})
        for batch in range(BATCHES):
            at += timedelta(seconds=rng.uniform(1, 40))
            progress.append({"iteration": i, "stage": "pose_search", "batch": batch + 1, "num_batches": BATCHES,
                             "fraction": round((batch + 1) / BATCHES, 4), "updated_at": _date(at)})
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
    doc["output_group_images"] = {g["name"]: f"{rng.getrandbits(96):024x}" for g in doc["output_result_groups"]}
    return doc


def make_benchmark_project(root: Path, jobs: int) -> Path:
    """Write a project of `jobs` refinements under root; returns the project directory."""
    # what tests.fixturegen.make_project does, with the documents filled before they are written, and
    # written by json.dumps (C encoder) rather than json.dump (pure Python, 3x slower at this size)
    fixtures = [refinement(n) for n in range(jobs)]
    project_dir = Path(root) / "CS-benchmark"
    project_dir.mkdir(parents=True)
    (project_dir / "project.json").write_text(json.dumps(project_doc(PUID, TITLE, project_dir.name, fixtures)))
    for n, job in enumerate(fixtures):
        doc = fill_document(v4_job_doc(job, PUID), job.iteration, random.Random(f"fill{n}"))
        (project_dir / job.uid).mkdir()
        (project_dir / job.uid / "job.json").write_text(json.dumps(doc))
        write_datasets(job, PUID, project_dir)
    return project_dir


_projects: dict[int, Path] = {}
_scratch = None


def benchmark_project(jobs: int) -> Path:
    """The project of `jobs` refinements, generated once per run into a temporary directory."""
    global _scratch
    if jobs not in _projects:
        if _scratch is None:
            _scratch = tempfile.TemporaryDirectory(prefix="csx-bench-")
        _projects[jobs] = make_benchmark_project(Path(_scratch.name) / f"n{jobs}", jobs)
    return _projects[jobs]
