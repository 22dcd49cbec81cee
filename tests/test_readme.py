"""The README's database queries run, and answer, on each database csx filled, in that database's dialect."""

import re
from decimal import Decimal
from pathlib import Path

from tests.helpers import run_csx

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
DIALECTS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _queries(dialect: str) -> list:
    return [query for query in re.findall(r"```sql\n(.*?)```", README, re.S) if query.startswith(f"-- {dialect}:")]


def test_the_readme_queries_answer_on_the_reference_projects(database, reference_projects, capsys):
    for project in reference_projects.values():
        assert run_csx(capsys, "extract", "--project-dir", project, "--all", "--db", database.target, "--quiet")[0] == 0
    under_3, best = _queries(DIALECTS[database.name])
    # PostgreSQL's round() takes numerics, so its rounded resolutions come back as Decimal
    number = Decimal if database.name == "postgresql" else float
    assert database.rows(under_3) == [
        ("P30", "J180", number("2.28"), 656974, "C1"),
        ("P30", "J182", number("2.32"), 656974, "C1"),
        ("P446", "J329", number("2.52"), 440847, "C1"),
        ("P446", "J330", number("2.57"), 440847, "C1"),
        ("P30", "J181", number("2.6"), 656974, "C2"),
        ("P30", "J183", number("2.74"), 656974, "C1"),
        ("P446", "J331", number("2.98"), 440847, "C3"),
    ]
    assert database.rows(best) == [
        ("P30", "J180", 2.281461238861084, f"{reference_projects['P30']}/J180/J180_009_volume_map.mrc"),
        ("P446", "J329", 2.522837574905974, f"{reference_projects['P446']}/J329/J329_008_volume_map.mrc"),
    ]


def test_every_readme_query_has_both_dialects():
    assert len(_queries("SQLite")) == len(_queries("PostgreSQL")) == 2
