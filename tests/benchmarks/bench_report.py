"""csx report on a database of 1,000 refinements: wall time, peak memory and
the size of the HTML file, against the issue's bounds (10 s, 10 MB).

The database is filled the way a facility fills it: csx extract --db over a
generated v4 project of refinements (tests/benchmarks/project.py), for the
map-info records and then the fsc records. The report runs as a command, as
a user runs it, a few times; the best and the worst are printed.

    python -m tests.benchmarks.bench_report [--jobs 1000] [--rounds 3]
"""

import argparse
import contextlib
import io
import sqlite3
import tempfile
import time
from pathlib import Path

from extractor.cli import main
from tests.benchmarks.bench_project import csx_command, run_child
from tests.benchmarks.project import benchmark_project

SECONDS_BOUND, MEGABYTES_BOUND = 10.0, 10.0


def fill_database(project: Path, db: Path):
    for extra in ([], ["--spec", "fsc", "--force"]):
        with contextlib.redirect_stderr(io.StringIO()) as errors:
            code = main(["extract", "--project-dir", str(project), "--all", "--db", str(db), "-q", *extra])
        if code != 0:
            raise SystemExit(f"csx extract exited {code}: {errors.getvalue()[-2000:]}")


def run(jobs: int, rounds: int, scratch: Path) -> dict:
    db, out = scratch / "csx.sqlite", scratch / "report.html"
    fill_database(benchmark_project(jobs), db)
    with sqlite3.connect(db) as connection:
        stored = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("map_info", "fsc")}
    times, memories = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        memories.append(run_child(csx_command() + ["report", "--db", str(db), "-o", str(out)]))
        times.append(time.perf_counter() - started)
    return {"stored": stored, "seconds": times, "peak_mb": memories, "file_mb": out.stat().st_size / 1e6,
            "rows": out.read_text(encoding="utf-8").count("<tr>") - 1}


def main_benchmark():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csx-bench-report-") as scratch:
        result = run(options.jobs, options.rounds, Path(scratch))
    seconds, file_mb = max(result["seconds"]), result["file_mb"]
    print(f"database: {result['stored']['map_info']} map-info and {result['stored']['fsc']} fsc records")
    print(f"csx report --db: {min(result['seconds']):.2f} s best, {seconds:.2f} s worst of {options.rounds} "
          f"(bound {SECONDS_BOUND:.0f} s); peak memory {max(result['peak_mb']):.0f} MB")
    print(f"report.html: {file_mb:.2f} MB (bound {MEGABYTES_BOUND:.0f} MB), {result['rows']} table rows")
    if seconds > SECONDS_BOUND or file_mb > MEGABYTES_BOUND:
        raise SystemExit("over the bound")


if __name__ == "__main__":
    main_benchmark()
