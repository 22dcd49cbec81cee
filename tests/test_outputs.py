"""Outputs a shared folder can trust: CSV that accumulates, modes under the umask, option
combinations that all take effect or are refused, progress kept off records on a terminal, `-` as
stdin, the same exit codes in every command, query --raw."""

import csv
import io
import json
import os

import pytest

from extractor.commands.progress import Progress
from tests.helpers import run_csx


def table(path) -> list:
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_csv_accumulates_across_projects_and_replaces_a_job_extracted_again(reference_projects, capsys, tmp_path):
    p30, p446 = reference_projects["P30"], reference_projects["P446"]
    assert run_csx(capsys, "extract", "--project-dir", p30, "J180", "J181", "--format", "csv", "-o", tmp_path)[0] == 0
    assert run_csx(capsys, "extract", "--project-dir", p446, "--all", "--type", "map-info",
                   "--format", "csv", "-o", tmp_path)[0] == 0
    assert run_csx(capsys, "extract", "--project-dir", p30, "J181", "J183", "--format", "csv", "-o", tmp_path)[0] == 0
    rows = table(tmp_path / "map-info.csv")
    assert [(row[1], row[2]) for row in rows[1:]] == [
        ("P30", "J180"), ("P30", "J181"), ("P446", "J66"), ("P446", "J329"), ("P446", "J330"), ("P446", "J331"),
        ("P30", "J183")]
    assert sorted(os.listdir(tmp_path)) == ["map-info.csv"]


def test_a_csv_row_extracted_again_holds_the_new_values(project_copy, capsys, tmp_path):
    project = project_copy("P30")
    out = tmp_path / "out"
    run_csx(capsys, "extract", "--project-dir", project, "J180", "J181", "--format", "csv", "-o", out)
    document = project / "J180" / "job.json"
    data = json.loads(document.read_text())
    data["params_spec"]["refine_symmetry"] = {"value": "D7"}
    document.write_text(json.dumps(data))
    run_csx(capsys, "extract", "--project-dir", project, "J180", "--format", "csv", "-o", out)
    rows = table(out / "map-info.csv")
    symmetry = rows[0].index("job_info.parameters.refine_symmetry")
    assert [(row[2], row[symmetry]) for row in rows[1:]] == [("J180", "D7"), ("J181", "C2")]


def test_a_csv_file_csx_did_not_write_is_left_alone(reference_projects, capsys, tmp_path):
    (tmp_path / "map-info.csv").write_text("name,value\nmine,1\n")
    code, _, err = run_csx(capsys, "extract", reference_projects["P30"] / "J180", "--format", "csv", "-o", tmp_path)
    assert code == 2
    assert err == [f"csx: P30/J180: cannot write its record ({tmp_path}/map-info.csv: not a CSV file csx wrote (its "
                   "columns do not begin with source,project_uid,job_uid); move it away or choose another -o); "
                   "0 written before it"]
    assert (tmp_path / "map-info.csv").read_text() == "name,value\nmine,1\n"


@pytest.fixture
def umask_022():
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.parametrize("form", [["-o"], ["--format", "csv", "-o"]])
def test_files_written_get_the_mode_of_the_umask(reference_projects, capsys, tmp_path, umask_022, form):
    assert run_csx(capsys, "extract", reference_projects["P30"] / "J180", *form, tmp_path)[0] == 0
    (written,) = os.listdir(tmp_path)
    assert oct(os.stat(tmp_path / written).st_mode & 0o777) == "0o644"


@pytest.mark.parametrize("options, message", [
    (["-o", "OUT", "--db", "X.sqlite"], "csx: -o and --db are two places for the records: give one "
                                        "(run csx twice for both)"),
    (["--format", "csv", "-o", "OUT", "--db", "X.sqlite"], "csx: -o and --db are two places for the records: "
                                                           "give one (run csx twice for both)"),
    (["--format", "csv", "--db", "X.sqlite"], "csx: --format csv is for files and stdout; --db stores records "
                                              "in the database"),
])
def test_options_that_would_not_all_take_effect_are_refused(reference_projects, capsys, tmp_path, options, message):
    options = [str(tmp_path / o) if o in ("OUT", "X.sqlite") else o for o in options]
    code, out, err = run_csx(capsys, "extract", reference_projects["P30"] / "J180", *options)
    assert (code, out, err) == (2, "", [message])
    assert os.listdir(tmp_path) == []


def test_progress_stays_off_a_terminal_the_records_go_to():
    main, other = os.openpty()
    with open(other, "w") as terminal:
        assert Progress(10, enabled=True, stream=terminal).enabled
        assert not Progress(10, enabled=True, stream=terminal, output=terminal).enabled
        assert Progress(10, enabled=True, stream=terminal, output=io.StringIO()).enabled
    os.close(main)


def test_instance_dash_reads_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'["not", "an object"]')))
    code, _, err = run_csx(capsys, "extract", "--instance", "-", "--project", "P30", "J180")
    assert (code, err) == (2, ["csx: --instance -: a JSON object of CryoSPARC(**info) arguments was expected"])


def test_a_missing_job_fails_the_same_in_extract_and_query(reference_projects, capsys):
    missing = reference_projects["P30"] / "J999"
    assert run_csx(capsys, "extract", missing)[0] == 1
    code, out, err = run_csx(capsys, "query", "job.uid", missing)
    assert (code, out) == (1, "")
    assert err == [f"csx: {missing}: not a directory (give a CryoSPARC job directory such as P30/J180)"]


def test_specs_explain_without_a_match_is_a_failure(project_copy, capsys):
    project = project_copy("P30")
    document = project / "J180" / "job.json"
    data = json.loads(document.read_text())
    data["job_type"] = "local_filter"  # a type only the job kind's specs (made on request) cover
    document.write_text(json.dumps(data))
    code, out, _ = run_csx(capsys, "specs", "--explain", project / "J180")
    assert code == 1 and out.splitlines()[-1] == ("  no spec makes this job's record by default; made when asked "
                                                  "for: job-v4 (--spec job)")
    assert run_csx(capsys, "specs", "--explain", project / "J181")[0] == 0


def test_query_raw_prints_strings_as_they_are(reference_projects, capsys):
    job = reference_projects["P30"] / "J180"
    assert run_csx(capsys, "query", "--raw", "job.job_type", job)[1] == "nonuniform_refine_new\n"
    assert run_csx(capsys, "query", "job.job_type", job)[1] == '"nonuniform_refine_new"\n'
    assert run_csx(capsys, "query", "--raw", "job.output_result_groups[0].num_items", job)[1] == "656974\n"
