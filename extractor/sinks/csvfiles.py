"""CSV with flat columns taken from the kind's schema: on stdout (one kind),
or one file per record kind in a folder (map-info.csv, ...) that accumulates
across runs. A file's rows are keyed by (source, project, job): a job
extracted again replaces its row, a job new to the file adds one, and the
others stay. Each file is written whole at the end of the run, or not at all.

Several csx processes may write into one folder at once (a cron loop run in
parallel): each merges its rows into the file as it is at the end of its run,
holding a lock (.csx-csv.lock, there while it is held), so no process's rows
are lost."""

import csv
import io
import sys
from pathlib import Path

from ..errors import RecordWriteError, SinkError, StdoutClosed
from ..regularfiles import Unreadable, read_text
from .atomic import AtomicFile
from .rows import cell, flatten, schema_columns
from .locks import folder_lock

KEY_COLUMNS = ["source", "project_uid", "job_uid"]
MAX_FIELD_CHARS = 2**27  # an FSC curve as JSON text is far longer than csv's default limit allows
MAX_FILE_BYTES = 2**31  # the rows of earlier runs are held in memory while a run's are merged in
LOCK_NAME = ".csx-csv.lock"


def _row(outcome, columns) -> list:
    flat = flatten(outcome.record)
    return [cell(outcome.source), cell(outcome.project_uid), cell(outcome.job_uid)] + [
        cell(flat.get(column)) for column in columns]


def _existing_rows(target: Path, columns: list) -> dict:
    """{(source, project, job): row} of a CSV file an earlier run wrote, its cells moved under `columns`
    (a column the schema no longer has is dropped, a new one is empty). Only a regular file is read: a FIFO
    or a device in its place is refused at once, never waited on."""
    try:
        table = csv.reader(io.StringIO(read_text(target, MAX_FILE_BYTES), newline=""))
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
    except OSError as exc:
        raise SinkError(f"{target}: cannot read the rows of earlier runs ({exc.strerror}); move it away or "
                        "choose another -o") from exc
    except (Unreadable, csv.Error) as exc:
        raise SinkError(f"{target}: cannot read the rows of earlier runs ({exc}); move it away or "
                        "choose another -o") from exc


def _merge_into(atomic: AtomicFile, columns: list, rows: dict):
    """The rows of earlier runs as the file has them now, with `rows` in place of theirs, written whole."""
    merged = _existing_rows(atomic.target, columns)
    merged.update(rows)
    try:
        writer = csv.writer(atomic.stream)
        writer.writerow(KEY_COLUMNS + columns)
        writer.writerows(merged.values())
        atomic.commit()
    except OSError as exc:  # a full disk: the file stays as it was, and no temporary file is left
        atomic.abort()
        raise SinkError(f"{atomic.target}: cannot write ({exc.strerror}); the file is as it was, no row of this "
                        "run written") from exc


class CsvSink:
    """`directory`: one accumulating file per kind there; None: the rows of one kind on `stream`."""

    def __init__(self, directory: Path | None, schema_for, stream=None):
        self.directory = Path(directory) if directory is not None else None
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        self.stream = stream or sys.stdout
        self.schema_for = schema_for
        self.tables = {}  # kind -> (columns, {key: row} of this run or None, AtomicFile or None): None on stdout

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
                _existing_rows(target, columns)  # a file that is not csx's stops the run now, not at its end
                self.tables[kind] = (columns, {}, AtomicFile(target, newline=""))
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
        """Merge this run's rows into each kind's file (on an interrupted run: none, and the files stay)."""
        files = [(columns, rows, atomic) for columns, rows, atomic in self.tables.values() if atomic is not None]
        if not files:
            return
        if not completed:
            for _, _, atomic in files:
                atomic.abort()
            return
        try:
            with folder_lock(self.directory / LOCK_NAME):
                for columns, rows, atomic in files:
                    _merge_into(atomic, columns, rows)
        except BaseException:
            for _, _, atomic in files:
                atomic.abort()  # those not merged yet; a merged one's temporary file is gone already
            raise
