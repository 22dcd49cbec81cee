"""Where csx's time goes, per job: one in-process `csx extract --workers 1` run with a CPU clock
(time.process_time, so that the figures hold on a machine others load too) around each stage (reading
and parsing job.json, reading .cs columns, evaluating the spec's expressions, checking and writing the
record); "the rest" is everything between them (the job's context, choosing the spec, the outcome). The
figures a missed goal is explained by."""

import contextlib
import importlib
import io
import time
from collections import defaultdict
from pathlib import Path

from extractor.cli import main
from tests.benchmarks.baseline import run_floor

# (module, function, stage): the stages never nest, so their times add up
STAGES = (
    ("extractor.sources.files", "read_regular", "read job.json"),
    ("extractor.sources.files", "parse_job_json", "parse job.json"),
    ("extractor.sources.files", "read_dataset", "read dataset columns"),
    ("extractor.run.engine", "_value", "evaluate expressions"),
    ("extractor.run.extraction", "check_record", "check record"),
    ("extractor.run.batch", "_write", "write record"),
)


@contextlib.contextmanager
def _clocked(totals: dict):
    originals = []
    for module_name, name, stage in STAGES:
        module = importlib.import_module(module_name)
        function = getattr(module, name)
        originals.append((module, name, function))

        def timed(*args, _function=function, _stage=stage, **kwargs):
            started = time.process_time()
            try:
                return _function(*args, **kwargs)
            finally:
                totals[_stage] += time.process_time() - started

        setattr(module, name, timed)
    try:
        yield
    finally:
        for module, name, function in originals:
            setattr(module, name, function)


def stage_times(project: Path, out: Path, jobs: int) -> dict:
    """{stage: ms per job}, with "the rest" and "in all"."""
    totals = defaultdict(float)
    with _clocked(totals), contextlib.redirect_stderr(io.StringIO()):
        started = time.process_time()
        main(["extract", "--project-dir", str(project), "--all", "-o", str(out), "--workers", "1", "-q"])
        elapsed = time.process_time() - started
    per_job = {stage: 1000 * totals[stage] / jobs for _, _, stage in STAGES}
    per_job["the rest"] = 1000 * elapsed / jobs - sum(per_job.values())
    per_job["in all"] = 1000 * elapsed / jobs
    return per_job


def floor_stages(project: Path, jobs: int) -> dict:
    """The floor's two parts, ms per job: reading and parsing job.json (orjson), and loading the needed
    .cs columns (Dataset.load with fields)."""
    clock = {"parse": 0.0, "columns": 0.0}
    run_floor(project, clock, time.process_time)
    return {"read and parse job.json": 1000 * clock["parse"] / jobs,
            "read dataset columns": 1000 * clock["columns"] / jobs}
