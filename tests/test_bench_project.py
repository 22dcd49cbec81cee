"""The project benchmark at a tiny size: its generator, and that csx and the baseline agree record for record
(the figures themselves come from `python -m tests.benchmarks.bench_project`)."""

import pytest

pytest.importorskip("cryosparc")

JOBS = 5


def test_csx_and_the_notebook_baseline_write_the_same_records(tmp_path):
    from tests.benchmarks.baseline import job_documents
    from tests.benchmarks.bench_project import BASELINE, CSX, CSX_COMMAND, read_records, side_by_side
    from tests.benchmarks.project import make_benchmark_project

    project = make_benchmark_project(tmp_path / "project", JOBS)
    assert len(job_documents(project)) == JOBS
    assert min(path.stat().st_size for path in job_documents(project)) >= 100_000

    times, outputs = side_by_side(project, tmp_path / "out", rounds=1)

    baseline = read_records(outputs[BASELINE])
    assert len(baseline) == JOBS
    assert len({record["gsfsc"] for record in baseline.values()}) == JOBS  # the jobs differ
    assert read_records(outputs[CSX]) == baseline
    assert read_records(outputs[CSX_COMMAND]) == baseline
    assert all(len(t) == 1 for t in times.values())
