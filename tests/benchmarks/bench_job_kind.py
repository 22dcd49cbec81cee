"""csx survey and `csx extract --all --spec job --status any` over projects of 1,000, 10,000 and 100,000 jobs
of every type and status: time and peak memory of each at each size, default workers, so that memory can be
seen to stay flat (issue 21: peak at 100,000 jobs within 1.5x of the peak at 10,000).

The projects: the jobs of the workflow projects (tests/fixturegen/workflow.py: 34 job types, v4 and v5
documents, completed and failed) as templates, written again and again under new uids into one project
folder, each copy's job.json and .csg files rewritten with its uid and its .cs files hard links (the survey
reads some of them). A project is written to a temporary directory, measured, and deleted.

    python -m tests.benchmarks.bench_job_kind [--sizes 1000 10000 100000] [--workers N]

The ways, each run as a user runs it: `csx survey DIR --format json`; `csx extract --project-dir DIR --all
--spec job --status any` to /dev/null (JSON lines); the same with `--db FILE` (a fresh SQLite database).
Peak memory: "max RSS", the high-water resident set of the largest process of csx's tree (csx or one of its
workers; wait4 of a small launcher process, see bench_survey.py), exact; and "tree MB", the proportional set
size of the whole tree (shared pages counted once), sampled every 20 ms.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.benchmarks.bench_project import csx_command
from tests.benchmarks.bench_shapes import SAMPLE_S, tree_pss_mb
from tests.benchmarks.bench_survey import LAUNCHER
from tests.fixturegen.workflow import make_workflow_projects

SIZES = (1000, 10_000, 100_000)
PUID = "P9"
WAYS = ("survey", "extract jsonl", "extract sqlite")


def templates(root: Path) -> list:
    """[(job folder, [(file name, None for a .cs file to link, else its text split at the job's uid)])] of the
    workflow projects' jobs, their project uid made PUID."""
    found = []
    for project_dir in make_workflow_projects(root).values():
        puid = json.loads((project_dir / "project.json").read_text())["uid"]
        for job_dir in sorted(project_dir.glob("J*")):
            own = re.compile(rf"\b{job_dir.name}(?!\d)")
            number = re.compile(rf'"uid_num": {job_dir.name[1:]}\b')
            files = []
            for path in sorted(job_dir.iterdir()):
                if path.suffix == ".cs":
                    files.append((path.name, None))
                    continue
                text = re.sub(rf"\b{puid}\b", PUID, path.read_text())
                files.append((path.name, [own.split(piece) for piece in number.split(text)]))
            found.append((job_dir, files))
    return found


def make_job_project(root: Path, jobs: int, kinds: list) -> Path:
    """A project folder of `jobs` jobs, J1 to J<jobs>, copies of the templates in turn."""
    project_dir = Path(root) / f"CS-jobs-{jobs}"
    project_dir.mkdir(parents=True)
    first = next(path for path in kinds[0][0].parent.glob("project.json"))
    (project_dir / "project.json").write_text(re.sub(r'"uid": "P\d+"', f'"uid": "{PUID}"', first.read_text(), 1))
    for n in range(1, jobs + 1):
        source, files = kinds[(n - 1) % len(kinds)]
        uid, original = f"J{n}", source.name
        (project_dir / uid).mkdir()
        for name, pieces in files:
            target = f"{project_dir}/{uid}/{name.replace(original, uid)}"
            if pieces is None:
                os.link(source / name, target)
            else:
                with open(target, "w") as file:
                    file.write(f'"uid_num": {n}'.join(uid.join(piece) for piece in pieces))
    return project_dir


def way_args(way: str, project: Path, db: Path, workers: int | None) -> list:
    options = ["--workers", str(workers)] if workers else []
    if way == "survey":
        return csx_command() + ["survey", str(project), "--format", "json", "--status", "any", *options]
    args = csx_command() + ["extract", "--project-dir", str(project), "--all", "--spec", "job", "--status", "any",
                            *options]
    return args + (["--db", str(db)] if way == "extract sqlite" else [])


def measure(argv: list) -> dict:
    """Wall seconds, max RSS MB (the largest process of the tree) and sampled tree PSS MB of one command."""
    peak, done = [0.0], threading.Event()
    started = time.perf_counter()
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER, *argv], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def sample():
        while not done.wait(SAMPLE_S):
            peak[0] = max(peak[0], tree_pss_mb(launcher.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = launcher.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if launcher.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {launcher.returncode}: {err[-2000:]}")
    max_rss, _cpu = out.split()
    return {"seconds": seconds, "max_rss_mb": int(max_rss) / 1024, "tree_mb": peak[0]}


def run(sizes=SIZES, workers: int | None = None, scratch: Path | None = None, check: bool = False) -> list:
    """One row per (size, way). With `check`, each size's rows also say whether JSON lines and the SQLite
    database hold the same records, one per job, and the survey counted every job (run again for it)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="csx-bench-jobs-", dir=scratch) as folder:
        kinds = templates(Path(folder) / "templates")
        for jobs in sizes:
            started = time.perf_counter()
            project = make_job_project(Path(folder) / "projects", jobs, kinds)
            made = time.perf_counter() - started
            db = Path(folder) / f"jobs-{jobs}.sqlite"
            for way in WAYS:
                rows.append({"jobs": jobs, "way": way, "made_s": made,
                             **measure(way_args(way, project, db, workers))})
            if check:
                rows[-1].update(same_records(project, db, workers, jobs))
            db.unlink(missing_ok=True)
            shutil.rmtree(project)
    return rows


def same_records(project: Path, db: Path, workers: int | None, jobs: int) -> dict:
    """Whether the JSON lines of the job records are those the database holds, one per job; and the jobs
    the survey counted."""
    from extractor.sinks.dbread import reading

    lines = subprocess.run(way_args("extract jsonl", project, db, workers), capture_output=True, text=True).stdout
    printed = {(record["job_info"]["puid"], record["job_info"]["juid"]): record
               for record in map(json.loads, lines.splitlines())}
    with reading(db) as reader:
        stored = {(row.project_uid, row.job_uid): row.record for row in reader.records("job")}
    survey = json.loads(subprocess.run(way_args("survey", project, db, workers), capture_output=True,
                                       text=True).stdout)
    return {"records": len(printed), "same": printed == stored and len(printed) == jobs,
            "surveyed": survey["jobs"]}


def print_rows(rows: list) -> None:
    print(f"{'jobs':>8}  {'way':<15} {'s':>7} {'ms/job':>7} {'max RSS MB':>11} {'tree MB':>8}")
    for row in rows:
        print(f"{row['jobs']:>8,}  {row['way']:<15} {row['seconds']:>7.1f} {1000 * row['seconds'] / row['jobs']:>7.2f} "
              f"{row['max_rss_mb']:>11.1f} {row['tree_mb']:>8.1f}")
    for row in rows:
        if "same" in row:
            print(f"{row['jobs']:>8,}  JSON lines and SQLite: {row['records']:,} job records, "
                  f"{'the same' if row['same'] else 'NOT the same'}; the survey counted {row['surveyed']:,} jobs")
    sizes = sorted({row["jobs"] for row in rows})
    if len(sizes) > 1:
        by = {(row["jobs"], row["way"]): row for row in rows}
        small, large = sizes[-2], sizes[-1]
        for way in WAYS:
            print(f"{way}: peak at {large:,} jobs / at {small:,}: max RSS "
                  f"{by[large, way]['max_rss_mb'] / by[small, way]['max_rss_mb']:.2f}x, tree "
                  f"{by[large, way]['tree_mb'] / by[small, way]['tree_mb']:.2f}x")


def cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--workers", type=int, help="jobs at once (default: csx's default)")
    args = parser.parse_args(argv)
    print_rows(run(args.sizes, args.workers))


if __name__ == "__main__":
    cli()
