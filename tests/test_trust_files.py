"""Files csx did not make: only regular files are read, never with a wait;
documents and datasets have size limits; every metafile a document names
must resolve inside the project directory. Each case: the exit code, one
line naming the culprit, no traceback, nothing written but the good records."""

import json
import os
import socket

import pytest

from tests.trust_helpers import csx, extract


@pytest.fixture
def p30(project_copy):
    return project_copy("P30")


def test_a_fifo_as_job_json_fails_that_job_at_once(p30, tmp_path, capsys):
    (p30 / "J181" / "job.json").unlink()
    os.mkfifo(p30 / "J181" / "job.json")
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180", "J181")
    assert result.code == 1
    assert result.err == [f"{p30}/J181/job.json: job.json is a FIFO (named pipe), not a regular file"]
    assert list(result.written) == ["P30-J180.json"]


def test_a_job_json_that_is_dev_zero_is_refused_unread(p30, tmp_path, capsys):
    (p30 / "J181" / "job.json").unlink()
    (p30 / "J181" / "job.json").symlink_to("/dev/zero")
    result = extract(capsys, tmp_path, p30 / "J181", p30 / "J180")
    assert result.code == 1
    assert result.err == [f"{p30}/J181/job.json: job.json is a character device, not a regular file"]
    assert list(result.written) == ["P30-J180.json"]


def test_a_directory_as_job_json(p30, tmp_path, capsys):
    (p30 / "J181" / "job.json").unlink()
    (p30 / "J181" / "job.json").mkdir()
    result = extract(capsys, tmp_path, p30 / "J181")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"{p30}/J181/job.json: job.json is a directory, not a regular file"]


def test_a_socket_as_job_json(p30, tmp_path, capsys):
    (p30 / "J181" / "job.json").unlink()
    listener = socket.socket(socket.AF_UNIX)
    cwd = os.getcwd()
    os.chdir(p30 / "J181")  # a socket's path must be short: bind it by its name alone
    try:
        listener.bind("job.json")
    finally:
        os.chdir(cwd)
    try:
        result = extract(capsys, tmp_path, p30 / "J181")
    finally:
        listener.close()
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"{p30}/J181/job.json: job.json is a socket, not a regular file"]


def test_a_fifo_as_project_json_stops_a_project_run_with_one_line(p30, tmp_path, capsys):
    (p30 / "project.json").unlink()
    os.mkfifo(p30 / "project.json")
    result = extract(capsys, tmp_path, "--project-dir", p30, "--all")
    assert (result.code, result.written) == (2, {})
    assert result.err == [f"csx: {p30}/project.json: project.json is a FIFO (named pipe), not a regular file"]


def test_a_fifo_as_project_json_fails_each_job_dir_given(p30, tmp_path, capsys):
    (p30 / "project.json").unlink()
    os.mkfifo(p30 / "project.json")
    result = extract(capsys, tmp_path, p30 / "J180", p30 / "J181")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"{p30}/project.json: project.json is a FIFO (named pipe), not a regular file"] * 2


def test_query_on_a_fifo_job_json_answers_at_once(p30, tmp_path, capsys):
    (p30 / "J180" / "job.json").unlink()
    os.mkfifo(p30 / "J180" / "job.json")
    result = csx(capsys, tmp_path, "query", "job.uid", p30 / "J180")
    assert (result.code, result.out) == (1, "")  # the job failed, as in csx extract
    assert result.err == [f"csx: {p30}/J180/job.json: job.json is a FIFO (named pipe), not a regular file"]


def test_specs_explain_on_a_fifo_job_json_answers_at_once(p30, tmp_path, capsys):
    (p30 / "J180" / "job.json").unlink()
    os.mkfifo(p30 / "J180" / "job.json")
    result = csx(capsys, tmp_path, "specs", "--explain", p30 / "J180")
    assert result.code == 1
    assert result.err == [f"csx: {p30}/J180/job.json: job.json is a FIFO (named pipe), not a regular file"]


def test_a_fifo_as_a_metafile_fails_that_job_at_once(p30, tmp_path, capsys):
    (p30 / "J180" / "J180_009_volume_map.cs").unlink()
    os.mkfifo(p30 / "J180" / "J180_009_volume_map.cs")
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180", "J181")
    assert result.code == 1
    assert result.err == [f"P30/J180 ({p30}/J180): dataset J180/J180_009_volume_map.cs is a FIFO (named pipe), "
                          "not a regular file"]
    assert list(result.written) == ["P30-J181.json"]


def test_a_metafile_that_is_dev_zero(p30, tmp_path, capsys):
    (p30 / "J180" / "J180_009_volume_map.cs").unlink()
    (p30 / "J180" / "J180_009_volume_map.cs").symlink_to("/dev/zero")
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): dataset J180/J180_009_volume_map.cs is a character device, "
                          "not a regular file"]


def _point_metafile(project, juid, suffix, new_path):
    """Make the metafile of `juid` whose name ends with `suffix` read `new_path` instead."""
    path = project / juid / "job.json"
    doc = json.loads(path.read_text())
    hits = 0
    for result in doc["output_results"]:
        for index, name in enumerate(result["metafiles"]):
            if name.endswith(suffix):
                result["metafiles"][index] = new_path
                hits += 1
    assert hits, suffix
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("metafile", ["../outside.cs", "J180/../../outside.cs"])
def test_a_metafile_up_and_out_of_the_project_is_refused(p30, tmp_path, capsys, metafile):
    # a good dataset sits beside the project: readable, but not the project's
    (tmp_path / "outside.cs").write_bytes((p30 / "J180" / "J180_009_volume_map.cs").read_bytes())
    _point_metafile(p30, "J180", "_volume_map.cs", metafile)
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180", "J181")
    assert result.code == 1
    assert result.err == [f"P30/J180 ({p30}/J180): metafile {metafile} is outside the project directory {p30} "
                          f"(it resolves to {tmp_path}/outside.cs); csx reads only files of the project"]
    assert list(result.written) == ["P30-J181.json"]


