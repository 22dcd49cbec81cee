"""An instance that stalls or trickles its answers is given up on in time,
and one that echoes what it was sent shows no secret, --debug included:
the real cryosparc-tools client of this environment against a look-alike
told to misbehave.

"In time" is checked without a clock's upper bound, which a loaded machine
breaks: csx's own deadline fired (its message, which only the deadline
writes), csx returned while the look-alike still held the answer back (so it
did not wait for it), and it asked nothing more of an instance that stopped
answering (the look-alike's request log). The one timing kept is the lower
bound: csx waits the whole --timeout before giving up, which load cannot
shorten."""

import hashlib
import json
import os
import socket
import threading
import time
from contextlib import contextmanager

import pytest

cryosparc = pytest.importorskip("cryosparc")
import cryosparc.tools  # noqa: E402,F401  (imported once, here: the timings are of the instance, not of the import)

from extractor.language.registry import Registry  # noqa: E402
from tests.fixturegen import REFERENCE_PROJECTS, make_project  # noqa: E402
from tests.helpers import records, run_csx  # noqa: E402
from tests.lookalike import start_server  # noqa: E402

GENERATION = cryosparc.__version__.split(".")[0]
PUID = {"4": "P30", "5": "P446"}[GENERATION]
FIXTURE = REFERENCE_PROJECTS[PUID]
REFINEMENTS = [job.uid for job in FIXTURE.jobs if job.status == "completed"
               and job.job_type in ("homo_refine_new", "nonuniform_refine_new")]
TIMEOUT = 0.5
# slow enough that no answer of the look-alike is whole before the test ends, fast enough that no wait for
# one byte reaches the client's own read timeout (2 * TIMEOUT + 1 s): only csx's deadline can end the wait
SECONDS_PER_BYTE = 0.05
# a request given up on goes on in its thread, and its client may warn of retries when the look-alike stops
pytestmark = [pytest.mark.live, pytest.mark.filterwarnings("ignore:.*API client:UserWarning")]


@pytest.fixture(autouse=True)
def retry_pause(monkeypatch):
    """The 4.x client read its retry pause when first imported, maybe before csx set it:
    set what csx sets for a short --timeout in a fresh process (two attempts, no pause)."""
    if GENERATION == "4":
        import cryosparc.command

        monkeypatch.setattr(cryosparc.command, "MAX_ATTEMPTS", 3)
        monkeypatch.setattr(cryosparc.command, "RETRY_INTERVAL", 0)


@pytest.fixture(scope="module", autouse=True)
def warm_registry():
    """The specs loaded once before any timing: the timings are of the instance."""
    Registry()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return make_project(tmp_path_factory.mktemp("instance"), FIXTURE.puid, FIXTURE.title, FIXTURE.jobs,
                        FIXTURE.dirname)


@contextmanager
def serve(project, **options):
    """A look-alike for one test; on leaving, the client calls csx gave up on have ended too
    (the stopped look-alike ends them), so none of them warns during a later test."""
    with start_server(project.parent, generation=GENERATION, **options) as server:
        yield server
    for thread in threading.enumerate():
        if thread.name == "csx-instance-call":
            thread.join(timeout=30)


def info_file(server, tmp_path, **changes):
    path = tmp_path / "instance-info.json"
    path.write_text(json.dumps({**server.instance_info, **changes}))
    return path


def address(server):
    return server.instance_info.get("base_url") or f"127.0.0.1:{server.port}"


def timed_csx(capsys, *args):
    """(seconds csx took, its result): only ever compared with a lower bound."""
    started = time.monotonic()
    result = run_csx(capsys, *args)
    return time.monotonic() - started, result


def of_job(request, juid) -> bool:
    """Whether a request names the job (a .cs path J180/..., or the job document's uid)."""
    text = f"{request.path} {request.query} ".encode() + request.body
    return f"{juid}/".encode() in text or f'"{juid}"'.encode() in text or f"/jobs/{juid}".encode() in text


def is_download(request):
    return request.path.endswith(("/get_project_file", "/files"))


def is_job_document(request):
    if GENERATION == "4":
        return request.path == "/api" and b'"get_job"' in request.body
    return "/jobs/J" in request.path and not request.path.endswith("/directory")


@pytest.mark.parametrize("mode", ["stall", "trickle"])
def test_connecting_gives_up_after_twice_the_timeout(project, tmp_path, capsys, mode):
    with serve(project) as server:
        server.misbehave(mode, seconds_per_byte=SECONDS_PER_BYTE)
        elapsed, (code, out, err) = timed_csx(capsys, "extract", "--timeout", TIMEOUT, "--instance",
                                              info_file(server, tmp_path), "--project", PUID, REFINEMENTS[0])
        held = server.held()
    assert (code, out) == (2, "")
    assert err == [f"csx: cannot connect to CryoSPARC at {address(server)}: no complete answer within 1 s "
                   f"(twice --timeout {TIMEOUT})"]
    assert held  # csx gave up while the look-alike still held the answer back
    assert elapsed >= 2 * TIMEOUT


