"""csx survey over generated projects of 1,000 and 10,000 refinements (tests/benchmarks/project.py): its
time and peak memory at each size, one worker and the default, with and without --shape. Memory that does
not grow from 1,000 jobs to 10,000 is what lets a survey run over 100,000 (issue 21).

    python -m tests.benchmarks.bench_survey [--sizes 1000 10000]
    python -m tests.benchmarks.bench_survey --quick      # a smoke run for the test: 3 jobs, one worker

Peak memory: with one worker, the maximum resident set of the csx process itself (wait4), started by a small
launcher process: Linux carries a parent's resident set at fork into its child's maximum, so csx started from
this process (which made the project) would report this process's size; with the default workers, the
proportional set size of csx's whole process tree, sampled (shared pages counted once).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_project import csx_command
from tests.benchmarks.bench_shapes import run_command
from tests.benchmarks.project import benchmark_project

SIZES = (1000, 10_000)


def survey_args(project: Path, workers: int | None, shape: Path | None) -> list:
    options = (["--workers", str(workers)] if workers else []) + (["--shape", str(shape)] if shape else [])
    return csx_command() + ["survey", str(project), "--format", "json", *options]


# runs a command and prints its peak resident set (KB) and CPU seconds; small, so that it passes little on to
# the command
LAUNCHER = ("import os, subprocess, sys\n"
            "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
            "_, status, usage = os.wait4(child.pid, 0)\n"
            "print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime)\n"
            "sys.exit(os.waitstatus_to_exitcode(status))\n")


def peak_rss_mb(argv: list) -> tuple:
    """(the maximum resident set of a command in MB, its CPU seconds)."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr[-2000:]}")
    peak, cpu = done.stdout.split()
    return int(peak) / 1024, float(cpu)


def measure(project: Path, workers: int | None, shape: Path | None) -> tuple:
    """(seconds, peak MB, CPU seconds or None) of one survey."""
    argv = survey_args(project, workers, shape)
    if workers == 1:
        started = time.perf_counter()
        peak, cpu = peak_rss_mb(argv)
        return time.perf_counter() - started, peak, cpu
    return (*run_command(argv, watch_memory=True), None)


def run(sizes=SIZES, scratch: Path | None = None, workers_tried=(1, None)) -> list:
    """One row per (jobs, workers, shape): seconds, ms per job, peak MB."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="csx-bench-survey-") as folder:
        shape_file = Path(scratch or folder) / "shape.json"
        for jobs in sizes:
            project = benchmark_project(jobs)
            for workers in workers_tried:
                for shape in (None, shape_file):
                    seconds, peak, cpu = measure(project, workers, shape)
                    rows.append({"jobs": jobs, "workers": workers or f"default ({min(os.cpu_count() or 1, 8)})",
                                 "shape": shape is not None, "seconds": seconds, "ms_per_job": 1000 * seconds / jobs,
                                 "cpu_ms_per_job": 1000 * cpu / jobs if cpu is not None else None, "peak_mb": peak,
                                 "shape_kb": shape_file.stat().st_size / 1024 if shape else None})
            if jobs >= 10_000:
                shutil.rmtree(project.parent, ignore_errors=True)  # 10,000 jobs take 1-2 GB
    return rows


def cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--quick", action="store_true", help="a smoke run (the test's): 3 jobs, one worker; "
                        "every column is printed, none is worth reading")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = [3]
    rows = run(args.sizes, workers_tried=(1,) if args.quick else (1, None))
    print("ms/job: wall time; CPU ms/job: the csx process's own CPU time (one worker only), which a busy machine "
          "does not inflate")
    print(f"{'jobs':>7}  {'workers':<12} {'--shape':<8} {'s':>8} {'ms/job':>8} {'CPU ms/job':>11} {'peak MB':>8} "
          f"{'shape KB':>9}")
    for row in rows:
        shape_kb = f"{row['shape_kb']:.0f}" if row["shape_kb"] is not None else "-"
        cpu = f"{row['cpu_ms_per_job']:.2f}" if row["cpu_ms_per_job"] is not None else "-"
        print(f"{row['jobs']:>7,}  {str(row['workers']):<12} {'yes' if row['shape'] else 'no':<8} "
              f"{row['seconds']:>8.1f} {row['ms_per_job']:>8.2f} {cpu:>11} {row['peak_mb']:>8.1f} {shape_kb:>9}")
    by = {(row["jobs"], str(row["workers"]), row["shape"]): row["peak_mb"] for row in rows}
    if len(args.sizes) > 1:
        small, large = min(args.sizes), max(args.sizes)
        for workers, shape in sorted({(str(r["workers"]), r["shape"]) for r in rows}):
            print(f"peak memory at {large:,} jobs / at {small:,}, workers {workers}, "
                  f"--shape {'yes' if shape else 'no'}: {by[large, workers, shape] / by[small, workers, shape]:.2f}")


if __name__ == "__main__":
    cli()
