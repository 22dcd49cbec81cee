"""Deposition readiness of a map: the map, half maps and masks a map-info
record names exist, are whole MRC files, and their headers (read with
mrcfile, header only: a map may be gigabytes) agree with the record's box and
pixel size and with each other."""

import io
import os
import warnings

import numpy

from ..errors import printable
from ..kinds import job_label, map_info, value_at
from ..kinds.map_info import MAP_FILES, MASK_FILES
from ..language.registry import Registry
from ..regularfiles import NotRegular, open_regular
from ..run.batch import map_jobs_batch
from ..sources.mapfiles import MAP_LIMIT

PIXEL_TOLERANCE_A = 1e-4  # the record and the header both hold the pixel size as float32
BYTES_PER_VOXEL = {0: 1, 1: 2, 2: 4, 3: 4, 4: 8, 6: 2, 12: 2}  # MRC modes
HEADER_BYTES = 1024
NSYMBT_OFFSET = 92  # word 24 of the MRC2014 header: the extended header's size in bytes


def _header(path: str):
    """(nx, ny, nz), voxel size (x) and problem (or None) of an MRC file. Only its 1024-byte header is read:
    the extended header it declares (NSYMBT, up to 2 GiB) is checked against the file's size, never read."""
    from mrcfile.mrcinterpreter import MrcInterpreter

    try:
        with open_regular(path, MAP_LIMIT) as file:  # only the header is read, whatever the map's size
            raw, size = file.read(HEADER_BYTES), os.fstat(file.fileno()).st_size
    except NotRegular as exc:
        return None, None, exc.message
    except OSError as exc:
        return None, None, f"cannot be read ({exc.strerror})"
    if len(raw) < HEADER_BYTES:
        return None, None, f"not an MRC file ({len(raw)} bytes, shorter than a header)"
    # NSYMBT zeroed (0 in either byte order) so that mrcfile reads no extended header; its value is read below
    blanked = raw[:NSYMBT_OFFSET] + bytes(4) + raw[NSYMBT_OFFSET + 4:]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # permissive mode warns of what the checks below say
            mrc = MrcInterpreter(io.BytesIO(blanked), permissive=True, header_only=True)
        header = mrc.header
        if header is None:
            return None, None, "not an MRC file (no valid header)"
        shape = (int(header.nx), int(header.ny), int(header.nz))
        voxel = float(mrc.voxel_size.x)
        mode = int(header.mode)
        # in the byte order the header is written in (its machine stamp, as mrcfile read it)
        extended = int(numpy.frombuffer(raw, dtype=header.dtype.fields["nsymbt"][0], count=1, offset=NSYMBT_OFFSET)[0])
    except (OSError, ValueError) as exc:
        return None, None, f"cannot be read as MRC ({exc})"
    if extended < 0:
        return shape, voxel, f"not an MRC file (its header declares an extended header of {extended:,} bytes)"
    data = shape[0] * shape[1] * shape[2] * BYTES_PER_VOXEL.get(mode, 4)
    if HEADER_BYTES + extended > size:
        return shape, voxel, (f"truncated: its header declares an extended header of {extended:,} bytes, "
                              f"the file has {size:,} bytes in all")
    if size < HEADER_BYTES + extended + data:
        return shape, voxel, f"truncated: {size:,} bytes, its header needs {HEADER_BYTES + extended + data:,}"
    return shape, voxel, None


def _box(shape) -> str:
    return "x".join(map(str, shape))


def file_problems(record: dict) -> list:
    """[(file name in the record, its path or None, what is wrong)] of the files of one map-info record."""
    box, psize = value_at(record, map_info.BOX_VOX), value_at(record, map_info.PIXEL_SIZE_A)
    problems, record_box = [], (box, box, box)
    reference = None  # the map's box once read: the half maps and masks must share it
    for name in MAP_FILES + MASK_FILES:
        path = value_at(record, (*map_info.PATHS, name))
        if path is None:
            if name in MAP_FILES:
                problems.append((name, None, "the job names no such file"))
            continue
        if not os.path.exists(path):
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


def problem_lines(record: dict) -> list:
    """Problems with the files of one map-info record, one line each."""
    label = job_label(record)
    # a path is a value of the job's: a newline in it must not start a line
    return [f"{label}: {name}{f' {printable(path)}' if path else ''}: {problem}"
            for name, path, problem in file_problems(record)]


def map_status(record: dict) -> tuple:
    """(status, problems) of a map-info record for a report: (0, []) when its files agree, (n, ["name:
    problem", ...]) for n problems (the paths are the record's), (-1, []) when the folder of its map is not
    reachable from here (a database filled elsewhere), (None, []) when the record names no map."""
    path = value_at(record, (*map_info.PATHS, "map"))
    if not isinstance(path, str) or not isinstance(value_at(record, map_info.BOX_VOX), int) \
            or not isinstance(value_at(record, map_info.PIXEL_SIZE_A), (int, float)):
        return None, []
    if not os.path.isdir(os.path.dirname(path)):
        return -1, []
    problems = [f"{name}: {problem}" for name, _, problem in file_problems(record)]
    return len(problems), problems


def check_maps(jobs=(), project_dir=None, instance=None, project=None, specs=(), timeout=30.0) -> list:
    """[(label, [problem, ...])] for each map job: job directories, uids of project_dir, or
    uids of `project` on `instance`. A job without a map-info record is one problem."""
    checked = []
    for outcome in map_jobs_batch(Registry(specs), "map-info", jobs, project_dir=project_dir, instance=instance,
                                  project=project, timeout=timeout).run():
        if outcome.record is None:
            checked.append((outcome.label, [str(outcome.error or outcome.skipped)]))
        else:
            checked.append((outcome.label, problem_lines(outcome.record)))
    return checked
