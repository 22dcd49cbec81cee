"""The database benchmark at a tiny size: csx extract into each sink, and records through each sink, side by
side (the figures themselves come from `python -m tests.benchmarks.bench_db`)."""

import pytest

pytest.importorskip("cryosparc")


def test_database_benchmark_runs_each_sink_side_by_side(postgres, tmp_path, capsys):
    from tests.benchmarks.bench_db import SINKS, run

    result = run(jobs=3, records=20, rounds=1, unchanged_jobs=0, writers=0, server=postgres)
    out = capsys.readouterr().out
    assert sorted(result["extraction"]) == sorted(("this", sink) for sink in SINKS)
    assert all(len(times["seconds"]) == 1 for times in result["extraction"].values())
    assert all(len(runs) == 1 and runs[0]["seconds"] > 0 for runs in result["writing"].values())
    assert "writing 20 map-info records through each sink" in out
    assert "the ratios of 1. at 20 records" in out
