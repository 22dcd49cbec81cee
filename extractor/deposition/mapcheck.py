"""Deposition readiness of a map: the map, half maps and masks a map-info
record names exist, are whole MRC files, and their headers (read with
mrcfile, header only: a map may be gigabytes) agree with the record's box and
pixel size and with each other."""

import os

from ..language.registry import Registry
from ..run.extraction import Extraction, ExtractOptions
from ..run.jobhandles import named_jobs

# what a deposition needs, in the record's paths
MAPS = ("map", "map_half_A", "map_half_B")
MASKS = ("mask_refine", "mask_fsc", "mask_fsc_auto")
PIXEL_TOLERANCE_A = 1e-4  # the record and the header both hold the pixel size as float32
BYTES_PER_VOXEL = {0: 1, 1: 2, 2: 4, 3: 4, 4: 8, 6: 2, 12: 2}  # MRC modes


def _header(path: str):
    """(nx, ny, nz), voxel size (x) and problem (or None) of an MRC file."""
    import mrcfile

    try:
        with mrcfile.open(path, header_only=True, permissive=True) as mrc:
            header = mrc.header
            if header is None:
                return None, None, "not an MRC file (no valid header)"
            shape = (int(header.nx), int(header.ny), int(header.nz))
            voxel = float(mrc.voxel_size.x)
            mode, extended = int(header.mode), int(header.nsymbt)
    except (OSError, ValueError) as exc:
        return None, None, f"cannot be read as MRC ({exc})"
    expected = 1024 + extended + shape[0] * shape[1] * shape[2] * BYTES_PER_VOXEL.get(mode, 4)
    size = os.path.getsize(path)
    if size < expected:
        return shape, voxel, f"truncated: {size:,} bytes, its header needs {expected:,}"
    return shape, voxel, None


def _box(shape) -> str:
    return "x".join(map(str, shape))


def file_problems(record: dict) -> list:
    """[(file name in the record, its path or None, what is wrong)] of the files of one map-info record."""
    box, psize = record["box_size_vox"], record["psize_A"]
    problems, record_box = [], (box, box, box)
    reference = None  # the map's box once read: the half maps and masks must share it
    for name in MAPS + MASKS:
        path = record["paths"].get(name)
        if path is None:
            if name in MAPS:
                problems.append((name, None, "the job names no such file"))
            continue
        if not os.path.isfile(path):
            problems.append((name, path, "missing"))
            continue
        shape, voxel, problem = _header(path)
        if problem:
            problems.append((name, path, problem))
        if shape is None:
            continue
        if name == "map":
            reference = shape
        wanted, whose = (reference, "the map's is") if reference and name != "map" else (record_box, "the record says")
        if shape != wanted:
            problems.append((name, path, f"box {_box(shape)}, {whose} {_box(wanted)}"))
        if abs(voxel - psize) > PIXEL_TOLERANCE_A:
            problems.append((name, path, f"pixel size {voxel:.4f} A, the record says {psize:.4f} A"))
    return problems


def check_record(record: dict) -> list:
    """Problems with the files of one map-info record, one line each."""
    label = f"{record['job_info']['puid']}/{record['job_info']['juid']}"
    return [f"{label}: {name}{f' {path}' if path else ''}: {problem}"
            for name, path, problem in file_problems(record)]


def map_status(record: dict) -> tuple:
    """(status, problems) of a map-info record for a report: (0, []) when its files agree, (n, ["name:
    problem", ...]) for n problems (the paths are the record's), (-1, []) when the folder of its map is not
    reachable from here (a database filled elsewhere), (None, []) when the record names no map."""
    path = (record.get("paths") or {}).get("map")
    if not isinstance(path, str) or not isinstance(record.get("box_size_vox"), int) \
            or not isinstance(record.get("psize_A"), (int, float)):
        return None, []
    if not os.path.isdir(os.path.dirname(path)):
        return -1, []
    problems = [f"{name}: {problem}" for name, _, problem in file_problems(record)]
    return len(problems), problems


def check_maps(jobs=(), project_dir=None, instance=None, project=None, specs=(), timeout=30.0) -> list:
    """[(label, [problem, ...])] for each map job: job directories, uids of project_dir, or
    uids of `project` on `instance`. A job without a map-info record is one problem."""
    extraction = Extraction(Registry(specs), ExtractOptions(spec="map-info"))
    checked = []
    for handle in named_jobs(jobs, project_dir, instance, project, timeout):
        outcome = extraction(handle)
        if outcome.record is None:
            checked.append((outcome.label, [str(outcome.error or outcome.skipped)]))
        else:
            checked.append((outcome.label, check_record(outcome.record)))
    return checked
