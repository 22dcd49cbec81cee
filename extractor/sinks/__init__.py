"""Where records go. Every sink takes Outcomes that carry a record, in the
order jobs finish, and writes each one whole or not at all."""

from pathlib import Path


def open_sink(args, schema_for):
    """The sink the command line asks for; `schema_for(kind)` is a kind's record schema file."""
    if args.db:
        from .database import DatabaseSink

        return DatabaseSink(Path(args.db), schema_for)
    if args.format == "csv":
        from .csvfiles import CsvSink

        if not args.output:
            from ..errors import UsageError

            raise UsageError("--format csv needs -o DIR (one CSV file per record kind)")
        return CsvSink(Path(args.output), schema_for)
    if args.output:
        from .files import DirectorySink

        return DirectorySink(Path(args.output))
    from .jsonl import JsonLinesSink

    return JsonLinesSink()
