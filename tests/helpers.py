"""Running csx in-process the way a user runs it, for the tests."""

import json

from extractor.cli import main


def run_csx(capsys, *args):
    """(exit code, stdout, stderr lines) of `csx ARGS`."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line]


def records(stdout: str) -> list:
    return [json.loads(line) for line in stdout.splitlines()]
