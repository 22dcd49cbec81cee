"""The database sink, the same on SQLite and PostgreSQL: one table per record
kind, keyed by the source (project directory or instance), project uid, job
uid and kind, with the spec, the extraction time, the whole record (JSON;
JSONB on PostgreSQL) and its top-level scalars as columns. Re-running
upserts. Records are written in batches, one transaction each (up to
BATCH_RECORDS records; a batch not full goes out once its first record has
waited BATCH_SECONDS, batches.py), so an interrupted run leaves whole rows
only, loses at most the batch it had not committed, and the next run
finishes the rest; several csx processes may write one database at once. A
record the database refuses fails its own job: its batch is written again
record by record.

The csx_jobs table remembers each job's fingerprint (job.json's modification
time and size, or the document's update time), written in the transaction
of its record, so that unchanged jobs are skipped on the next run. The
dialects (sqlite.py, postgresql.py) say how to connect, lock, write a batch
and name types; dbschema.py makes and upgrades the tables."""

import json
import threading
import time

from ..errors import RecordWriteError, SinkError, UsageError
from .batches import BatchWriter
from .rows import top_level_scalars
from .dbschema import KEY, add_record_table, prepare
from .dburl import is_postgresql_url, safe_url, url_secrets

INTEGER_RANGE = (-2**63, 2**63 - 1)  # both databases' integer columns are 64-bit
STORED_AS_IS = {"integer": int, "number": float, "boolean": bool, "string": str}
# records per transaction: past a few hundred, a larger batch saves little and a killed run redoes more
BATCH_RECORDS = 500
# the longest a record waits for its batch-mates, so that a slow run's records still show up as they come
BATCH_SECONDS = 1.0


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
    if type(value) is STORED_AS_IS[json_type] and (json_type != "integer" or
                                                   INTEGER_RANGE[0] <= value <= INTEGER_RANGE[1]):
        return value  # nearly every value: checked first
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
    def __init__(self, db, schema_for, batch_records: int = BATCH_RECORDS, batch_seconds: float = BATCH_SECONDS):
        self.db = db
        self.schema_for = schema_for
        # the connection has one user at a time: the caller's thread, or the one writing batches
        self._connection = threading.Lock()
        self.registered = self._run(prepare, db)  # names of the record tables csx made
        self.tables = {}  # kind -> (table name, {scalar: JSON type}, [column names of a row])
        self._batches = BatchWriter(self._write_batch, batch_records, batch_seconds, "csx-db-batches")
        self._second, self._stamp = None, ""

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
            self.tables[kind] = (name, scalars, ["source", "project_uid", "job_uid", "kind", "spec",
                                                 "extracted_at", "record", *columns.values()])
        return self.tables[kind]

    def write(self, outcome) -> list:
        """Gather an outcome's record into the batch being made; the outcomes settled since the last call, in
        the order they came: written, or failed with the database's refusal as their error. A record no
        column can hold raises RecordWriteError at once; a database gone raises SinkError."""
        record = outcome.record
        name, scalars, _ = self._table(record["kind"])
        values = [column_value(json_type, record.get(column), column, outcome.label)
                  for column, json_type in scalars.items()]
        row = [outcome.source, outcome.project_uid, outcome.job_uid, record["kind"], outcome.spec, self._now(),
               json.dumps(record), *values]
        return self._batches.add((outcome, name, row))

    def flush(self) -> list:
        """Write the batch being gathered; the outcomes settled since the last call."""
        return self._batches.flush()

    def _now(self) -> str:
        """The time in UTC to the second (the extraction time of records), formatted once a second."""
        second = int(time.time())
        if second != self._second:
            self._second, self._stamp = second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
        return self._stamp

    def _write_batch(self, batch: list) -> list:
        """Write a batch in one transaction; its outcomes. When the database refuses a value, the batch is
        written again record by record: the record refused fails its own job, not its batch-mates."""
        try:
            self._write_rows(batch)
        except self.db.value_errors:
            for entry in batch:
                try:
                    self._write_rows([entry])
                except self.db.value_errors as exc:
                    outcome = entry[0]
                    outcome.record = None
                    outcome.error = RecordWriteError(f"{outcome.label}: {self.db.name} refused its record "
                                                     f"({short_error(exc, self.db.secrets)})")
        return [outcome for outcome, _, _ in batch]

    def _write_rows(self, batch: list):
        """The records' rows and their jobs' fingerprints, in one transaction. Rows are written in the order
        of their keys, the record tables' by name and csx_jobs last, as --prune deletes them, so that no
        two writers wait on each other in a ring; a job written twice in the batch keeps its last record."""
        latest = {}
        for outcome, name, row in batch:
            latest[(name, *row[:4])] = (row, outcome.fingerprint)
        tables = {}
        for key in sorted(latest):
            row, fingerprint = latest[key]
            rows, fingerprints = tables.setdefault(key[0], ([], []))
            rows.append(row)
            fingerprints.append(fingerprint)
        columns = {name: columns for name, _, columns in self.tables.values()}
        try:
            with self._connection:
                self.db.write_batch({name: (columns[name], *rows) for name, rows in tables.items()})
        except self.db.value_errors:
            raise
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
        """A step outside the batches: the dialect's errors become one line."""
        try:
            with self._connection:
                result = function(*args)
                return list(result) if hasattr(result, "fetchall") else result
        except self.db.errors as exc:
            raise SinkError(f"--db {self.db.label}: {short_error(exc, self.db.secrets)}") from exc

    def close(self, completed=True):
        """Close, the last batch written. After a failure (Ctrl-C, ...) the last batch is written if it can
        be; rows already written are whole and stay, and the next run finishes the rest."""
        try:
            if completed:
                self.flush()
        finally:
            self._batches.close()
            self.db.close()
