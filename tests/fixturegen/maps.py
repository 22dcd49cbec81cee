"""Small real MRC files at the paths a job's volume datasets name, written with
mrcfile: box and voxel size as the dataset says, values shaped like the real
thing (a blob of density, soft-edged masks, a local resolution map that is
best at the centre), deterministic so that a test can compute what a reader
should find.

The local resolution map inside its mask holds `low` at the centre and
`high` at the mask's edge, rising with the cube of each voxel's rank by
distance, so its median is near the low end, as real ones are; outside the
mask it holds OUTSIDE_A (unresolved solvent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUTSIDE_A = 25.0  # the local resolution map outside the mask
MASK_RADIUS = 0.4  # of the box: the masks' and the blob's extent
LABEL = b"csx tests.fixturegen.maps (mrcfile)"


def _radius(box: int) -> np.ndarray:
    """Distance of each voxel from the box's centre voxel, in voxels."""
    z, y, x = np.indices((box, box, box)) - box // 2
    return np.sqrt(x * x + y * y + z * z)


def _mask(box: int, soft: bool) -> np.ndarray:
    r, edge = _radius(box), MASK_RADIUS * box
    if not soft:
        return (r <= edge).astype(np.float32)
    return np.clip((edge + 1.5 - r) / 3.0, 0.0, 1.0).astype(np.float32)  # a 3-voxel soft edge


def _density(box: int, seed: int) -> np.ndarray:
    r = _radius(box)
    noise = np.random.default_rng(seed).normal(0.0, 0.02, (box, box, box))
    return (np.exp(-(r / (0.2 * box)) ** 2) + noise).astype(np.float32)


def local_resolution(box: int, low: float, high: float) -> np.ndarray:
    r = _radius(box)
    inside = r <= MASK_RADIUS * box
    values = np.full((box, box, box), OUTSIDE_A, dtype=np.float32)
    order = np.argsort(r[inside], kind="stable")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(len(order)) / (len(order) - 1)
    values[inside] = low + (high - low) * ranks ** 3
    return values


def volume_data(name: str, box: int, locres: tuple[float, float] | None = None, seed: int = 0) -> np.ndarray:
    """The values of one volume result, by its name."""
    if name == "map_locres":
        return local_resolution(box, *(locres or (2.5, 7.5)))
    if name == "map_locres_fsc":
        return (1.0 - local_resolution(box, 0.1, 0.5) / OUTSIDE_A).astype(np.float32)
    if name.startswith("mask"):
        return _mask(box, soft=name != "mask_refine")
    if name == "precision":
        return np.full((box, box, box), 0.8, dtype=np.float32)
    return _density(box, seed + len(name))


def write_volume_maps(project_dir: Path, juid: str, *, skip=(), boxes=None, locres=None) -> list[Path]:
    """An MRC file at every path of the job's volume output (per its final metafiles), box and pixel size as
    the dataset says; `skip`: results left without a file; `boxes`: {result: box} that disagree."""
    import json

    import mrcfile
    from cryosparc.dataset import Dataset

    doc = json.loads((project_dir / juid / "job.json").read_text())
    results = doc.get("output_results") or doc["spec"]["outputs"]["volume"]["results"]
    metafiles = {r["metafiles"][-1] for r in results if r.get("group_name", "volume") == "volume" and r["metafiles"]
                 and not r.get("passthrough")}
    written = []
    for metafile in sorted(metafiles):
        volume = Dataset.load(project_dir / metafile)
        for field in volume.fields():
            name = field.removesuffix("/path")
            if not field.endswith("/path") or name in skip:
                continue
            box = (boxes or {}).get(name, int(volume[f"{name}/shape"][0][0]))
            path = project_dir / str(volume[field][0])
            with mrcfile.new(path, overwrite=True) as mrc:
                mrc.set_data(volume_data(name, box, locres, seed=int(juid[1:])))
                mrc.voxel_size = float(volume[f"{name}/psize_A"][0])
                mrc.header.label[0] = LABEL  # mrcfile's own label holds the time: the same bytes every time
                mrc.header.nlabl = 1
            written.append(path)
    return written
