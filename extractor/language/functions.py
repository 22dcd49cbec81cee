"""The custom JMESPath functions of csx, registered the way jmespath.py does
it: `_func_<name>` methods with a `@signature` on a `Functions` subclass.

Each says something plain JMESPath cannot, or says it fast:
- param(name): the value in force of a job parameter, whatever the document
  layout (the layout file says where parameters live); params(names): those
  of several that have a value, as an object, for a spec whose job types
  have different parameters (csx lint --job flags a param() the job lacks);
- abspath(rel): a project-relative path made absolute, as the notebook does
  with project.dir() / path;
- length, min, max, sum, avg (JMESPath's own, but straight on the numpy array
  of a dataset column) and median(col);
- mean_of(a, b), abs_diff(a, b): a column from two, row by row, e.g. the mean
  defocus or the astigmatism of every exposure;
- items(obj): [[key, value], ...], to walk an object whose keys are names
  (v5 `spec.outputs`); get(obj, key): a key chosen by an expression;
- zip(a, b, ...): lists side by side, row by row, to pair what CryoSPARC
  keeps in separate places (a class's particle count, map and resolution);
- first_key(obj, name, ...): the value of the first of the names the object
  has, for a value CryoSPARC has spelt several ways; unlike `a || b`, a name
  present with null (a NaN in job.json) is the answer, not a reason to read
  the next spelling;
- root(): the whole context, to reach `job` from inside a projection;
- agree(values): what related jobs say of one quantity: the value they agree
  on, the sorted list of their distinct values where they disagree, null
  where none says; divide(value, by): a unit change (A to um), null stays null.
- shell_frequencies(radwns, N, psize): the spatial frequency (1/Å) of each
  Fourier shell of an FSC curve, radwn / (N * psize), which JMESPath's lack
  of arithmetic cannot say. It is CryoSPARC's own convention (its
  resolutions are N * psize / radwn: cryosparc-tools tools.py, lowpass2), so
  each curve crosses 0.143 at the resolution the job reports; the README
  cites the tools that read CryoSPARC's FSC files the same way.
- iso_date(value): a date in any form CryoSPARC writes one (extended JSON's
  epoch milliseconds, RFC 1123, ISO with or without an offset) as ISO 8601
  UTC text, so records from every version and source agree;
  seconds_between(start, end): how long from one such date to another.
- from_items(pairs): an object from [[key, value], ...], the inverse of
  items(), to keep an object's keys while changing its values (v4
  params_spec's {name: {value}} as {name: value});
  with_key(objects, key, value): each object with one more key, to carry a
  name from outside a projection into it (the input each connection is of).
- subtract(a, b): a count from two (particles in minus those accepted),
  which JMESPath's lack of arithmetic cannot say; null stays null.
- map_stats(map, mask): min, median and max of the values of an MRC map of
  the project (project-relative paths, as datasets give them), inside the
  mask where one is given: facts the document lacks, from the job's files
  (the local resolution range of a local resolution map).

numpy is imported only when a function meets a column.
"""

import posixpath

from jmespath import exceptions, functions

from ..errors import CsxError
from .values import Column
from .dates import NotADate, iso_utc, seconds_between

NUMBER_TYPES = ("int", "float")


def _numbers(values, function_name):
    """A numpy array of the values, or a type error naming the function."""
    import numpy

    if isinstance(values, Column):
        if not values.is_numeric:
            raise exceptions.JMESPathTypeError(function_name, values, "array", ["array-number"])
        return values.array
    if any(type(v).__name__ not in NUMBER_TYPES for v in values):
        raise exceptions.JMESPathTypeError(function_name, values, "array", ["array-number"])
    try:
        return numpy.asarray(values, dtype=float)
    except OverflowError as exc:
        raise exceptions.JMESPathError(f"{function_name}() meets an integer too large for it") from exc


def _exact_sum(column: Column):
    """A column's sum; of integers, exact even where it passes 64 bits (numpy's would wrap around)."""
    array = column.array
    if array.dtype.kind in "iu" and len(array):
        largest = max(abs(int(array.min())), abs(int(array.max())))
        if largest * len(array) >= 2 ** 63:
            return sum(array.tolist())
    return _scalar(array.sum())


def _extreme(values, pick):
    """min or max of numbers or strings; of a numeric column, straight from its array."""
    if not values:
        return None
    if isinstance(values, Column) and values.is_numeric:
        return _scalar(values.array.min() if pick is min else values.array.max())
    return pick(values)


def _scalar(value):
    return value.item() if hasattr(value, "item") else value


def error_text(exc: exceptions.JMESPathError) -> str:
    """A JMESPath error in a few words, without the value it was about (which may be huge, or nest deep)."""
    if isinstance(exc, exceptions.JMESPathTypeError):
        return f"{exc.function_name}() takes {' or '.join(exc.expected_types)}, not {exc.actual_type}"
    return str(exc)


