"""The .cs and .csg files of a fixture job; the .cs written with cryosparc-tools' own Dataset.

Each final metafile (see outputs.py) holds a `uid` column and the fields of
every result that points at it. A volume metafile has one row, whose uid is
the same in all of them; particle metafiles have at most PARTICLE_ROWS rows
(the document's `num_items` is the real count) and share the particles' uids.
Beside them, each output with files has a `.csg` result group (YAML: `group`,
`results.<name>.{metafile: '>file.cs', num_items, type}`, `version`), named
like its own metafiles (`J180/J180_009_volume.csg`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml
from cryosparc.dataset import Dataset

from .outputs import Group, Result, iteration_stem, job_outputs

if TYPE_CHECKING:
    from .projects import JobFixture

PARTICLE_ROWS = 120
MOVIE_SHAPE = (40, 5760, 4092)  # frames, y, x

# Field values that are the same in every row, by field name.
CONSTANTS = {
    "type": "spline", "format": "TIFF", "accel_kv": 300.0, "cs_mm": 2.7, "amp_contrast": 0.1, "scale": 1.0,
    "scale_const": 0.0, "sign": -1.0, "total_dose_e_per_A2": 60.0, "frame_start": 0, "frame_end": 40,
    "zero_shift_frame": 0, "is_gain_corrected": 0, "has_defect_file": 0, "exp_group_id": 1,
}

# Where no value is given, a number field of physical meaning takes a realistic one, uniform in its range
# (defocus in Angstrom, CTF fit 2-10 A): values in [0, 1) would hide unit mistakes. Scaling one draw in [0, 1)
# keeps the random stream, so the other columns stay as they were.
RANGES = {
    "df1_A": (8000.0, 30000.0), "df_angle_rad": (0.0, 3.1415927),
    "ctf_fit_to_A": (2.6, 7.8), "df_range": (7600.0, 30000.0), "cross_corr_ctffind4": (0.03, 0.21),
    "ice_thickness_rel": (1.0, 1.15), "bfactor": (-120.0, 40.0),
}


def _seed(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest()[:8], "little")


def _numpy_field(prefix: str, name: str, spec: str) -> tuple:
    """("map/shape", "<u4", (3,)) from min_fields notation ("shape", "3u4")."""
    count, base = re.fullmatch(r"(\d*)(\w\d*)", spec).groups()
    dtype = "O" if base == "O" else f"<{base}"
    return (f"{prefix}/{name}", dtype, (int(count),)) if count else (f"{prefix}/{name}", dtype)


class _Writer:
    def __init__(self, job: JobFixture, puid: str):
        self.job = job
        self.puid = puid
        self.volume_uid = job.volume_uid if job.volume_uid is not None else _seed(puid, job.uid, "volume") >> 1
        rng = np.random.default_rng(_seed(puid, job.uid, "items"))
        self.item_uids = rng.integers(1, 2**63, PARTICLE_ROWS, dtype=np.uint64)
        self.source = job.parents[0][1] if job.parents else job.uid  # job that made the images

    def text(self, result: Result, field: str, i: int, rows: int) -> str:
        if result.type == "volume.blob" and result.passthrough:  # the input's maps: a reconstruction's, unnumbered
            return f"{self.source}/{self.source}_volume_{result.name}.mrc"
        if result.type == "volume.blob" and rows > 1:  # volumes_all_classes: a row per class
            return self.class_maps()[i]
        if result.type in ("volume.blob", "template.blob"):
            return (result.data_stem or result.final_metafile.removesuffix(".cs")) + ".mrc"
        stem = f"{int(self.item_uids[i]) % 10**21:021d}_FoilHole_{31467 + i}_Data_{31800 + i}"
        if result.name in ("micrograph_blob", "micrograph_blob_non_dw"):
            if self.job.job_type == "import_micrographs":
                return f"{self.job.uid}/imported/{stem}.mrc"
            suffix = "_doseweighted" if result.name == "micrograph_blob" else ""
            job_dir = self.source if result.passthrough else self.job.uid
            return f"{job_dir}/motioncorrected/{stem}_patch_aligned{suffix}.mrc"
        if field == "micrograph_path":
            return f"{self.source}/motioncorrected/{stem}_patch_aligned_doseweighted.mrc"
        if result.type == "particle.blob":
            return f"{self.source}/extract/{stem}_particles.mrc"
        if result.name == "gain_ref_blob":
            return f"{self.job.uid}/imported/gain_ref.mrc"
        if result.name == "movie_blob":
            return f"{self.job.uid}/imported/{stem}_fractions.tiff"
        return f"{self.source}/{result.name}/{stem}_{field}.{'npy' if result.name == 'motion' else 'mrc'}"

    def class_maps(self) -> list[str]:
        return [g.results[0].final_metafile.removesuffix(".cs") + ".mrc" for g in job_outputs(self.job)
                if g.name.startswith("volume_class_")]

    def fill(self, ds: Dataset, result: Result, rng: np.random.Generator) -> None:
        for name, spec in result.fields:
            column = ds[f"{result.name}/{name}"]
            value = self.job.values.get(f"{result.name}/{name}")
            if callable(value):
                column[:] = value(rng, ds)
            elif value is not None:
                column[:] = value
            elif name == "idx" and result.type == "template.blob":
                column[:] = np.arange(len(ds))
            elif name == "res_A" and result.type == "template.blob":
                column[:] = self.job.class_res_A
            elif name == "class" and self.job.class_counts:
                counts = np.asarray(self.job.class_counts, dtype=float)
                column[:] = rng.choice(len(counts), size=len(ds), p=counts / counts.sum())
            elif name in CONSTANTS:
                column[:] = CONSTANTS[name]
            elif spec == "O":
                column[:] = [self.text(result, name, i, len(ds)) for i in range(len(ds))]
            elif name in ("psize_A", "micrograph_psize_A"):
                column[:] = self.job.psize_A
            elif name == "shape":
                column[:] = MOVIE_SHAPE[-column.shape[1]:] if result.type.startswith("exposure") else self.job.box
            elif spec.endswith(("u4", "u8")):
                column[:] = rng.integers(0, 2 if name == "split" else 4096, size=column.shape)
            elif name in RANGES:
                low, high = RANGES[name]
                column[:] = low + (high - low) * rng.random(size=column.shape)
            elif name == "df2_A":  # under df1 by an astigmatism of 30 to 900 A
                column[:] = ds[f"{result.name}/df1_A"] - (30.0 + 870.0 * rng.random(size=column.shape))
            else:
                column[:] = rng.random(size=column.shape)

    def write(self, project_dir: Path, metafile: str, results: list[Result], rows: int) -> Path:
        ds = Dataset.allocate(rows, [_numpy_field(r.name, f, spec) for r in results for f, spec in r.fields])
        ds["uid"][:] = [self.volume_uid] if results[0].type == "volume.blob" and rows == 1 else self.item_uids[:rows]
        rng = np.random.default_rng(_seed(self.puid, metafile))
        for result in results:
            self.fill(ds, result, rng)
        path = project_dir / metafile
        path.parent.mkdir(parents=True, exist_ok=True)
        ds.save(path)
        return path


def write_result_group(job: JobFixture, group: Group, project_dir: Path) -> Path | None:
    """The output's .csg file, or None when the job did not complete or none of its results has a file."""
    if job.status != "completed":
        return None
    results = {r.name: {"metafile": ">" + Path(r.final_metafile).name,
                        "num_items": r.num_items[0 if r.passthrough else -1], "type": r.type}
               for r in group.results if r.final_metafile is not None}
    if not results:
        return None
    path = project_dir / (iteration_stem(job, group.name) + ".csg")
    document = {"group": {"description": "", "name": group.name, "title": group.title, "type": group.type},
                "results": results, "version": job.version}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def write_datasets(job: JobFixture, puid: str, project_dir: Path, max_rows: int = PARTICLE_ROWS) -> list[Path]:
    """Write the final metafile of every result of the job and each output's .csg; returns the files written.
    Particle metafiles hold at most `max_rows` rows (a sample; exposure metafiles hold every exposure, up to
    PARTICLE_ROWS, as specs count them)."""
    results: dict[str, dict[str, Result]] = {}  # metafile -> result name -> result
    rows: dict[str, int] = {}
    for group in job_outputs(job):
        for result in group.results:
            if result.final_metafile is not None:
                results.setdefault(result.final_metafile, {})[result.name] = result
                one_volume = result.type == "volume.blob" and group.type != "volume_multi"
                cap = min(max_rows, PARTICLE_ROWS) if group.type == "particle" else PARTICLE_ROWS
                rows[result.final_metafile] = 1 if one_volume else min(group.num_items, cap)
    writer = _Writer(job, puid)
    written = [writer.write(project_dir, m, list(by_name.values()), rows[m]) for m, by_name in results.items()]
    groups = [write_result_group(job, group, project_dir) for group in job_outputs(job)]
    return written + [path for path in groups if path is not None]
