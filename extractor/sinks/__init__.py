"""Where records go. Every sink takes Outcomes that carry a record, in the
order jobs finish, and writes each one whole or not at all. write(outcome)
and flush() return the outcomes settled: the one given, or for the database
those of the batch just written (a record the database refused carries its
error)."""

from pathlib import Path

from ..errors import SinkError, UsageError


def open_sink(schema_for, output=None, format="jsonl", db=None):
    """The sink for records: `db` (a SQLite file or a postgresql:// URL); else the `output` folder (a
    JSON file per job, or with format "csv" a CSV file per kind that accumulates across runs); else
    stdout (JSON lines, or CSV). `schema_for(kind)` is a kind's record schema file. Options that would
    not all take effect are refused."""
    if db and output:
        raise UsageError("-o and --db are two places for the records: give one (run csx twice for both)")
    if db and format != "jsonl":
        raise UsageError(f"--format {format} is for files and stdout; --db stores records in the database")
    if db:
        from .database import DatabaseSink, open_database

        return DatabaseSink(open_database(db), schema_for)
    try:
        if format == "csv":
            from .csvfiles import CsvSink

            return CsvSink(Path(output) if output else None, schema_for)
        if output:
            from .files import DirectorySink

            return DirectorySink(Path(output))
    except OSError as exc:
        raise SinkError(f"-o {output}: cannot write there ({exc})") from exc
    from .jsonl import JsonLinesSink

    return JsonLinesSink()
