"""Sinks and incremental runs: CSV per kind, SQLite upserts, skipping
unchanged jobs, and runs cut short."""

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from extractor.resources import schemas_dir
from extractor.sinks.rows import schema_columns
from tests.helpers import records, run_csx

MAP_INFO_COLUMNS = ["kind", "psize_A", "box_size_vox", "paths.map", "paths.map_sharp", "paths.map_half_A",
                    "paths.map_half_B", "paths.mask_refine", "paths.mask_fsc", "paths.mask_fsc_auto",
                    "job_info.puid", "job_info.juid", "job_info.type", "job_info.particle_count",
                    "job_info.parameters.refine_symmetry", "job_info.parameters.refine_relax_symmetry",
                    "gsfsc", "cfar", "guinier_bfactor", "fsc_resolution_A.no_mask", "fsc_resolution_A.spherical",
                    "fsc_resolution_A.loose", "fsc_resolution_A.tight", "fsc_resolution_A.corrected"]


def _wait_for(condition, seconds=60):
    """Poll until `condition()`; the limit only keeps a broken run from hanging the suite."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _stored_jobs(db) -> int:
    try:
        return rows(db, "SELECT count(*) FROM csx_jobs")[0][0]
    except sqlite3.OperationalError:  # the database is being created
        return 0


def rows(db, sql):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_csv_columns_come_from_the_schema_and_stay(reference_projects, capsys, tmp_path):
    assert schema_columns(schemas_dir() / "map-info.schema.json") == MAP_INFO_COLUMNS
    project = reference_projects["P30"]
    for run in range(2):
        code, out, _ = run_csx(capsys, "extract", "--project-dir", project, "--all", "--type", "map-info",
                               "--format", "csv", "-o", tmp_path)
        assert (code, out) == (0, "")
        with open(tmp_path / "map-info.csv", newline="") as handle:
            table = list(csv.reader(handle))
        assert table[0] == ["source", "project_uid", "job_uid"] + MAP_INFO_COLUMNS
        assert [row[2] for row in table[1:]] == ["J180", "J181", "J182", "J183"]
    j180 = dict(zip(table[0], table[1]))
    assert j180["source"] == str(project) and j180["gsfsc"] == "2.281461238861084"
    assert j180["job_info.parameters.refine_symmetry"] == "C1" and j180["cfar"] == ""
    assert sorted(os.listdir(tmp_path)) == ["map-info.csv"]


def test_csv_without_an_output_dir_goes_to_stdout(reference_projects, capsys):
    code, out, err = run_csx(capsys, "extract", "--format", "csv", reference_projects["P30"] / "J180",
                             reference_projects["P30"] / "J181")
    table = list(csv.reader(out.splitlines()))
    assert (code, table[0], [row[2] for row in table[1:]]) == (0, ["source", "project_uid", "job_uid"] + MAP_INFO_COLUMNS,
                                                               ["J180", "J181"])
    assert table[1][3 + MAP_INFO_COLUMNS.index("job_info.parameters.refine_symmetry")] == "C1"


def test_database_upserts_and_skips_unchanged_jobs(project_copy, capsys, tmp_path):
    project, db = project_copy("P30"), tmp_path / "csx.sqlite"
    code, _, err = run_csx(capsys, "extract", "--project-dir", project, "--all", "--type", "map-info", "--db", db)
    assert (code, err) == (0, ["csx: 4 done, 3 skipped, 0 failed"])
    table = rows(db, "SELECT source, project_uid, job_uid, kind, spec, gsfsc, box_size_vox, record "
                     "FROM map_info ORDER BY job_uid")
    assert [row[2] for row in table] == ["J180", "J181", "J182", "J183"]
    source, puid, juid, kind, spec, gsfsc, box, record = table[0]
    assert (source, puid, kind, gsfsc, box) == (str(project), "P30", "map-info", 2.281461238861084, 350)
    assert spec.endswith("specs/map-info-v4.yaml")
    assert json.loads(record)["job_info"]["particle_count"] == 656974

    # unchanged: nothing is extracted again
    code, _, err = run_csx(capsys, "extract", "-v", "--project-dir", project, "--all", "--type", "map-info", "--db", db)
    assert code == 0
    assert "csx: skipped P30/J180: unchanged since it was last extracted" in err
    assert err[-1] == "csx: 0 done, 7 skipped, 0 failed"

    # a job whose job.json CryoSPARC rewrote is extracted again, and upserted, not duplicated
    doc = json.loads((project / "J181" / "job.json").read_text())
    doc["params_spec"]["refine_symmetry"] = {"value": "C4"}
    (project / "J181" / "job.json").write_text(json.dumps(doc))
    code, _, err = run_csx(capsys, "extract", "--project-dir", project, "--all", "--type", "map-info", "--db", db)
    assert err[-1] == "csx: 1 done, 6 skipped, 0 failed"
    assert rows(db, "SELECT count(*) FROM map_info") == [(4,)]
    assert rows(db, "SELECT json_extract(record, '$.job_info.parameters.refine_symmetry') FROM map_info "
                    "WHERE job_uid = 'J181'") == [("C4",)]

    # --force redoes everything
    code, _, err = run_csx(capsys, "extract", "--project-dir", project, "--all", "--type", "map-info", "--db", db, "--force")
    assert err[-1] == "csx: 4 done, 3 skipped, 0 failed"
    assert rows(db, "SELECT count(*) FROM map_info") == [(4,)]


def test_force_without_db_is_a_usage_error(reference_projects, capsys):
    assert run_csx(capsys, "extract", "--force", reference_projects["P30"] / "J180")[0] == 2


def test_job_uid_ranges_and_kinds_as_type_families(reference_projects, capsys):
    code, out, _ = run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "J181-J183")
    assert [r["job_info"]["juid"] for r in records(out)] == ["J181", "J182", "J183"]
    code, out, _ = run_csx(capsys, "extract", "--project-dir", reference_projects["P446"], "--all",
                           "--type", "map-info")
    assert [r["job_info"]["juid"] for r in records(out)] == ["J66", "J329", "J330", "J331"]


STALLED = "J12"  # the third of the six jobs: the run stops there, whatever the machine's speed


def _stops_at(request) -> bool:
    """A request for the stalled job's document or files."""
    text = f"{request.path} {request.query} ".encode() + request.body
    return any(mark.encode() in text for mark in (f"{STALLED}/", f'"{STALLED}"', f"/jobs/{STALLED} "))


