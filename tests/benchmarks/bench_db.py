"""The database sink's figures, SQLite and PostgreSQL side by side with JSON lines, in one run:

1. `csx extract --project-dir DIR --all --workers 1` over a project of 1,000 refinements
   (tests/benchmarks/project.py), its records going to JSON lines (/dev/null), a fresh SQLite database
   and a fresh PostgreSQL database, the runs alternating round by round: each database's time over JSON
   lines' (aims: SQLite <= 1.10x, PostgreSQL <= 1.25x).
2. 100,000 records written through each sink (made before the clock starts), then the same ratios at
   100,000 records: the extraction time per job of (1) (JSON lines' run, its writing taken off) plus each
   sink's writing time per record. A project of 100,000 jobs takes longer to extract than the whole
   benchmark may (about 2.5 minutes a run at 1.4 ms a job); `--large-run N` runs `csx extract` over N
   light refinements (no bulk, no FSC curves) for the measured figure.
3. With `--beside DIR` (a checkout of another revision, e.g. the code before batches), its csx runs (1)
   and (2) too: the speed-up of upserting 100,000 records (aim: >= 10x on both databases).
4. A second, unchanged `csx extract --project-dir DIR --all --db` over a project of 10,000 jobs, every
   one of them skipped; and 4 writer processes upserting the same jobs at once, against 1 writer.

Times are wall clock, best of the rounds (median in brackets); CPU is csx's process, every thread, plus
its PostgreSQL backend. The machine may be shared: the runs alternate so that load falls on all alike.
PostgreSQL is a throwaway server started for the run (tests.postgres_server) with its default durability;
csx turns synchronous_commit off for its own session. SQLite runs in WAL mode with synchronous=NORMAL,
as csx opens it.

    .venv-test-5.0/bin/python -m tests.benchmarks.bench_db [--beside /work/main] [--rounds 3]
        [--jobs 1000] [--records 100000] [--large-run 0] [--unchanged-jobs 10000] [--writers 4]
"""

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractor.resources import schemas_dir
from extractor.sinks.database import DatabaseSink, open_database
from extractor.sources.files import project_handles
from tests.benchmarks.project import make_benchmark_project
from tests.benchmarks.upsert_run import outcome, upsert
from tests.postgres_server import PASSWORD, PostgresServer

ROOT = Path(__file__).resolve().parents[2]
UPSERT_RUN = Path(__file__).with_name("upsert_run.py")
SINKS = ("JSON lines", "SQLite", "PostgreSQL")


def schema_for(kind: str) -> Path:
    return schemas_dir() / f"{kind}.schema.json"


class Databases:
    """Fresh targets of each sink, on one PostgreSQL server; the CPU time of the server's backends."""

    def __init__(self, folder: Path, server: PostgresServer):
        self.folder, self.server, self.count = folder, server, 0
        self.postmaster = int((server.data / "postmaster.pid").read_text().split()[0])

    def target(self, sink: str) -> str:
        self.count += 1
        if sink == "SQLite":
            return str(self.folder / f"db{self.count}.sqlite")
        if sink != "PostgreSQL":
            return "jsonl"
        url = self.server.new_database()
        time.sleep(0.2)  # the backend that made it ends, its CPU time counted before the run's
        return url

    def ended_backends_cpu(self) -> float:
        """CPU seconds of the server's processes that have ended (the postmaster's reaped children)."""
        with open(f"/proc/{self.postmaster}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def checkout_env(checkout: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(checkout)}


def extract_run(project: Path, target: str, checkout: Path, databases: Databases) -> tuple[float, float]:
    """(wall seconds, CPU seconds of csx and its PostgreSQL backend) of `csx extract --workers 1` into
    `target`, with the csx of `checkout`."""
    command = [sys.executable, "-m", "extractor", "extract", "--project-dir", str(project), "--all",
               "--workers", "1", *(() if target == "jsonl" else ("--db", target))]
    server_cpu = databases.ended_backends_cpu()
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=checkout_env(checkout))
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed: {errors.read().decode()[-2000:]}")
    if target.startswith("postgresql"):
        time.sleep(0.05)  # the backend ends just after csx disconnects
    return seconds, usage.ru_utime + usage.ru_stime + databases.ended_backends_cpu() - server_cpu


