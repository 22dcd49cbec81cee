"""csx's tables in a database, and their versions.

Version 1 (csx before versions): csx_jobs and one table per record kind.
Version 2 adds csx_schema (the version, one row) and csx_tables (the names of
the record tables csx made), so that a same-named table csx did not make is
refused rather than written into. Version 3 keeps a job's fingerprint per
record kind, so that extracting one kind of a job does not make its other
kinds look up to date. An older database is upgraded in place the first time
a newer csx opens it."""

from ..errors import SinkError

SCHEMA_VERSION = 3
KEY = ("source", "project_uid", "job_uid")
JOB_COLUMNS = {"source", "project_uid", "job_uid", "kind", "fingerprint", "extracted_at"}
RECORD_COLUMNS = {"source", "project_uid", "job_uid", "kind", "spec", "extracted_at", "record"}
# the job's fingerprint, upserted with its record
JOB_UPSERT = ("INSERT INTO csx_jobs (source, project_uid, job_uid, kind, fingerprint, extracted_at) {rows} "
              "ON CONFLICT (source, project_uid, job_uid, kind) DO UPDATE SET "
              "fingerprint = excluded.fingerprint, extracted_at = excluded.extracted_at")


def record_upsert(table: str, columns: list, rows: str) -> str:
    """The upsert of `rows` (VALUES or a SELECT) into a record table: source, project uid, job uid and kind
    first in `columns`, the rest replacing what a job's row held."""
    quoted = [f'"{column}"' for column in columns]
    updates = ", ".join(f"{column} = excluded.{column}" for column in quoted[4:])
    return (f'INSERT INTO "{table}" ({", ".join(quoted)}) {rows} '
            f"ON CONFLICT (source, project_uid, job_uid, kind) DO UPDATE SET {updates}")


def table_name(kind: str) -> str:
    return kind.replace("-", "_")


def not_ours(db, table: str) -> SinkError:
    return SinkError(f"--db {db.label}: table {table} was not made by csx; rename or drop it, "
                     "or give csx a database of its own")


def jobs_table(db, name="csx_jobs") -> str:
    t = db.types
    return (f"CREATE TABLE IF NOT EXISTS {name} (source {t['string']} NOT NULL, project_uid {t['string']} NOT NULL, "
            f"job_uid {t['string']} NOT NULL, kind {t['string']} NOT NULL, fingerprint {t['string']}, "
            f"extracted_at {t['time']} NOT NULL, PRIMARY KEY (source, project_uid, job_uid, kind))")


def record_table(db, name: str, scalars: dict) -> str:
    """A record table, with a column of each top-level scalar ({column name: JSON type})."""
    t = db.types
    columns = "".join(f'"{column}" {t[json_type]}, ' for column, json_type in scalars.items())
    return (f'CREATE TABLE "{name}" (source {t["string"]} NOT NULL, project_uid {t["string"]} NOT NULL, '
            f'job_uid {t["string"]} NOT NULL, kind {t["string"]} NOT NULL, spec {t["string"]}, '
            f'extracted_at {t["time"]} NOT NULL, record {t["json"]} NOT NULL, {columns}'
            "PRIMARY KEY (source, project_uid, job_uid, kind))")


def prepare(db) -> set:
    """Make csx's tables, or check and upgrade them; the names of csx's record tables."""
    with db.locked_transaction():
        tables = db.tables()
        if "csx_schema" in tables:
            if db.columns("csx_schema") != {"version"}:
                raise not_ours(db, "csx_schema")
            version = max((v for v, in db.execute("SELECT version FROM csx_schema")), default=0)
            if version > SCHEMA_VERSION:
                raise SinkError(f"--db {db.label}: made by a newer csx (schema version {version}; this csx knows "
                                f"up to {SCHEMA_VERSION}); upgrade csx")
            if version < 3:
                _upgrade_from_2(db)
        elif "csx_jobs" in tables:
            _upgrade_from_1(db, tables)
            _upgrade_from_2(db)
        else:
            db.execute(jobs_table(db))
            _add_version_tables(db, (), SCHEMA_VERSION)
        return {name for name, in db.execute("SELECT name FROM csx_tables")}


def _add_version_tables(db, record_tables, version: int):
    db.execute(f"CREATE TABLE csx_schema (version {db.types['integer']} NOT NULL)")
    db.execute("INSERT INTO csx_schema VALUES (?)", (version,))
    db.execute(f"CREATE TABLE csx_tables (name {db.types['string']} PRIMARY KEY)")
    db.executemany("INSERT INTO csx_tables VALUES (?)", [(name,) for name in record_tables])


def _upgrade_from_1(db, tables: set):
    """Version 1 had no registry of its tables: its record tables are those with its columns."""
    if db.columns("csx_jobs") != JOB_COLUMNS:
        raise not_ours(db, "csx_jobs")
    record_tables = sorted(name for name in tables - {"csx_jobs"} if db.columns(name) >= RECORD_COLUMNS)
    _add_version_tables(db, record_tables, 2)


def _upgrade_from_2(db):
    """Version 2 kept one fingerprint per job: its rows become those of the kinds they name. The table is
    made anew, as SQLite cannot change a primary key (a new name: PostgreSQL keeps the old key's name)."""
    if db.columns("csx_jobs") != JOB_COLUMNS:
        raise not_ours(db, "csx_jobs")
    db.execute(jobs_table(db, "csx_jobs_v3"))
    # version 1 kept times as text on PostgreSQL too
    db.execute("INSERT INTO csx_jobs_v3 SELECT source, project_uid, job_uid, kind, fingerprint, "
               f"CAST(extracted_at AS {db.types['time']}) FROM csx_jobs")
    db.execute("DROP TABLE csx_jobs")
    db.execute("ALTER TABLE csx_jobs_v3 RENAME TO csx_jobs")
    db.execute("UPDATE csx_schema SET version = ?", (3,))


def add_record_table(db, kind: str, scalars: dict, registered: set) -> tuple:
    """The kind's table, made (and registered) if new, with a column for each scalar its schema has now:
    (table name, {scalar: its column's name as the table spells it})."""
    name = db.identifier(table_name(kind))
    with db.locked_transaction():
        if name not in registered:
            registered |= {n for n, in db.execute("SELECT name FROM csx_tables")}
        if name not in registered:
            if name in db.tables():
                raise not_ours(db, name)
            # made whole at once: each ALTER TABLE costs PostgreSQL a catalog change of its own
            db.execute(record_table(db, name, {db.identifier(column): json_type
                                               for column, json_type in scalars.items()}))
            db.execute("INSERT INTO csx_tables VALUES (?)", (name,))
            registered.add(name)
        present = {column.lower(): column for column in db.columns(name)}
        for column, json_type in scalars.items():
            if column.lower() not in present:  # a schema that gained a key since the table was made
                present[column.lower()] = db.identifier(column)
                db.execute(f'ALTER TABLE "{name}" ADD COLUMN "{present[column.lower()]}" {db.types[json_type]}')
    return name, {column: present[column.lower()] for column in scalars}
