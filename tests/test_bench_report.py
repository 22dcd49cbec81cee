"""The report benchmark at a tiny size: it fills its database with copies of csx's own records and hand-made
job records, and the report has a row per map (the figures come from `python -m tests.benchmarks.bench_report`)."""


def test_report_benchmark_runs_on_a_small_database(tmp_path, monkeypatch):
    from tests.benchmarks import bench_report

    monkeypatch.setattr(bench_report, "DISTINCT", 3)
    result = bench_report.run([7], rounds=1, scratch=tmp_path)
    assert result[7]["rows"] == 7
    assert len(result[7]["seconds"]) == len(result[7]["peak_mb"]) == 1 and result[7]["file_mb"] > 0
    assert result["check"]["maps"] == 3
