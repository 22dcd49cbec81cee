"""Many csx processes writing one database at once, as a facility's cron
jobs do: nothing lost, no deadlock, no failure on the race to create the
tables of a fresh database."""

import subprocess
import sys

# the two pipeline projects (every record kind) by two processes each, over the same jobs
WRITERS = ("P31", "P447", "P31", "P447")
JOBS_PER_KIND = [("P31", "classes-2d", 2), ("P31", "classes-3d", 3), ("P31", "ctf", 2), ("P31", "import", 2),
                 ("P31", "local-resolution", 1), ("P31", "map-info", 2), ("P31", "motion", 1), ("P31", "sharpen", 1),
                 ("P447", "classes-2d", 1), ("P447", "classes-3d", 3), ("P447", "ctf", 2), ("P447", "import", 2),
                 ("P447", "local-resolution", 1), ("P447", "map-info", 2), ("P447", "motion", 1),
                 ("P447", "sharpen", 1)]

TABLES = ("classes_2d", "classes_3d", "ctf", "import", "local_resolution", "map_info", "motion", "sharpen")


def _run_together(commands: list) -> list:
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for command in commands]
    return [(process.wait(timeout=180), process.stderr.read()) for process in processes]


def test_four_writers_on_overlapping_jobs_of_a_fresh_database_lose_nothing(database, pipeline_projects):
    # --force: every process writes every job of its project, the same rows as its twin
    commands = [[sys.executable, "-m", "extractor", "extract", "--project-dir", str(pipeline_projects[puid]),
                 "--all", "--db", database.target, "--force", "--workers", "1"] for puid in WRITERS]
    for _ in range(2):  # the race to make the tables is won by chance: run it twice
        results = _run_together(commands)
        assert [code for code, _ in results] == [0] * 4, [err for _, err in results]
        assert [err for _, err in results] == ["csx: 14 done, 0 skipped, 0 failed\n",
                                               "csx: 13 done, 0 skipped, 0 failed\n"] * 2
        assert database.rows("SELECT project_uid, kind, count(*) FROM csx_jobs GROUP BY project_uid, kind "
                             "ORDER BY project_uid, kind") == JOBS_PER_KIND
        for table, count in (("map_info", 4), ("classes_2d", 3), ("classes_3d", 6), ("ctf", 4), ("import", 4),
                             ("local_resolution", 2), ("motion", 2), ("sharpen", 2)):
            rows = database.rows(f"SELECT job_uid, record FROM {table}")
            assert len(rows) == count
            assert all(database.record(record)["kind"] == table.replace("_", "-") for _, record in rows)
        assert database.rows("SELECT name FROM csx_tables ORDER BY name") == [(table,) for table in TABLES]
        database.execute(*(f"DROP TABLE {table}" for table in (*TABLES, "csx_jobs", "csx_tables", "csx_schema")))
