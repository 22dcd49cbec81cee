"""csx extract over project directories: batches, sinks, exit codes, summaries."""

import json
import os

from tests.helpers import records, run_csx


def test_named_jobs_of_a_project_dir(reference_projects, capsys):
    code, out, err = run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "J180", "J181")
    assert code == 0
    assert [r["job_info"]["juid"] for r in records(out)] == ["J180", "J181"]
    assert err == ["csx: 2 done, 0 skipped, 0 failed"]


def test_all_skips_types_without_spec_and_unfinished_jobs(project_copy, capsys):
    project = project_copy("P30")
    doc = json.loads((project / "J2" / "job.json").read_text())
    doc["job_type"] = "orientation_diagnostics"  # a type no shipped spec covers
    (project / "J2" / "job.json").write_text(json.dumps(doc))
    code, out, err = run_csx(capsys, "extract", "-v", "--project-dir", project, "--all", "--type", "map-info",
                             "--type", "orientation_diagnostics")
    assert code == 0
    assert [r["job_info"]["juid"] for r in records(out)] == ["J180", "J181", "J182", "J183"]
    assert err == [
        "csx: skipped P30/J1: type import_movies not asked for",
        "csx: skipped P30/J2: no spec for type orientation_diagnostics",
        "csx: skipped P30/J184: status failed",
        "csx: 4 done, 3 skipped, 0 failed",
    ]


def test_all_with_type_filter(reference_projects, capsys):
    code, out, _ = run_csx(capsys, "extract", "--project-dir", reference_projects["P446"], "--all",
                           "--type", "homo_refine_new", "--type", "homo_reconstruct")
    assert code == 0
    assert [r["job_info"]["juid"] for r in records(out)] == ["J66", "J330"]


def test_output_dir_gets_one_file_per_job_named_like_the_notebook(reference_projects, capsys, tmp_path):
    out_dir = tmp_path / "records"
    code, out, _ = run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "J180", "J183",
                           "-o", out_dir)
    assert (code, out) == (0, "")
    assert sorted(os.listdir(out_dir)) == ["P30-J180.json", "P30-J183.json"]
    record = json.loads((out_dir / "P30-J180.json").read_text())
    assert record["job_info"]["particle_count"] == 656974


def test_a_failed_job_does_not_stop_the_batch_and_exit_is_1(reference_projects, capsys, tmp_path):
    code, out, err = run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "J180", "J184", "J181",
                             "-o", tmp_path)
    assert code == 1
    assert sorted(os.listdir(tmp_path)) == ["P30-J180.json", "P30-J181.json"]
    assert err[0].startswith(f"P30/J184 ({reference_projects['P30']}/J184): ")
    assert err[-1] == "csx: 2 done, 0 skipped, 1 failed: P30/J184"


def test_unknown_job_uid(reference_projects, capsys):
    code, out, err = run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "J999", "J180")
    assert code == 1
    assert len(records(out)) == 1
    assert err[0] == f"P30: no job J999 in {reference_projects['P30']}"


def test_explicit_status_filter(reference_projects, capsys):
    code, out, err = run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "--all",
                             "--status", "failed", "--type", "nonuniform_refine_new")
    assert code == 1  # the failed refinement is tried, and has no map
    assert records(out) == []
    assert err[0].endswith("required, but `datasets.volume.\"map/psize_A\"[0]` is null for this job; "
                           "the job's status is failed")


def test_bad_arguments_exit_2(capsys, tmp_path):
    assert run_csx(capsys, "extract")[0] == 2
    assert run_csx(capsys, "extract", "--all")[0] == 2
    code, _, err = run_csx(capsys, "extract", "--project-dir", tmp_path / "nowhere", "--all")
    assert code == 2
    assert err == [f"csx: --project-dir {tmp_path / 'nowhere'}: not a directory"]


def _stderr_on_a_terminal(args) -> str:
    """What csx writes to stderr when stderr is a terminal (a pseudo-terminal here)."""
    import pty
    import subprocess
    import sys

    main_fd, terminal_fd = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "extractor", *map(str, args)], stdout=subprocess.PIPE,
                               stderr=terminal_fd)
    os.close(terminal_fd)
    process.stdout.read()
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(main_fd)
    return b"".join(chunks).decode()


def test_progress_shows_on_a_terminal_only_and_quiet_silences_it(reference_projects, capsys):
    shown = _stderr_on_a_terminal(["extract", "--project-dir", reference_projects["P30"], "--all",
                                   "--type", "map-info"])
    assert "\r[7/7] " in shown and " jobs/s  done 4  skipped 3  failed 0" in shown
    assert shown.rstrip().splitlines()[-1] == "csx: 4 done, 3 skipped, 0 failed"
    assert _stderr_on_a_terminal(["extract", "--project-dir", reference_projects["P30"], "--all",
                                  "--type", "map-info", "--quiet"]) == ""
    # in a pipe: the summary line only
    _, _, err = run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "--all", "--type", "map-info")
    assert err == ["csx: 4 done, 3 skipped, 0 failed"]


def test_worker_processes_give_the_records_and_errors_of_one_worker(reference_projects, capsys):
    args = ["extract", "--project-dir", reference_projects["P30"], "J180", "J999", "J181", "J182", "J183", "J184"]
    one = run_csx(capsys, *args, "--workers", "1")
    two = run_csx(capsys, *args, "--workers", "2")
    assert two == one
    code, out, err = two
    assert code == 1 and len(records(out)) == 4
    assert err[0] == f"P30: no job J999 in {reference_projects['P30']}"
