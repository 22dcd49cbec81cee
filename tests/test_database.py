"""The database sink on SQLite and on a real PostgreSQL server, the same
contract on both: upserts, skipping unchanged jobs, --prune, schema versions
and upgrades, tables csx did not make, numbers no column can hold."""

import json
import re
import shutil
import signal
import subprocess
import sys

import pytest

from tests.helpers import run_csx

# the tables of the database csx made before schema versions (main at 41b6125), as it made them on SQLite
VERSION_1_TABLES = (
    """CREATE TABLE IF NOT EXISTS csx_jobs (
    source TEXT NOT NULL, project_uid TEXT NOT NULL, job_uid TEXT NOT NULL,
    kind TEXT NOT NULL, fingerprint TEXT, extracted_at TEXT NOT NULL,
    PRIMARY KEY (source, project_uid, job_uid))""",
    'CREATE TABLE IF NOT EXISTS "map_info" (source TEXT NOT NULL, project_uid TEXT NOT NULL, '
    "job_uid TEXT NOT NULL, kind TEXT NOT NULL, spec TEXT, extracted_at TEXT NOT NULL, "
    "record TEXT NOT NULL, PRIMARY KEY (source, project_uid, job_uid, kind))",
    'ALTER TABLE "map_info" ADD COLUMN "psize_A" REAL',
    'ALTER TABLE "map_info" ADD COLUMN "box_size_vox" INTEGER',
    'ALTER TABLE "map_info" ADD COLUMN "gsfsc" REAL',
)


def extract(capsys, *args):
    return run_csx(capsys, "extract", *args)


def test_upserts_skip_unchanged_jobs_and_keep_whole_records(database, project_copy, capsys):
    project = project_copy("P30")
    code, _, err = extract(capsys, "--project-dir", project, "--all", "--type", "map-info", "--db", database.target)
    assert (code, err) == (0, ["csx: 4 done, 3 skipped, 0 failed"])
    table = database.rows("SELECT source, project_uid, job_uid, kind, spec, gsfsc, box_size_vox, psize_A, record "
                          "FROM map_info ORDER BY job_uid")
    assert [row[2] for row in table] == ["J180", "J181", "J182", "J183"]
    source, puid, _, kind, spec, gsfsc, box, psize, record = table[0]
    assert (source, puid, kind, gsfsc, box, psize) == (str(project), "P30", "map-info", 2.281461238861084, 350,
                                                        0.9681428670883179)
    assert spec.endswith("specs/map-info-v4.yaml")
    record = database.record(record)
    assert record["job_info"] == {"puid": "P30", "juid": "J180", "type": "nonuniform_refine_new",
                                  "particle_count": 656974,
                                  "parameters": {"refine_symmetry": "C1", "refine_relax_symmetry": "none"}}
    assert record["paths"]["map"] == f"{project}/J180/J180_009_volume_map.mrc"

    code, _, err = extract(capsys, "--project-dir", project, "--all", "--type", "map-info", "--db", database.target)
    assert (code, err) == (0, ["csx: 0 done, 7 skipped, 0 failed"])

    doc = json.loads((project / "J181" / "job.json").read_text())
    doc["params_spec"]["refine_symmetry"] = {"value": "C4"}
    (project / "J181" / "job.json").write_text(json.dumps(doc))
    code, _, err = extract(capsys, "--project-dir", project, "--all", "--type", "map-info", "--db", database.target)
    assert (code, err) == (0, ["csx: 1 done, 6 skipped, 0 failed"])
    assert database.rows("SELECT count(*) FROM map_info") == [(4,)]
    (record,), = database.rows("SELECT record FROM map_info WHERE job_uid = 'J181'")
    assert database.record(record)["job_info"]["parameters"]["refine_symmetry"] == "C4"
    assert database.rows("SELECT count(*) FROM csx_jobs") == [(4,)]


