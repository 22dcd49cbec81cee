"""The database sink, the same on SQLite and PostgreSQL: one table per record
kind, keyed by the source (project directory or instance), project uid, job
uid and kind, with the spec, the extraction time, the whole record (JSON;
JSONB on PostgreSQL) and its top-level scalars as columns. Re-running
upserts. Each record is written in its own transaction, so an interrupted run
leaves whole rows only, and the next run finishes the rest; several csx
processes may write one database at once.

The csx_jobs table remembers each job's fingerprint (job.json's modification
time and size, or the document's update time) so that unchanged jobs are
skipped on the next run. The dialects (sqlite.py, postgresql.py) say how to
connect, lock and name types; dbschema.py makes and upgrades the tables."""

import json
from datetime import datetime, timezone

from ..errors import RecordWriteError, SinkError, UsageError
from .rows import top_level_scalars
from .dbschema import KEY, add_record_table, prepare
from .dburl import is_postgresql_url, safe_url, url_secrets

INTEGER_RANGE = (-2**63, 2**63 - 1)  # both databases' integer columns are 64-bit


def open_database(target: str):
    """The dialect object for --db TARGET: a postgresql:// URL, or an SQLite file; its `secrets` quote the
    driver's errors."""
    secrets = url_secrets(target)
    if is_postgresql_url(target):
        label = safe_url(target)
        try:
            from .postgresql import PostgreSQLDatabase as dialect
        except ImportError as exc:
            raise UsageError(f"--db {label}: psycopg is not installed; pip install 'psycopg[binary]'") from exc
    else:
        from .sqlite import SQLiteDatabase as dialect

        label = str(target)
    try:
        database = dialect(target, label)
    except (OSError, *dialect.errors) as exc:
        raise SinkError(f"--db {label}: cannot write there ({short_error(exc, secrets)})") from exc
    database.secrets = secrets
    return database


def short_error(exc: BaseException, secrets) -> str:
    """The first line of a driver's error, without secrets (psycopg's may quote the connection string)."""
    text = str(exc).strip()
    return secrets.quoted(text.splitlines()[0] if text else type(exc).__name__)


def column_value(json_type: str, value, field: str, label: str):
    """A top-level scalar as its column stores it, or RecordWriteError naming the field (--no-validate lets
    any type through; a number past 64 bits fits no integer column)."""
    if value is None:
        return None
    fits = {"integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "boolean": isinstance(value, bool), "string": isinstance(value, str)}[json_type]
    if not fits:
        raise RecordWriteError(f"{label}: field {field} is {type(value).__name__}, not {json_type}: "
                          "its record cannot go into the database")
    if json_type == "integer" and not INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]:
        raise RecordWriteError(f"{label}: field {field} = {value} does not fit the database's 64-bit integer "
                          "column: its record is not written")
    if json_type == "number":
        try:
            return float(value)
        except OverflowError:
            raise RecordWriteError(f"{label}: field {field} = {value} is past the range of the database's "
                              "floating-point column: its record is not written") from None
    return value


class DatabaseSink:
    def __init__(self, db, schema_for):
        self.db = db
        self.schema_for = schema_for
        self.registered = self._run(prepare, db)  # names of the record tables csx made
        self.tables = {}  # kind -> (table name, {scalar: JSON type}, {scalar: column name})

    @property
    def label(self) -> str:
        return self.db.label

    def fingerprints(self, source: str, kinds) -> dict:
        """{(project_uid, job_uid): fingerprint} of the jobs stored from `source` with a record of one of
        `kinds`: the kinds the run makes, so that a job stored only with other kinds is not skipped."""
        rows = self._run(self.db.execute, "SELECT project_uid, job_uid, kind, fingerprint FROM csx_jobs "
                                          "WHERE source = ?", (source,))
        return {(puid, juid): fingerprint for puid, juid, kind, fingerprint in rows if kind in kinds}

    def _table(self, kind: str) -> tuple:
        if kind not in self.tables:
            scalars = top_level_scalars(self.schema_for(kind))
            scalars.pop("kind", None)
            name, columns = self._run(add_record_table, self.db, kind, scalars, self.registered)
            self.tables[kind] = (name, scalars, columns)
        return self.tables[kind]

    def write(self, outcome):
        record = outcome.record
        kind = record["kind"]
        name, scalars, scalar_columns = self._table(kind)
        values = [column_value(json_type, record.get(column), column, outcome.label)
                  for column, json_type in scalars.items()]
        extracted_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        columns = ["source", "project_uid", "job_uid", "kind", "spec", "extracted_at", "record",
                   *scalar_columns.values()]
        placeholders = ["?"] * 6 + [self.db.json_value] + ["?"] * len(scalars)
        quoted = [f'"{c}"' for c in columns]
        updates = ", ".join(f"{c} = excluded.{c}" for c in quoted[4:])
        row = [outcome.source, outcome.project_uid, outcome.job_uid, kind, outcome.spec, extracted_at,
               json.dumps(record), *values]
        upsert = (f'INSERT INTO "{name}" ({", ".join(quoted)}) VALUES ({", ".join(placeholders)}) '
                  f"ON CONFLICT (source, project_uid, job_uid, kind) DO UPDATE SET {updates}")
        try:
            self.db.upsert_record(upsert, row, outcome.fingerprint)  # the row and the job's fingerprint together
        except self.db.value_errors as exc:
            raise RecordWriteError(f"{outcome.label}: {self.db.name} refused its record "
                                   f"({short_error(exc, self.db.secrets)})") from exc
        except self.db.errors as exc:
            raise SinkError(f"{self.db.name}: {short_error(exc, self.db.secrets)}") from exc

    def prune(self, source: str, project_uid: str, existing) -> int:
        """Delete the rows of the project's jobs that are not in `existing`; the number of jobs pruned."""
        existing = set(existing)

        def delete():
            # under the tables' lock: no other process adds a table meanwhile, and two prunes never interleave
            with self.db.locked_transaction():
                self.registered |= {n for n, in self.db.execute("SELECT name FROM csx_tables")}
                # csx_jobs last, as write() takes its rows: no two transactions wait on each other in a ring
                tables, gone = [*sorted(self.registered), "csx_jobs"], set()
                for table in tables:
                    stored = self.db.execute(f'SELECT DISTINCT job_uid FROM "{table}" '
                                             "WHERE source = ? AND project_uid = ?", (source, project_uid))
                    gone |= {juid for juid, in stored if juid not in existing}
                for table in tables:
                    self.db.executemany(f'DELETE FROM "{table}" WHERE {" AND ".join(f"{k} = ?" for k in KEY)}',
                                        [(source, project_uid, juid) for juid in sorted(gone)])
                return len(gone)

        return self._run(delete)

    def _run(self, function, *args):
        """A step outside write(): the dialect's errors become one line."""
        try:
            result = function(*args)
            return list(result) if hasattr(result, "fetchall") else result
        except self.db.errors as exc:
            raise SinkError(f"--db {self.db.label}: {short_error(exc, self.db.secrets)}") from exc

    def close(self, completed=True):
        # rows already written are whole and stay: the next run finishes the rest
        self.db.close()
