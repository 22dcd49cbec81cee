"""SQLite, the embedded default: one table per record kind, keyed by the
source (project directory or instance), project uid, job uid and kind, with
the spec, the extraction time, the whole record as JSON and its top-level
scalars as columns. Re-running upserts. Each record is written in its own
transaction, so an interrupted run leaves whole rows only, and the next run
finishes the rest.

The csx_jobs table remembers each job's fingerprint (job.json's modification
time and size, or the document's update time) so that unchanged jobs are
skipped on the next run."""

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from .columns import top_level_scalars

JOBS_TABLE = """CREATE TABLE IF NOT EXISTS csx_jobs (
    source TEXT NOT NULL, project_uid TEXT NOT NULL, job_uid TEXT NOT NULL,
    kind TEXT NOT NULL, fingerprint TEXT, extracted_at TEXT NOT NULL,
    PRIMARY KEY (source, project_uid, job_uid))"""


def table_name(kind: str) -> str:
    return kind.replace("-", "_")


class DatabaseSink:
    def __init__(self, path: Path, schema_for):
        self.path = Path(path)
        self.schema_for = schema_for
        self.connection = sqlite3.connect(self.path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute(JOBS_TABLE)
        self.tables = {}  # kind -> scalar columns

    def fingerprints(self, source: str) -> dict:
        """{(project_uid, job_uid): fingerprint} of the jobs stored from `source`."""
        rows = self.connection.execute(
            "SELECT project_uid, job_uid, fingerprint FROM csx_jobs WHERE source = ?", (source,))
        return {(puid, juid): fingerprint for puid, juid, fingerprint in rows}

    def _table(self, kind: str) -> list:
        if kind not in self.tables:
            scalars = top_level_scalars(self.schema_for(kind))
            scalars.pop("kind", None)
            name = table_name(kind)
            self.connection.execute(
                f'CREATE TABLE IF NOT EXISTS "{name}" (source TEXT NOT NULL, project_uid TEXT NOT NULL, '
                "job_uid TEXT NOT NULL, kind TEXT NOT NULL, spec TEXT, extracted_at TEXT NOT NULL, "
                "record TEXT NOT NULL, PRIMARY KEY (source, project_uid, job_uid, kind))")
            present = {row[1] for row in self.connection.execute(f'PRAGMA table_info("{name}")')}
            for column, sql_type in scalars.items():
                if column not in present:  # a schema that gained a key since the table was made
                    self.connection.execute(f'ALTER TABLE "{name}" ADD COLUMN "{column}" {sql_type}')
            self.tables[kind] = list(scalars)
        return self.tables[kind]

    def write(self, outcome):
        record = outcome.record
        kind = record["kind"]
        scalars = self._table(kind)
        extracted_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        columns = ["source", "project_uid", "job_uid", "kind", "spec", "extracted_at", "record", *scalars]
        values = [outcome.source, outcome.project_uid, outcome.job_uid, kind, outcome.spec, extracted_at,
                  json.dumps(record), *(record.get(column) for column in scalars)]
        quoted = ", ".join(f'"{c}"' for c in columns)
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns[4:])
        with self.connection:  # one transaction: the row and the job's fingerprint together
            self.connection.execute("BEGIN")
            self.connection.execute(
                f'INSERT INTO "{table_name(kind)}" ({quoted}) VALUES ({", ".join("?" * len(columns))}) '
                f"ON CONFLICT (source, project_uid, job_uid, kind) DO UPDATE SET {updates}", values)
            self.connection.execute(
                "INSERT INTO csx_jobs VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, project_uid, job_uid) "
                "DO UPDATE SET kind = excluded.kind, fingerprint = excluded.fingerprint, "
                "extracted_at = excluded.extracted_at",
                (outcome.source, outcome.project_uid, outcome.job_uid, kind, outcome.fingerprint, extracted_at))

    def close(self, completed=True):
        # rows already written are whole and stay: the next run finishes the rest
        self.connection.close()
