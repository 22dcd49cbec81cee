"""Statistics of the values of an MRC map, for facts a job's document does not
carry: the local resolution range of a local resolution map, inside its mask.

A map may be gigabytes, so it is memory-mapped and read a slab at a time; the
median is found exactly, without sorting a copy of the map, by counting the
voxels' float32 bit patterns in two passes (16 bits, then the other 16, of
the bin where the median falls). A header that promises more than the file
holds, or a box no cryo-EM map has, is refused before any data is read.
Numbers are the map's own float32 values, written as the shortest decimal
that reads back to them (2.41, not 2.4100000858306885)."""

import os
from functools import partial

from .checked_files import GIB, is_inside, lexically_inside, open_regular, opened_path, reopenable

MAP_LIMIT = 64 * GIB  # a 2048^3 float32 map is 32 GiB
MAX_EDGE = 4096  # voxels along one axis: far past any map CryoSPARC writes
MODES = {0: "i1", 1: "i2", 2: "f4", 6: "u2", 12: "f2"}  # MRC modes of real-valued maps, as numpy dtypes
SLAB_VOXELS = 1 << 22  # voxels read at once: 16 MB of float32
MASK_THRESHOLD = 0.5  # a voxel is inside a mask where the mask is over one half


class MapError(ValueError):
    """A map that cannot be read as a real-valued MRC volume; its message names the file."""


def map_stats(project_dir: str, relative: str, mask_relative: str | None = None) -> dict | None:
    """{min, median, max, voxels, masked} of the map at `relative` (a path in the project directory), over the
    voxels inside the mask at `mask_relative` where one is given, else over the whole box; None when the map
    is not there (a project copied without its maps). Raises MapError."""
    with _volume(project_dir, relative) as data:
        if data is None:
            return None
        if mask_relative is None:
            return _statistics(data, None)
        with _volume(project_dir, mask_relative) as mask:
            if mask is None:
                raise MapError(f"{mask_relative}: the mask is missing")
            if mask.shape != data.shape:
                raise MapError(f"{mask_relative}: the mask's box {_box(mask.shape)} is not the map's "
                               f"{_box(data.shape)}")
            return _statistics(data, mask)


class _volume:
    """The data of an MRC file of the project, memory-mapped (None when there is no such file)."""

    def __init__(self, project_dir: str, relative: str):
        self.project_dir, self.relative = project_dir, relative
        self._opened = self._mrc = None

    def __enter__(self):
        import mrcfile

        if "\0" in self.relative:
            raise MapError(f"{self.relative!r}: not a file name")
        path, inside = lexically_inside(self.project_dir, self.relative)
        if not inside:
            raise MapError(f"{self.relative}: outside the project directory {self.project_dir}")
        if not os.path.lexists(path):
            return None
        self._opened = open_regular(path, f"{path}", MAP_LIMIT, MapError)
        try:
            file = self._opened.__enter__()
        except OSError as exc:
            raise MapError(f"{path}: cannot read it: {exc.strerror}") from exc
        if not is_inside(opened_path(file), os.path.realpath(self.project_dir)):
            raise MapError(f"{path}: resolves outside the project directory {self.project_dir}")
        _check_header(file, path)
        try:
            self._mrc = mrcfile.mmap(reopenable(file), mode="r", permissive=True)
        except (OSError, ValueError) as exc:
            raise MapError(f"{path}: not an MRC map ({exc})") from exc
        if self._mrc.data is None or self._mrc.data.ndim != 3:
            raise MapError(f"{path}: not a 3D MRC map")
        return self._mrc.data

    def __exit__(self, *exc):
        if self._mrc is not None:
            self._mrc.close()
        if self._opened is not None:
            self._opened.__exit__(*exc)