class CsxFunctions(functions.Functions):
    def __init__(self, job=None, scope=None):
        # `job` is the JobContext being evaluated and `scope` the context object; None when only compiling
        self._job = job
        self._scope = scope

    def _type_check_single(self, current, types, function_name):
        # a Column is a list of numbers or of strings: check its dtype, not each of its rows
        if isinstance(current, Column):
            kind = "array-number" if current.is_numeric else "array-string" if current.is_text else "array"
            if "array" in types or kind in types:
                return
            raise exceptions.JMESPathTypeError(function_name, current, "array", types)
        super()._type_check_single(current, types, function_name)

    @functions.signature({"types": ["string"]})
    def _func_param(self, name):
        return self._job.param(name)

    @functions.signature({"types": ["array"]})
    def _func_params(self, names):
        if any(not isinstance(name, str) for name in names):
            raise exceptions.JMESPathError("params() takes a list of parameter names")
        values = {name: self._job.param(name) for name in names}
        return {name: value for name, value in values.items() if value is not None}

    @functions.signature({"types": ["string", "null"]})
    def _func_abspath(self, relative):
        if relative is None:
            return None
        return posixpath.join(self._job.project_dir, relative)

    @functions.signature({"types": ["array", "string", "object"]})
    def _func_length(self, value):
        return len(value)

    @functions.signature({"types": ["array-number", "array-string"]})
    def _func_min(self, values):
        return _extreme(values, min)

    @functions.signature({"types": ["array-number", "array-string"]})
    def _func_max(self, values):
        return _extreme(values, max)

    @functions.signature({"types": ["array-number"]})
    def _func_sum(self, values):
        if isinstance(values, Column):
            return _exact_sum(values)
        return sum(values)

    @functions.signature({"types": ["array-number"]})
    def _func_avg(self, values):
        if not values:
            return None
        return _scalar(_numbers(values, "avg").mean())

    @functions.signature({"types": ["array-number"]})
    def _func_median(self, values):
        import numpy

        if not values:
            return None
        return _scalar(numpy.median(_numbers(values, "median")))

    @functions.signature({"types": ["array-number"]}, {"types": ["array-number"]})
    def _func_mean_of(self, first, second):
        return Column((_numbers(first, "mean_of") + _numbers(second, "mean_of")) / 2)

    @functions.signature({"types": ["array-number"]}, {"types": ["array-number"]})
    def _func_abs_diff(self, first, second):
        import numpy

        return Column(numpy.abs(_numbers(first, "abs_diff") - _numbers(second, "abs_diff")))

    @functions.signature({"types": ["object"]})
    def _func_items(self, obj):
        return [[key, value] for key, value in obj.items()]

    @functions.signature({"types": ["object", "null"]}, {"types": ["string"]})
    def _func_get(self, obj, key):
        return None if obj is None else obj.get(key)

    @functions.signature({"types": ["object", "null"]}, {"types": ["string"], "variadic": True})
    def _func_first_key(self, obj, *names):
        if obj is None:
            return None
        return next((obj[name] for name in names if name in obj), None)

    @functions.signature({"types": ["array"], "variadic": True})
    def _func_zip(self, *arrays):
        return [list(row) for row in zip(*arrays)]

    @functions.signature()
    def _func_root(self):
        return self._scope

    @functions.signature({"types": ["array"]})
    def _func_agree(self, values):
        distinct = []
        for value in values:
            if value is not None and value not in distinct:
                distinct.append(value)
        if len(distinct) <= 1:
            return distinct[0] if distinct else None
        try:
            return sorted(distinct)
        except TypeError:  # numbers and strings together: in the order met
            return distinct

    @functions.signature({"types": ["number", "null"]}, {"types": ["number"]})
    def _func_divide(self, value, by):
        if value is None:
            return None
        if by == 0:
            raise exceptions.JMESPathError("divide(): division by zero")
        return value / by

    @functions.signature({"types": ["string", "null"]}, {"types": ["string", "null"]})
    def _func_map_stats(self, relative, mask_relative):
        """{min, median, max, voxels, masked}: the map's values (float32, as the shortest decimals that read
        back to them) over the voxels where the mask is over 0.5, or every voxel without a mask; null for no
        map, or a map that is not there. A file that is not a whole MRC map, or lies outside the project,
        fails the field."""
        if relative is None:
            return None
        try:
            return self._job.map_stats(relative, mask_relative)
        except CsxError as exc:
            raise exceptions.JMESPathError(str(exc)) from exc

    # "array", not "array-number": jmespath cannot check the items of a value that may be null
    @functions.signature({"types": ["array", "null"]}, {"types": ["number", "null"]}, {"types": ["number", "null"]})
    def _func_shell_frequencies(self, radwns, box, psize):
        if radwns is None or not box or not psize:
            return None
        return (_numbers(radwns, "shell_frequencies") / (box * psize)).tolist()

    @functions.signature({"types": ["string", "number", "object", "null"]})
    def _func_iso_date(self, value):
        try:
            return iso_utc(value)
        except NotADate as exc:
            raise exceptions.JMESPathError(f"iso_date(): {exc}") from None

    @functions.signature({"types": ["string", "number", "object", "null"]},
                         {"types": ["string", "number", "object", "null"]})
    def _func_seconds_between(self, start, end):
        try:
            return seconds_between(start, end)
        except NotADate as exc:
            raise exceptions.JMESPathError(f"seconds_between(): {exc}") from None

    @functions.signature({"types": ["array"]})
    def _func_from_items(self, pairs):
        obj = {}
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise exceptions.JMESPathError("from_items() takes [key, value] pairs with a string key")
            obj[pair[0]] = pair[1]
        return obj

    # "array", not "array-object": the items of a value that may be null cannot be checked
    @functions.signature({"types": ["array", "null"]}, {"types": ["string"]}, {"types": []})
    def _func_with_key(self, objects, key, value):
        if objects is None:
            return None
        if any(not isinstance(item, dict) for item in objects):
            raise exceptions.JMESPathError("with_key() takes a list of objects")
        return [{**item, key: value} for item in objects]

    @functions.signature({"types": ["number", "null"]}, {"types": ["number", "null"]})
    def _func_subtract(self, first, second):
        if first is None or second is None:
            return None
        return first - second
