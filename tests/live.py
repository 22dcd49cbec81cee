"""What the live test modules share: the generation of the cryosparc-tools client installed (an instance
serves projects of its own generation), a 4.x client that gives up at once, and the look-alike instance
serving the module's `project` fixture, with the instance-info file csx --instance reads. A module imports
the fixtures it uses (`from tests.live import fail_fast, server, instance_file`)."""

import json

import cryosparc
import pytest

from tests.fixturegen import make_project
from tests.lookalike import start_server

GENERATION = cryosparc.__version__.split(".")[0]


@pytest.fixture(autouse=True)
def fail_fast(monkeypatch):
    """4.x retries a failed request after 30 s. CRYOSPARC_COMMAND_RETRIES / _RETRY_SECONDS are read once, when
    cryosparc.command is imported (csx sets them for a fresh process, but in this process the client may be
    imported already), and RETRIES counts one more than the attempts made, so set what they set: one
    attempt, no wait."""
    if GENERATION == "4":
        import cryosparc.command

        monkeypatch.setattr(cryosparc.command, "MAX_ATTEMPTS", 2)
        monkeypatch.setattr(cryosparc.command, "RETRY_INTERVAL", 0)


@pytest.fixture(scope="module")
def server(project):
    """The look-alike instance of the client's generation, serving the folder of the module's project."""
    with start_server(project.parent, generation=GENERATION) as started:
        yield started


@pytest.fixture
def instance_file(server, tmp_path):
    path = tmp_path / "instance-info.json"
    path.write_text(json.dumps(server.instance_info))
    return path


def write_project(folder, fixture):
    """A fixture project (tests.fixturegen's) written into `folder`: its directory."""
    return make_project(folder, fixture.puid, fixture.title, fixture.jobs, fixture.dirname)
