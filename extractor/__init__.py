"""csx: declarative, schema-checked extraction of CryoSPARC job facts.

The public API (see the README): extract, iter_extract, query, validate, flatten, survey, table1,
read_records, plot_fsc, report, and the error classes of extractor.errors, whose base is CsxError."""

__version__ = "0.1.0"

__all__ = ["extract", "iter_extract", "query", "validate", "flatten", "survey", "table1", "read_records", "plot_fsc",
           "report", "CsxError", "DatasetError", "FieldError", "JobError", "NoSpecError", "RecordError", "SinkError",
           "SpecError", "UsageError"]


def __getattr__(name):
    # imported on first use: `csx --version` and the worker processes need none of it
    if name in __all__:
        from importlib import import_module

        module = import_module(".errors" if name[0].isupper() else ".api", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
