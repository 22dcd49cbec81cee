"""CSV with flat columns taken from the kind's schema: on stdout (one kind),
or one file per record kind in a folder (map-info.csv, ...) that accumulates
across runs. A file's rows are keyed by (source, project, job): a job
extracted again replaces its row, a job new to the file adds one, and the
others stay. Each file is written whole at the end of the run, or not at all."""

import csv
import sys
from pathlib import Path

from ..errors import RecordWriteError, SinkError, StdoutClosed
from .atomic import AtomicFile
from .columns import cell, flatten, schema_columns

KEY_COLUMNS = ["source", "project_uid", "job_uid"]
MAX_FIELD_CHARS = 2**27  # an FSC curve as JSON text is far longer than csv's default limit allows


def _row(outcome, columns) -> list:
    flat = flatten(outcome.record)
    return [outcome.source, outcome.project_uid, outcome.job_uid] + [cell(flat.get(column)) for column in columns]


def _existing_rows(target: Path, columns: list) -> dict:
    """{(source, project, job): row} of a CSV file an earlier run wrote, its cells moved under `columns`
    (a column the schema no longer has is dropped, a new one is empty)."""
    try:
        with open(target, newline="", encoding="utf-8") as handle:
            table = csv.reader(handle)
            header = next(table, None)
            if header is None:
                return {}
            if header[:3] != KEY_COLUMNS:
                raise SinkError(f"{target}: not a CSV file csx wrote (its columns do not begin with "
                                f"{','.join(KEY_COLUMNS)}); move it away or choose another -o")
            where = {name: index for index, name in enumerate(header)}
            indexes = [where.get(column) for column in columns]
            return {tuple(row[:3]): row[:3] + [row[i] if i is not None and i < len(row) else "" for i in indexes]
                    for row in table}
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SinkError(f"{target}: cannot read the rows of earlier runs ({exc}); move it away or "
                        "choose another -o") from exc


class CsvSink:
    """`directory`: one accumulating file per kind there; None: the rows of one kind on `stream`."""

    def __init__(self, directory: Path | None, schema_for, stream=None):
        self.directory = Path(directory) if directory is not None else None
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        self.stream = stream or sys.stdout
        self.schema_for = schema_for
        self.tables = {}  # kind -> (columns, {key: row}, AtomicFile or None)

    def _table(self, kind: str):
        if kind not in self.tables:
            columns = schema_columns(self.schema_for(kind))
            if self.directory is None:
                if self.tables:
                    raise RecordWriteError(f"a {kind} record cannot join the {next(iter(self.tables))} rows on "
                                           "stdout (one kind per CSV); give -o DIR for a file per kind")
                self._emit(csv.writer(self.stream), KEY_COLUMNS + columns)
                self.tables[kind] = (columns, None, None)
            else:
                csv.field_size_limit(MAX_FIELD_CHARS)
                target = self.directory / f"{kind}.csv"
                rows = _existing_rows(target, columns)
                self.tables[kind] = (columns, rows, AtomicFile(target, newline=""))
        return self.tables[kind]

    def _emit(self, writer, row):
        try:
            writer.writerow(row)
            self.stream.flush()
        except BrokenPipeError as exc:
            raise StdoutClosed from exc

    def write(self, outcome):
        columns, rows, _ = self._table(outcome.record["kind"])
        row = _row(outcome, columns)
        if rows is None:
            self._emit(csv.writer(self.stream), row)
        else:
            rows[tuple(row[:3])] = row
        return [outcome]

    def flush(self) -> list:
        return []  # the files are written whole at close

    def close(self, completed=True):
        for columns, rows, atomic in self.tables.values():
            if atomic is None:
                continue
            if not completed:
                atomic.abort()
                continue
            writer = csv.writer(atomic.stream)
            writer.writerow(KEY_COLUMNS + columns)
            writer.writerows(rows.values())
            atomic.commit()
