"""csx on every realistic project shape, side by side with the notebook way and the floor, in one run.

For each shape (tests/benchmarks/project.py SHAPES: v4 or v5 documents, compact or indented job.json
with NaN tokens, one .cs per volume result or one shared) and each project size, the runs alternate
within each round: `csx extract --all` as a user runs it, with `--workers 1` and with the default;
the notebook way (baseline.py, in this process, as a notebook kernel runs it); the floor (orjson parse
of every job.json and only the needed .cs columns). Then: peak memory of csx's whole process tree,
start-up of `csx extract` on one job, an unchanged second `--db` run, and import costs.

    python -m tests.benchmarks.bench_shapes              # 8 shapes x 1,000 jobs, 2 shapes x 10,000 (< 10 min)
    python -m tests.benchmarks.bench_shapes --sizes 1000 --large-shapes all --rounds 3
    python -m tests.benchmarks.bench_shapes --quick      # a smoke run for the test: one shape, 2 jobs
    python -m tests.benchmarks.bench_shapes --sizes 1000 --beside /tmp/old  # another checkout's csx -w1 too

`--beside DIR` adds a run of the csx in DIR (a checkout of another revision, e.g. `git archive REV | tar -x
-C DIR`) with `--workers 1`, alternating with the others: before/after figures from one run.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import cryosparc

from tests.benchmarks.baseline import job_documents, run_baseline, run_floor
from tests.benchmarks.bench_project import csx_command, import_times, read_records
from tests.benchmarks.project import SHAPES, make_benchmark_project
from tests.benchmarks.stages import floor_stages, stage_times

W1, DEFAULT, BASELINE, FLOOR, BESIDE = "csx -w1", "csx", "notebook", "floor", "beside -w1"
# at the large size, the shapes at both ends: the fastest to read and the slowest
LARGE_SHAPES = (SHAPES[0], SHAPES[-1])
SAMPLE_S = 0.02
STARTUP_RUNS = 5


def tree_pss_mb(root: int) -> float:
    """Proportional set size of a process and all its descendants, in MB (shared pages counted once)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total_kb, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total_kb += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total_kb / 1024


