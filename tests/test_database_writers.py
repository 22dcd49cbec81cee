"""Many csx processes writing one database at once, as a facility's cron
jobs do: nothing lost, no deadlock, no failure on the race to create the
tables of a fresh database."""

import subprocess
import sys

# (project, times): the two pipeline projects by two processes each, over the same jobs, with every kind
WRITERS = (("P31", 2), ("P447", 2), ("P30", 1), ("P446", 1))
JOBS_PER_KIND = [("P30", "ctf", 1), ("P30", "import", 1), ("P30", "map-info", 4),
                 ("P31", "classes-2d", 2), ("P31", "classes-3d", 3), ("P31", "ctf", 2), ("P31", "import", 2),
                 ("P31", "local-resolution", 1), ("P31", "map-info", 2), ("P31", "motion", 1), ("P31", "sharpen", 1),
                 ("P446", "import", 1), ("P446", "map-info", 4),
                 ("P447", "classes-2d", 1), ("P447", "classes-3d", 3), ("P447", "ctf", 2), ("P447", "import", 2),
                 ("P447", "local-resolution", 1), ("P447", "map-info", 2), ("P447", "motion", 1),
                 ("P447", "sharpen", 1)]


def _run_together(commands: list) -> list:
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for command in commands]
    return [(process.wait(timeout=180), process.stderr.read()) for process in processes]


def test_six_writers_on_overlapping_jobs_lose_nothing(database, reference_projects, pipeline_projects):
    projects = {**reference_projects, **pipeline_projects}
    commands = [[sys.executable, "-m", "extractor", "extract", "--project-dir", str(projects[puid]), "--all",
                 "--db", database.target, "--force", "--workers", "1"]
                for puid, times in WRITERS for _ in range(times)]
    for _ in range(2):  # a fresh database, then one every table of which exists
        results = _run_together(commands)
        assert [code for code, _ in results] == [0] * 6, [err for _, err in results]
        assert [err.splitlines() for _, err in results] == [
            ["csx: 14 done, 0 skipped, 0 failed"], ["csx: 14 done, 0 skipped, 0 failed"],
            ["csx: 13 done, 0 skipped, 0 failed"], ["csx: 13 done, 0 skipped, 0 failed"],
            ["csx: 6 done, 1 skipped, 0 failed"], ["csx: 5 done, 1 skipped, 0 failed"]]
        assert database.rows("SELECT project_uid, kind, count(*) FROM csx_jobs GROUP BY project_uid, kind "
                             "ORDER BY project_uid, kind") == JOBS_PER_KIND
    for table, count in (("map_info", 12), ("classes_2d", 3), ("classes_3d", 6), ("ctf", 5), ("import", 6),
                         ("local_resolution", 2), ("motion", 2), ("sharpen", 2)):
        rows = database.rows(f"SELECT job_uid, record FROM {table}")
        assert len(rows) == count
        assert all(database.record(record)["kind"] == table.replace("_", "-") for _, record in rows)
    assert database.rows("SELECT name FROM csx_tables ORDER BY name") == [
        ("classes_2d",), ("classes_3d",), ("ctf",), ("import",), ("local_resolution",), ("map_info",), ("motion",),
        ("sharpen",)]
