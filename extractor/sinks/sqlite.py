"""The SQLite dialect of the database sink: a file, opened in WAL mode so
readers never wait; concurrent writers queue on SQLite's write lock (a long
busy timeout) rather than fail."""

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from .dbschema import JOB_UPSERT

# a writer waits this long for another process's transaction; each holds the lock for one record
BUSY_TIMEOUT_S = 120


class SQLiteDatabase:
    name = "SQLite"
    errors = (sqlite3.Error,)
    value_errors = ()  # SQLite stores any value it is given; the sink checks the columns' types itself
    types = {"integer": "INTEGER", "boolean": "INTEGER", "number": "REAL", "string": "TEXT",
             "json": "TEXT", "time": "TEXT"}
    json_value = "?"

    def __init__(self, path: Path, label: str):
        self.label = label
        self.connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")

    @staticmethod
    def identifier(name: str) -> str:
        return name  # SQLite compares names without regard to case

    def execute(self, sql: str, values=()):
        return self.connection.execute(sql, values)

    def executemany(self, sql: str, rows):
        self.connection.executemany(sql, rows)

    @contextmanager
    def transaction(self):
        # IMMEDIATE takes the write lock at once, so the busy timeout applies (a deferred
        # transaction that reads and then writes fails at once when another writer is in)
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    # creating and changing tables takes the same write lock as any write
    locked_transaction = transaction

    def upsert_record(self, upsert: str, row: list, fingerprint):
        """A record's row (`upsert` of `row`: source, project uid, job uid, kind, spec, extracted_at, ...) and
        its job's fingerprint, in one transaction."""
        with self.transaction():
            self.execute(upsert, row)
            self.execute(JOB_UPSERT.format(rows="VALUES (?, ?, ?, ?, ?, ?)"), [*row[:4], fingerprint, row[5]])

    def tables(self) -> set:
        return {name for name, in self.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}

    def columns(self, table: str) -> set:
        return {row[1] for row in self.execute(f'PRAGMA table_info("{table}")')}

    def close(self):
        self.connection.close()