def sink_run(target: str, records: int, checkout: Path) -> dict:
    """upsert_run.py's figures for `records` records into `target`, with the csx of `checkout`."""
    done = subprocess.run([sys.executable, str(UPSERT_RUN), target, str(records)], capture_output=True, text=True,
                          env=checkout_env(checkout))
    if done.returncode:
        raise SystemExit(f"upsert_run.py {target} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def best(values) -> str:
    return f"{min(values):7.2f} s ({statistics.median(values):6.2f})"


def extraction_runs(project: Path, jobs: int, checkouts: dict, databases: Databases, rounds: int) -> dict:
    """{(checkout name, sink): {"seconds": [...], "cpu": [...]}}, the runs alternating within each round."""
    times = {(name, sink): {"seconds": [], "cpu": []} for name in checkouts for sink in SINKS}
    for _ in range(rounds):
        for name, checkout in checkouts.items():
            for sink in SINKS:
                seconds, cpu = extract_run(project, databases.target(sink), checkout, databases)
                times[name, sink]["seconds"].append(seconds)
                times[name, sink]["cpu"].append(cpu)
    print(f"\n1. csx extract --project-dir DIR --all --workers 1 over {jobs:,} refinements, {rounds} round(s): "
          "wall best (median), each database over JSON lines (best/best, and the median of the rounds' "
          "ratios; aims SQLite <= 1.10x, PostgreSQL <= 1.25x), CPU of csx and its server backend")
    for name in checkouts:
        jsonl = times[name, "JSON lines"]
        for sink in SINKS:
            t = times[name, sink]
            ratio = "" if sink == "JSON lines" else (
                f"{min(t['seconds']) / min(jsonl['seconds']):5.2f}x "
                f"(median {statistics.median(a / b for a, b in zip(t['seconds'], jsonl['seconds'])):4.2f}x)")
            print(f"  {name:8} {sink:10} {best(t['seconds'])}  {ratio:23} CPU {min(t['cpu']):6.2f} s "
                  f"({min(t['cpu']) / min(jsonl['cpu']):4.2f}x)")
    return times


def sink_runs(records: int, checkouts: dict, databases: Databases, rounds: int) -> dict:
    """{(checkout name, sink): [figures of each round]}, the runs alternating within each round."""
    figures = {(name, sink): [] for name in checkouts for sink in SINKS}
    for _ in range(rounds):
        for name, checkout in checkouts.items():
            for sink in SINKS:
                figures[name, sink].append(sink_run(databases.target(sink), records, checkout))
    print(f"\n2. writing {records:,} map-info records through each sink (records made before the clock starts), "
          f"{rounds} round(s): wall best (median), µs per record, CPU of the writer and its server backend")
    for (name, sink), runs in figures.items():
        seconds = [run["seconds"] for run in runs]
        cpu = min(run["cpu"] + run["server_cpu"] for run in runs)
        print(f"  {name:8} {sink:10} {best(seconds)}  {1e6 * min(seconds) / records:6.1f} µs/record  "
              f"{records / min(seconds):9,.0f} records/s  CPU {cpu:6.2f} s")
    if len(checkouts) > 1:
        this, other = checkouts
        for sink in SINKS[1:]:
            old = [run["seconds"] for run in figures[other, sink]]
            new = [run["seconds"] for run in figures[this, sink]]
            old_cpu = min(run["cpu"] + run["server_cpu"] for run in figures[other, sink])
            new_cpu = min(run["cpu"] + run["server_cpu"] for run in figures[this, sink])
            print(f"  upserting {records:,} records, {sink}: {other} over {this} {min(old) / min(new):5.1f}x "
                  f"(median {statistics.median(old) / statistics.median(new):.1f}x; CPU {old_cpu / new_cpu:.1f}x) "
                  "(aim >= 10x)")
    return figures


def derived_ratios(jobs: int, records: int, extraction: dict, writing: dict, checkouts: dict):
    """The ratios of (1) at `records` records: the extraction time per job of (1), without its writing, plus
    each sink's writing time per record of (2)."""
    print(f"\n   the ratios of 1. at {records:,} records: extraction per job from 1. (JSON lines' run less its "
          f"writing), writing per record from 2.")
    for name in checkouts:
        per_record = {sink: min(run["seconds"] for run in writing[name, sink]) / records for sink in SINKS}
        extract = min(extraction[name, "JSON lines"]["seconds"]) / jobs - per_record["JSON lines"]
        cells = ", ".join(f"{sink} {(extract + per_record[sink]) / (extract + per_record['JSON lines']):.3f}x"
                          for sink in SINKS[1:])
        print(f"  {name:8} extraction {1e3 * extract:.2f} ms/job: {cells}")


def large_run(folder: Path, jobs: int, checkouts: dict, databases: Databases):
    project = make_benchmark_project(folder / "large", jobs, bulk=False)
    extraction_runs(project, jobs, checkouts, databases, rounds=1)


def _writer(target: str, numbers, results):
    results.put(upsert(target, numbers)["seconds"])


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


def run(jobs=1000, records=100_000, rounds=3, beside=None, large=0, unchanged_jobs=10_000, writers=4,
        concurrent_records=5_000, server=None) -> dict:
    own_server = server is None
    server = server or PostgresServer()
    os.environ["PGPASSWORD"] = PASSWORD
    checkouts = {"this": ROOT, **({"beside": Path(beside).resolve()} if beside else {})}
    started = time.perf_counter()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; checkouts: "
          + ", ".join(f"{name} {path}" for name, path in checkouts.items()))
    try:
        with tempfile.TemporaryDirectory(prefix="csx-bench-db-") as folder:
            folder = Path(folder)
            databases = Databases(folder, server)
            project = make_benchmark_project(folder / "refinements", jobs)
            extraction = extraction_runs(project, jobs, checkouts, databases, rounds)
            # two rounds at most: today's csx takes half a minute for 100,000 records on PostgreSQL
            writing = sink_runs(records, checkouts, databases, min(rounds, 2))
            derived_ratios(jobs, records, extraction, writing, checkouts)
            if large:
                large_run(folder, large, checkouts, databases)

            targets = {"SQLite": lambda name: str(folder / f"{name}.sqlite"),
                       "PostgreSQL": lambda name: server.new_database()}
            if unchanged_jobs:
                unchanged = unchanged_project(folder, unchanged_jobs)
                print(f"\n4. second, unchanged run of csx extract --project-dir DIR --all --db over "
                      f"{unchanged_jobs:,} jobs:")
                for name, target in targets.items():
                    seconds = unchanged_run(target("unchanged"), unchanged)
                    print(f"  {name:<10} {seconds:7.2f} s  ({unchanged_jobs / seconds:,.0f} jobs/s, csx start-up "
                          "included)")
            count = concurrent_records
            if writers:
                print(f"   {writers} writer processes upserting the same {count:,} jobs at once, against 1 writer:")
            for name, target in targets.items() if writers else ():
                alone = concurrent_upserts(target("one"), 1, range(1, count + 1))
                together = concurrent_upserts(target("many"), writers, range(1, count + 1))
                print(f"  {name:<10} 1 writer {alone:6.1f} s ({count / alone:,.0f} records/s); "
                      f"{writers} writers {together:6.1f} s ({writers * count / together:,.0f} "
                      f"records/s together, {together / alone:.2f}x the time of one)")
    finally:
        if own_server:
            server.stop()
    print(f"\nthe whole run: {time.perf_counter() - started:.0f} s")
    return {"extraction": extraction, "writing": writing}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000, help="refinements of the extraction runs (1.)")
    parser.add_argument("--records", type=int, default=100_000, help="records written through each sink (2.)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the extraction runs")
    parser.add_argument("--beside", type=Path, help="a checkout of another revision whose csx runs 1. and 2. too")
    parser.add_argument("--large-run", type=int, default=0, metavar="N",
                        help="also csx extract over N light refinements, one round (100,000: about 8 minutes a "
                             "checkout on an idle machine)")
    parser.add_argument("--unchanged-jobs", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--concurrent-records", type=int, default=5_000,
                        help="jobs each concurrent writer upserts (the same jobs in every writer)")
    options = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come, also into a file
    run(options.jobs, options.records, options.rounds, options.beside, options.large_run, options.unchanged_jobs,
        options.writers, options.concurrent_records)


if __name__ == "__main__":
    main()