def _stalling_instance(tmp_path):
    """A look-alike serving six refinements that answers nothing for the third one (STALLED): a run stops there
    until it is interrupted; `behave()` lets the next run through."""
    cryosparc = pytest.importorskip("cryosparc")
    from tests.fixturegen import JobFixture, make_project
    from tests.lookalike import start_server

    generation = cryosparc.__version__.split(".")[0]
    jobs = [JobFixture(f"J{n}", "homo_refine_new", layout=f"v{generation}", box=128, psize_A=1.2,
                       particle_count=1000 + n, iteration=3, gsfsc_A=4.0, parents=(("particles", "J1", "particles"),))
            for n in range(10, 16)]
    project = make_project(tmp_path / "projects", "P9", "Interrupted", jobs)
    server = start_server(project.parent, generation=generation)
    server.misbehave("stall", only=_stops_at)
    return server


@pytest.mark.live
def test_a_killed_run_leaves_whole_rows_and_the_next_run_finishes(tmp_path):
    with _stalling_instance(tmp_path) as server:
        info = tmp_path / "info.json"
        info.write_text(json.dumps(server.instance_info))
        db = tmp_path / "csx.sqlite"
        command = [sys.executable, "-m", "extractor", "extract", "--instance", str(info), "--project", "P9",
                   "--all", "--workers", "1", "--db", str(db)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # killed while it waits for the third job, the first two written
        _wait_for(lambda: _stored_jobs(db) >= 2 and server.held())
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert rows(db, "SELECT job_uid FROM map_info ORDER BY job_uid") == [("J10",), ("J11",)]
        assert rows(db, "SELECT count(*) FROM csx_jobs") == [(2,)]
        server.behave()
        finished = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (finished.returncode, finished.stderr) == (0, "csx: 4 done, 2 skipped, 0 failed\n")
    assert rows(db, "SELECT count(*) FROM map_info") == [(6,)]


@pytest.mark.live
def test_ctrl_c_leaves_no_partial_file(tmp_path):
    with _stalling_instance(tmp_path) as server:
        info = tmp_path / "info.json"
        info.write_text(json.dumps(server.instance_info))
        out = tmp_path / "csv"
        process = subprocess.Popen([sys.executable, "-m", "extractor", "extract", "--instance", str(info),
                                    "--project", "P9", "--all", "--workers", "1", "--format", "csv", "-o", str(out)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # interrupted while it waits for the third job, the first records in the CSV file being written
        _wait_for(lambda: out.is_dir() and any(name.endswith(".tmp") for name in os.listdir(out)) and server.held())
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "csx: interrupted"
    assert os.listdir(out) == []
