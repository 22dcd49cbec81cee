"""Where records go. Every sink takes Outcomes that carry a record, in the
order jobs finish, and writes each one whole or not at all."""

from pathlib import Path

from ..errors import SinkError, UsageError


def open_sink(schema_for, output=None, format="jsonl", db=None):
    """The sink for records: `db` (a SQLite file or a postgresql:// URL), else files in the `output`
    folder (a JSON file per job, or with format "csv" a CSV file per kind), else JSON lines on stdout.
    `schema_for(kind)` is a kind's record schema file."""
    if format == "csv" and not output and not db:
        raise UsageError("--format csv needs -o DIR (one CSV file per record kind)")
    if db:
        from .database import DatabaseSink, open_database

        return DatabaseSink(open_database(db), schema_for)
    try:
        if format == "csv":
            from .csvfiles import CsvSink

            return CsvSink(Path(output), schema_for)
        if output:
            from .files import DirectorySink

            return DirectorySink(Path(output))
    except OSError as exc:
        raise SinkError(f"-o {output}: cannot write there ({exc})") from exc
    from .jsonl import JsonLinesSink

    return JsonLinesSink()
