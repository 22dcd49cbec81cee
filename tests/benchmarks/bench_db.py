"""The database sink's figures, SQLite and PostgreSQL side by side in one run:

- upserting N records (default 100,000) through the sink, one transaction each;
- a second, unchanged `csx extract --project-dir DIR --all --db` over a
  project of 10,000 jobs, every one of them skipped;
- 4 writer processes upserting the same jobs at once, against 1 writer.

PostgreSQL is a throwaway server started for the run (tests.postgres_server)
with its default durability: every commit waits for its WAL flush. SQLite
runs in WAL mode with synchronous=NORMAL, as csx opens it.

    .venv-test-5.0/bin/python -m tests.benchmarks.bench_db [--records 100000] [--jobs 10000] [--writers 4]
"""

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractor.resources import schemas_dir
from extractor.run.outcome import Outcome
from extractor.sinks.database import DatabaseSink, open_database
from extractor.sources.files import project_handles
from tests.postgres_server import PASSWORD, PostgresServer

SOURCE = "/data/cryosparc_projects/P9"


def schema_for(kind: str) -> Path:
    return schemas_dir() / f"{kind}.schema.json"


def record(n: int) -> dict:
    """A map-info record of its own for job J<n>, shaped as csx writes them."""
    rng = random.Random(n)
    job = f"{SOURCE}/J{n}/J{n}_{rng.randrange(8, 25):03d}"
    return {"kind": "map-info", "psize_A": rng.choice((0.83, 0.9681428670883179, 1.06)),
            "box_size_vox": rng.choice((288, 320, 350, 384)),
            "paths": {name: f"{job}_volume_{name}.mrc" for name in
                      ("map", "map_sharp", "map_half_A", "map_half_B", "mask_refine", "mask_fsc", "mask_fsc_auto")},
            "job_info": {"puid": "P9", "juid": f"J{n}", "type": "nonuniform_refine_new",
                         "particle_count": rng.randrange(40_000, 900_000),
                         "parameters": {"refine_symmetry": rng.choice(("C1", "C2", "D7")),
                                        "refine_relax_symmetry": "none"}},
            "gsfsc": round(rng.uniform(2, 4.5), 6), "cfar": round(rng.uniform(0.5, 0.9), 4),
            "guinier_bfactor": round(rng.uniform(50, 160), 1),
            "fsc_resolution_A": {"no_mask": 3.1, "spherical": 2.7, "loose": 2.5, "tight": 2.3, "corrected": 2.28}}


def outcome(n: int, source: str = SOURCE, fingerprint: str | None = None) -> Outcome:
    return Outcome(f"P9/J{n}", source=source, record=record(n), spec="specs/map-info-v4.yaml",
                   fingerprint=fingerprint or f"{n}:1")


def upsert(target: str, numbers) -> float:
    sink = DatabaseSink(open_database(target), schema_for)
    started = time.perf_counter()
    for n in numbers:
        sink.write(outcome(n))
    elapsed = time.perf_counter() - started
    sink.close()
    return elapsed


def _writer(target: str, numbers, results):
    results.put(upsert(target, numbers))


def concurrent_upserts(target: str, writers: int, numbers) -> float:
    """Wall time of `writers` processes each upserting the same jobs (overlapping keys), started together."""
    results = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=_writer, args=(target, list(numbers), results))
                 for _ in range(writers)]
    started = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a writer exited {process.exitcode}")
    return time.perf_counter() - started


def unchanged_project(root: Path, jobs: int) -> Path:
    """A project directory of `jobs` job folders: the unchanged run reads no more than their job.json's stat."""
    project = root / "P9"
    project.mkdir()
    (project / "project.json").write_text(json.dumps({"uid": "P9", "title": "Benchmark: unchanged"}))
    for n in range(1, jobs + 1):
        (project / f"J{n}").mkdir()
        (project / f"J{n}" / "job.json").write_text(json.dumps({"uid": f"J{n}", "project_uid": "P9"}))
    return project


def unchanged_run(target: str, project: Path) -> float:
    """Seed the database as a first run leaves it (each job's row and fingerprint), then time the second run."""
    sink = DatabaseSink(open_database(target), schema_for)
    for handle in project_handles(project, all_jobs=True):
        sink.write(outcome(int(handle.label.split("/J")[1]), handle.source, handle.fingerprint()))
    sink.close()
    command = [sys.executable, "-m", "extractor", "extract", "--project-dir", str(project), "--all", "--db", target]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    expected = f"csx: 0 done, {len(list(project.glob('J*')))} skipped, 0 failed"
    if done.returncode or done.stderr.strip() != expected:
        raise SystemExit(f"the unchanged run said: {done.stderr.strip()}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--concurrent-records", type=int, default=5_000,
                        help="jobs each concurrent writer upserts (the same jobs in every writer)")
    options = parser.parse_args()
    server = PostgresServer()
    os.environ["PGPASSWORD"] = PASSWORD
    try:
        with tempfile.TemporaryDirectory(prefix="csx-bench-db-") as folder:
            folder = Path(folder)
            targets = {"SQLite": lambda name: str(folder / f"{name}.sqlite"),
                       "PostgreSQL": lambda name: server.new_database()}
            print(f"upserting {options.records:,} map-info records, one transaction each:")
            for name, target in targets.items():
                seconds = upsert(target("upsert"), range(1, options.records + 1))
                print(f"  {name:<10} {seconds:7.1f} s  {options.records / seconds:8,.0f} records/s")

            project = unchanged_project(folder, options.jobs)
            print(f"second, unchanged run of csx extract --project-dir DIR --all --db over {options.jobs:,} jobs:")
            for name, target in targets.items():
                seconds = unchanged_run(target("unchanged"), project)
                print(f"  {name:<10} {seconds:7.2f} s  ({options.jobs / seconds:,.0f} jobs/s, csx start-up included)")

            count = options.concurrent_records
            print(f"{options.writers} writer processes upserting the same {count:,} jobs at once, against 1 writer:")
            for name, target in targets.items():
                alone = concurrent_upserts(target("one"), 1, range(1, count + 1))
                together = concurrent_upserts(target("many"), options.writers, range(1, count + 1))
                print(f"  {name:<10} 1 writer {alone:6.1f} s ({count / alone:,.0f} records/s); "
                      f"{options.writers} writers {together:6.1f} s ({options.writers * count / together:,.0f} "
                      f"records/s together, {together / alone:.2f}x the time of one)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
