"""One CSV file per record kind (map-info.csv, ...), with flat columns taken
from the kind's schema. Each file is written whole at the end of the run, or
not at all."""

import csv
from pathlib import Path

from .atomic import AtomicFile
from .columns import cell, flatten, schema_columns

KEY_COLUMNS = ["source", "project_uid", "job_uid"]


class CsvSink:
    def __init__(self, directory: Path, schema_for):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.schema_for = schema_for
        self.files = {}  # kind -> (AtomicFile, csv.writer, columns)

    def _file(self, kind: str):
        if kind not in self.files:
            columns = schema_columns(self.schema_for(kind))
            atomic = AtomicFile(self.directory / f"{kind}.csv", newline="")
            writer = csv.writer(atomic.stream)
            writer.writerow(KEY_COLUMNS + columns)
            self.files[kind] = (atomic, writer, columns)
        return self.files[kind]

    def write(self, outcome):
        _, writer, columns = self._file(outcome.record["kind"])
        flat = flatten(outcome.record)
        writer.writerow([outcome.source, outcome.project_uid, outcome.job_uid]
                        + [cell(flat.get(column)) for column in columns])

    def close(self, completed=True):
        for atomic, _, _ in self.files.values():
            atomic.commit() if completed else atomic.abort()
