"""csx extract on a patch CTF estimation of many exposures (1,000,000 by default): the wall time, CPU time
and peak memory of the command, as a user runs it, against the goal of well under a second for a million.

    python -m tests.benchmarks.bench_exposures [--exposures 1000000] [--rounds 3]
    python -m tests.benchmarks.bench_exposures --quick      # a smoke run for the test: 10,000 exposures
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_project import csx_command
from tests.benchmarks.bench_survey import peak_rss_mb
from tests.fixturegen import make_large_ctf_job

GOAL_S = 1.0  # for a million exposures, start-up included


def run(exposures: int, rounds: int) -> dict:
    """Best wall seconds, best CPU seconds and the largest peak MB over `rounds` runs of csx extract."""
    with tempfile.TemporaryDirectory(prefix="csx-bench-exposures-") as scratch:
        job = make_large_ctf_job(Path(scratch), exposures=exposures)
        argv = csx_command() + ["extract", str(job)]
        peak_rss_mb(argv)  # a first run fills the spec cache, as every run after a user's first finds it
        walls, cpus, peaks = [], [], []
        for _ in range(rounds):
            started = time.perf_counter()
            peak, cpu = peak_rss_mb(argv)
            walls.append(time.perf_counter() - started)
            cpus.append(cpu)
            peaks.append(peak)
    return {"exposures": exposures, "wall_s": min(walls), "cpu_s": min(cpus), "peak_mb": max(peaks)}


def cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exposures", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smoke run (the test's): 10,000 exposures, one "
                        "round; the figures are not worth reading")
    args = parser.parse_args(argv)
    if args.quick:
        args.exposures, args.rounds = 10_000, 1
    result = run(args.exposures, args.rounds)
    print(f"csx extract, patch CTF estimation of {result['exposures']:,} exposures, best of {args.rounds}: "
          f"{result['wall_s']:.2f} s wall, {result['cpu_s']:.2f} s CPU (load average {os.getloadavg()[0]:.1f}), "
          f"peak memory {result['peak_mb']:.0f} MB (goal for 1,000,000: under {GOAL_S:g} s)")


if __name__ == "__main__":
    cli()
