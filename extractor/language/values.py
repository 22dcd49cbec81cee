"""The values expressions work on and records hold: dataset columns that stay
numpy arrays until an expression needs Python values, plain() that makes a
value a record's (and bounds its depth and size), and value_size().

A Column is a list to JMESPath (indexing, slicing, projections work as on
any list), but it fills its list storage from the array only on first such
use. csx's aggregate functions read the array directly, so a million-row
column is summarised without building a million Python objects.
numpy is imported by whoever made the array (the dataset reader), not here,
so a spec that reads no dataset never imports it.
"""

import math

from jmespath.exceptions import JMESPathError


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
# how large a value an expression may build, in items and characters: a job document is some 10^5, an FSC curve
# a few hundred; past it a field fails (a doubling expression would otherwise take every byte of memory)
MAX_SIZE = 2**24


class TooLarge(JMESPathError):
    """A value larger than MAX_SIZE; a JMESPath error, so that it fails the field like any other."""

    def __init__(self):
        super().__init__(f"the value would hold more than {MAX_SIZE:,} items and characters, more than csx builds")


def plain(value):
    """A value as a record holds it: Columns and numpy scalars made Python values, and
    NaN and infinities made null (JSON has no such numbers: csx's policy is null). The
    copy is where a value built of shared parts ([@, @] repeated) would become real:
    TooLarge past MAX_SIZE."""
    return _plain(value, 0, [MAX_SIZE])


def _plain(value, depth: int, budget: list):
    if depth > MAX_DEPTH:
        raise TooDeep(f"nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, (str, list, dict)):
        budget[0] -= value.array.size if isinstance(value, Column) else len(value)
        if budget[0] < 0:
            raise TooLarge()
    if isinstance(value, Column):
        return value.plain() if value.is_finite else [_plain(item, depth + 1, budget) for item in value.plain()]
    if isinstance(value, dict):
        return {key: _plain(item, depth + 1, budget) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item, depth + 1, budget) for item in value]
    if type(value).__module__ == "numpy":  # a numpy scalar, from an aggregate
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def value_size(value) -> int:
    """A value's size as its JSON text would have it, in items and characters (a part it holds twice counted
    twice), or MAX_SIZE + 1 once past MAX_SIZE. Each list or object is counted once however often it is held,
    so a value of shared parts is measured in the time its parts take, not its size."""
    sizes = {}  # id of a list or object -> its size

    def size_of(item) -> int:
        if isinstance(item, Column):
            return item.array.size + 1
        if isinstance(item, (list, dict)):
            return sizes[id(item)]
        return len(item) if isinstance(item, str) else 1

    pending = [value]
    while pending:
        node = pending[-1]
        if not isinstance(node, (list, dict)) or isinstance(node, Column) or id(node) in sizes:
            pending.pop()
            continue
        items = list(node.values()) if isinstance(node, dict) else node
        unmeasured = [item for item in items if isinstance(item, (list, dict)) and not isinstance(item, Column)
                      and id(item) not in sizes]
        if unmeasured:
            pending.extend(unmeasured)
            continue
        keys = sum(map(len, node)) if isinstance(node, dict) else 0
        sizes[id(node)] = min(1 + keys + sum(map(size_of, items)), MAX_SIZE + 1)
        pending.pop()
    return min(size_of(value), MAX_SIZE + 1)