def test_prune_deletes_the_rows_of_jobs_gone_from_the_project_and_no_others(database, project_copy, capsys):
    p30, p446 = project_copy("P30"), project_copy("P446")
    for project in (p30, p446):
        assert extract(capsys, "--project-dir", project, "--all", "--db", database.target)[0] == 0
    shutil.rmtree(p30 / "J181")
    (p30 / "J2" / "job.json").unlink()  # a job folder left without its document is gone too

    code, _, err = extract(capsys, "--project-dir", p30, "--all", "--db", database.target, "--prune")
    assert (code, err) == (0, ["csx: 0 done, 5 skipped, 0 failed, 2 pruned"])
    assert database.rows("SELECT job_uid FROM map_info WHERE project_uid = 'P30' ORDER BY job_uid") == [
        ("J180",), ("J182",), ("J183",)]
    assert database.rows("SELECT job_uid FROM csx_jobs WHERE project_uid = 'P30' ORDER BY job_uid") == [
        ("J1",), ("J180",), ("J182",), ("J183",)]
    assert database.rows("SELECT count(*) FROM ctf WHERE project_uid = 'P30'") == [(0,)]
    # the other project, and the same project seen from another source, keep every row
    assert database.rows("SELECT count(*) FROM csx_jobs WHERE project_uid = 'P446'") == [(5,)]

    code, _, err = extract(capsys, "--project-dir", p30, "--all", "--db", database.target, "--prune")
    assert (code, err) == (0, ["csx: 0 done, 5 skipped, 0 failed, 0 pruned"])


def test_prune_leaves_rows_of_the_same_project_from_another_source(database, reference_projects, project_copy,
                                                                   capsys):
    copy = project_copy("P30")
    assert extract(capsys, "--project-dir", reference_projects["P30"], "--all", "--db", database.target)[0] == 0
    assert extract(capsys, "--project-dir", copy, "--all", "--db", database.target)[0] == 0
    shutil.rmtree(copy / "J180")
    code, _, err = extract(capsys, "--project-dir", copy, "--all", "--db", database.target, "--prune")
    assert (code, err[-1]) == (0, "csx: 0 done, 6 skipped, 0 failed, 1 pruned")
    assert database.rows("SELECT source FROM map_info WHERE job_uid = 'J180'") == [
        (str(reference_projects["P30"]),)]


@pytest.mark.parametrize("args, message", [
    (["--project-dir", "{P30}", "J180", "J181"],
     "csx: --prune needs --project-dir DIR --all: only a listing of every job of a project says which jobs are gone"),
    (["--instance", "info.json", "--project", "P30", "--all"],
     "csx: --prune needs --project-dir DIR --all: only a listing of every job of a project says which jobs are gone"),
])
def test_prune_without_a_full_listing_is_refused(args, message, reference_projects, tmp_path, capsys):
    db = tmp_path / "records.sqlite"
    args = [a.format(P30=reference_projects["P30"]) for a in args]
    assert extract(capsys, *args, "--db", db, "--prune")[::2] == (2, [message])
    assert not db.exists()


def test_prune_without_db_is_refused(reference_projects, capsys):
    code, _, err = extract(capsys, "--project-dir", reference_projects["P30"], "--all", "--prune")
    assert (code, err) == (2, ["csx: --prune goes with --db (it deletes the rows of jobs that no longer exist)"])


def test_a_database_of_the_schema_before_versions_is_upgraded_in_place(database, project_copy, capsys):
    project = project_copy("P30")
    tables = VERSION_1_TABLES
    if database.name == "postgresql":  # the same tables, had csx 1 written PostgreSQL (its REAL is 4 bytes)
        tables = [statement.replace(" REAL", " DOUBLE PRECISION") for statement in tables]
    database.execute(*tables, "CREATE TABLE notes (job_uid TEXT, note TEXT)")
    database.execute(
        "INSERT INTO csx_jobs VALUES ('/old/P30', 'P30', 'J180', 'map-info', '1:2', '2026-01-02T03:04:05Z')",
        """INSERT INTO map_info VALUES ('/old/P30', 'P30', 'J180', 'map-info', 'map-info-v4.yaml',
           '2026-01-02T03:04:05Z', '{"kind": "map-info", "gsfsc": 2.5}', 1.0, 350, 2.5)""")
    code, _, err = extract(capsys, "--project-dir", project, "--all", "--db", database.target)
    assert (code, err) == (0, ["csx: 6 done, 1 skipped, 0 failed"]), err
    assert database.rows("SELECT version FROM csx_schema") == [(3,)]
    assert database.rows("SELECT name FROM csx_tables ORDER BY name") == [("ctf",), ("import",), ("map_info",)]
    assert database.rows("SELECT source, gsfsc, cfar FROM map_info WHERE job_uid = 'J180' ORDER BY source") == [
        ("/old/P30", 2.5, None), (str(project), 2.281461238861084, None)]
    assert database.rows("SELECT count(*) FROM notes") == [(0,)]

    code, _, err = extract(capsys, "--project-dir", project, "--all", "--db", database.target)
    assert (code, err) == (0, ["csx: 0 done, 7 skipped, 0 failed"])


