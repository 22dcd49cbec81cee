"""The job table: csx fills it in SQLite and PostgreSQL alike, the README's questions about jobs (per type and
status, disk per project and per type, the longest runs) answer on it in each dialect."""

import json
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from tests.helpers import run_csx

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DIALECTS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _queries(dialect: str) -> dict:
    """{what it asks: SQL} of the README's job queries in one dialect."""
    found = re.findall(rf"```sql\n(-- {dialect}, jobs: (.*?)\n.*?)```", README, re.S)
    return {title: sql for sql, title in found}


def _documents(projects) -> list:
    """(project uid, job.json) of every job, read by the test itself."""
    docs = []
    for project in projects:
        puid = json.loads((project / "project.json").read_text())["uid"]
        docs += [(puid, json.loads(path.read_text())) for path in sorted(project.glob("J*/job.json"))]
    return docs


def _type(doc) -> str:
    return doc["spec"]["type"] if "spec" in doc else doc["job_type"]


def test_the_job_table_holds_every_job_and_answers_the_readme(database, workflow_projects, capsys):
    """Filled once per dialect (the fill is what costs): every job's row, then each README question."""
    projects = list(workflow_projects.values())
    for project in projects:
        code, _, err = run_csx(capsys, "extract", "--project-dir", project, "--all", "--spec", "job", "--status", "any",
                               "--db", database.target, "--quiet")
        assert code == 0, err
    docs = _documents(projects)

    rows = database.rows("SELECT project_uid, job_uid, kind, disk_bytes, record FROM job ORDER BY project_uid, job_uid")
    assert len(rows) == len(docs) == 68
    stored = {(puid, juid): (kind, disk, database.record(record)) for puid, juid, kind, disk, record in rows}
    for puid, doc in docs:
        kind, disk, record = stored[puid, doc["uid"]]
        assert (kind, disk, record["disk_bytes"]) == ("job", doc["job_dir_size"], doc["job_dir_size"])
        assert record["job_info"]["type"] == _type(doc)

    queries = _queries(DIALECTS[database.name])
    number = Decimal if database.name == "postgresql" else float  # PostgreSQL's round() gives numerics

    per_type = Counter((_type(doc), doc["status"]) for _, doc in docs)
    answer = database.rows(queries["how many jobs of each type and status"])
    assert answer == [(job_type, status, count) for (job_type, status), count in sorted(per_type.items())]
    assert ("var_3D", "failed", 2) in answer

    disk = Counter()
    for puid, doc in docs:
        disk[puid] += doc["job_dir_size"]
    assert database.rows(queries["disk per project, GB"]) == [
        (puid, number(str(round(total / 1e9, 1))), 34) for puid, total in sorted(disk.items(), key=lambda i: -i[1])]

    by_type = Counter()
    for _, doc in docs:
        by_type[_type(doc)] += doc["job_dir_size"]
    answer = database.rows(queries["disk per job type over all projects, GB"])
    assert [row[0] for row in answer] == sorted(by_type, key=lambda t: (-by_type[t], t))
    # the GPU extractions' float16 stacks: 1,861,442 particles of 400^2 and 3,322,016 of 360^2 pixels
    assert answer[0] == ("extract_micrographs_multi", number("1456.7"), 2)

    longest = database.rows(queries["the ten longest runs, hours"])
    assert len(longest) == 10
    assert longest[0] == ("P455", "J10", "template_picker_gpu", number("13.46"))


def test_the_readme_asks_four_things_of_the_job_table_in_both_dialects():
    assert list(_queries("SQLite")) == list(_queries("PostgreSQL")) == [
        "how many jobs of each type and status", "disk per project, GB", "disk per job type over all projects, GB",
        "the ten longest runs, hours"]


