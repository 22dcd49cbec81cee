"""Where records go. Every sink takes Outcomes that carry a record, in the
order jobs finish, and writes each one whole or not at all."""

from pathlib import Path

from ..errors import SinkError, UsageError


def open_sink(args, schema_for):
    """The sink the command line asks for; `schema_for(kind)` is a kind's record schema file."""
    if args.format == "csv" and not args.output and not args.db:
        raise UsageError("--format csv needs -o DIR (one CSV file per record kind)")
    if args.db:
        from .database import DatabaseSink, open_database

        return DatabaseSink(open_database(args.db), schema_for)
    try:
        if args.format == "csv":
            from .csvfiles import CsvSink

            return CsvSink(Path(args.output), schema_for)
        if args.output:
            from .files import DirectorySink

            return DirectorySink(Path(args.output))
    except OSError as exc:
        raise SinkError(f"-o {args.output}: cannot write there ({exc})") from exc
    from .jsonl import JsonLinesSink

    return JsonLinesSink()
