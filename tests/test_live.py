"""The instance source, through the real cryosparc-tools client installed
(4.x or 5.x) talking HTTP to the CryoSPARC look-alike on 127.0.0.1: the
records equal the project directory's, and every failure is one line."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

cryosparc = pytest.importorskip("cryosparc")

from tests.fixturegen import REFERENCE_PROJECTS  # noqa: E402
from tests.helpers import records, run_csx  # noqa: E402
from tests.live import GENERATION, fail_fast, instance_file, server, write_project  # noqa: E402,F401 (fixtures)
from tests.lookalike import start_server  # noqa: E402

PUID = {"4": "P30", "5": "P446"}[GENERATION]
FIXTURE = REFERENCE_PROJECTS[PUID]
# the example notebook's job of this generation and what the notebook printed for it: (job, pixel size, box,
# particles, GSFSC)
NOTEBOOK = {"4": ("J180", 0.9681428670883179, 350, 656974, 2.281461238861084),
            "5": ("J329", 1.2432949542999268, 348, 440847, 2.522837574905974)}[GENERATION]
pytestmark = pytest.mark.live



@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The reference project of the installed client's generation (an instance serves its own generation)."""
    return write_project(tmp_path_factory.mktemp("instance"), FIXTURE)


@pytest.mark.parametrize("job", [job.uid for job in FIXTURE.jobs])
def test_every_job_gives_the_record_of_the_project_directory(project, instance_file, capsys, job):
    offline = run_csx(capsys, "extract", "--project-dir", project, job)
    live = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, job)
    assert live[0] == offline[0]
    assert records(live[1]) == records(offline[1])
    if offline[0] == 0 and "paths" in records(offline[1])[0]:
        assert records(live[1])[0]["paths"]["map"].startswith(f"{project}/{job}/")
    if job == NOTEBOOK[0]:  # not only the same as the project directory's: the values the notebook printed
        (record,) = records(live[1])
        assert (record["psize_A"], record["box_size_vox"], record["job_info"]["particle_count"],
                record["gsfsc"]) == NOTEBOOK[1:]


def test_all_with_type_filter(instance_file, capsys):
    code, out, err = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, "--all",
                             "--type", "nonuniform_refine_new", "--type", "homo_reconstruct")
    assert code == 0
    juids = [job.uid for job in FIXTURE.jobs
             if job.job_type in ("nonuniform_refine_new", "homo_reconstruct") and job.status == "completed"]
    assert [r["job_info"]["juid"] for r in records(out)] == juids
    # a record kind stands for its job types, on the instance's own list too
    code, out, err = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, "--all",
                             "--type", "import")
    assert (code, [r["kind"] for r in records(out)]) == (0, ["import"])


def test_all_jobs_of_the_instance_project_match_the_offline_batch(project, instance_file, capsys):
    offline = run_csx(capsys, "extract", "--project-dir", project, "--all")
    live = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, "--all", "--workers", "3")
    assert (live[0], records(live[1])) == (offline[0], records(offline[1]))
    refinements = [job.uid for job in FIXTURE.jobs if job.job_type in (
        "homo_refine_new", "nonuniform_refine_new", "new_local_refine", "homo_reconstruct")
                   and job.status == "completed"]
    assert [r["job_info"]["juid"] for r in records(live[1]) if r["kind"] == "map-info"] == refinements


def test_only_the_metafiles_the_spec_reads_are_downloaded(server, instance_file, capsys):
    refinement = next(job for job in FIXTURE.jobs if job.job_type == "nonuniform_refine_new")
    server.requests.clear()
    code, _, _ = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, refinement.uid)
    assert code == 0
    downloads = [call for call in server.requests if call.name in ("get_project_file", "projects.download_file")]
    downloaded = sorted(call.params["path"] for call in downloads)
    prefix = f"{refinement.uid}/{refinement.uid}_{refinement.iteration:03d}_volume_"
    assert downloaded == sorted(f"{prefix}{name}.cs" for name in (
        "map", "map_sharp", "map_half_A", "map_half_B", "mask_refine", "mask_fsc", "mask_fsc_auto"))


