"""An output's dataset as CryoSPARC builds it: the inner join on uid of each
of its results' final metafile (the first one for passthrough results),
reading only the columns that expressions use, as plain JSON columns."""

from collections import defaultdict

from .errors import DatasetError
from .expressions import ALL_FIELDS


def _metafile(result: dict, origin: str) -> str:
    metafiles = result.get("metafiles") or []
    if not metafiles:
        raise DatasetError(f"{origin}: result {result.get('name')!r} has no metafile written; "
                           "did the job finish?")
    return metafiles[0] if result.get("passthrough") else metafiles[-1]


def load_columns(context, output: str, columns) -> dict:
    """{column name: list of values} of `output`, for `columns` (or ALL_FIELDS)."""
    results = {r["name"]: r for r in context.results_of(output)}
    per_file = defaultdict(lambda: {"fields": set(), "prefixes": set()})
    if columns is ALL_FIELDS:
        for name, result in results.items():
            per_file[_metafile(result, context.origin)]["prefixes"].add(name)
    else:
        for column in columns:
            name = column.split("/", 1)[0]
            if name in results:
                per_file[_metafile(results[name], context.origin)]["fields"].add(column)
    if not per_file:
        return {}
    loaded = []
    for relative, wanted in per_file.items():
        if wanted["prefixes"]:
            loaded.append(context.document.load_dataset(relative, prefixes=sorted(wanted["prefixes"])))
        else:
            loaded.append(context.document.load_dataset(relative, fields=["uid", *sorted(wanted["fields"])]))
    dataset = loaded[0].innerjoin(*loaded[1:]) if len(loaded) > 1 else loaded[0]
    if len(loaded) > 1 and len(dataset) == 0 and any(len(d) for d in loaded):
        raise DatasetError(f"{context.origin}: the results of output {output!r} share no uid; "
                           "its metafiles do not belong together")
    return {name: dataset[name].tolist() for name in dataset.fields()}


def load_datasets(context, declared: dict, usage: dict) -> dict:
    """datasets.<alias> for every alias that some expression reads."""
    if "*" in usage:
        usage = {alias: ALL_FIELDS for alias in declared}
    return {alias: load_columns(context, declared[alias], columns) for alias, columns in usage.items()}
