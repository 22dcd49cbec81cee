"""One timed run of a sink over N map-info records, for bench_db: run as a script with the checkout to
measure first on PYTHONPATH (this file imports nothing but `extractor`, so that another checkout's csx can
be measured by the same code), it prints a JSON line of figures.

    PYTHONPATH=CHECKOUT python tests/benchmarks/upsert_run.py TARGET RECORDS [FIRST]

TARGET: `jsonl` (JSON lines to /dev/null), an SQLite file, or a postgresql:// URL. The records are made
before the clock starts; the clock stops when the sink is closed, every record written.
"""

import json
import os
import random
import sys
import time

SOURCE = "/data/cryosparc_projects/P9"


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


def outcome(n: int, source: str = SOURCE, fingerprint: str | None = None):
    from extractor.run.outcome import Outcome

    return Outcome(f"P9/J{n}", source=source, record=record(n), spec="specs/map-info-v4.yaml",
                   fingerprint=fingerprint or f"{n}:1")


def open_sink(target: str):
    from extractor.resources import schemas_dir

    if target == "jsonl":
        from extractor.sinks.jsonl import JsonLinesSink

        return JsonLinesSink(open(os.devnull, "w"))
    from extractor.sinks.database import DatabaseSink, open_database

    return DatabaseSink(open_database(target), lambda kind: schemas_dir() / f"{kind}.schema.json")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def upsert(target: str, numbers) -> dict:
    """{seconds, cpu (this process, every thread), server_cpu (PostgreSQL's backend)} of writing the records."""
    outcomes = [outcome(n) for n in numbers]
    sink = open_sink(target)
    backend = None
    if target.startswith("postgresql"):
        (backend,), = sink.db.connection.execute("SELECT pg_backend_pid()").fetchall()
    server_cpu = cpu_seconds(backend) if backend else 0.0
    cpu, started = time.process_time(), time.perf_counter()
    for each in outcomes:
        sink.write(each)
    if hasattr(sink, "flush"):  # csx before batches wrote each record at once
        sink.flush()
    server_cpu = cpu_seconds(backend) - server_cpu if backend else 0.0
    sink.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "server_cpu": server_cpu, "stored": stored_jobs(target)}


def stored_jobs(target: str) -> int | None:
    """The jobs a database holds with a map-info record, read back by a sink of its own (None: JSON lines)."""
    if target == "jsonl":
        return None
    sink = open_sink(target)
    try:
        return len(sink.fingerprints(SOURCE, ("map-info",)))
    finally:
        sink.close()


if __name__ == "__main__":
    target, records = sys.argv[1], int(sys.argv[2])
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    print(json.dumps(upsert(target, range(first, first + records))))
