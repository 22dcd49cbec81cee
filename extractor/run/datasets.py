"""An output's dataset as CryoSPARC builds it: the inner join on uid of each
of its results' final metafile (the first one for passthrough results),
reading only the columns that expressions use, each a Column (a list to
JMESPath, a numpy array to csx's aggregate functions)."""

from collections import defaultdict

from ..errors import DatasetError
from ..language.values import Column
from ..language.expressions import ALL_FIELDS


def final_metafile(result: dict) -> str | None:
    """The file holding a result's final data; None when the job never wrote one (a failed job)."""
    metafiles = result.get("metafiles") or []
    if not metafiles:
        return None
    return metafiles[0] if result.get("passthrough") else metafiles[-1]


def load_columns(context, output: str, columns) -> dict:
    """{column name: Column} of `output`, for `columns` (or ALL_FIELDS).

    Columns of results the job never wrote are absent, so expressions over
    them give null (and a required field says so, with the job's status).
    """
    metafiles = {r["name"]: final_metafile(r) for r in context.results_of(output)}
    per_file = defaultdict(lambda: {"fields": set(), "prefixes": set()})
    if columns is ALL_FIELDS:
        for name, metafile in metafiles.items():
            if metafile:
                per_file[metafile]["prefixes"].add(name)
    else:
        for column in columns:
            metafile = metafiles.get(column.split("/", 1)[0])
            if metafile:
                per_file[metafile]["fields"].add(column)
    if not per_file:
        return {}
    loaded = []
    for relative, wanted in per_file.items():
        if wanted["prefixes"]:
            dataset = context.document.load_dataset(relative, prefixes=sorted(wanted["prefixes"]))
        else:
            dataset = context.document.load_dataset(relative, fields=["uid", *sorted(wanted["fields"])])
        if "uid" not in dataset.fields():
            raise DatasetError(f"{context.origin}: dataset {relative} has no uid column; is it a CryoSPARC "
                               "dataset (.cs)?")
        loaded.append(dataset)
    if all(_same_rows(loaded[0], other) for other in loaded[1:]):
        # the usual case: every result file holds the same rows in the same order, so the
        # inner join on uid is the files side by side
        return {name: Column(part[name]) for part in loaded for name in part.fields()}
    dataset = _as_dataset(loaded[0]).innerjoin(*map(_as_dataset, loaded[1:]))
    if len(dataset) == 0 and any(len(d) for d in loaded):
        raise DatasetError(f"{context.origin}: the results of output {output!r} share no uid; "
                           "its metafiles do not belong together")
    return {name: Column(dataset[name]) for name in dataset.fields()}


def _as_dataset(loaded):
    """A cryosparc Dataset of what a source loaded (a Dataset, or the columns of a numpy-format .cs)."""
    return loaded.as_dataset() if hasattr(loaded, "as_dataset") else loaded


def _same_rows(first, other) -> bool:
    return len(first) == len(other) and (first["uid"] == other["uid"]).all()


def load_datasets(context, declared: dict, usage: dict) -> dict:
    """datasets.<alias> for every alias that some expression reads."""
    if "*" in usage:
        usage = {alias: ALL_FIELDS for alias in declared}
    return {alias: load_columns(context, declared[alias], columns) for alias, columns in usage.items()}
