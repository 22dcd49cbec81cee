"""Table 1 at scale: `csx extract --spec table1` over 1,000 maps that share their ancestry, side by side with
`--spec map-info` over the same maps, default workers, in one run (issue 21: table1 at most 1.5x map-info).

The project, per layout (v4 and v5 documents): the lineage pipeline of tests/fixturegen/lineage.py (two
imports, motion correction, CTF, curation, picking, extraction, restacking or downsampling, 2D
classification and selection, ab-initio, heterogeneous refinement: the jobs every map shares), then N map
jobs of every refinement type (non-uniform, homogeneous, local, reconstruction) whose particles and volume
come from various jobs of that pipeline, and, for one map in LOCAL_EVERY, a local resolution and a
sharpening job downstream of it. The Table 1 of every map walks back through the shared jobs.

    python -m tests.benchmarks.bench_table1 [--maps 1000] [--layouts v4 v5] [--rounds 3] [--beside DIR]

`--beside DIR` adds the table1 run of the csx in DIR (a checkout of another revision, e.g. `git archive REV |
tar -x -C DIR`), alternating with the others: before/after figures from one run.
"""

import argparse
import json
import os
import random
import statistics
import tempfile
from dataclasses import replace
from pathlib import Path

from tests.benchmarks.bench_project import csx_command
from tests.benchmarks.bench_shapes import run_command
from tests.fixturegen import JobFixture, v4_job_doc, v5_job_doc
from tests.fixturegen.datasets import write_datasets
from tests.fixturegen.documents import project_doc
from tests.fixturegen.lineage import BOX, PSIZE_A, TEST_ONLY, lineage_jobs
from tests.fixturegen.maps import write_volume_maps

PUIDS = {"v4": "P40", "v5": "P440"}
FIRST_MAP = 100
LOCAL_EVERY = 10  # one map in this many has a local resolution and a sharpening job downstream
MAP_TYPES = ("nonuniform_refine_new", "homo_refine_new", "new_local_refine", "homo_reconstruct")
# where a map's particles and initial volume come from: jobs of the shared pipeline
PARTICLES = (("J20", "particles_class_0"), ("J20", "particles_class_1"), ("J8", "particles_selected"),
             ("J9", "particles_all_classes"))
VOLUMES = (("J20", "volume_class_0"), ("J20", "volume_class_1"), ("J9", "volume_class_0"))
KINDS = ("table1", "map-info")


def ancestry(layout: str) -> list[JobFixture]:
    """The jobs every map shares: the lineage pipeline up to its heterogeneous refinement."""
    return [job for job in lineage_jobs(layout) if job.uid not in TEST_ONLY + ("J10", "J11", "J21")]


def map_job(layout: str, n: int) -> JobFixture:
    rng = random.Random(f"{layout}{n}")
    job_type = MAP_TYPES[n % len(MAP_TYPES)]
    particles = PARTICLES[rng.randrange(len(PARTICLES))]
    parents = (("particles", *particles),)
    if job_type != "homo_reconstruct":
        parents += (("volume", *VOLUMES[rng.randrange(len(VOLUMES))]),)
    if job_type == "new_local_refine":
        parents += (("mask", "J20", "volume_class_0"),)
    refined = job_type != "homo_reconstruct"
    return JobFixture(
        f"J{FIRST_MAP + n}", job_type, layout=layout, box=BOX if n % LOCAL_EVERY == 0 else rng.choice((256, 320, 384)),
        psize_A=PSIZE_A, particle_count=rng.randrange(80_000, 500_000),
        iteration=rng.randrange(6, 20) if refined else None, gsfsc_A=round(rng.uniform(2.4, 4.2), 4),
        guinier_bfactor=-round(rng.uniform(60, 150), 1), cfar=round(rng.uniform(0.6, 0.9), 3) if layout == "v5" else None,
        params_set={"refine_symmetry": rng.choice(("C1", "C2", "C4", "D2"))} if refined else {},
        title=f"Map {n}", parents=parents)


def downstream(layout: str, maps: list[JobFixture], first: int) -> list[JobFixture]:
    """A local resolution and a sharpening job of each map of box BOX (one in LOCAL_EVERY)."""
    jobs, uid = [], first
    for job in maps:
        if job.box != BOX:
            continue
        common = dict(layout=layout, box=BOX, psize_A=PSIZE_A, parents=(("volume", job.uid, "volume"),))
        jobs.append(JobFixture(f"J{uid}", "local_resolution", title="Local Resolution Estimation", **common))
        jobs.append(JobFixture(f"J{uid + 1}", "sharpen", title="Sharpening Tools",
                               params_set={"sharp_bfactor": -round(60 + uid % 50, 1)}, **common))
        uid += 2
    return jobs


