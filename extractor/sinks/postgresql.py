"""The PostgreSQL dialect of the database sink, through psycopg 3 (imported
only here, when a postgresql:// URL is given). libpq reads the credentials:
from the URL, else PGPASSWORD, ~/.pgpass or a service file (?service=NAME).
Tables live in the connection's current schema. Creating and changing
tables is serialized by an advisory lock, since CREATE TABLE IF NOT EXISTS
still races on the type catalog when two processes run it at once."""

from contextlib import contextmanager

import psycopg

from .dbschema import JOB_UPSERT, record_upsert

# pg_advisory_xact_lock key of csx's table changes ("csx" in ASCII): the same in every csx process
TABLES_LOCK = 0x637378
CONNECT_TIMEOUT_S = 30


class PostgreSQLDatabase:
    name = "PostgreSQL"
    types = {"integer": "BIGINT", "boolean": "BOOLEAN", "number": "DOUBLE PRECISION", "string": "TEXT",
             "json": "JSONB", "time": "TIMESTAMPTZ"}
    errors = (psycopg.Error,)
    # class 22, "data exception": this value cannot be stored (out of range, a NUL character, ...)
    value_errors = (psycopg.DataError,)

    def __init__(self, url: str, label: str):
        self.label = label
        options = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT_S}
        self.connection = psycopg.connect(url, autocommit=True, **options)
        # a commit does not wait for its WAL flush (SQLite's synchronous=NORMAL makes the same trade): a
        # server crash may lose the last records written, whole and with their fingerprints, so the next
        # run extracts those jobs again; no row is ever half-written
        self.connection.execute("SET synchronous_commit TO off")
        self._stages = set()  # the temporary tables batches are copied into, made in this session

    @staticmethod
    def identifier(name: str) -> str:
        """Names folded to lower case, as PostgreSQL folds unquoted ones: psize_A works in a query unquoted,
        as in SQLite."""
        return name.lower()

    def execute(self, sql: str, values=()):
        return self.connection.execute(sql.replace("?", "%s"), values)

    def executemany(self, sql: str, rows):
        with self.connection.cursor() as cursor:
            cursor.executemany(sql.replace("?", "%s"), rows)

    def write_batch(self, tables: dict):
        """Records' rows and their jobs' fingerprints ({table: (columns, rows, fingerprints)}), in one
        transaction: copied into a temporary table of this session, then upserted from it in the order of
        their keys, one statement a table."""
        stages = {name: self._stage(name, columns) for name, (columns, _, _) in tables.items()}
        in_order = "ORDER BY source, project_uid, job_uid, kind"
        with self.connection.transaction():
            for name, (columns, rows, fingerprints) in tables.items():
                with self.connection.cursor() as cursor, cursor.copy(
                        f'COPY "{stages[name]}" ({_quoted(columns)}, fingerprint) FROM STDIN') as copy:
                    for row, fingerprint in zip(rows, fingerprints):
                        copy.write_row((*row, fingerprint))
                self.connection.execute(record_upsert(name, columns, f'SELECT {_quoted(columns)} '
                                                                     f'FROM "{stages[name]}" {in_order}'))
            # a table of csx before versions keeps the time as text
            jobs = " UNION ALL ".join(f"SELECT source, project_uid, job_uid, kind, fingerprint, "
                                      f'extracted_at::timestamptz FROM "{stage}"' for stage in stages.values())
            self.connection.execute(JOB_UPSERT.format(rows=f"{jobs} {in_order}"))

    def _stage(self, table: str, columns) -> str:
        """The temporary table, made once per session, that a batch of `table`'s rows is copied into: those
        columns of the table and the job's fingerprint, emptied at each commit."""
        stage = f"csx_stage_{table}"
        if stage not in self._stages:
            self.connection.execute(f'CREATE TEMPORARY TABLE IF NOT EXISTS "{stage}" ON COMMIT DELETE ROWS AS '
                                    f'SELECT {_quoted(columns)}, NULL::text AS fingerprint FROM "{table}" '
                                    "WITH NO DATA")
            self._stages.add(stage)
        return stage

    @contextmanager
    def locked_transaction(self):
        with self.connection.transaction():
            self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (TABLES_LOCK,))
            yield

    # the catalogs, not information_schema, which hides the tables of other roles that csx's may not read
    def tables(self) -> set:
        return {name for name, in self.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND relkind IN ('r', 'p', 'v', 'm', 'f')")}

    def columns(self, table: str) -> set:
        return {name for name, in self.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = (SELECT oid FROM pg_class WHERE relname = ? "
            "AND relnamespace = current_schema()::regnamespace) AND attnum > 0 AND NOT attisdropped", (table,))}

    def close(self):
        self.connection.close()


def _quoted(columns) -> str:
    return ", ".join(f'"{column}"' for column in columns)
