"""The SQLite dialect of the database sink: a file, opened in WAL mode so
readers never wait; concurrent writers queue on SQLite's write lock (a long
busy timeout) rather than fail."""

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from .dbschema import JOB_UPSERT, record_upsert

# a writer waits this long for another process's transaction; each holds the lock for one batch
BUSY_TIMEOUT_S = 120


class SQLiteDatabase:
    name = "SQLite"
    errors = (sqlite3.Error,)
    value_errors = ()  # SQLite stores any value it is given; the sink checks the columns' types itself
    types = {"integer": "INTEGER", "boolean": "INTEGER", "number": "REAL", "string": "TEXT",
             "json": "TEXT", "time": "TEXT"}

    def __init__(self, path: Path, label: str):
        self.label = label
        # the sink's lock keeps its threads from using the connection at once
        self.connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                          check_same_thread=False)
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

    def write_batch(self, tables: dict):
        """Records' rows and their jobs' fingerprints ({table: (columns, rows, fingerprints)}), in one
        transaction."""
        with self.transaction():
            jobs = []
            for name, (columns, rows, fingerprints) in tables.items():
                self.connection.executemany(record_upsert(name, columns, f"VALUES ({', '.join('?' * len(columns))})"),
                                            rows)
                jobs += [(*row[:4], fingerprint, row[5]) for row, fingerprint in zip(rows, fingerprints)]
            self.connection.executemany(JOB_UPSERT.format(rows="VALUES (?, ?, ?, ?, ?, ?)"), jobs)

    def tables(self) -> set:
        return {name for name, in self.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}

    def columns(self, table: str) -> set:
        return {row[1] for row in self.execute(f'PRAGMA table_info("{table}")')}

    def close(self):
        self.connection.close()
