"""Shared fixtures: the reference and pipeline CryoSPARC projects, generated once per session."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# csx's registry cache goes to a folder of this session's, not the user's ~/.cache (subprocesses inherit it)
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="csx-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)

# `from tests.fixturegen import ...` whatever the import mode or working directory.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.helpers import IN_CI  # noqa: E402
from tests.fixturegen import (  # noqa: E402
    PIPELINE_PROJECTS, REFERENCE_PROJECTS, make_pipeline_projects, make_project, make_reference_projects,
)
from tests.fixturegen.lineage import make_lineage_projects  # noqa: E402
from tests.fixturegen.workflow import WORKFLOW_PROJECTS, make_workflow_projects  # noqa: E402
from tests.postgres_server import PASSWORD, PostgresServer  # noqa: E402

# hypothesis: fixed examples under CI (derandomize: a run fails or passes as the previous one did, and a
# failure is reproduced by running again), random ones elsewhere, which go on finding new cases; no example
# database kept under CI (HYPOTHESIS_PROFILE=ci runs the CI profile anywhere)
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev"))


# test modules whose tests share a costly world made once per process (the hostile cases' inputs and background
# runs; the projects written in every shape real files take): under pytest-xdist each group runs on one worker,
# or every worker would make the whole world again
ONE_WORKER = {
    "tests/adversarial/test_hostile.py": "hostile",
    "tests/test_real_shapes.py": "shapes",
    "tests/test_records_unchanged.py": "shapes",
    "tests/test_dataset_files.py": "shapes",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's load distribution (what -n gives), but each ONE_WORKER group goes to one worker whole. (Its
    own --dist loadgroup does this by the xdist_group mark, but with pytest 9.2 the test ids it renames stay as
    they were, and the groups are split.)"""
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return ONE_WORKER.get(nodeid.split("::")[0], nodeid)

    return GroupScheduling(config, log)


@pytest.fixture(scope="session")
def reference_projects(tmp_path_factory) -> dict[str, Path]:
    """puid -> directory of each reference project (P30: v4.7.1, P446: v5.0.3). Read-only: use project_copy to
    change files."""
    return make_reference_projects(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="session")
def pipeline_projects(tmp_path_factory) -> dict[str, Path]:
    """puid -> directory of each pipeline project (P31: v4, P447: v5.0.3), import to local resolution. Read-only."""
    return make_pipeline_projects(tmp_path_factory.mktemp("pipeline"))


@pytest.fixture(scope="session")
def lineage_projects(tmp_path_factory) -> dict[str, Path]:
    """puid -> directory of each lineage project (P32: v4, P449: v5.0.3), two imports to refined maps. Read-only."""
    return make_lineage_projects(tmp_path_factory.mktemp("lineage"))


@pytest.fixture(scope="session")
def workflow_projects(tmp_path_factory) -> dict[str, Path]:
    """puid -> directory of each workflow project (P35: v4, P455: v5.0.3), curation to 3D Flex. Read-only."""
    return make_workflow_projects(tmp_path_factory.mktemp("workflow"))


@pytest.fixture(scope="session")
def shaped_project(tmp_path_factory):
    """Call with (variant, puid) to get that reference, pipeline or workflow project written in the variant's shape
    (tests/fixturegen VARIANTS: the shapes real CryoSPARC files take), each made once per session. Read-only."""
    projects = {**REFERENCE_PROJECTS, **PIPELINE_PROJECTS, **WORKFLOW_PROJECTS}
    made = {}

    def get(variant, puid: str) -> Path:
        if (variant, puid) not in made:
            fixture = projects[puid]
            made[variant, puid] = make_project(tmp_path_factory.mktemp(variant.name), puid, fixture.title,
                                               fixture.jobs, fixture.dirname, variant)
        return made[variant, puid]

    return get


@pytest.fixture
def project_copy(reference_projects, tmp_path):
    """Call with a puid to get a private copy of that reference project, free to corrupt."""

    def copy(puid: str) -> Path:
        source = reference_projects[puid]
        return Path(shutil.copytree(source, tmp_path / source.name))

    return copy


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the session. Without PostgreSQL the tests that need it fail: they
    never skip."""
    try:
        server = PostgresServer(settings={"fsync": "off"})
    except (RuntimeError, OSError) as exc:
        pytest.fail(f"no PostgreSQL server for the tests: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres, monkeypatch) -> str:
    """A fresh database on the session's server: its URL, the password in PGPASSWORD as libpq reads it."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return postgres.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty database of each kind csx writes (tests.databases)."""
    from tests.databases import PostgreSQLTarget, SQLiteTarget

    if request.param == "sqlite":
        return SQLiteTarget(tmp_path / "records.sqlite")
    return PostgreSQLTarget(request.getfixturevalue("pg_url"))
