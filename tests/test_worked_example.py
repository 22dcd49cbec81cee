"""specs/README.md's worked example, run from the text of the page: a job type
csx does not know gets a record from a schema and a YAML file alone."""

import json
import re
import shlex

import numpy
from cryosparc.dataset import Dataset

from extractor.resources import specs_dir
from tests.helpers import records, run_csx

PAGE = (specs_dir() / "README.md").read_text()
EXAMPLE = PAGE[PAGE.index("## Worked example"):]


def _files():
    """{path: text} of each "File `path`:" block of the example."""
    return dict(re.findall(r"File `([^`]+)`:\n\n```\w*\n(.*?)```", EXAMPLE, re.S))


def _commands():
    return [line.strip() for line in EXAMPLE.splitlines() if line.startswith("    csx ")]


def _printed():
    return json.loads(re.search(r"which prints:\n\n```json\n(.*?)```", EXAMPLE, re.S).group(1))


def _extraction_job(project_dir):
    """A finished v4 extract_micrographs_multi job, as CryoSPARC writes one."""
    job_dir = project_dir / "J200"
    job_dir.mkdir(parents=True)
    (project_dir / "project.json").write_text(json.dumps({"uid": "P30", "title": "Gastric proton pump"}))
    particles = Dataset.allocate(500, [("blob/path", "O"), ("blob/idx", "u4"), ("blob/shape", "u4", (2,)),
                                       ("blob/psize_A", "f4"), ("location/center_x_frac", "f4")])
    particles["blob/psize_A"] = numpy.float32(0.9681428670883179)
    particles["blob/shape"] = [448, 448]
    particles["blob/path"] = "J200/extract/014_movie_patch_aligned_doseweighted_particles.mrc"
    particles.save(job_dir / "J200_particles.cs")
    doc = {
        "uid": "J200", "project_uid": "P30", "job_type": "extract_micrographs_multi", "status": "completed",
        "version": "v4.7.1", "completed_at": {"$date": "2025-06-01T09:12:44.512Z"},
        "params_base": {"box_size_pix": {"value": 256, "title": "Extraction box size (pix)"},
                        "bin_size_pix": {"value": None, "title": "Fourier-crop to box size (pix)"}},
        "params_spec": {"box_size_pix": {"value": 448}},
        "output_result_groups": [{"name": "particles", "type": "particle", "num_items": 1204311,
                                  "contains": [{"name": "blob"}, {"name": "location"}]}],
        "output_results": [{"name": name, "group_name": "particles", "versions": [0],
                            "metafiles": ["J200/J200_particles.cs"], "num_items": [1204311], "passthrough": False}
                           for name in ("blob", "location")],
    }
    (job_dir / "job.json").write_text(json.dumps(doc))
    return job_dir


def test_the_worked_example_runs_as_written(tmp_path, capsys):
    job_dir = _extraction_job(tmp_path / "P30")
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