def test_a_kind_made_on_request_after_the_default_one_is_not_taken_as_unchanged(database, project_copy, capsys):
    project = project_copy("P30")
    assert extract(capsys, "--project-dir", project, "--all", "--db", database.target)[::2] == (
        0, ["csx: 6 done, 1 skipped, 0 failed"])  # J184 failed in CryoSPARC
    code, _, err = extract(capsys, "--project-dir", project, "--all", "--spec", "fsc", "--db", database.target)
    assert (code, err) == (0, ["csx: 4 done, 3 skipped, 0 failed"])  # the refinements; J1, J2 and J184 have no fsc
    assert database.rows("SELECT job_uid FROM fsc ORDER BY job_uid") == [("J180",), ("J181",), ("J182",), ("J183",)]
    assert database.rows("SELECT count(*) FROM csx_jobs WHERE kind = 'fsc'") == [(4,)]
    assert database.rows("SELECT count(*) FROM csx_jobs WHERE kind = 'map-info'") == [(4,)]
    for spec, summary in ((None, "csx: 0 done, 7 skipped, 0 failed"), ("fsc", "csx: 0 done, 7 skipped, 0 failed")):
        asked = ["--spec", spec] if spec else []
        assert extract(capsys, "--project-dir", project, "--all", *asked, "--db", database.target)[::2] == (
            0, [summary])


def test_a_database_of_schema_version_2_keeps_its_fingerprints(database, project_copy, capsys):
    project = project_copy("P30")
    assert extract(capsys, "--project-dir", project, "--all", "--db", database.target)[0] == 0
    # csx_jobs as schema version 2 had it: one fingerprint per job, whatever its kind
    database.execute("CREATE TABLE old_jobs AS SELECT * FROM csx_jobs", "DROP TABLE csx_jobs",
                     "CREATE TABLE csx_jobs (source TEXT NOT NULL, project_uid TEXT NOT NULL, job_uid TEXT NOT NULL, "
                     "kind TEXT NOT NULL, fingerprint TEXT, extracted_at TEXT NOT NULL, "
                     "PRIMARY KEY (source, project_uid, job_uid))",
                     "INSERT INTO csx_jobs SELECT * FROM old_jobs", "DROP TABLE old_jobs",
                     "UPDATE csx_schema SET version = 2")
    code, _, err = extract(capsys, "--project-dir", project, "--all", "--db", database.target)
    assert (code, err) == (0, ["csx: 0 done, 7 skipped, 0 failed"])
    assert database.rows("SELECT version FROM csx_schema") == [(3,)]
    assert extract(capsys, "--project-dir", project, "J180", "--spec", "fsc", "--db", database.target)[0] == 0
    assert database.rows("SELECT kind FROM csx_jobs WHERE job_uid = 'J180' ORDER BY kind") == [("fsc",), ("map-info",)]


def test_a_table_csx_did_not_make_is_refused_in_one_line(database, reference_projects, capsys):
    database.execute("CREATE TABLE map_info (id INTEGER, title TEXT)")
    code, _, err = extract(capsys, "--project-dir", reference_projects["P30"], "J180", "--db", database.target)
    assert (code, err) == (2, [f"csx: P30/J180: cannot write its record (--db {database.target}: table map_info was "
                               "not made by csx; rename or drop it, or give csx a database of its own); 0 written "
                               "before it"])
    assert database.rows("SELECT count(*) FROM map_info") == [(0,)]