def test_an_absolute_metafile_path_is_refused(p30, tmp_path, capsys):
    (tmp_path / "outside.cs").write_bytes((p30 / "J180" / "J180_009_volume_map.cs").read_bytes())
    _point_metafile(p30, "J180", "_volume_map.cs", str(tmp_path / "outside.cs"))
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): metafile {tmp_path}/outside.cs is outside the project "
                          f"directory {p30} (it resolves to {tmp_path}/outside.cs); csx reads only files of the "
                          "project"]


def test_a_metafile_symlinked_out_of_the_project_is_refused(p30, tmp_path, capsys):
    map_cs = p30 / "J180" / "J180_009_volume_map.cs"
    (tmp_path / "elsewhere.cs").write_bytes(map_cs.read_bytes())
    map_cs.unlink()
    map_cs.symlink_to(tmp_path / "elsewhere.cs")
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): metafile J180/J180_009_volume_map.cs is outside the project "
                          f"directory {p30} (it resolves to {tmp_path}/elsewhere.cs); csx reads only files of "
                          "the project"]


def test_a_project_behind_a_symlink_with_metafiles_symlinked_inside_it_reads(p30, tmp_path, capsys):
    # real projects sit behind symlinks (/data/P30 -> /bulk/...), and a job may link to another's files
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "P30").symlink_to(p30)
    map_cs = p30 / "J180" / "J180_009_volume_map.cs"
    (p30 / "J180" / "kept").mkdir()
    map_cs.rename(p30 / "J180" / "kept" / "map.cs")
    map_cs.symlink_to("kept/map.cs")
    result = extract(capsys, tmp_path, tmp_path / "data" / "P30" / "J180")
    assert (result.code, result.err) == (0, [])
    record = result.written["P30-J180.json"]
    assert (record["box_size_vox"], record["paths"]["map"]) == (
        350, f"{tmp_path}/data/P30/J180/J180_009_volume_map.mrc")


def test_a_document_over_the_size_limit_is_refused_unread(p30, tmp_path, capsys):
    job_json = p30 / "J181" / "job.json"
    os.truncate(job_json, 65 * 1024 ** 2)  # sparse: the size says 65 MiB, nothing is written
    result = extract(capsys, tmp_path, p30 / "J181", p30 / "J180")
    assert result.code == 1
    assert result.err == [f"{job_json}: job.json is 65.0 MiB, over the 64.0 MiB csx reads at most"]
    assert list(result.written) == ["P30-J180.json"]


def test_a_dataset_over_the_size_limit_is_refused_unread(p30, tmp_path, capsys):
    map_cs = p30 / "J180" / "J180_009_volume_map.cs"
    os.truncate(map_cs, 17 * 1024 ** 3)  # sparse
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): dataset J180/J180_009_volume_map.cs is 17.0 GiB, over the "
                          "16.0 GiB csx reads at most"]


def test_a_dataset_that_is_not_one_is_named_without_its_bytes(p30, tmp_path, capsys):
    (p30 / "J180" / "J180_009_volume_map.cs").write_bytes(b"SECRET=hunter2\n" * 100)
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): cannot read dataset J180/J180_009_volume_map.cs: not a "
                          "CryoSPARC dataset (.cs) file, or a damaged one (ValueError)"]


def test_a_metafile_name_with_a_nul_byte(p30, tmp_path, capsys):
    _point_metafile(p30, "J180", "_volume_map.cs", "J180/map\u0000.cs")
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): metafile 'J180/map\\x00.cs' is not a file name"]


def test_a_metafile_through_a_directory_symlink_and_back_up_is_refused(p30, tmp_path, capsys):
    # J180/deep/.. is, to the system, the parent of where `deep` points, not J180: text alone cannot tell
    (tmp_path / "far" / "away").mkdir(parents=True)
    (tmp_path / "far" / "outside.cs").write_bytes((p30 / "J180" / "J180_009_volume_map.cs").read_bytes())
    (p30 / "J180" / "deep").symlink_to(tmp_path / "far" / "away")
    _point_metafile(p30, "J180", "_volume_map.cs", "J180/deep/../outside.cs")
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): metafile J180/deep/../outside.cs is outside the project "
                          f"directory {p30} (it resolves to {tmp_path}/far/outside.cs); csx reads only files of the "
                          "project"]


def test_a_directory_as_a_metafile(p30, tmp_path, capsys):
    (p30 / "J180" / "J180_009_volume_map.cs").unlink()
    (p30 / "J180" / "J180_009_volume_map.cs").mkdir()
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): dataset J180/J180_009_volume_map.cs is a directory, not a "
                          "regular file"]


def test_a_directory_as_project_json(p30, tmp_path, capsys):
    (p30 / "project.json").unlink()
    (p30 / "project.json").mkdir()
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180")
    assert (result.code, result.written) == (2, {})
    assert result.err == [f"csx: {p30}/project.json: project.json is a directory, not a regular file"]


def test_a_job_dir_given_through_dot_dot_reads_its_metafiles(p30, tmp_path, capsys):
    result = extract(capsys, tmp_path, f"{p30}/J180/../J181")
    assert (result.code, result.err) == (0, [])
    assert result.written["P30-J181.json"]["paths"]["map"] == f"{p30}/J181/J181_007_volume_map.mrc"
