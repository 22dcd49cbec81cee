"""The database sink's read side (extractor/sinks/dbread.py): what csx extract --db wrote, read back the same
way from SQLite and PostgreSQL, a record at a time, per project or all; a record that cannot be read is named
and skipped."""

import inspect
import json
import re

import pytest

from extractor.errors import SinkError, UsageError
from extractor.sinks.dbread import DatabaseReader, reading
from tests.helpers import run_csx
from tests.postgres_server import PASSWORD


@pytest.fixture
def filled(database, reference_projects, capsys):
    """The database with the map-info records of both reference projects and P446's fsc records."""
    for project in reference_projects.values():
        assert run_csx(capsys, "extract", "--project-dir", project, "--all", "--db", database.target, "-q")[0] == 0
    assert run_csx(capsys, "extract", "--project-dir", reference_projects["P446"], "--all", "--db", database.target,
                   "-q", "--spec", "fsc")[0] == 0
    return database


def test_records_of_a_kind_of_every_project_and_of_one(filled, reference_projects):
    skipped = []
    with reading(filled.target, skipped.append) as reader:
        records = reader.records("map-info")
        assert inspect.isgenerator(records)  # one at a time, never a list of them all
        everything = [(r.source, r.label, r.record["gsfsc"]) for r in records]
        p446 = [(r.label, r.record["job_info"]["particle_count"]) for r in reader.records("map-info", "P446")]
        fsc = [(r.label, len(r.record["frequency_invA"])) for r in reader.records("fsc")]
        assert (reader.has("map-info"), reader.has("fsc"), reader.has("table1")) == (True, True, False)
        assert list(reader.records("table1")) == []
        assert [r.label for r in reader.records("fsc", "P30")] == []
    p30, p446_dir = str(reference_projects["P30"]), str(reference_projects["P446"])
    # key order: source, project, job (as text: J329 before J66)
    # the radwn_final_A of each job document in examples/
    assert everything == [(p30, "P30/J180", 2.281461238861084), (p30, "P30/J181", 2.6035172939300537),
                          (p30, "P30/J182", 2.3190743923187256), (p30, "P30/J183", 2.7412354946136475),
                          (p446_dir, "P446/J329", 2.522837574905974), (p446_dir, "P446/J330", 2.5731523036956787),
                          (p446_dir, "P446/J331", 2.98104190826416), (p446_dir, "P446/J66", 3.0527474880218506)]
    assert p446 == [("P446/J329", 440847), ("P446/J330", 440847), ("P446/J331", 440847), ("P446/J66", 512003)]
    assert fsc == [("P446/J329", 175), ("P446/J330", 175), ("P446/J331", 175), ("P446/J66", 175)]  # N = 348
    assert skipped == []


def test_records_come_back_with_their_keys_in_their_schemas_order(database, reference_projects, capsys):
    """PostgreSQL's jsonb keeps a record's keys in an order of its own (shortest first), SQLite as written:
    read back from either, a record's keys are in its schema's order, so that a report lists Table 1's rows
    the same from both."""
    project = reference_projects["P446"]
    code, out, _ = run_csx(capsys, "extract", "--project-dir", project, "J329", "--spec", "table1")
    assert code == 0
    assert run_csx(capsys, "extract", "--project-dir", project, "J329", "--spec", "table1", "--db", database.target,
                   "-q")[0] == 0
    with reading(database.target) as reader:
        (stored,) = reader.records("table1")
    assert stored.record == json.loads(out)
    # schemas/table1.schema.json's properties, in its order
    assert list(stored.record) == ["kind", "job_info", "acquisition", "micrographs", "particles", "map", "lineage"]
    assert list(stored.record["particles"]) == ["initial", "after_2d_selection", "after_3d_classification", "final",
                                                "extract_jobs", "selection_2d_jobs", "classification_3d_jobs"]
    assert list(stored.record["lineage"][0]) == ["juid", "type", "input", "num_items", "note"]


def test_a_record_that_cannot_be_read_is_named_and_the_rest_are_read(filled):
    if filled.name == "sqlite":  # SQLite keeps text as it was given: not JSON, and not UTF-8 at all
        filled.execute("UPDATE map_info SET record = '{\"kind\": \"map-info\", ' WHERE job_uid = 'J181'",
                       "UPDATE map_info SET record = CAST(X'7B22FF22' AS TEXT) WHERE job_uid = 'J182'")
    else:  # JSONB is always JSON, but not always a record
        filled.execute("UPDATE map_info SET record = '[1, 2]' WHERE job_uid = 'J181'",
                       "UPDATE map_info SET record = '{\"kind\": \"fsc\"}' WHERE job_uid = 'J182'")
    skipped = []
    with reading(filled.target, skipped.append) as reader:
        labels = [r.label for r in reader.records("map-info", "P30")]
    assert labels == ["P30/J180", "P30/J183"]
    # said from Python, so as the keyword db= (the command line says --db)
    assert [line.split(": its record")[0] for line in skipped] == [
        f"db={str(filled.target)!r}: table map_info, P30/J181 (from {filled.rows('SELECT source FROM map_info')[0][0]})",
        f"db={str(filled.target)!r}: table map_info, P30/J182 (from {filled.rows('SELECT source FROM map_info')[0][0]})"]
    if filled.name == "sqlite":
        assert skipped[0].endswith("skipped") and ", not JSON (" in skipped[0] and ", not JSON (" in skipped[1]
    else:
        assert [line.split("cannot be read, ")[1] for line in skipped] == ["not a map-info record; skipped"] * 2


def test_reading_changes_nothing(filled, tmp_path):
    before = filled.rows("SELECT count(*) FROM csx_jobs")
    with reading(filled.target) as reader:
        list(reader.records("map-info"))
        if filled.name == "postgresql":  # the reading connection refuses to write
            with pytest.raises(Exception, match="read-only transaction"):
                with reader.db.connection.transaction():
                    reader.db.connection.execute("DELETE FROM csx_jobs")
    assert filled.rows("SELECT count(*) FROM csx_jobs") == before


def test_what_is_not_a_csx_database_is_one_line(tmp_path, postgres):
    with pytest.raises(UsageError, match=re.escape(f"db='{tmp_path / 'none.sqlite'}': no such database file")):
        DatabaseReader(tmp_path / "none.sqlite")
    (tmp_path / "text.sqlite").write_text("not a database at all, but long enough to be read as one" * 20)
    with pytest.raises(SinkError, match=r"text.sqlite': cannot read it as a csx database \(file is not a database\)"):
        DatabaseReader(tmp_path / "text.sqlite")
    (tmp_path / "empty.sqlite").write_bytes(b"")
    with reading(tmp_path / "empty.sqlite") as reader:  # an empty file is an SQLite database with no table
        assert (reader.has("map-info"), list(reader.records("map-info"))) == (False, [])
    with pytest.raises(SinkError) as failed:
        DatabaseReader(postgres.url("no_such_database", password=True))
    assert str(failed.value).startswith(f"db='{postgres.url('no_such_database')}': cannot read it as a csx database (")
    assert PASSWORD not in str(failed.value)