def test_environment_variables_instead_of_a_file(server, capsys, monkeypatch):
    info = server.instance_info
    variables = {"license": "CRYOSPARC_LICENSE_ID", "host": "CRYOSPARC_MASTER_HOSTNAME",
                 "base_port": "CRYOSPARC_BASE_PORT", "base_url": "CRYOSPARC_BASE_URL",
                 "email": "CRYOSPARC_EMAIL", "password": "CRYOSPARC_PASSWORD"}
    for key, name in variables.items():
        monkeypatch.delenv(name, raising=False)
        if key in info:
            monkeypatch.setenv(name, str(info[key]))
    code, out, _ = run_csx(capsys, "extract", "--instance", "--project", PUID, FIXTURE.jobs[2].uid)
    assert code == 0
    assert records(out)[0]["job_info"]["juid"] == FIXTURE.jobs[2].uid


def test_wrong_password_says_so_and_never_shows_it(server, tmp_path, capsys):
    info = dict(server.instance_info, password="hunter2-wrong")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(info))
    code, out, err = run_csx(capsys, "extract", "--debug", "--instance", path, "--project", PUID, "J1")
    assert (code, out) == (2, "")
    assert f"CryoSPARC refused the credentials of {info['email']}" in err[0]
    assert "hunter2-wrong" not in "\n".join(err)
    assert "Traceback" in "\n".join(err)  # --debug shows it, redacted


def test_unknown_project_stops_everything(instance_file, capsys):
    code, out, err = run_csx(capsys, "extract", "--instance", instance_file, "--project", "P999", "J1")
    assert (code, out) == (2, "")
    assert err[0].startswith("csx: P999: no such project on ")


def test_unknown_job_fails_alone(instance_file, capsys):
    good = next(job.uid for job in FIXTURE.jobs if job.job_type == "homo_refine_new")
    code, out, err = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, "J999", good)
    assert code == 1
    assert [r["job_info"]["juid"] for r in records(out)] == [good]
    assert err[0].startswith(f"{PUID}/J999 (") and "no such job" in err[0]


def test_job_not_completed(instance_file, capsys):
    failed = next(job.uid for job in FIXTURE.jobs if job.status == "failed")
    code, out, err = run_csx(capsys, "extract", "--instance", instance_file, "--project", PUID, failed)
    assert (code, out) == (1, "")
    assert err[0].endswith("the job is failed, not completed; add --status failed to extract it anyway")


def test_version_mismatch_says_which_tools_to_install(project, tmp_path, capsys):
    other = {"4": "v4.6.2", "5": "v5.1.0"}[GENERATION]
    with start_server(project.parent, generation=GENERATION, version=other) as server:
        path = tmp_path / "info.json"
        path.write_text(json.dumps(server.instance_info))
        code, _, err = run_csx(capsys, "extract", "--instance", path, "--project", PUID, "J1")
    major_minor = ".".join(other[1:].split(".")[:2])
    assert code == 2
    assert err == [f"csx: {server.instance_info.get('base_url') or f'127.0.0.1:{server.port}'} runs CryoSPARC "
                   f"{other}, but cryosparc-tools {cryosparc.__version__} is installed; "
                   f"pip install 'cryosparc-tools~={major_minor}.0'"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_instance_fails_fast_naming_host_and_port(server, tmp_path):
    """A fresh process, as a user runs it: the client's own retry settings are csx's defaults."""
    port = _closed_port()
    info = dict(server.instance_info)
    if "base_url" in info:
        info["base_url"] = f"http://127.0.0.1:{port}"
    else:
        info["base_port"] = port
    path = tmp_path / "info.json"
    path.write_text(json.dumps(info))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRYOSPARC_")}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", "--instance", str(path),
                             "--project", PUID, "J1"], capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert result.stderr.startswith(f"csx: cannot connect to CryoSPARC at {info.get('base_url') or f'127.0.0.1:{port}'}")
    assert len(result.stderr.strip().splitlines()) == 1
    # a deadline, so a bound on the clock, made generous for a loaded machine: csx has the 4.x client retry
    # after 2 s (a few seconds in all); left to its defaults, the client waits 30 s before its first retry
    assert elapsed < 25
