"""The library changes no process-wide state: a notebook's environment keeps
its own CryoSPARC client settings, and only the command line, in its own
process, asks the 4.x client for fewer retries. And the API's record-kind and
output errors are one line in its own words."""

import json
import os
import socket
import subprocess
import sys

import pytest

import extractor
from extractor.errors import SinkError, UsageError
from extractor.sinks.atomic import write_output
from tests.helpers import run_csx

RETRIES = ("CRYOSPARC_COMMAND_RETRIES", "CRYOSPARC_COMMAND_RETRY_SECONDS")


def _closed_port() -> int:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _instance(port: int) -> dict:
    # arguments of either client generation: the one installed takes its own (the other keys are refused
    # by name, which also ends the call before any request)
    import cryosparc

    if cryosparc.__version__.startswith("4."):
        return {"license": "x" * 36, "host": "127.0.0.1", "base_port": port, "email": "a@b.c", "password": "pw"}
    return {"base_url": f"http://127.0.0.1:{port}", "email": "a@b.c", "password": "pw"}


def test_an_api_call_leaves_the_environment_alone(tmp_path):
    """In a fresh process (this one's environment may hold what an in-process csx run set)."""
    script = ("import json, os, extractor\n"
              f"info = json.loads({json.dumps(json.dumps(_instance(_closed_port())))})\n"
              "try:\n"
              "    extractor.extract(['J1'], project='P1', instance=info, timeout=0.5)\n"
              "except extractor.errors.CsxError as exc:\n"
              "    print('refused:', type(exc).__name__)\n"
              f"print([os.environ.get(name) for name in {RETRIES!r}])\n")
    env = {k: v for k, v in os.environ.items() if k not in RETRIES}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.splitlines() == ["refused: InstanceError", "[None, None]"], done.stderr


def test_the_command_line_sets_them_for_its_own_process_and_never_over_the_users(tmp_path, capsys, monkeypatch):
    for name in RETRIES:
        monkeypatch.delenv(name, raising=False)
    info = tmp_path / "instance.json"
    info.write_text(json.dumps(_instance(_closed_port())))
    code, _, _ = run_csx(capsys, "extract", "--instance", info, "--project", "P1", "J1", "--timeout", "1")
    assert code == 2
    assert [os.environ.get(name) for name in RETRIES] == ["3", "0"]  # two attempts, no pause within 1 s
    monkeypatch.setenv("CRYOSPARC_COMMAND_RETRIES", "9")
    monkeypatch.delenv("CRYOSPARC_COMMAND_RETRY_SECONDS")
    run_csx(capsys, "extract", "--instance", info, "--project", "P1", "J1", "--timeout", "30")
    assert [os.environ.get(name) for name in RETRIES] == ["9", "2"]


@pytest.mark.parametrize("record, kind, message", [
    ({"psize_A": 1.0}, None, 'no "kind" in the record; give kind='),
    ({"kind": "../map-info"}, None, '"kind" is not a record kind name (letters, digits, - and _)'),
    ({"kind": "map-info"}, "no-such-kind", "no schema for record kind 'no-such-kind'"),
])
def test_validate_says_why_a_record_has_no_kind(record, kind, message):
    with pytest.raises(UsageError) as caught:
        extractor.validate(record, kind=kind)
    assert str(caught.value) == message


def test_flatten_of_a_record_of_no_known_kind_is_its_own_columns():
    assert extractor.flatten({"kind": "../x", "a": {"b": 1}}) == {"kind": "../x", "a.b": 1}


def test_an_output_that_cannot_be_written_is_one_line_naming_it(tmp_path):
    """The one "write whole or raise" helper the commands and the API use (-o, --shape, output=)."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    target = blocker / "report.html"
    with pytest.raises(SinkError) as caught:
        write_output(target, b"<html>", f"output={str(target)!r}")
    assert str(caught.value) == f"output={str(target)!r}: cannot write there (Not a directory)"
    assert list(tmp_path.iterdir()) == [blocker]
