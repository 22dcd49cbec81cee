"""The README's database queries run, and answer, on a database csx filled."""

import re
import sqlite3
from pathlib import Path

from tests.helpers import run_csx

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_the_readme_queries_answer_on_the_reference_projects(reference_projects, capsys, tmp_path):
    db = tmp_path / "records.sqlite"
    for project in reference_projects.values():
        assert run_csx(capsys, "extract", "--project-dir", project, "--all", "--db", db, "--quiet")[0] == 0
    under_3, best = re.findall(r"```sql\n(.*?)```", README, re.S)
    with sqlite3.connect(db) as connection:
        assert connection.execute(under_3).fetchall() == [
            ("P30", "J180", 2.28, 656974, "C1"),
            ("P30", "J182", 2.32, 656974, "C1"),
            ("P446", "J329", 2.52, 440847, "C1"),
            ("P446", "J330", 2.57, 440847, "C1"),
            ("P30", "J181", 2.6, 656974, "C2"),
            ("P30", "J183", 2.74, 656974, "C1"),
            ("P446", "J331", 2.98, 440847, "C3"),
        ]
        assert connection.execute(best).fetchall() == [
            ("P30", "J180", 2.281461238861084, f"{reference_projects['P30']}/J180/J180_009_volume_map.mrc"),
            ("P446", "J329", 2.522837574905974, f"{reference_projects['P446']}/J329/J329_008_volume_map.mrc"),
        ]