def test_a_foreign_csx_jobs_table_is_refused_before_any_job(database, reference_projects, capsys):
    database.execute("CREATE TABLE csx_jobs (id INTEGER)")
    code, _, err = extract(capsys, "--project-dir", reference_projects["P30"], "--all", "--db", database.target)
    assert (code, err) == (2, [f"csx: --db {database.target}: table csx_jobs was not made by csx; rename or drop "
                               "it, or give csx a database of its own"])


def test_a_database_of_a_newer_csx_is_refused(database, reference_projects, capsys):
    database.execute("CREATE TABLE csx_schema (version INTEGER NOT NULL)", "INSERT INTO csx_schema VALUES (7)")
    code, _, err = extract(capsys, "--project-dir", reference_projects["P30"], "--all", "--db", database.target)
    assert (code, err) == (2, [f"csx: --db {database.target}: made by a newer csx (schema version 7; this csx "
                               "knows up to 3); upgrade csx"])


BOX_SPEC = """\
kind: map-info
description: the box size from a job.json field, to put any integer into the box_size_vox column
match:
  layout: v4
  job_types: [homo_refine_new, nonuniform_refine_new, homo_reconstruct, new_local_refine]
  cryosparc: ">=4.0,<5"
fields:
  box_size_vox: job.box_override
"""


def test_an_integer_no_column_can_hold_fails_that_job_only(database, project_copy, tmp_path, capsys):
    project = project_copy("P30")
    for uid, box in (("J180", 2**63 - 1), ("J181", 2**63 + 5), ("J182", -2**63), ("J183", 2**64 - 1)):
        doc = json.loads((project / uid / "job.json").read_text())
        doc["box_override"] = box
        (project / uid / "job.json").write_text(json.dumps(doc))
    spec = tmp_path / "box.yaml"
    spec.write_text(BOX_SPEC)
    code, _, err = extract(capsys, "--project-dir", project, "J180-J183", "--spec", spec, "--no-validate",
                           "--db", database.target)
    assert (code, err) == (1, [
        "P30/J181: field box_size_vox = 9223372036854775813 does not fit the database's 64-bit integer column: "
        "its record is not written",
        "P30/J183: field box_size_vox = 18446744073709551615 does not fit the database's 64-bit integer column: "
        "its record is not written",
        "csx: 2 done, 0 skipped, 2 failed: P30/J181, P30/J183"])
    assert database.rows("SELECT job_uid, box_size_vox FROM map_info ORDER BY job_uid") == [
        ("J180", 9223372036854775807), ("J182", -9223372036854775808)]
    assert database.rows("SELECT job_uid FROM csx_jobs ORDER BY job_uid") == [("J180",), ("J182",)]


def test_log_time_puts_the_utc_time_before_each_line(project_copy, tmp_path, capsys):
    project = project_copy("P30")
    (project / "J181" / "job.json").write_text("{")
    code, _, err = extract(capsys, "--project-dir", project, "--all", "--db", tmp_path / "db.sqlite", "--log-time")
    assert code == 1
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "
    assert re.fullmatch(stamp + re.escape(f"{project}/J181/job.json") + r":\d+:\d+: job\.json is not valid JSON: .*", err[0])
    assert re.fullmatch(stamp + re.escape("csx: 5 done, 1 skipped, 1 failed: P30/J181"), err[1])


NOTE_SPEC = BOX_SPEC.replace("  box_size_vox: job.box_override\n", "  paths: {map: job.note}\n")