def run_command(argv: list[str], watch_memory: bool = False, env=None, cpu: list | None = None) -> tuple[float, float]:
    """(wall seconds, peak MB of the process tree, sampled every SAMPLE_S s; 0 unless watched); its CPU
    seconds (user and system, its worker processes' included) appended to `cpu`."""
    peak, done = [0.0], threading.Event()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors, env=env)

        def sample():
            while not done.wait(SAMPLE_S):
                peak[0] = max(peak[0], tree_pss_mb(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        if watch_memory:
            sampler.start()
        _, status, usage = os.wait4(child.pid, 0)  # the rusage of this child and the processes it waited for
        code = child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        if cpu is not None:
            cpu.append(usage.ru_utime + usage.ru_stime)
        done.set()
        if watch_memory:
            sampler.join()
        if code not in (0, 1):
            errors.seek(0)
            raise SystemExit(f"{' '.join(argv)} exited {code}: {errors.read().decode()[-2000:]}")
    return elapsed, peak[0]


def csx_extract(project: Path, out: Path, *options: str) -> list[str]:
    return csx_command() + ["extract", "--project-dir", str(project), "--all", "-o", str(out), *options]


def measure(project: Path, scratch: Path, rounds: int, beside: Path | None = None) -> dict:
    """{run name: [seconds per round]}, and the peak memory of each csx run; the runs alternate."""
    times = {name: [] for name in (W1, DEFAULT, BASELINE, FLOOR, *((BESIDE,) if beside else ()))}
    cpu = {name: [] for name in times}  # CPU seconds: on a loaded machine, steadier than the wall clock
    memory = {W1: 0.0, DEFAULT: 0.0}
    runs = [(W1, ("--workers", "1"), None), (DEFAULT, (), None)]
    if beside:
        runs.append((BESIDE, ("--workers", "1"), {**os.environ, "PYTHONPATH": str(beside)}))
    for round_ in range(rounds):
        for name, options, env in runs:
            seconds, peak = run_command(csx_extract(project, scratch / f"{name}-{round_}", *options), True, env,
                                        cpu[name])
            times[name].append(seconds)
            if name in memory:
                memory[name] = max(memory[name], peak)
        for name, run in ((BASELINE, lambda: run_baseline(project, scratch / f"baseline-{round_}")),
                          (FLOOR, lambda: run_floor(project))):
            started, used = time.perf_counter(), time.process_time()
            run()
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - used)
    outputs = [f"{W1}-0", "baseline-0", f"{DEFAULT}-0", *((f"{BESIDE}-0",) if beside else ())]
    first, *others = [read_records(scratch / output) for output in outputs]
    same = all(other == first for other in others)
    return {"times": times, "cpu": cpu, "memory": memory, "same": same}


def second_db_run(project: Path, scratch: Path, jobs: int, start_up: float) -> float:
    """µs per job of an unchanged second `--db` run, its start-up taken off."""
    db = scratch / "second-run.sqlite"
    command = csx_command() + ["extract", "--project-dir", str(project), "--all", "--db", str(db)]
    run_command(command)
    seconds, _ = run_command(command)
    return 1e6 * max(seconds - start_up, 0.0) / jobs


def startup(one_job: Path, runs: int) -> float:
    return min(run_command(csx_command() + ["extract", str(one_job)])[0] for _ in range(runs))


def ms(seconds: float, jobs: int) -> float:
    return 1000 * seconds / jobs


def report_size(jobs: int, results: dict) -> None:
    print(f"\n{jobs} jobs: ms/job best (median); ratios from the best: notebook/csx (aim >= 3 default, >= 2 -w1), "
          "csx -w1/floor (aim <= 1.5); the same two ratios of CPU time (csx's process tree; the notebook and the "
          "floor in this process), which load on a shared machine moves less")
    print(f"  {'shape':30} {'csx -w1':>13} {'csx':>13} {'notebook':>13} {'floor':>13} {'nb/-w1':>7} {'nb/csx':>7} "
          f"{'-w1/floor':>9} {'CPU nb/-w1':>10} {'CPU -w1/floor':>13} {'peak MB -w1/default':>20} same")
    for name, result in results.items():
        t = result["times"]
        cells = " ".join(f"{ms(min(t[k]), jobs):5.2f} ({ms(statistics.median(t[k]), jobs):5.2f})"
                         for k in (W1, DEFAULT, BASELINE, FLOOR))
        best = {k: min(v) for k, v in t.items()}
        cpu = {k: min(v) for k, v in result["cpu"].items()}
        memory = result["memory"]
        print(f"  {name:30} {cells} {best[BASELINE] / best[W1]:7.2f} {best[BASELINE] / best[DEFAULT]:7.2f} "
              f"{best[W1] / best[FLOOR]:9.2f} {cpu[BASELINE] / cpu[W1]:10.2f} {cpu[W1] / cpu[FLOOR]:13.2f} "
              f"{memory[W1]:9.0f} /{memory[DEFAULT]:8.0f} {'yes' if result['same'] else 'NO'}")
    if any(BESIDE in result["times"] for result in results.values()):
        print("  beside: the other checkout's csx -w1, ms/job best (median), and its time over this csx -w1's "
              "(wall; CPU)")
        for name, result in results.items():
            t, cpu = result["times"], result["cpu"]
            print(f"  {name:30} {ms(min(t[BESIDE]), jobs):5.2f} ({ms(statistics.median(t[BESIDE]), jobs):5.2f}) "
                  f"{min(t[BESIDE]) / min(t[W1]):5.2f}x (median {statistics.median(t[BESIDE]) / statistics.median(t[W1]):.2f}x; "
                  f"CPU {min(cpu[BESIDE]) / min(cpu[W1]):.2f}x)")


def report_stages(jobs: int, stages: dict) -> None:
    """Where csx -w1's time goes, beside the floor's two parts (tests/benchmarks/stages.py)."""
    names = list(stages)
    print(f"\nwhere csx -w1's time goes, CPU ms/job over {jobs} jobs (one in-process run, a CPU clock around each "
          "stage):")
    print(f"  {'':26}" + "".join(f" {name.removesuffix(' .cs'):>32}" for name in names))
    for stage in next(iter(stages.values()))[0]:
        print(f"  {stage:26}" + "".join(f" {stages[name][0][stage]:32.3f}" for name in names))
    print("  the floor's parts:")
    for part in next(iter(stages.values()))[1]:
        print(f"  {part:26}" + "".join(f" {stages[name][1][part]:32.3f}" for name in names))


def cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="project sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of alternating runs (one keeps the "
                        "default run under ten minutes)")
    parser.add_argument("--large-shapes", choices=("ends", "all"), default="ends",
                        help="shapes run at sizes past 1,000: the two ends (default), or all")
    parser.add_argument("--quick", action="store_true", help="a smoke run (the test's): the first shape at 2 jobs, "
                        "one round, one start-up run; every part runs and prints, nothing is worth reading")
    parser.add_argument("--beside", type=Path, help="a checkout of another revision whose csx -w1 runs too")
    args = parser.parse_args(argv)
    sizes = [2] if args.quick else [int(size) for size in args.sizes.split(",")]
    rounds = 1 if args.quick else args.rounds
    runs = 1 if args.quick else STARTUP_RUNS
    print(f"cryosparc-tools {cryosparc.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; {rounds} round(s), the runs alternating; csx as a command, "
          "the notebook and the floor in this process; peak memory: PSS of csx's process tree")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="csx-shapes-") as scratch:
        scratch = Path(scratch)
        db, stages = {}, {}
        for jobs in sizes:
            shapes = SHAPES if jobs <= 1000 or args.large_shapes == "all" else LARGE_SHAPES
            if args.quick:
                shapes = SHAPES[:1]
            results = {}
            for shape in shapes:
                where = scratch / f"{jobs}-{shape.variant.name}"
                project = make_benchmark_project(where / "project", jobs, shape)
                results[shape.name] = measure(project, where, rounds, args.beside)
                if jobs == sizes[0] and shape in LARGE_SHAPES:
                    stages[shape.name] = (stage_times(project, where / "stages", jobs), floor_stages(project, jobs))
                if not db:  # once, on the first project
                    one_job = job_documents(project)[0].parent
                    start_up = startup(one_job, runs)
                    imports = import_times(["-m", "extractor", "extract", str(one_job)])
                if jobs not in db:
                    db[jobs] = second_db_run(project, where, jobs, start_up)
                shutil.rmtree(where)  # 10,000 jobs take 1-2 GB
            report_size(jobs, results)
    report_stages(sizes[0], stages)
    print(f"\nstart-up of `csx extract` on one job, best of {runs}: {start_up:.3f} s (aim <= 0.2 s)")
    print("unchanged second --db run (SQLite) over the first shape, start-up taken off: "
          + ", ".join(f"{jobs} jobs {us:.0f} µs/job" for jobs, us in db.items()) + " (aim <= 25 µs/job)")
    total, packages = imports
    print(f"import time of csx extract (1 job), -X importtime, self time by package: {total:.0f} ms: "
          + ", ".join(f"{package} {ms_:.0f}" for package, ms_ in packages if ms_ >= 1))
    print(f"\nthe whole run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    cli()
