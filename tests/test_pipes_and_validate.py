"""`csx ... | head`: every command ends quietly when its reader goes away;
and `csx validate` on files with no record, or records that are not strict
JSON, or on stdin."""

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import run_csx

PIPE_CLOSED = 141  # 128 + SIGPIPE: what the shell shows for `yes | head -1`'s yes


def csx_into_closed_pipe(*args, stdin=None):
    """(exit code, stderr) of csx writing to a pipe whose reader is gone, as after `| head` has quit."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], stdout=writer,
                                stderr=subprocess.PIPE, input=stdin, text=True, timeout=120)
    finally:
        os.close(writer)
    return result.returncode, result.stderr


@pytest.fixture(scope="module")
def job_dirs(reference_projects):
    return sorted(path.parent for path in reference_projects["P30"].glob("J*/job.json"))


def test_every_command_ends_quietly_into_a_closed_pipe(reference_projects, job_dirs, tmp_path):
    project = reference_projects["P30"]
    runs = {
        "extract": ("extract", *job_dirs),
        "extract --project-dir --all": ("extract", "--project-dir", project, "--all", "--workers", "2"),
        "query": ("query", "job", job_dirs[0]),
        "query --keys": ("query", "--keys", "job", job_dirs[0]),
        "lint": ("lint",),
        "specs": ("specs",),
        "specs --explain": ("specs", "--explain", job_dirs[0]),
        "extract --format csv": ("extract", "--format", "csv", project / "J180", project / "J181"),
        "lint --job": ("lint", "--job", project / "J180"),
        "query --raw": ("query", "--raw", "job.job_type", job_dirs[0]),
    }
    for name, args in runs.items():
        code, err = csx_into_closed_pipe(*args)
        assert (name, code, err) == (name, PIPE_CLOSED, ""), name


def test_a_batch_with_failures_into_a_closed_pipe_says_nothing_of_the_pipe(job_dirs, tmp_path):
    code, err = csx_into_closed_pipe("extract", tmp_path / "missing", *job_dirs)
    assert code == PIPE_CLOSED
    assert "pipe" not in err.lower() and "Traceback" not in err


@pytest.mark.parametrize("args", [("--help",), ("extract", "--help"), ("validate", "--help"), ("--version",)])
def test_help_into_a_closed_pipe(args):
    # argparse itself drops a help text it cannot write, and exits 0
    assert csx_into_closed_pipe(*args) == (0, "")


def test_validate_into_a_closed_pipe_keeps_its_verdict(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")
    assert csx_into_closed_pipe("validate", empty) == (1, f"{empty}: no records (the file is empty)\n")


@pytest.mark.parametrize("command", ["extract --project-dir {project} --all --status completed --status failed",
                                     "query job {project}/J329", "specs"])
def test_a_pipe_that_closes_mid_stream(reference_projects, command):
    """The real thing: a reader that takes one byte and quits while csx still writes."""
    csx = f"{sys.executable} -m extractor " + command.format(project=reference_projects["P446"])
    script = f"{csx} | head -c 1 >/dev/null; echo \"exit ${{PIPESTATUS[0]}}\" >&2"
    for _ in range(3):  # head may quit before or after csx has written everything: either must be quiet
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
        assert result.stderr.splitlines()[-1] in ("exit 0", "exit 1", f"exit {PIPE_CLOSED}")
        assert "pipe" not in result.stderr.lower() and "Traceback" not in result.stderr
        assert "Exception ignored" not in result.stderr


@pytest.fixture
def record(reference_projects, capsys):
    code, out, _ = run_csx(capsys, "extract", reference_projects["P446"] / "J329")
    assert code == 0
    return json.loads(out)


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_validate_a_file_without_records_fails(tmp_path, capsys, content):
    path = tmp_path / "none.jsonl"
    path.write_text(content)
    assert run_csx(capsys, "validate", path) == (1, "", [f"{path}: no records (the file is empty)"])


def test_validate_a_record_holding_nan_fails_naming_line_and_column(tmp_path, capsys, record):
    record["gsfsc"] = float("nan")
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(record, indent=2))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '"gsfsc": NaN' in text)
    assert run_csx(capsys, "validate", path) == (
        1, "", [f"{path}:{line}:12: NaN is not a finite number (records hold no NaN or Infinity)"])


@pytest.mark.parametrize("token, shown", [
    ("Infinity", "Infinity"), ("-Infinity", "-Infinity"), ("1e999", "1e999"), ("-2.5E+400", "-2.5E+400"),
    ("1" * 400 + ".5", "1" * 17 + "..."),
])
def test_validate_json_lines_with_an_infinite_number(tmp_path, capsys, record, token, shown):
    good = json.dumps(record)
    bad = good.replace('"cfar": ', f'"note": "NaN Infinity", "cfar": {token}, "x": ')
    path = tmp_path / "records.jsonl"
    path.write_text(f"{good}\n{bad}\n{good}\n")
    code, out, err = run_csx(capsys, "validate", path)
    col = bad.index(f'"cfar": {token}') + len('"cfar": ') + 1
    assert (code, out, err) == (1, "", [f"{path}:2:{col}: {shown} is not a finite number "
                                        "(records hold no NaN or Infinity)"])


def test_validate_reads_stdin(record):
    good = subprocess.run([sys.executable, "-m", "extractor", "validate", "-"], input=json.dumps(record),
                          capture_output=True, text=True, timeout=60)
    assert (good.returncode, good.stdout, good.stderr) == (0, "", "")
    record["gsfsc"] = "2.5"
    bad = subprocess.run([sys.executable, "-m", "extractor", "validate", "-"], input=json.dumps(record) + "\n",
                         capture_output=True, text=True, timeout=60)
    assert (bad.returncode, bad.stdout) == (1, "")
    assert bad.stderr == "<stdin>:1: record fails map-info.schema.json at gsfsc: '2.5' is not of type 'number'\n"
    empty = subprocess.run([sys.executable, "-m", "extractor", "validate", "-"], input="", capture_output=True,
                           text=True, timeout=60)
    assert (empty.returncode, empty.stderr) == (1, "<stdin>: no records (the file is empty)\n")


def test_validate_a_record_file_that_is_not_utf8(tmp_path, capsys, record):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(record).encode() + b"\n" + b'{"kind": "map-info", "title": "caf\xe9"}\n')
    assert run_csx(capsys, "validate", path) == (1, "", [f"{path}:2:35: not UTF-8 text; save it as UTF-8"])


def test_validate_a_fifo_is_no_wait(tmp_path, capsys):
    fifo = tmp_path / "records.jsonl"
    os.mkfifo(fifo)
    assert run_csx(capsys, "validate", fifo) == (1, "", [f"{fifo}:1:1: a FIFO (named pipe), not a regular file"])


@pytest.mark.parametrize("kind", [["map-info"], "../map-info", 5])
def test_validate_a_kind_that_is_no_kind_name(tmp_path, capsys, kind):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"kind": kind}))
    assert run_csx(capsys, "validate", path) == (
        1, "", [f"{path}:1: \"kind\" is not a record kind name (letters, digits, - and _)"])


def test_validate_a_record_nested_too_deep(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text('{"kind": "map-info", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert run_csx(capsys, "validate", path) == (1, "", [f"{path}:1: nested too deeply to be a record"])
