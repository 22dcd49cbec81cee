"""The read side of the database sink: the records `csx extract --db` wrote,
read back the same way from SQLite and PostgreSQL, one at a time.

Kept apart from the write side (database.py and its dialects): reading
opens the database read-only, never makes or upgrades a table, and streams
(SQLite's cursor, a PostgreSQL server-side cursor), so a report over
100,000 records holds one record at a time. A row whose record cannot be
read (not JSON, not an object, of another kind) is skipped and named through
`unreadable`, and the rest are read."""

from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..checks.records import KIND_NAME
from ..checks.schemacheck import read_schema
from ..errors import SinkError, UsageError
from ..resources import schemas_dir
from ..wording import DB, Words
from .database import short_error
from .dbschema import RECORD_COLUMNS, table_name
from .dburl import is_postgresql_url, safe_url, url_secrets
from .rows import in_schema_order

FETCH_ROWS = 500  # rows a PostgreSQL server-side cursor sends at a time


@dataclass(frozen=True)
class StoredRecord:
    """A record as the database keeps it: under its source (project directory or instance), project and job."""

    source: str
    project_uid: str
    job_uid: str
    record: dict

    @property
    def label(self) -> str:
        return f"{self.project_uid}/{self.job_uid}"


class _SQLiteReading:
    """An SQLite file opened read-only (mode=ro): reading never makes a file or a table."""

    name = "SQLite"

    def __init__(self, target: str):
        import sqlite3

        self.errors = (sqlite3.Error,)
        path = Path(target)
        if not path.is_file():
            raise UsageError(Words(DB.given(target), ": no such database file"))
        self.connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)

    def tables(self) -> set:
        return {name for name, in self.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def columns(self, table: str) -> set:
        return {row[1] for row in self.connection.execute(f'PRAGMA table_info("{table}")')}

    def rows(self, sql: str, values=()):
        return self.connection.execute(sql, values)

    # the record as bytes: a row whose text is not UTF-8 is then one unreadable record, where reading it
    # as text would stop the cursor
    record_column = "CAST(record AS BLOB)"

    def stream(self, sql: str, values=()):
        yield from self.connection.execute(sql, values)

    def close(self):
        self.connection.close()


class _PostgreSQLReading:
    """A PostgreSQL database read in read-only transactions, its records streamed by a server-side cursor."""

    name = "PostgreSQL"

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError as exc:
            raise UsageError(Words(DB.given(safe_url(url)), ": psycopg is not installed; pip install 'psycopg[binary]'")
                             ) from exc
        from .postgresql import CONNECT_TIMEOUT_S

        self.errors = (psycopg.Error,)
        options = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT_S}
        self.connection = psycopg.connect(url, **options)
        self.connection.read_only = True

    def tables(self) -> set:
        with self.connection.transaction():
            return {name for name, in self.connection.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
                "AND relkind IN ('r', 'p')")}

    def columns(self, table: str) -> set:
        with self.connection.transaction():
            return {name for name, in self.connection.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = (SELECT oid FROM pg_class WHERE relname = %s "
                "AND relnamespace = current_schema()::regnamespace) AND attnum > 0 AND NOT attisdropped", (table,))}

    def rows(self, sql: str, values=()):
        with self.connection.transaction():
            return self.connection.execute(sql.replace("?", "%s"), values).fetchall()

    # JSONB as text, parsed by the reader: the same path as SQLite's, and faster than psycopg's json
    record_column = "record::text"

    def stream(self, sql: str, values=()):
        with self.connection.transaction():
            with self.connection.cursor(name="csx_records") as cursor:
                cursor.itersize = FETCH_ROWS
                cursor.execute(sql.replace("?", "%s"), values)
                yield from cursor

    def close(self):
        self.connection.close()


def _driver_errors(reading) -> tuple:
    """The errors of the reading's driver (psycopg only where PostgreSQL is read)."""
    if reading is _SQLiteReading:
        import sqlite3

        return (sqlite3.Error,)
    import psycopg

    return (psycopg.Error,)


@lru_cache(maxsize=None)
def _shipped_schema(kind: str) -> dict | None:
    """The schema csx ships for a record kind, whose key order records are read back in (None: a kind of
    the user's own, read as stored)."""
    path = schemas_dir() / f"{kind}.schema.json"
    return read_schema(path) if KIND_NAME.fullmatch(kind) and path.is_file() else None


class DatabaseReader:
    """The records of a database csx extract --db filled. `unreadable(line)` hears of each record skipped."""

    def __init__(self, target, unreadable=None):
        target = str(target)
        self.unreadable = unreadable or (lambda line: None)
        self.secrets = url_secrets(target)
        if is_postgresql_url(target):
            self.label = safe_url(target)
            reading = _PostgreSQLReading
        else:
            self.label, reading = target, _SQLiteReading
        try:
            self.db = reading(target)
            self._tables = self._record_tables()
        except (OSError, *_driver_errors(reading)) as exc:
            raise SinkError(Words(DB.given(self.label), ": cannot read it as a csx database "
                                  f"({short_error(exc, self.secrets)})")) from exc

    def _record_tables(self) -> set:
        """The record tables csx made (csx_tables lists them; a database of csx before versions has none,
        and then every table with a record table's columns is one)."""
        tables = self.db.tables()
        if "csx_tables" in tables:
            return {name for name, in self.db.rows("SELECT name FROM csx_tables")} & tables
        return {name for name in tables - {"csx_jobs"} if self.db.columns(name) >= RECORD_COLUMNS}

    def has(self, kind: str) -> bool:
        return table_name(kind) in self._tables

    @staticmethod
    def _where(project_uid) -> tuple:
        return (" WHERE project_uid = ?", (project_uid,)) if project_uid else ("", ())

    def records(self, kind: str, project_uid=None):
        """Each StoredRecord of `kind` (of one project, or of every project), in key order, one at a time.
        A kind the database has no table for has no records."""
        if not self.has(kind):
            return
        import orjson

        table = table_name(kind)
        schema = _shipped_schema(kind)
        where, values = self._where(project_uid)
        sql = (f'SELECT source, project_uid, job_uid, {self.db.record_column} FROM "{table}"{where} '
               "ORDER BY source, project_uid, job_uid")
        rows = self.db.stream(sql, values)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except self.db.errors as exc:
                raise SinkError(Words(DB.given(self.label), f": reading table {table}: "
                                      f"{short_error(exc, self.secrets)}")) from exc
            source, puid, juid, text = row
            try:
                record = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                self._skip(table, source, puid, juid, f"not JSON ({exc})")
                continue
            if not isinstance(record, dict) or record.get("kind") != kind:
                self._skip(table, source, puid, juid, f"not a {kind} record")
                continue
            yield StoredRecord(source, puid, juid, in_schema_order(record, schema) if schema else record)

    def _skip(self, table, source, puid, juid, why):
        self.unreadable(str(Words(DB.given(self.label), f": table {table}, {puid}/{juid} (from {source}): its record "
                                  f"cannot be read, {why}; skipped")))

    def close(self):
        self.db.close()


@contextmanager
def reading(target, unreadable=None):
    """A DatabaseReader of --db TARGET (an SQLite file or a postgresql:// URL), closed after the block."""
    reader = DatabaseReader(target, unreadable)
    try:
        yield reader
    finally:
        reader.close()
