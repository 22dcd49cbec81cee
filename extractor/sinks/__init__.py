"""Where records go. Every sink takes Outcomes that carry a record, in the
order jobs finish, and writes each one whole or not at all."""

import sqlite3
from pathlib import Path

from ..errors import SinkError, UsageError


def open_sink(args, schema_for):
    """The sink the command line asks for; `schema_for(kind)` is a kind's record schema file."""
    if args.format == "csv" and not args.output and not args.db:
        raise UsageError("--format csv needs -o DIR (one CSV file per record kind)")
    target = args.db or args.output
    try:
        if args.db:
            from .database import DatabaseSink

            return DatabaseSink(Path(args.db), schema_for)
        if args.format == "csv":
            from .csvfiles import CsvSink

            return CsvSink(Path(args.output), schema_for)
        if args.output:
            from .files import DirectorySink

            return DirectorySink(Path(args.output))
    except (OSError, sqlite3.Error) as exc:
        raise SinkError(f"{'--db' if args.db else '-o'} {target}: cannot write there ({exc})") from exc
    from .jsonl import JsonLinesSink

    return JsonLinesSink()