@pytest.mark.parametrize("mode", ["stall", "trickle"])
def test_a_stalled_download_fails_its_job_and_the_instance_is_given_up(project, tmp_path, capsys, mode):
    with serve(project) as server:
        server.misbehave(mode, seconds_per_byte=SECONDS_PER_BYTE, only=is_download)
        elapsed, (code, out, err) = timed_csx(capsys, "extract", "--timeout", TIMEOUT, "--workers", "1",
                                              "--instance", info_file(server, tmp_path), "--project", PUID,
                                              REFINEMENTS[0], REFINEMENTS[1])
        held = server.held()
    where = address(server)
    # csx gave up on the first job's download while it was held back, and asked nothing for the second job
    assert held and all(is_download(r) and of_job(r, REFINEMENTS[0]) for r in held)
    assert not any(of_job(r, REFINEMENTS[1]) for r in held)
    assert (code, out) == (1, "")
    first, second = (f"{PUID}/{job} ({where})" for job in REFINEMENTS[:2])
    assert err[0].startswith(f"{first}: ")
    assert err[0].endswith(f": CryoSPARC at {where} gave no complete answer within {TIMEOUT} s (--timeout)")
    assert err[1] == (f"{second}: not asked: CryoSPARC at {where} had stopped answering "
                      f"(no complete answer within {TIMEOUT} s, --timeout)")
    assert err[2] == f"csx: 0 done, 0 skipped, 2 failed: {PUID}/{REFINEMENTS[0]}, {PUID}/{REFINEMENTS[1]}"
    assert elapsed >= TIMEOUT


def test_a_trickled_job_document_is_given_up_after_the_timeout(project, tmp_path, capsys):
    with serve(project) as server:
        server.misbehave("trickle", seconds_per_byte=SECONDS_PER_BYTE, only=is_job_document)
        elapsed, (code, out, err) = timed_csx(capsys, "extract", "--timeout", TIMEOUT, "--instance",
                                              info_file(server, tmp_path), "--project", PUID, REFINEMENTS[0])
        held = server.held()
    where = address(server)
    assert (code, out) == (1, "")
    assert err == [f"{PUID}/{REFINEMENTS[0]} ({where}): CryoSPARC at {where} gave no complete answer within "
                   f"{TIMEOUT} s (--timeout)"]
    # given up while the document was trickling, and no dataset asked for
    assert held and all(is_job_document(r) and of_job(r, REFINEMENTS[0]) for r in held)
    assert not {"get_project_file", "projects.download_file"} & set(server.requests.names())
    assert elapsed >= TIMEOUT


def test_a_slow_answer_within_the_timeout_is_waited_for(project, tmp_path, capsys):
    """The deadline is per request: several requests each under it make a whole extraction."""
    with serve(project, delay_s=0.1) as server:
        code, out, err = run_csx(capsys, "extract", "--timeout", "1", "--instance", info_file(server, tmp_path),
                                 "--project", PUID, REFINEMENTS[0])
    assert (code, err) == (0, [])
    assert records(out)[0]["job_info"]["juid"] == REFINEMENTS[0]


def secrets_of(password):
    return [password, hashlib.sha256(password.encode()).hexdigest()]


def test_an_echoing_server_shows_no_password_nor_its_hash(project, tmp_path, capsys):
    with serve(project, echo=True, password="s3cret-Pa$$") as server:
        wrong = "hunter2 ʼwrong\""
        code, out, err = run_csx(capsys, "extract", "--debug", "--instance",
                                 info_file(server, tmp_path, password=wrong), "--project", PUID, REFINEMENTS[0])
    printed = out + "\n".join(err)
    assert code == 2
    # --debug shows the traceback, its lines that held the password withheld
    assert "Traceback" in printed and "[a line withheld: it held a password given to csx]" in printed
    for secret in secrets_of(wrong) + [json.dumps(wrong)[1:-1]]:
        assert secret not in printed


def test_an_echoing_server_shows_no_token(project, tmp_path, capsys):
    with serve(project, echo=True) as server:
        code, out, err = run_csx(capsys, "extract", "--debug", "--instance", info_file(server, tmp_path),
                                 "--project", "P999", "J1")
        tokens = set(server.tokens)
    printed = out + "\n".join(err)
    assert code == 2
    assert err[0].startswith("csx: P999: no such project on ")
    assert "Traceback" in printed
    assert len(tokens) == (1 if GENERATION == "5" else 0)
    for secret in [*tokens, *secrets_of(server.instance_info["password"])]:
        assert secret not in printed


@pytest.mark.parametrize("content, message", [
    (b'{"email": "ali@example.com",\n "password": "caf\xe9"}', ":2:18: not UTF-8 text; save it as UTF-8"),
    (b'{"email": "ali@example.com",\n "password": hunter2}', ":2:14: not JSON (Expecting value)"),
    (b"[" * 100_000, ": not the JSON of CryoSPARC(**info) arguments"),
    (None, ":1:1: a FIFO (named pipe), not a regular file"),
])
def test_an_instance_file_that_is_not_json(tmp_path, capsys, content, message):
    path = tmp_path / "instance-info.json"
    if content is None:
        os.mkfifo(path)
    else:
        path.write_bytes(content)
    code, out, err = run_csx(capsys, "extract", "--instance", path, "--project", PUID, "J1")
    assert (code, out, err) == (2, "", [f"csx: --instance {path}{message}"])
    assert "hunter2" not in "\n".join(err)


def test_an_unreachable_instance_is_given_up_within_twice_the_timeout(project, tmp_path, capsys):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with serve(project) as server:
        changes = {"base_url": f"http://127.0.0.1:{port}"} if GENERATION == "5" else {"base_port": port - 2}
        path = info_file(server, tmp_path, **changes)
    code, out, err = run_csx(capsys, "extract", "--timeout", TIMEOUT, "--instance", path, "--project", PUID,
                             REFINEMENTS[0])
    where = changes.get("base_url") or f"127.0.0.1:{port - 2}"
    assert (code, out, len(err)) == (2, "", 1)
    # the client's refusal, not csx's deadline (that the retries do not wait: tests/test_live.py, a fresh process)
    assert err[0].startswith(f"csx: cannot connect to CryoSPARC at {where}: ") and "Connection refused" in err[0]
