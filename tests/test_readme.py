"""The README's database queries run, and answer, on each database csx filled, in that database's dialect."""

import re
import subprocess
from decimal import Decimal
from pathlib import Path

from tests.helpers import README, readme_nightly, run_csx

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


def test_a_facility_follows_the_readme_on_postgresql(postgres, reference_projects, tmp_path, monkeypatch):
    """Role and database made with createuser and createdb, the password in a .pgpass file, the README's
    nightly script run by bash (every kind of every project, then the report), and its query answered by psql."""
    superuser = ["-h", str(postgres.root), "-p", str(postgres.port), "-U", "postgres"]  # for `sudo -u postgres`
    make_role, make_db = re.findall(r"^    sudo -u postgres (create\w+ .*)$", README, re.M)
    assert (make_role, make_db) == ("createuser --pwprompt csx", "createdb --owner csx cryoem")
    subprocess.run([postgres.bindir / "createuser", *superuser, "csx"], check=True)  # --pwprompt asks a terminal
    subprocess.run([postgres.bindir / "psql", *superuser, "-c", "ALTER ROLE csx PASSWORD 'facility-secret'"],
                   check=True, capture_output=True)
    subprocess.run([postgres.bindir / make_db.split()[0], *superuser, *make_db.split()[1:]], check=True)
    pgpass = tmp_path / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{postgres.port}:cryoem:csx:facility-secret\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.delenv("PGPASSWORD", raising=False)

    assert "`0 2 * * *\n/opt/csx/nightly 2>> /var/log/csx.log`" in README
    log, page = tmp_path / "csx.log", tmp_path / "www" / "maps.html"
    page.parent.mkdir()
    nightly = readme_nightly(tmp_path, reference_projects["P30"].parent,
                             f"postgresql://csx@127.0.0.1:{postgres.port}/cryoem", page)
    subprocess.run(["bash", "-c", f"{nightly} 2>> {log}"], check=True)
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "
    lines = [re.sub(f"^{stamp}", "", line) for line in log.read_text().splitlines()]
    assert all(re.match(stamp, line) for line in log.read_text().splitlines())
    job = ["csx: 7 done, 0 skipped, 0 failed", "csx: 6 done, 0 skipped, 0 failed"]  # every status: 7 and 6 jobs
    assert lines == ["csx: 6 done, 1 skipped, 0 failed, 0 pruned", "csx: 4 done, 3 skipped, 0 failed",
                     "csx: 4 done, 3 skipped, 0 failed", job[0],
                     "csx: 5 done, 1 skipped, 0 failed, 0 pruned", "csx: 4 done, 2 skipped, 0 failed",
                     "csx: 4 done, 2 skipped, 0 failed", job[1]]
    report = page.read_text()
    assert "8 maps from 2 projects (P30, P446)" in report and "No fsc records" not in report
    assert "No table1 records" not in report

    _, best = _queries("PostgreSQL")
    answer = subprocess.run([postgres.bindir / "psql", f"postgresql://csx@127.0.0.1:{postgres.port}/cryoem",
                             "-At", "-c", best], check=True, capture_output=True, text=True).stdout
    assert answer.splitlines() == [
        f"P30|J180|2.281461238861084|{reference_projects['P30']}/J180/J180_009_volume_map.mrc",
        f"P446|J329|2.522837574905974|{reference_projects['P446']}/J329/J329_008_volume_map.mrc",
    ]


def test_the_table1_section_is_what_csx_prints_on_the_shipped_examples(capsys):
    """Its command, run from the top of the repository, prints the table that follows it, every row filled;
    and csx check passes the same maps, as the section says."""
    root = Path(__file__).resolve().parent.parent
    command = "csx table1 examples/CS-nav17-pipeline/J10 examples/CS-nav17-pipeline-v5/J10"
    assert f"    {command}\n\n| Data collection and processing | P32/J10 | P449/J10 |" in README
    start = README.index("| Data collection and processing | P32/J10 | P449/J10 |")
    code, out, err = run_csx(capsys, "table1", *(root / job for job in command.split()[2:]))
    assert (code, err) == (0, [])
    assert README[start:start + len(out)] == out
    assert "—" not in out
    code, out, err = run_csx(capsys, "check", *(root / job for job in command.split()[2:]))
    assert code == 0 and out.splitlines() == ["P32/J10: map, half maps and masks agree with the record",
                                              "P449/J10: map, half maps and masks agree with the record"]
    shown = "".join(f"    {line}\n" for line in out.splitlines())
    assert "    $ csx check examples/CS-nav17-pipeline/J10 examples/CS-nav17-pipeline-v5/J10\n" + shown in README
