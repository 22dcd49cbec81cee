"""The job of specs/README.md's worked example: P30/J200, a finished v4 particle extraction
(extract_micrographs_multi), a job type no shipped spec reads. make_examples writes it into the
shipped P30 project, so the page's commands run on a job that ships."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
from cryosparc.dataset import Dataset

ROWS = 500  # the dataset holds a sample; the document's num_items is the real count
EXTRACTED = 1204311


def write_extraction_job(project_dir: Path) -> Path:
    job_dir = Path(project_dir) / "J200"
    job_dir.mkdir(parents=True, exist_ok=True)
    particles = Dataset.allocate(ROWS, [("blob/path", "O"), ("blob/idx", "u4"), ("blob/shape", "u4", (2,)),
                                        ("blob/psize_A", "f4"), ("location/center_x_frac", "f4")])
    particles["uid"] = numpy.arange(ROWS, dtype=numpy.uint64) + numpy.uint64(7_301_554_212_640_418_000)
    particles["blob/idx"] = numpy.arange(ROWS, dtype=numpy.uint32)
    particles["blob/psize_A"] = numpy.float32(0.9681428670883179)
    particles["blob/shape"] = [448, 448]
    particles["blob/path"] = "J200/extract/014_movie_patch_aligned_doseweighted_particles.mrc"
    particles["location/center_x_frac"] = numpy.linspace(0.05, 0.95, ROWS, dtype=numpy.float32)
    particles.save(job_dir / "J200_particles.cs")
    doc = {
        "uid": "J200", "project_uid": "P30", "job_type": "extract_micrographs_multi", "status": "completed",
        "version": "v4.7.1", "completed_at": {"$date": "2025-06-01T09:12:44.512Z"},
        "params_base": {"box_size_pix": {"value": 256, "title": "Extraction box size (pix)"},
                        "bin_size_pix": {"value": None, "title": "Fourier-crop to box size (pix)"}},
        "params_spec": {"box_size_pix": {"value": 448}},
        "output_result_groups": [{"name": "particles", "type": "particle", "num_items": EXTRACTED,
                                  "contains": [{"name": "blob"}, {"name": "location"}]}],
        "output_results": [{"name": name, "group_name": "particles", "versions": [0],
                            "metafiles": ["J200/J200_particles.cs"], "num_items": [EXTRACTED], "passthrough": False}
                           for name in ("blob", "location")],
    }
    (job_dir / "job.json").write_text(json.dumps(doc))
    return job_dir
