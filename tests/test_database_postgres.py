"""--db postgresql://: credentials as libpq finds them (the URL, PGPASSWORD,
~/.pgpass, a service file), and never a password in any output."""

import pytest

from tests.helpers import run_csx
from tests.postgres_server import PASSWORD, ROLE

WRONG = "not-the-password-9f2c"


@pytest.fixture
def dbname(pg_url, monkeypatch) -> str:
    """A fresh database, with no password in the environment: each test says where libpq finds it."""
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/.pgpass")
    return pg_url.rsplit("/", 1)[1]


def _extract(capsys, reference_projects, target, *more):
    return run_csx(capsys, "extract", "--project-dir", reference_projects["P30"], "J180", "--db", target, *more)


def test_password_in_the_url(postgres, dbname, reference_projects, capsys):
    code, out, err = _extract(capsys, reference_projects, postgres.url(dbname, password=True))
    assert (code, out, err) == (0, "", [])
    assert postgres.admin("SELECT job_uid, gsfsc FROM map_info", dbname) == [("J180", 2.281461238861084)]


def test_password_from_pgpass(postgres, dbname, reference_projects, tmp_path, monkeypatch, capsys):
    pgpass = tmp_path / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{postgres.port}:{dbname}:{ROLE}:{PASSWORD}\n")
    pgpass.chmod(0o600)  # libpq ignores a password file others can read
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert _extract(capsys, reference_projects, postgres.url(dbname)) == (0, "", [])


def test_connection_from_a_service_file(postgres, dbname, reference_projects, tmp_path, monkeypatch, capsys):
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[csx]\nhost=127.0.0.1\nport={postgres.port}\ndbname={dbname}\nuser={ROLE}\n"
                        f"password={PASSWORD}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    assert _extract(capsys, reference_projects, "postgresql://?service=csx") == (0, "", [])
    assert postgres.admin("SELECT count(*) FROM csx_jobs", dbname) == [(1,)]


@pytest.mark.parametrize("debug", [[], ["--debug"]])
def test_a_wrong_password_is_one_line_that_never_shows_it(postgres, dbname, reference_projects, debug, capsys):
    url = f"postgresql://{ROLE}:{WRONG}@127.0.0.1:{postgres.port}/{dbname}"
    code, out, err = _extract(capsys, reference_projects, url, *debug)
    assert (code, out) == (2, "")
    assert err[0] == (f"csx: --db postgresql://{ROLE}@127.0.0.1:{postgres.port}/{dbname}: cannot write there "
                      f"(connection failed: connection to server at \"127.0.0.1\", port {postgres.port} failed: "
                      f"FATAL:  password authentication failed for user \"{ROLE}\")")
    assert len(err) == 1 if not debug else "Traceback (most recent call last):" in err
    assert WRONG not in "\n".join(err)


def test_a_malformed_url_never_shows_its_password(postgres, dbname, reference_projects, capsys):
    url = f"postgresql://{ROLE}:{WRONG}@127.0.0.1:{postgres.port}/{dbname}?sslmode=sometimes&password={WRONG}"
    code, _, err = _extract(capsys, reference_projects, url, "--debug")
    assert code == 2
    assert err[0] == (f"csx: --db postgresql://{ROLE}@127.0.0.1:{postgres.port}/{dbname}"
                      "?sslmode=sometimes&password=********: cannot write there (connection is bad: "
                      "invalid sslmode value: \"sometimes\")")
    assert WRONG not in "\n".join(err)


def test_no_server_there_is_one_line(postgres, reference_projects, capsys):
    code, _, err = _extract(capsys, reference_projects, f"postgresql://{ROLE}@127.0.0.1:1/nothing")
    assert code == 2
    assert err == [f"csx: --db postgresql://{ROLE}@127.0.0.1:1/nothing: cannot write there (connection failed: "
                   "connection to server at \"127.0.0.1\", port 1 failed: Connection refused)"]


def test_a_table_of_another_role_that_csx_cannot_read_is_refused(postgres, pg_url, reference_projects, capsys):
    postgres.admin("CREATE TABLE map_info (id integer)", pg_url.rsplit("/", 1)[1])
    code, _, err = _extract(capsys, reference_projects, pg_url)
    assert (code, err) == (2, [f"csx: P30/J180: cannot write its record (--db {pg_url}: table map_info was not made "
                               "by csx; rename or drop it, or give csx a database of its own); 0 written before it"])
