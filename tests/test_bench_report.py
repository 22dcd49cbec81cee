"""The report benchmark at a tiny size: it fills its database and the report has a row per refinement
(the figures themselves come from `python -m tests.benchmarks.bench_report`)."""


def test_report_benchmark_runs_on_a_small_database(tmp_path):
    from tests.benchmarks.bench_report import run

    result = run(jobs=3, rounds=1, scratch=tmp_path)
    assert result["stored"] == {"map_info": 3, "fsc": 3}
    assert result["rows"] == 3
    assert len(result["seconds"]) == len(result["peak_mb"]) == 1 and result["file_mb"] > 0
