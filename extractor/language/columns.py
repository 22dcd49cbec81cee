"""Dataset columns that stay numpy arrays until an expression needs Python values.

A Column is a list to JMESPath (indexing, slicing, projections work as on
any list), but it fills its list storage from the array only on first such
use. csx's aggregate functions read the array directly, so a million-row
column is summarised without building a million Python objects.
numpy is imported by whoever made the array (the dataset reader), not here,
so a spec that reads no dataset never imports it.
"""

import math


class Column(list):
    __slots__ = ("array", "_filled")

    def __init__(self, array):
        import numpy

        super().__init__()
        self.array = numpy.asarray(array)  # a plain ndarray, also from cryosparc's own Column subclass
        self._filled = False

    def _fill(self):
        if not self._filled:
            self._filled = True
            list.extend(self, self.array.tolist())

    def __len__(self):
        return len(self.array)

    def __bool__(self):
        return len(self.array) > 0

    def __getitem__(self, index):
        self._fill()
        return list.__getitem__(self, index)

    def __iter__(self):
        self._fill()
        return list.__iter__(self)

    def __reversed__(self):
        self._fill()
        return list.__reversed__(self)

    def __contains__(self, value):
        self._fill()
        return list.__contains__(self, value)

    def __eq__(self, other):
        self._fill()
        return list.__eq__(self, other)

    __hash__ = None

    def __repr__(self):
        # short on purpose: error messages show it, and a column may have a million rows
        return f"<column of {len(self.array)} {self.array.dtype}>"

    def plain(self) -> list:
        self._fill()
        return list(self)

    @property
    def is_numeric(self) -> bool:
        return self.array.dtype.kind in "iuf" and self.array.ndim == 1

    @property
    def is_text(self) -> bool:
        return self.array.dtype.kind in "OUS" and self.array.ndim == 1

    @property
    def is_finite(self) -> bool:
        """No NaN or infinity in it (checked on the array, not row by row)."""
        import numpy

        return self.array.dtype.kind not in "fc" or bool(numpy.isfinite(self.array).all())


class TooDeep(ValueError):
    """A value nests deeper than MAX_DEPTH."""


# how deep a record's values may nest; CryoSPARC's documents nest about ten levels
MAX_DEPTH = 100


def plain(value, depth: int = 0):
    """A value as a record holds it: Columns and numpy scalars made Python values, and
    NaN and infinities made null (JSON has no such numbers: csx's policy is null)."""
    if depth > MAX_DEPTH:
        raise TooDeep(f"nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, Column):
        return value.plain() if value.is_finite else [plain(item, depth + 1) for item in value.plain()]
    if isinstance(value, dict):
        return {key: plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item, depth + 1) for item in value]
    if type(value).__module__ == "numpy":  # a numpy scalar, from an aggregate
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
