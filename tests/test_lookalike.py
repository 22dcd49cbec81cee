"""The CryoSPARC look-alike, driven by the real cryosparc-tools client.

Each virtual environment runs the tests of the client it has: 4.x talks
JSON-RPC to P30 (v4 documents), 5.x talks REST to P446 (v5 documents).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import warnings
from pathlib import Path, PurePosixPath

import pytest

cryosparc = pytest.importorskip("cryosparc")

from cryosparc.dataset import Dataset  # noqa: E402
from cryosparc.tools import CryoSPARC  # noqa: E402

from tests.fixturegen import REFERENCE_PROJECTS, make_project  # noqa: E402
from tests.live import GENERATION, fail_fast  # noqa: E402,F401 (fixtures)
from tests.lookalike import start_server  # noqa: E402
from tests.lookalike.v4 import command_core_json  # noqa: E402

PUID, JUID = {"4": ("P30", "J180"), "5": ("P446", "J329")}[GENERATION]
OTHER_VERSION = {"4": "v4.6.2", "5": "v5.1.0"}[GENERATION]
RFC822_GMT = re.compile(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$")

pytestmark = pytest.mark.live
v4_only = pytest.mark.skipif(GENERATION != "4", reason="cryosparc-tools 4.x test")
v5_only = pytest.mark.skipif(GENERATION != "5", reason="cryosparc-tools 5.x test")

if GENERATION == "4":
    from cryosparc.errors import CommandError as ClientError
else:
    from cryosparc.errors import APIError as ClientError



@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    """The reference projects of this generation: an instance holds documents of its own generation only."""
    root = tmp_path_factory.mktemp("instance")
    return {
        puid: make_project(root, p.puid, p.title, p.jobs, p.dirname)
        for puid, p in REFERENCE_PROJECTS.items()
        if p.jobs[0].layout == f"v{GENERATION}"
    }


@pytest.fixture(scope="module")
def server(projects):
    with start_server(projects[PUID].parent, generation=GENERATION) as server:
        yield server


@pytest.fixture
def cs(server) -> CryoSPARC:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a matching version warns about nothing
        return CryoSPARC(**server.instance_info)


def project_dir(project) -> PurePosixPath:
    return project.dir() if GENERATION == "4" else project.dir  # a method in 4.x, a property in 5.x


def test_connect_logs_in_and_checks_the_version(server):
    server.requests.clear()
    CryoSPARC(**server.instance_info)
    if GENERATION == "4":
        assert server.requests.names() == ["system.describe"] * 3 + ["get_id_by_email_password", "get_running_version"]
        assert server.instance_info["base_port"] + 2 == server.ports["command_core"]
    else:
        assert server.requests.names() == ["login", "users.me", "config.get_version"]
        assert server.requests[0].params == {"grant_type": "password", "username": server.instance_info["email"]}


def test_project_dir_is_the_folder_on_disk(cs, projects):
    project = cs.find_project(PUID)
    assert project_dir(project) == PurePosixPath(projects[PUID].resolve())
    if GENERATION == "4":
        assert project.doc["uid"] == PUID and project.doc["project_dir"] == str(projects[PUID].resolve())
    else:
        assert project.model.uid == PUID and project.model.project_dir == str(projects[PUID].resolve())


def test_job_dir_is_the_folder_on_disk(cs, projects):
    job = cs.find_job(PUID, JUID)
    assert (job.dir() if GENERATION == "4" else job.dir) == PurePosixPath(projects[PUID].resolve() / JUID)


@v4_only
def test_v4_job_doc_is_job_json_as_command_core_sends_it(cs, projects):
    stored = json.loads((projects[PUID] / JUID / "job.json").read_text())
    doc = cs.find_job(PUID, JUID).doc
    assert doc == command_core_json(stored)
    assert "$date" in json.dumps(stored) and "$date" not in json.dumps(doc)
    assert RFC822_GMT.match(doc["completed_at"])
    assert doc["output_result_groups"] == stored["output_result_groups"]


def test_command_core_json_writes_dates_as_flask_does():
    stored = {"a": {"$date": "2025-06-02T14:01:22.123Z"}, "b": [{"$date": 1748872882000}], "_id": {"$oid": "ab12"}}
    assert command_core_json(stored) == {
        "a": "Mon, 02 Jun 2025 14:01:22 GMT", "b": ["Mon, 02 Jun 2025 14:01:22 GMT"], "_id": "ab12"}


@v5_only
def test_v5_job_model_is_job_json(cs, projects):
    stored = json.loads((projects[PUID] / JUID / "job.json").read_text())
    job = cs.find_job(PUID, JUID)
    assert job.model.model_dump(mode="json", by_alias=True) == stored
    assert job.type == stored["spec"]["type"]


def test_download_dataset_equals_the_file_on_disk(cs, projects, server):
    job_dir = projects[PUID] / JUID
    for path in sorted(job_dir.glob("*.cs")):
        relative = f"{JUID}/{path.name}"
        assert cs.download_dataset(PUID, relative) == Dataset.load(path), relative
    assert server.requests[-1].params["path"] == relative


@v4_only
def test_v4_load_output_joins_the_final_metafiles(cs, projects):
    volume = cs.find_job(PUID, JUID).load_output("volume")
    assert volume["map/path"][0] == f"{JUID}/{JUID}_009_volume_map.mrc"
    assert len(volume) == 1 and "mask_fsc_auto/path" in volume.fields()


@v4_only
def test_v4_lists_jobs_by_type_and_by_status(cs):
    refinements = cs.cli.get_jobs_by_type(project_uid=PUID, types=["nonuniform_refine_new", "homo_refine_new"])
    assert [job["uid"] for job in refinements] == ["J180", "J181", "J184"]
    assert [(job["project_uid"], job["uid"]) for job in cs.cli.get_jobs_by_status("failed")] == [("P30", "J184")]
    assert cs.cli.get_jobs_by_status(status="failed", count_only=True) == 1  # 4.x drops positionals when given keywords


@v5_only
def test_v5_finds_jobs_by_type_and_by_status(cs):
    project = cs.find_project(PUID)
    assert sorted(job.uid for job in project.find_jobs(type="nonuniform_refine_new")) == ["J329", "J332"]
    assert [job.uid for job in project.find_jobs(status="failed")] == ["J332"]
    assert [job.uid for job in cs.find_jobs(type=["homo_reconstruct"], status="completed")] == ["J330"]


@v5_only
def test_v5_jobs_find_pages_by_id(cs, projects):
    every = {job.uid for job in cs.api.jobs.find(project_uid=[PUID])}
    pages, after = [], None
    while page := cs.api.jobs.find(project_uid=[PUID], limit=2, after=after, order=-1):
        pages.append(page)
        after = page[-1].id
    assert all(len(page) <= 2 for page in pages)
    assert [job.uid for page in pages for job in page] == [job.uid for job in sorted(
        (job for page in pages for job in page), key=lambda job: job.id, reverse=True)]
    assert {job.uid for page in pages for job in page} == every == {p.name for p in projects[PUID].glob("J*")}


def test_wrong_password_is_refused(server):
    with pytest.raises(RuntimeError) as caught:
        CryoSPARC(**{**server.instance_info, "password": "not-the-password"})
    assert isinstance(caught.value.__cause__, ClientError)
    if GENERATION == "4":
        assert "Could not complete CryoSPARC authentication" in str(caught.value)
        assert "get_id_by_email_password" in str(caught.value.__cause__)
    else:
        assert caught.value.__cause__.code == 401


def test_unknown_project_raises(cs):
    with pytest.raises(ClientError, match="P999") as caught:
        cs.find_project("P999")
    assert caught.value.code == (400 if GENERATION == "4" else 404)


def test_unknown_job_raises(cs):
    with pytest.raises(ClientError, match="J999") as caught:
        cs.find_job(PUID, "J999")
    assert caught.value.code == (400 if GENERATION == "4" else 404)


def test_missing_or_outside_file_raises(cs):
    for path in (f"{JUID}/no_such_file.cs", "../outside.cs"):
        with pytest.raises(ClientError), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 4.x warns about every failed request, then raises
            cs.download_dataset(PUID, path)


def test_other_instance_version_warns(projects):
    with start_server(projects[PUID].parent, generation=GENERATION, version=OTHER_VERSION) as server:
        with pytest.warns(UserWarning, match=f"{OTHER_VERSION} may not be compatible"):
            CryoSPARC(**server.instance_info)


def test_unreachable_instance_raises_connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free once closed: nothing listens there
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each client warns about every failed attempt
        if GENERATION == "4":
            with pytest.raises(ClientError) as caught:
                CryoSPARC(license="00000000-0000-0000-0000-000000000000", host="127.0.0.1", base_port=port - 2,
                          email="ali@example.com", password="password123")
            assert "Connection refused" in str(caught.value.__cause__)
        else:
            with pytest.raises(RuntimeError, match="Connection refused"):
                CryoSPARC(base_url=f"http://127.0.0.1:{port}", email="ali@example.com", password="password123")


def test_delay_applies_to_every_response_and_clients_run_concurrently(projects):
    delay, clients = 0.3, 8
    with start_server(projects[PUID].parent, generation=GENERATION, delay_s=delay) as server:
        cs = CryoSPARC(**server.instance_info)
        server.requests.clear()
        results, start = [], time.monotonic()
        threads = [threading.Thread(target=lambda: results.append(cs.find_job(PUID, JUID).uid)) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
    assert results == [JUID] * clients
    assert len(server.requests) == clients  # one request each
    assert elapsed >= delay  # every answer waited (a lower bound: load only adds to it)
    # answered side by side: the look-alike handled more than one request at a time (one at a time, the
    # threads' requests would queue behind each other's delay)
    assert server.most_in_flight() > 1
