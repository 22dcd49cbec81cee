"""The benchmark over every project shape, at a tiny size: it runs end to end, covers every shape, and csx,
csx with --workers 1 and the notebook way write the same records on each (the figures themselves come from
`python -m tests.benchmarks.bench_shapes`)."""

import pytest

pytest.importorskip("cryosparc")


def test_the_quick_run_covers_every_shape_and_agrees_with_the_notebook(capsys):
    from tests.benchmarks.bench_shapes import cli
    from tests.benchmarks.project import SHAPES

    cli(["--quick"])
    out = capsys.readouterr().out
    rows = {line.split(" .cs ")[0].strip(): line for line in out.splitlines() if " .cs " in line}
    assert sorted(rows) == sorted(
        f"{layout} {job_json} {volumes}" for layout in ("v4", "v5") for job_json in ("compact", "indented+NaN")
        for volumes in ("per-result", "shared"))
    assert len(SHAPES) == 8
    assert all(line.endswith(" yes") for line in rows.values()), out
    assert "where csx -w1's time goes" in out and "parse job.json" in out
    assert "start-up of `csx extract` on one job" in out
    assert "unchanged second --db run (SQLite)" in out
    assert "import time of csx extract (1 job)" in out
