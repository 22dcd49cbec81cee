"""The Table 1 and job-kind benchmarks at a tiny size: their projects, their tables, and that the ways they
compare made the same records (the figures come from `python -m tests.benchmarks.bench_table1` and
`python -m tests.benchmarks.bench_job_kind`)."""

import json

import pytest

pytest.importorskip("cryosparc")


def test_table1_benchmark_runs_table1_and_map_info_over_the_same_maps(tmp_path, capsys):
    from tests.benchmarks import bench_table1

    # 20 maps: worker processes (from 16 jobs on), each with its own related jobs
    rows = bench_table1.run(maps=20, layouts=("v4",), rounds=1, serial=True, scratch=tmp_path)
    bench_table1.print_rows(rows)
    out = capsys.readouterr().out
    (row,) = rows
    assert row["records"] == {"table1": 20, "map-info": 20, "table1 -w1": 20}
    assert row["same"]  # default workers and one worker made the same bytes
    assert row["jobs"] == 12 + 20 + 4  # the shared pipeline, the maps, two maps' local resolution and sharpening
    assert "table1 records the same by every way: yes" in out
    first = json.loads(row["first"])  # J100, of box 16: the one with a local resolution and a sharpening job
    assert first["acquisition"]["import_jobs"] == ["J1", "J2"]
    assert first["micrographs"]["ctf_jobs"] == ["J4"] and first["micrographs"]["curation_jobs"] == ["J19"]
    assert first["map"]["local_resolution_job"] == "J120" and first["map"]["sharpening_job"] == "J121"


def test_job_kind_benchmark_writes_the_same_records_to_json_lines_and_sqlite(tmp_path, capsys):
    from tests.benchmarks.bench_job_kind import WAYS, print_rows, run

    rows = run(sizes=[40], scratch=tmp_path, check=True)
    print_rows(rows)
    out = capsys.readouterr().out
    assert [row["way"] for row in rows] == list(WAYS)
    assert all(row["max_rss_mb"] > 0 for row in rows)
    assert rows[-1]["same"] and rows[-1]["records"] == 40 and rows[-1]["surveyed"] == 40
    assert "40 job records, the same; the survey counted 40 jobs" in out