def make_table1_project(root: Path, maps: int, layout: str) -> tuple[Path, list[str]]:
    """Write the project of `maps` maps in `layout` under root; (its directory, the maps' uids)."""
    puid = PUIDS[layout]
    mapped = [map_job(layout, n) for n in range(maps)]
    local = downstream(layout, mapped, FIRST_MAP + maps)
    jobs = ancestry(layout) + mapped + local
    children = {}
    for job in jobs:
        for _, parent, _ in job.parents:
            children.setdefault(parent, []).append(job.uid)
    project_dir = Path(root) / f"CS-table1-{layout}"
    project_dir.mkdir(parents=True)
    (project_dir / "project.json").write_text(json.dumps(project_doc(puid, f"Table 1 at scale ({layout})",
                                                                     project_dir.name, jobs)))
    make_doc = v4_job_doc if layout == "v4" else v5_job_doc
    for job in jobs:
        doc = make_doc(job, puid)
        doc["children"] = list(dict.fromkeys(children.get(job.uid, [])))
        (project_dir / job.uid).mkdir()
        (project_dir / job.uid / "job.json").write_text(json.dumps(doc))
        write_datasets(job, puid, project_dir, max_rows=24)
    for job in local:
        if job.job_type == "local_resolution":
            write_volume_maps(project_dir, job.uid, locres=(2.4 + int(job.uid[1:]) % 7 / 10, 7.1))
    return project_dir, [job.uid for job in mapped]


def extract_args(project: Path, maps: list[str], kind: str, out: Path, options=()) -> list[str]:
    return ["extract", "--project-dir", str(project), f"{maps[0]}-{maps[-1]}", "--spec", kind, "-o", str(out),
            *options]


def read_records(out: Path) -> dict:
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.json"))}


def run(maps: int = 1000, layouts=("v4", "v5"), rounds: int = 3, beside: Path | None = None,
        serial: bool = False, scratch: Path | None = None) -> list:
    """One row per layout: the seconds of each way per round (alternating), and whether the ways that make
    table1 records made the same bytes; `serial` adds table1 with one worker."""
    ways = {kind: (kind, (), None) for kind in KINDS}
    if beside is not None:
        ways["table1 beside"] = ("table1", (), {"PYTHONPATH": str(Path(beside).resolve())})
    if serial:
        ways["table1 -w1"] = ("table1", ("--workers", "1"), None)
    rows = []
    with tempfile.TemporaryDirectory(prefix="csx-bench-table1-", dir=scratch) as folder:
        for layout in layouts:
            project, uids = make_table1_project(Path(folder) / layout, maps, layout)
            times, cpu, outputs = {name: [] for name in ways}, {name: [] for name in ways}, {}
            for round_ in range(rounds):
                for name, (kind, options, env) in ways.items():
                    out = Path(folder) / layout / f"{name}-{round_}".replace(" ", "-")
                    environment = None if env is None else {**os.environ, **env}
                    times[name].append(run_command(csx_command() + extract_args(project, uids, kind, out, options),
                                                   env=environment, cpu=cpu[name])[0])
                    outputs.setdefault(name, read_records(out))
            same = all(outputs[name] == outputs["table1"] for name in ways if ways[name][0] == "table1")
            rows.append({"layout": layout, "maps": maps, "jobs": len(list(project.glob("J*"))), "times": times,
                         "cpu": cpu, "records": {name: len(records) for name, records in outputs.items()},
                         "same": same, "first": outputs["table1"][f"{PUIDS[layout]}-{uids[0]}.json"]})
    return rows


def print_rows(rows: list) -> None:
    print("s: wall time, best and median of the rounds; CPU s: csx's and its workers' CPU time, best (steadier than "
          "the wall time on a busy machine)")
    print(f"{'layout':<7} {'maps':>6} {'jobs':>6} {'way':<14} {'best s':>8} {'median s':>9} {'/ map-info':>11} "
          f"{'CPU s':>7} {'/ map-info':>11} {'records':>8}")
    for row in rows:
        base, base_cpu = min(row["times"]["map-info"]), min(row["cpu"]["map-info"])
        for name, times in row["times"].items():
            cpu = min(row["cpu"][name])
            print(f"{row['layout']:<7} {row['maps']:>6,} {row['jobs']:>6,} {name:<14} {min(times):>8.2f} "
                  f"{statistics.median(times):>9.2f} {min(times) / base:>10.2f}x {cpu:>7.2f} {cpu / base_cpu:>10.2f}x "
                  f"{row['records'][name]:>8,}")
        print(f"{row['layout']:<7} table1 records the same by every way: {'yes' if row['same'] else 'NO'}")


def cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--maps", type=int, default=1000)
    parser.add_argument("--layouts", nargs="+", choices=("v4", "v5"), default=["v4", "v5"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--beside", type=Path, help="a checkout of another revision whose csx makes table1 too")
    args = parser.parse_args(argv)
    print_rows(run(args.maps, args.layouts, args.rounds, args.beside))


if __name__ == "__main__":
    cli()
