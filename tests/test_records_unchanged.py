"""csx's output, byte for byte, on every fixture project in every shape real CryoSPARC files take, against
the output committed in tests/expected/records/ (written by the revision before the speed work: a faster
reader, validator or engine must not change one byte of a record).

After a change that means to change records, rewrite the expectations and review their diff:
    CSX_WRITE_EXPECTED=1 .venv-test-5.0/bin/python -m pytest -q tests/test_records_unchanged.py
"""

import os
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fixturegen import PIPELINE_PROJECTS, REFERENCE_PROJECTS, VARIANTS
from tests.fixturegen.workflow import WORKFLOW_PROJECTS
from tests.helpers import run_csx

pytest.importorskip("cryosparc")

EXPECTED_DIR = Path(__file__).parent / "expected" / "records"
PROJECTS = {**REFERENCE_PROJECTS, **PIPELINE_PROJECTS, **WORKFLOW_PROJECTS}
OLDER_V4 = "v4.2.1"  # documents of CryoSPARC 4.0-4.2, their statistics in a summary_stats list
FILE_SHAPES = ("as-shipped", "indented", "shared-volume", "indented-shared")
SHAPES = {**VARIANTS, **{f"{name}-{OLDER_V4}": replace(VARIANTS[name], v4_version=OLDER_V4) for name in FILE_SHAPES}}
# shapes that say the same facts as another in other words (versions, statistics' spellings, dates): their
# records are that shape's, byte for byte
SAME_RECORDS = {"upgraded": "as-shipped", "older-autotight": "as-shipped", "v4-renamed": "as-shipped"}
# every default spec over every job, then the kinds made only on request
RUNS = (("default",), ("fsc", "--spec", "fsc"), ("table1", "--spec", "table1"))
# the workflow projects, as shipped only (their kinds read no statistics the shapes change): their default
# kinds, and the job records of every job (their one refinement's fsc and table1 records add nothing)
WORKFLOW_RUNS = (("default",), ("job", "--spec", "job", "--status", "any"))


def csx_output(capsys, project: Path, asked: tuple) -> str:
    code, out, err = run_csx(capsys, "extract", "--project-dir", project, "--all", *asked)
    assert code in (0, 1), err  # 1: some jobs have no record of that kind (failed jobs, other types)
    return out.replace(str(project), "{project}")


# CryoSPARC 4.0-4.2 wrote only v4 documents: the v5 projects of those shapes are the file shape's own; the
# workflow projects are checked as shipped only (their kinds read no statistics the shapes change)
CASES = [(shape, puid) for shape in SHAPES for puid, fixture in PROJECTS.items()
         if (not shape.endswith(OLDER_V4) or fixture.jobs[0].layout == "v4")
         and (puid not in WORKFLOW_PROJECTS or shape == "as-shipped")]


@pytest.mark.parametrize("shape, puid", CASES)
def test_records_are_byte_identical_to_the_committed_ones(shaped_project, capsys, shape, puid):
    project = shaped_project(SHAPES[shape], puid)
    for name, *asked in WORKFLOW_RUNS if puid in WORKFLOW_PROJECTS else RUNS:
        expected_file = EXPECTED_DIR / f"{SAME_RECORDS.get(shape, shape)}-{puid}-{name}.jsonl"
        output = csx_output(capsys, project, tuple(asked))
        if os.environ.get("CSX_WRITE_EXPECTED") and shape not in SAME_RECORDS:
            expected_file.parent.mkdir(parents=True, exist_ok=True)
            expected_file.write_text(output)
        assert output.count("\n") >= 1, f"{shape} {puid} {name}: no record at all"
        assert output == expected_file.read_text(), f"{shape} {puid} {name}"
