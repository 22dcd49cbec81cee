"""Reading the wanted columns of an opened .cs file.

A numpy-format .cs file (what CryoSPARC writes) is read with numpy itself:
its header, then its rows, of which only the wanted fields are kept. That
costs a third of cryosparc-tools' `Dataset.load`, which builds a whole
Dataset for each file. Whatever this path does not cover (the compressed
stream format of newer CryoSPARC, column types or layouts that Dataset
itself converts or refuses, a truncated or damaged file) goes to
`Dataset.load`, so the columns, and the errors, are those of cryosparc-tools
(tests/test_dataset_files.py compares the two).
"""

import io
import os
from functools import lru_cache

NUMPY_MAGIC = b"\x93NUMPY"
# format version -> bytes of the header length (version 3 differs only in the header's encoding: Dataset.load)
HEADER_LENGTHS = {b"\x01\x00": 2, b"\x02\x00": 4}
# the column types Dataset.load keeps as numpy stores them (any byte order); text (S, U) becomes str objects
PLAIN_TYPES = {"i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8", "c8", "c16"}
TEXT_KINDS = "SU"
# past this size the rows are mapped rather than read, as Dataset.load does, so unread fields stay on disk
MAP_OVER = 2 ** 20


class Columns:
    """A dataset's columns, {name: array} with the Dataset methods csx reads through."""

    __slots__ = ("columns", "rows")

    def __init__(self, columns: dict, rows: int):
        self.columns, self.rows = columns, rows

    def fields(self) -> list:
        return list(self.columns)

    def __getitem__(self, name: str):
        return self.columns[name]

    def __len__(self) -> int:
        return self.rows

    def as_dataset(self):
        from cryosparc.dataset import Dataset

        return Dataset(list(self.columns.items()))


def read_dataset(file, reopen, fields=None, prefixes=None):
    """The columns of the open .cs `file` that `fields` or `prefixes` name (all without either; `uid`
    always): Columns, or a Dataset from `Dataset.load(reopen)` for what the numpy path does not cover.
    `reopen` opens the same file again (a path, or the file itself)."""
    columns = _numpy_columns(file, fields, prefixes)
    if columns is not None:
        return columns
    from cryosparc.dataset import Dataset

    file.seek(0)
    return Dataset.load(reopen, fields=fields, prefixes=prefixes)


def read_header(file, reopen) -> list:
    """[(field name, its type as numpy writes it: "<f4", "<f4(2,)", "|O")] of the open .cs `file`, from
    its header alone (rows are not read): numpy's, or cryosparc-tools' Dataset.inspect for the other
    formats. `reopen` opens the same file again (a path)."""
    header = _header(file)
    if header is None:
        from cryosparc.dataset import Dataset

        file.seek(0)
        return [(entry[0], _type_text(*entry[1:])) for entry in Dataset.inspect(reopen)["dtype"]]
    # text as Dataset gives it, an object column: a fixed width would tell each column's longest text
    return [(name, _type_text("|O" if dtype.base.kind in TEXT_KINDS else dtype.base.str, dtype.shape))
            for name, dtype in ((name, header[1][name]) for name in header[1].names)]


def dataset_header(dataset) -> list:
    """read_header's answer for a dataset already loaded (a downloaded one)."""
    return [(entry[0], _type_text(*entry[1:])) for entry in dataset.descr()]


def _type_text(dtype: str, shape=()) -> str:
    return f"{dtype}{tuple(shape)}" if shape else dtype


def _wanted(name: str, fields, prefixes) -> bool:
    """Dataset.load's choice of fields."""
    return (name == "uid" or (fields is None and prefixes is None)
            or (prefixes is not None and any(name.startswith(f"{prefix}/") for prefix in prefixes))
            or (fields is not None and name in fields))


def _numpy_columns(file, fields, prefixes):
    """Columns, or None when the file is not a plain numpy-format dataset of column types Dataset keeps."""
    import numpy

    header = _header(file)
    if header is None:
        return None
    rows, dtype = header
    start = file.tell()
    if os.fstat(file.fileno()).st_size - start < rows * dtype.itemsize:  # truncated
        return None
    if rows * dtype.itemsize > MAP_OVER:
        table = numpy.memmap(file, dtype=dtype, mode="r", offset=start, shape=(rows,))
    else:  # one read (numpy.fromfile duplicates the descriptor and seeks around it: twice the cost)
        data = file.read(rows * dtype.itemsize)
        if len(data) < rows * dtype.itemsize:  # it shrank after the check: Dataset.load says how
            return None
        table = numpy.frombuffer(data, dtype=dtype, count=rows)
    columns = {}
    for name in ("uid", *(name for name in dtype.names if name != "uid")):  # uid first, as in a Dataset
        if _wanted(name, fields, prefixes):
            column = _column(table[name], name)
            if column is None:
                return None
            columns[name] = column
    return Columns(columns, rows)


def _header(file):
    """(rows, dtype) of a numpy-format file that the numpy path covers, the file left at its first row;
    None for anything else."""
    lead = file.read(len(NUMPY_MAGIC) + 2)
    if lead[:len(NUMPY_MAGIC)] != NUMPY_MAGIC or lead[-2:] not in HEADER_LENGTHS:
        return None
    length_bytes = file.read(HEADER_LENGTHS[lead[-2:]])
    header = file.read(int.from_bytes(length_bytes, "little"))
    return _parsed_header(lead[-2:], length_bytes + header)


@lru_cache(maxsize=256)
def _parsed_header(version: bytes, header: bytes):
    """numpy's own reading of a header, once per distinct header: the files of one kind of output share
    theirs, and parsing one costs more than reading the rows."""
    from numpy.lib import format as npy

    read = npy.read_array_header_1_0 if version == b"\x01\x00" else npy.read_array_header_2_0
    try:
        shape, _, dtype = read(io.BytesIO(header))
    except ValueError:  # a damaged header: Dataset.load says so
        return None
    if len(shape) != 1 or dtype.names is None or "uid" not in dtype.names:  # Dataset makes up a uid column
        return None
    if dtype["uid"].shape or dtype["uid"].kind not in "iu":  # Dataset makes the uid column what it can
        return None
    if not all(_kept(dtype.fields[name][0]) for name in dtype.names):
        return None
    return shape[0], dtype


def _kept(field_type) -> bool:
    base = field_type.base
    return base.kind in TEXT_KINDS and not field_type.shape or base.str[1:] in PLAIN_TYPES


def _column(values, name: str):
    """A field's values as Dataset gives them: uid as uint64, text as str objects, numbers native-endian."""
    import numpy

    if name == "uid":
        return values.astype(numpy.uint64)
    if values.dtype.kind == "S":
        try:
            return numpy.array([text.decode() for text in values.tolist()], dtype=object)
        except UnicodeDecodeError:  # Dataset.load refuses the file, and says why
            return None
    if values.dtype.kind == "U":
        return values.astype(object)
    return values.astype(values.dtype.newbyteorder("="))