def test_a_record_postgresql_cannot_store_fails_that_job_only(database, project_copy, tmp_path, capsys):
    project = project_copy("P30")
    doc = json.loads((project / "J181" / "job.json").read_text())
    doc["note"] = "tab\there, NUL\u0000there"  # JSONB has no place for U+0000; SQLite's text has
    (project / "J181" / "job.json").write_text(json.dumps(doc))
    spec = tmp_path / "note.yaml"
    spec.write_text(NOTE_SPEC)
    code, _, err = extract(capsys, "--project-dir", project, "J180-J182", "--spec", spec, "--no-validate",
                           "--db", database.target)
    if database.name == "sqlite":
        assert (code, err) == (0, ["csx: 3 done, 0 skipped, 0 failed"])
        (record,), = database.rows("SELECT record FROM map_info WHERE job_uid = 'J181'")
        assert database.record(record)["paths"]["map"] == "tab\there, NUL\u0000there"
    else:
        assert (code, err) == (1, [
            "P30/J181: PostgreSQL refused its record (unsupported Unicode escape sequence)",
            "csx: 2 done, 0 skipped, 1 failed: P30/J181"])
        assert database.rows("SELECT job_uid FROM map_info ORDER BY job_uid") == [("J180",), ("J182",)]


@pytest.mark.live
def test_a_killed_run_leaves_whole_rows_on_postgresql_and_the_next_run_finishes(pg_url, tmp_path):
    """tests/test_sinks.py does the same on SQLite."""
    from tests.databases import PostgreSQLTarget
    from tests.test_sinks import _stalling_instance, _wait_for

    database = PostgreSQLTarget(pg_url)

    def stored() -> int:
        try:
            return database.rows("SELECT count(*) FROM csx_jobs")[0][0]
        except Exception:  # the tables are being made
            return 0

    with _stalling_instance(tmp_path) as server:
        info = tmp_path / "info.json"
        info.write_text(json.dumps(server.instance_info))
        command = [sys.executable, "-m", "extractor", "extract", "--instance", str(info), "--project", "P9",
                   "--all", "--workers", "1", "--db", database.target]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # killed while it waits for the third job, the first two written
        _wait_for(lambda: stored() >= 2 and server.held())
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert database.rows("SELECT job_uid FROM map_info ORDER BY job_uid") == [("J10",), ("J11",)]
        assert database.rows("SELECT count(*) FROM csx_jobs") == [(2,)]
        assert all(database.record(record)["job_info"]["juid"] == juid
                   for juid, record in database.rows("SELECT job_uid, record FROM map_info"))
        server.behave()
        finished = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (finished.returncode, finished.stderr) == (0, "csx: 4 done, 2 skipped, 0 failed\n")
    assert database.rows("SELECT count(*) FROM map_info") == [(6,)]


def test_psycopg_is_loaded_only_for_a_postgresql_url(reference_projects, tmp_path):
    script = ("import sys; from extractor.cli import main; "
              f"code = main(['extract', '--project-dir', {str(reference_projects['P30'])!r}, 'J180', "
              f"'--db', {str(tmp_path / 'db.sqlite')!r}]); print(code, 'psycopg' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout == "0 False\n"


def test_a_slow_runs_records_reach_the_database_before_their_batch_is_full(database):
    """A record waits at most batch_seconds for its batch-mates: a dashboard sees a slow run's records as they
    come, not at the end of the run."""
    import time

    from extractor.resources import schemas_dir
    from extractor.run.outcome import Outcome
    from extractor.sinks.database import DatabaseSink, open_database

    def outcome(juid, gsfsc):
        return Outcome(f"P1/{juid}", source="/data/P1", record={"kind": "map-info", "gsfsc": gsfsc},
                       spec="map-info-v4.yaml", fingerprint=f"{juid}:1")

    sink = DatabaseSink(open_database(database.target), lambda kind: schemas_dir() / f"{kind}.schema.json",
                        batch_records=100, batch_seconds=0.1)
    first, second = outcome("J1", 2.5), outcome("J2", 3.25)
    assert sink.write(first) == []  # gathered
    for _ in range(600):  # the batch's own thread writes it; nothing more is asked of the sink meanwhile
        if database.rows("SELECT count(*) FROM csx_jobs") == [(1,)]:
            break
        time.sleep(0.05)
    assert database.rows("SELECT job_uid, gsfsc FROM map_info") == [("J1", 2.5)]
    assert database.rows("SELECT job_uid, fingerprint FROM csx_jobs") == [("J1", "J1:1")]
    assert sink.write(second) + sink.flush() == [first, second]
    sink.close()
    assert database.rows("SELECT job_uid, gsfsc FROM map_info ORDER BY job_uid") == [("J1", 2.5), ("J2", 3.25)]
