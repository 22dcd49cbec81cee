"""The one batch runner: the API and the command line take the same default number of workers, and the
same records come out; the default is said the same way in the README, the help and the docstrings."""

import json
import logging
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

import extractor
from tests.helpers import records, run_csx

ROOT = Path(__file__).resolve().parent.parent
# the default, as the README states it (literal: no text taken from the code under test)
WORKERS_DEFAULT = "8 on a running instance; on disk one per CPU (at most 8) from 16 jobs on, else 1"


def _cpus() -> int:
    """The CPUs this process may use, counted here, apart from csx."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


@contextmanager
def csx_log(caplog):
    """The "csx" logger's INFO lines into caplog, whatever an in-process `csx` run left it (the command
    line stops it propagating, as its own handler writes stderr)."""
    logger = logging.getLogger("csx")
    level = logger.level
    logger.addHandler(caplog.handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)


def _worker_lines(lines) -> list:
    return [line for line in lines if re.fullmatch(r"csx: [\d,]+ jobs, \d+ worker (processes|threads)", line)]


@pytest.fixture(scope="module")
def twenty_jobs(tmp_path_factory):
    from tests.benchmarks.project import make_benchmark_project

    return make_benchmark_project(tmp_path_factory.mktemp("runner"), 20)


def test_twenty_jobs_on_disk_get_the_same_workers_and_records_both_ways(twenty_jobs, tmp_path, capsys, caplog):
    out = tmp_path / "out"
    code, _, err = run_csx(capsys, "extract", "-v", "--project-dir", twenty_jobs, "--all", "-o", out)
    assert code == 0
    with csx_log(caplog):
        made = extractor.extract(project_dir=twenty_jobs)
    # 20 jobs, 16 or more: one worker process per CPU, at most 8; one CPU is no pool at all
    expected = [f"csx: 20 jobs, {min(_cpus(), 8)} worker processes"] if _cpus() > 1 else []
    assert _worker_lines(err) == expected
    assert _worker_lines(caplog.messages) == expected
    written = sorted(json.loads(path.read_text())["job_info"]["juid"] for path in out.iterdir())
    assert len(written) == 20
    assert sorted(record["job_info"]["juid"] for record in made) == written
    assert made == [json.loads((out / f"{r['job_info']['puid']}-{r['job_info']['juid']}.json").read_text())
                    for r in made]


def test_fewer_than_sixteen_jobs_on_disk_are_worked_on_in_this_process(reference_projects, capsys, caplog):
    code, out, err = run_csx(capsys, "extract", "-v", "--project-dir", reference_projects["P30"], "--all")
    with csx_log(caplog):
        made = extractor.extract(project_dir=reference_projects["P30"])
    assert (code, _worker_lines(err), _worker_lines(caplog.messages)) == (0, [], [])
    assert made == records(out)


@pytest.mark.live
def test_an_instance_gets_the_same_threads_and_records_both_ways(tmp_path_factory, tmp_path, capsys, caplog):
    cryosparc = pytest.importorskip("cryosparc")
    from tests.fixturegen import REFERENCE_PROJECTS, make_project
    from tests.lookalike import start_server

    generation = cryosparc.__version__.split(".")[0]
    fixture = REFERENCE_PROJECTS[{"4": "P30", "5": "P446"}[generation]]
    project = make_project(tmp_path_factory.mktemp("instance"), fixture.puid, fixture.title, fixture.jobs,
                           fixture.dirname)
    completed = sum(job.status == "completed" for job in fixture.jobs)
    with start_server(project.parent, generation=generation) as server:
        (tmp_path / "info.json").write_text(json.dumps(server.instance_info))
        code, out, err = run_csx(capsys, "extract", "-v", "--instance", tmp_path / "info.json", "--project",
                                 fixture.puid, "--all")
        with csx_log(caplog):
            made = extractor.extract(project=fixture.puid, instance=server.instance_info)
    # 8 threads at most, never more than the jobs
    expected = [f"csx: {completed} jobs, {min(completed, 8)} worker threads"]
    assert (code, _worker_lines(err), _worker_lines(caplog.messages)) == (0, expected, expected)
    assert made == records(out)


def _said(text: str) -> str:
    return " ".join(text.split())


def test_one_workers_story_in_the_readme_the_help_and_the_docstrings(capsys):
    assert f"default {WORKERS_DEFAULT}." in _said((ROOT / "README.md").read_text())
    for command in ("extract", "survey"):
        with pytest.raises(SystemExit):
            run_csx(capsys, command, "--help")
        assert f"jobs worked on at once (default: {WORKERS_DEFAULT})" in _said(capsys.readouterr().out)
    for function in (extractor.iter_extract, extractor.survey):
        assert f"jobs worked on at once (default: {WORKERS_DEFAULT})" in _said(function.__doc__)
    assert "iter_extract's" in extractor.extract.__doc__  # extract's options are iter_extract's
