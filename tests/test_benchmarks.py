"""Every benchmark still runs: a smoke run at a tiny size that checks it prints its table and that the ways it
compares agree on the records (the figures themselves come from `python -m tests.benchmarks.<name>`, and no
test reads them: a time measured in a unit suite on a shared machine measures the machine)."""

import re

import pytest

pytest.importorskip("cryosparc")

NUMBER = r"[\d.]+"


def test_the_shapes_benchmark(capsys):
    from tests.benchmarks.bench_shapes import cli

    cli(["--quick"])
    out = capsys.readouterr().out
    (row,) = [line for line in out.splitlines() if " .cs " in line]
    assert row.split(" .cs ")[0].strip() == "v4 compact per-result"
    assert row.endswith(" yes")  # csx -w1, csx and the notebook way wrote the same records
    for heading in ("where csx -w1's time goes", "parse job.json", "start-up of `csx extract` on one job",
                    "unchanged second --db run (SQLite)", "import time of csx extract (1 job)"):
        assert heading in out, heading


def test_the_project_benchmark_and_the_notebook_baseline_write_the_same_records(tmp_path):
    from tests.benchmarks.baseline import job_documents
    from tests.benchmarks.bench_project import BASELINE, CSX, CSX_COMMAND, FLOOR, read_records, side_by_side
    from tests.benchmarks.project import make_benchmark_project

    project = make_benchmark_project(tmp_path / "project", 3)
    assert len(job_documents(project)) == 3
    assert min(path.stat().st_size for path in job_documents(project)) >= 100_000  # real-sized documents

    times, outputs = side_by_side(project, tmp_path / "out", rounds=1)

    baseline = read_records(outputs[BASELINE])
    assert len(baseline) == 3
    assert len({record["gsfsc"] for record in baseline.values()}) == 3  # the jobs differ
    assert read_records(outputs[CSX]) == baseline
    assert read_records(outputs[CSX_COMMAND]) == baseline
    assert sorted(times) == sorted([CSX, CSX_COMMAND, BASELINE, FLOOR]) and all(len(t) == 1 for t in times.values())


def test_the_report_benchmark(capsys):
    from tests.benchmarks.bench_report import main_benchmark

    main_benchmark(["--quick"])
    first, check = capsys.readouterr().out.splitlines()
    # 5 maps, copies of 2 extracted ones, each a row of the report
    assert re.match(rf"5 maps \(5 rows; database filled in {NUMBER} s\): csx report --db {NUMBER} s best", first)
    assert re.search(rf"report\.html {NUMBER} MB$", first)
    assert re.fullmatch(rf"check of 2 maps whose folders exist: report {NUMBER} s of CPU with it, {NUMBER} s with "
                        "--no-check", check)


def test_the_workers_benchmark(capsys):
    from tests.benchmarks.bench_workers import cli

    cli(["--jobs", "2", "--delay", "0"])
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(rf"cryosparc-tools \S+: 2 jobs, 0 ms per request: 1 worker {NUMBER} s, 8 workers {NUMBER} s, "
                        rf"speed-up {NUMBER}x; 2 records written, the same both ways: yes", line), line


def test_the_deadline_benchmark(capsys):
    from tests.benchmarks.bench_deadline import main

    main(["--rounds", "1", "--calls", "1"])  # it stops if the deadline changes the document fetched
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(rf"cryosparc-tools \S+: a job document takes {NUMBER} ms without the deadline, {NUMBER} ms "
                        rf"with it \(x{NUMBER}\)", line), line


def test_the_job_json_benchmark(capsys):
    from tests.benchmarks.bench_job_json import cli

    cli(["--rounds", "1", "--repeat", "1"])
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split() == ["shape", "size", "new", "old", "stdlib", "old/new", "stdlib/new"]
    lines = [line for line in lines if not line.startswith("(no old: ")]  # a checkout without the old revision
    time_ = rf"(?:{NUMBER} ms|fails|-)"
    rows = [re.match(rf"(.{{15}}) +(\d+) KB +({time_}) +({time_}) +({time_}) ", line) for line in lines]
    assert [row.group(1).strip() for row in rows] == ["compact", "indented", "compact, NaN", "indented, NaN"]
    assert 120 <= int(rows[0].group(2)) <= 180  # a refinement's job.json, about 150 KB compact
    # this tree's parser and the standard library's read every shape; the earlier revision's has no NaN
    assert [(row.group(3), row.group(5)) for row in rows if "fails" in (row.group(3), row.group(5))] == []


def test_the_expressions_benchmark(capsys):
    from tests.benchmarks.bench_expressions import main

    main(["--jobs", "2", "--rounds", "1"])  # it stops if the compiled expressions and the interpreter disagree
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("map-info spec over 2 jobs (v4 ")
    assert [re.split(r" {2,}", line.strip())[0] for line in lines[2:]] == [
        "every field (19)", "fields calling no function (8)", "fields calling functions (11)"]


def test_the_survey_benchmark(capsys):
    from tests.benchmarks.bench_survey import cli

    cli(["--quick"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["jobs", "workers", "--shape", "s", "ms/job", "CPU", "ms/job", "peak", "MB", "shape",
                                "KB"]
    assert [line.split()[:3] + [line.split()[-1] != "-"] for line in lines[2:]] == [
        ["3", "1", "no", False], ["3", "1", "yes", True]]  # the shape file's size, where one was written


def test_the_exposures_benchmark(capsys):
    from tests.benchmarks.bench_exposures import cli

    cli(["--quick"])
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(rf"csx extract, patch CTF estimation of 10,000 exposures, best of 1: {NUMBER} s wall, "
                        rf"{NUMBER} s CPU \(load average {NUMBER}\), peak memory {NUMBER} MB \(goal for 1,000,000: "
                        rf"under 1 s\)", line), line


def test_the_database_benchmark_writes_every_record_through_each_sink(postgres, capsys):
    from tests.benchmarks.bench_db import SINKS, run

    result = run(jobs=3, records=20, rounds=1, unchanged_jobs=0, writers=0, server=postgres)
    out = capsys.readouterr().out
    assert sorted(result["extraction"]) == sorted(("this", sink) for sink in SINKS)
    assert all(len(times["seconds"]) == 1 for times in result["extraction"].values())
    # each database holds the 20 jobs written, read back through a sink of its own
    assert {sink: [each["stored"] for each in runs] for (_, sink), runs in result["writing"].items()} == {
        "JSON lines": [None], "SQLite": [20], "PostgreSQL": [20]}
    assert "writing 20 map-info records through each sink" in out
    assert "the ratios of 1. at 20 records" in out
