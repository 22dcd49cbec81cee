"""specs/README.md's worked example, run from the text of the page: a job type
csx does not know gets a record from a schema and a YAML file alone."""

import json
import re
import shlex
from pathlib import Path

from extractor.resources import specs_dir
from tests.helpers import records, run_csx

PAGE = (specs_dir() / "README.md").read_text()
EXAMPLE = PAGE[PAGE.index("## Worked example"):]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "CS-ks-gastric-proton-pump-automation"


def _files():
    """{path: text} of each "File `path`:" block of the example."""
    return dict(re.findall(r"File `([^`]+)`:\n\n```\w*\n(.*?)```", EXAMPLE, re.S))


def _commands():
    return [line.strip() for line in EXAMPLE.splitlines() if line.startswith("    csx ")]


def _printed():
    return json.loads(re.search(r"which prints:\n\n```json\n(.*?)```", EXAMPLE, re.S).group(1))


def test_the_worked_example_runs_as_written(tmp_path, capsys):
    job_dir = EXAMPLES / "J200"  # the job ships, as the page says
    for relative, text in _files().items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    outputs = []
    for command in _commands():
        words = [str(job_dir) if w == "P30/J200" else str(tmp_path / w) if w == "myspecs" else w
                 for w in shlex.split(command)[1:]]
        code, out, err = run_csx(capsys, *words)
        assert code == 0, (command, err)
        outputs.append(out)
    assert records(outputs[-1]) == [_printed()]
    assert f"particle-extraction-v4 ({tmp_path}/myspecs/particle-extraction-v4.yaml) matches" in outputs[-2]