def _check_header(file, path: str):
    """Refuse a header no real map has, or one that promises more data than the file holds."""
    import numpy

    header = file.read(1024)
    file.seek(0)
    if len(header) < 1024:
        raise MapError(f"{path}: not an MRC map (shorter than its 1024-byte header)")
    # the machine stamp says the byte order: 0x11 0x11 big-endian, anything else read as little-endian
    order = ">" if header[212:214] == b"\x11\x11" else "<"
    words = numpy.frombuffer(header[:96], dtype=f"{order}i4")
    nx, ny, nz, mode, nsymbt = int(words[0]), int(words[1]), int(words[2]), int(words[3]), int(words[23])
    if mode not in MODES:
        raise MapError(f"{path}: MRC mode {mode}, not a map of real values")
    if not all(0 < n <= MAX_EDGE for n in (nx, ny, nz)) or nsymbt < 0:
        raise MapError(f"{path}: a header no map has (box {nx}x{ny}x{nz}, extended header {nsymbt} bytes)")
    needed = 1024 + nsymbt + nx * ny * nz * numpy.dtype(MODES[mode]).itemsize
    size = os.fstat(file.fileno()).st_size
    if size < needed:
        raise MapError(f"{path}: truncated: {size:,} bytes, its header needs {needed:,}")


def _box(shape) -> str:
    return "x".join(map(str, reversed(shape)))


def _statistics(data, mask) -> dict:
    import numpy

    slabs = _slabs(data, mask)
    if _slab_depth(data) >= data.shape[0]:
        # one slab holds the map: its middle keys are picked from it at once, not by two histogram passes
        # whose fixed cost (65,536 bins each) is most of the work on a small map
        keys = next(slabs())
        count = len(keys)
        low, high = (keys.min(), keys.max()) if count else (None, None)
        ranks = sorted({(count - 1) // 2, count // 2})
        picked = numpy.partition(keys, ranks) if count else keys
        select = picked.__getitem__
    else:
        count, low, high = 0, None, None
        coarse = numpy.zeros(1 << 16, dtype=numpy.int64)
        for keys in slabs():
            if len(keys):
                count += len(keys)
                low = keys.min() if low is None else min(low, keys.min())
                high = keys.max() if high is None else max(high, keys.max())
                coarse += numpy.bincount(keys >> 16, minlength=1 << 16)
        ranks = sorted({(count - 1) // 2, count // 2})
        select = partial(_select, slabs, coarse)
    if count == 0:
        return {"min": None, "median": None, "max": None, "voxels": 0, "masked": mask is not None}
    middle = numpy.array([_float32(select(rank)) for rank in ranks], dtype=numpy.float32)
    # an even count: the mean of the two middle values, in float32 as numpy.median takes it
    return {"min": _shortest(_float32(low)), "median": _shortest(middle.mean(dtype=numpy.float32)),
            "max": _shortest(_float32(high)), "voxels": count, "masked": mask is not None}


def _slabs(data, mask):
    """A function giving, slab by slab, the order-preserving uint32 keys of the finite voxels inside the mask."""
    import numpy

    step = _slab_depth(data)

    def slabs():
        for z in range(0, data.shape[0], step):
            values = numpy.asarray(data[z:z + step], dtype=numpy.float32)
            keep = numpy.isfinite(values)
            if mask is not None:
                keep &= numpy.asarray(mask[z:z + step], dtype=numpy.float32) > MASK_THRESHOLD
            bits = values[keep].view(numpy.uint32)
            # negative floats sort backwards in their bit patterns: flip them all, set the sign of the others
            yield numpy.where(bits & 0x80000000, ~bits, bits | 0x80000000)

    return slabs


def _slab_depth(data) -> int:
    """The sections of the map a slab holds."""
    return max(1, SLAB_VOXELS // max(1, data.shape[1] * data.shape[2]))


def _select(slabs, coarse, rank: int) -> int:
    """The key of the voxel of that rank (0-based, in increasing order)."""
    import numpy

    cumulative = numpy.cumsum(coarse)
    upper = int(numpy.searchsorted(cumulative, rank, side="right"))
    rank -= int(cumulative[upper - 1]) if upper else 0
    fine = numpy.zeros(1 << 16, dtype=numpy.int64)
    for keys in slabs():
        fine += numpy.bincount(keys[(keys >> 16) == upper] & 0xFFFF, minlength=1 << 16)
    lower = int(numpy.searchsorted(numpy.cumsum(fine), rank, side="right"))
    return (upper << 16) | lower


def _float32(key):
    """The float32 whose key this is (see _slabs)."""
    import numpy

    key = numpy.uint32(key)
    bits = key & numpy.uint32(0x7FFFFFFF) if key & numpy.uint32(0x80000000) else ~key
    return numpy.array([bits], dtype=numpy.uint32).view(numpy.float32)[0]


def _shortest(value) -> float:
    """A float32 as the shortest decimal that reads back to it (numpy prints a float32 so)."""
    return float(str(value))
