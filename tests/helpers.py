"""Running csx in-process the way a user runs it, for the tests."""

import json
import os

from extractor.cli import main

# under CI (CI=true, as .ci/run sets it) nothing a test needs may be missing: a test that needs Chromium fails
# without it instead of skipping
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")


def run_csx(capsys, *args):
    """(exit code, stdout, stderr lines) of `csx ARGS`."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line]


def records(stdout: str) -> list:
    return [json.loads(line) for line in stdout.splitlines()]
