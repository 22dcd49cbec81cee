"""The benchmarks still run (tiny sizes; the figures themselves are printed by `python -m tests.benchmarks...`)."""

import pytest

pytest.importorskip("cryosparc")


def test_workers_benchmark_runs_and_writes_every_record():
    from tests.benchmarks.bench_workers import run

    result = run(jobs=3, delay=0.0)
    assert result["written"] == 3
    assert result["speedup"] > 0


def test_deadline_benchmark_runs():
    from tests.benchmarks.bench_deadline import run

    result = run(rounds=1, calls=2)
    assert result["with"] > 0 and result["without"] > 0


def test_job_json_benchmark_runs_every_shape_on_every_parser():
    from tests.benchmarks.bench_job_json import BASELINE, run

    rows = run(baseline=BASELINE, rounds=1, repeat=1)
    assert [row["shape"] for row in rows] == ["compact", "indented", "compact, NaN", "indented, NaN"]
    assert all(row["new"] and row["stdlib"] for row in rows)
    assert 120_000 < rows[0]["bytes"] < 180_000


def test_expressions_benchmark_runs_and_both_ways_agree():
    from tests.benchmarks.bench_expressions import run

    result = run(jobs=3, rounds=1)
    assert [row["count"] for row in result["rows"]] == [19, 8, 11]  # gsfsc and fsc_resolution_A call first_key()
    assert all(row["interpreter"] > 0 and row["compiled"] > 0 for row in result["rows"])
