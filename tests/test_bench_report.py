"""The report benchmark at a tiny size: it fills its database with copies of csx's own records and hand-made
job records, and the report has a row per map (the figures come from `python -m tests.benchmarks.bench_report`)."""


def test_report_benchmark_runs_on_a_small_database(tmp_path, monkeypatch):
    from tests.benchmarks import bench_report

    monkeypatch.setattr(bench_report, "DISTINCT", 2)
    result = bench_report.run([5], rounds=1, scratch=tmp_path, check=False)
    assert result[5]["rows"] == 5
    assert len(result[5]["seconds"]) == len(result[5]["cpu_seconds"]) == 1 and result[5]["file_mb"] > 0
