"""csx over a whole project against the notebook's way and the floor, side by side in one run.

Generates a CryoSPARC v4 project of refinement jobs (tests/benchmarks/project.py) and prints: wall
times of csx (in-process and as a command), of the baseline (what CryoSPARC's notebook does per job,
baseline.py) and of the floor (json.load of every job.json), run in alternation; csx's peak memory
at two project sizes; start-up times and import costs; a profile of csx.

    python -m tests.benchmarks.bench_project [--jobs 1000]
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import cryosparc

from extractor.cli import main
from tests.benchmarks.baseline import job_documents, run_baseline, run_floor
from tests.benchmarks.project import benchmark_project

ROUNDS = 3
STARTUP_RUNS = 5
TOP_FUNCTIONS = 15


def csx_command() -> list[str]:
    script = Path(sys.executable).with_name("csx")
    return [str(script)] if script.exists() else [sys.executable, "-m", "extractor"]


def extract_args(project: Path, out: Path) -> list[str]:
    return ["extract", "--project-dir", str(project), "--all", "-o", str(out)]


def csx_in_process(project: Path, out: Path) -> None:
    with contextlib.redirect_stderr(io.StringIO()) as errors:  # the summary line, once per run
        code = main(extract_args(project, out))
    if code != 0:
        raise SystemExit(f"csx exited {code}: {errors.getvalue()[-2000:]}")


def run_child(argv: list[str]) -> float:
    """Run a command to its end; returns its peak resident memory in MB."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the maximum over all children so far
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(argv)} exited {child.returncode}: {errors.read().decode()[-2000:]}")
    return usage.ru_maxrss / 1024


def csx_subprocess(project: Path, out: Path) -> None:
    run_child(csx_command() + extract_args(project, out))


CSX, CSX_COMMAND = "csx extract, in-process", "csx extract, subprocess"
BASELINE, FLOOR = "baseline (notebook way)", "floor (json.load only)"
RUNS = {CSX: csx_in_process, CSX_COMMAND: csx_subprocess, BASELINE: run_baseline,
        FLOOR: lambda project, out: run_floor(project)}


def read_records(out_dir: Path) -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(out_dir.glob("*.json"))}


def side_by_side(project: Path, scratch: Path, rounds: int = ROUNDS) -> tuple[dict, dict]:
    """Seconds of each run by name, the runs alternating within each round; and each run's last output dir."""
    times, outputs = {name: [] for name in RUNS}, {}
    for round_ in range(rounds):
        for i, (name, run) in enumerate(RUNS.items()):
            outputs[name] = scratch / f"r{round_}-{i}"
            started = time.perf_counter()
            run(project, outputs[name])
            times[name].append(time.perf_counter() - started)
    return times, outputs


def startup(argv: list[str], runs: int = STARTUP_RUNS) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        run_child(argv)
        best = min(best, time.perf_counter() - started)
    return best


def import_times(argv: list[str]) -> tuple[float, list[tuple[str, float]]]:
    """Total import time (ms) of `python -X importtime ARGV` and its self time by package, largest first."""
    done = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True, text=True)
    by_package = Counter()
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        root = name.strip().split(".")[0]
        by_package["(stdlib)" if root in sys.stdlib_module_names else root] += int(self_us) / 1000
    return sum(by_package.values()), by_package.most_common()


def profile(project: Path, out: Path) -> str:
    """Top functions of an in-process run, counting the threads csx works in (cProfile sees one thread)."""
    in_threads = []

    def start_in_thread(*_):
        in_threads.append(cProfile.Profile())
        in_threads[-1].enable()

    profiler = cProfile.Profile()
    threading.setprofile(start_in_thread)
    try:
        profiler.runcall(csx_in_process, project, out)
    finally:
        threading.setprofile(None)
    text = io.StringIO()
    stats = pstats.Stats(profiler, *in_threads, stream=text).strip_dirs()
    for order in ("cumulative", "tottime"):
        stats.sort_stats(order).print_stats(TOP_FUNCTIONS)
    return "\n".join(line for line in text.getvalue().splitlines() if line.strip())


def cli():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    args = parser.parse_args()
    small = max(1, args.jobs // 4)

    started = time.perf_counter()
    project = benchmark_project(args.jobs)
    small_project = benchmark_project(small)
    generated = time.perf_counter() - started
    sizes = [path.stat().st_size / 1000 for path in job_documents(project)]
    print(f"cryosparc-tools {cryosparc.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; csx command: {' '.join(csx_command())}")
    print(f"project: {args.jobs} refinements (v4), job.json {min(sizes):.0f}-{max(sizes):.0f} KB "
          f"(mean {statistics.mean(sizes):.0f} KB), 8 volume .cs files each; generated with a {small}-job "
          f"project in {generated:.1f} s")

    with tempfile.TemporaryDirectory(prefix="csx-bench-out-") as scratch:
        scratch = Path(scratch)
        times, outputs = side_by_side(project, scratch)
        csx_records, baseline_records = read_records(outputs[CSX]), read_records(outputs[BASELINE])
        same = sum(csx_records[name] == record for name, record in baseline_records.items() if name in csx_records)
        memory = {n: run_child(csx_command() + extract_args(p, scratch / f"mem{n}"))
                  for n, p in ((small, small_project), (args.jobs, project))}
        one_job = str(job_documents(project)[0].parent)
        start = {"python -c pass": startup([sys.executable, "-c", "pass"]),
                 "csx --help": startup(csx_command() + ["--help"]),
                 "csx extract (1 job)": startup(csx_command() + ["extract", one_job])}
        imports = {"csx --help": import_times(["-m", "extractor", "--help"]),
                   "csx extract (1 job)": import_times(["-m", "extractor", "extract", one_job])}
        profiled = profile(small_project, scratch / "profile")

    best = {name: min(t) for name, t in times.items()}
    print(f"\nwall time over {args.jobs} jobs, {ROUNDS} rounds, the runs alternating within each round "
          "(ratios use the best):")
    print(f"  {'':26} {'best s':>8} {'median s':>9} {'ms/job':>7}")
    for name, t in times.items():
        print(f"  {name:26} {min(t):8.2f} {statistics.median(t):9.2f} {1000 * min(t) / args.jobs:7.2f}")
    for name in (CSX, CSX_COMMAND):
        print(f"  {name}: csx/baseline {best[name] / best[BASELINE]:.2f} (aim <= 0.67, i.e. 1.5x faster), "
              f"csx/floor {best[name] / best[FLOOR]:.2f} (aim <= 1.3)")
    print(f"  records identical, csx vs baseline: {same} of {len(baseline_records)} "
          f"(csx wrote {len(csx_records)})")
    print("\npeak memory (max RSS) of csx extract --all, subprocess: "
          + ", ".join(f"{n} jobs {mb:.0f} MB" for n, mb in memory.items()) + " (aim flat, < 150 MB)")
    print(f"start-up, best of {STARTUP_RUNS}: " + ", ".join(f"{name} {s:.3f} s" for name, s in start.items())
          + " (aim < 0.3 s)")
    for name, (total, packages) in imports.items():
        print(f"import time of {name} (-X importtime, self time by package): {total:.0f} ms: "
              + ", ".join(f"{package} {ms:.0f}" for package, ms in packages if ms >= 1))
    print(f"\nprofile of csx extract, in-process, over {small} jobs (top {TOP_FUNCTIONS}, by cumulative "
          "then by own time; the main thread waiting for its worker shows as `acquire`):")
    print(profiled)


if __name__ == "__main__":
    cli()
