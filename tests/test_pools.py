"""Many jobs at once: outcomes come back in the jobs' order whatever the batches, a job settled before the
pool (unchanged since the database stored it) never reaches a worker, and worker processes give the same
records as one process."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.run.pools import batch_size, ordered_map
from tests.helpers import run_csx


@settings(max_examples=200, deadline=None)
@given(items=st.lists(st.integers(0, 99), max_size=60), settled_every=st.integers(1, 5), batch=st.integers(1, 9),
       window=st.integers(1, 6))
def test_outcomes_keep_the_order_of_the_jobs_and_settled_ones_never_reach_a_worker(items, settled_every, batch,
                                                                                   window):
    handed_over = []

    def work(chunk):
        handed_over.append(list(chunk))
        return [f"worked {item}" for item in chunk]

    def settled(item):
        return f"settled {item}" if item % settled_every == 0 else None

    expected = [settled(item) or f"worked {item}" for item in items]
    with ThreadPoolExecutor(2) as pool:
        assert list(ordered_map(pool, work, items, window, settled, batch)) == expected
    assert all(1 <= len(chunk) <= batch for chunk in handed_over)
    assert sorted(item for chunk in handed_over for item in chunk) == sorted(
        item for item in items if item % settled_every)
    assert list(ordered_map(None, work, items, window, settled, batch)) == expected


def test_batches_share_out_a_project_and_stay_single_for_threads():
    assert batch_size(10_000, 2, "processes") == 8
    assert batch_size(40, 2, "processes") == 5
    assert batch_size(5, 2, "processes") == 1
    assert batch_size(10_000, 8, "threads") == 1


@pytest.fixture(scope="module")
def twenty_jobs(tmp_path_factory):
    from tests.benchmarks.project import make_benchmark_project

    return make_benchmark_project(tmp_path_factory.mktemp("pools"), 20)


def test_worker_processes_give_the_records_of_one_process_and_skip_unchanged_jobs(twenty_jobs, tmp_path, capsys):
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_csx(capsys, "extract", "--project-dir", twenty_jobs, "--all", "-o", one, "--workers", "1")[0] == 0
    assert run_csx(capsys, "extract", "--project-dir", twenty_jobs, "--all", "-o", two, "--workers", "2")[0] == 0
    files = sorted(path.name for path in one.iterdir())
    assert len(files) == 20 and files == sorted(path.name for path in two.iterdir())
    assert all(json.loads((one / name).read_text()) == json.loads((two / name).read_text()) for name in files)

    database = tmp_path / "csx.sqlite"
    code, _, err = run_csx(capsys, "extract", "--project-dir", twenty_jobs, "--all", "--db", database, "--workers", "2")
    assert (code, err) == (0, ["csx: 20 done, 0 skipped, 0 failed"])
    (twenty_jobs / "J107" / "job.json").touch()  # a newer modification time: extracted again
    code, _, err = run_csx(capsys, "extract", "--project-dir", twenty_jobs, "--all", "--db", database, "--workers", "2",
                           "-v")
    assert code == 0 and err[-1] == "csx: 1 done, 19 skipped, 0 failed"
    assert sum("unchanged since it was last extracted" in line for line in err) == 19
    assert not any("J107" in line for line in err[:-1])
