"""A job's identity: the uid and project uid of its document must be uids
exactly, and agree with the directory and project it was found in (or the
job asked of an instance), so that a record is never filed under another
job's name. A record that cannot be written fails its job only."""

import json
import shutil

import pytest

from tests.trust_helpers import csx, extract

J181_GSFSC = 2.6035172939300537


@pytest.fixture
def p30(project_copy):
    return project_copy("P30")


def _edit(job_json, **changes):
    doc = json.loads(job_json.read_text())
    doc.update(changes)
    job_json.write_text(json.dumps(doc))


@pytest.mark.parametrize("puid, good, other", [("P30", "J180", "J181"), ("P446", "J329", "J66")])
def test_a_document_of_another_job_never_files_a_record_under_that_job(project_copy, tmp_path, capsys, puid, good,
                                                                        other):
    project = project_copy(puid)
    shutil.copy(project / other / "job.json", project / good / "job.json")
    result = extract(capsys, tmp_path, "--project-dir", project, good, other)
    assert result.code == 1
    assert result.err == [f"{puid}/{good} ({project}/{good}): its document is job {other}, not {good}; csx files a "
                          "record only under the job's own uid"]
    assert list(result.written) == [f"{puid}-{other}.json"]
    assert result.written[f"{puid}-{other}.json"]["job_info"]["juid"] == other


def test_the_real_job_keeps_its_record_when_a_copy_of_it_sits_elsewhere(p30, tmp_path, capsys):
    # J180-old holds a copy of J181's document: it must not replace J181's record
    shutil.copytree(p30 / "J180", p30 / "J180-old")
    shutil.copy(p30 / "J181" / "job.json", p30 / "J180-old" / "job.json")
    result = extract(capsys, tmp_path, p30 / "J181", p30 / "J180-old")
    assert result.code == 1
    assert result.err == [f"P30/J180-old ({p30}/J180-old): its document is job J181, not J180-old; csx files a "
                          "record only under the job's own uid"]
    assert list(result.written) == ["P30-J181.json"]
    assert result.written["P30-J181.json"]["gsfsc"] == J181_GSFSC


@pytest.mark.parametrize("uid, shown", [("J180\n", "'J180\\n'"), ("J 180", "'J 180'"), ("j180", "'j180'"),
                                        ("J١٨٠", "'J١٨٠'"), ("", "''"),
                                        ("../../../evil", "'../../../evil'")])
def test_a_uid_must_be_J_and_digits_exactly(p30, tmp_path, capsys, uid, shown):
    _edit(p30 / "J180" / "job.json", uid=uid)
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180", "J181")
    assert result.code == 1
    assert result.err == [f"P30/J180 ({p30}/J180): the job's uid {shown} is not a job uid (J followed by digits)"]
    assert list(result.written) == ["P30-J181.json"]


@pytest.mark.parametrize("value, kind", [(["J180"], "a list"), (180, "a number"), (None, "null"),
                                         ({"number": 180}, "an object")])
def test_a_uid_of_another_type(p30, tmp_path, capsys, value, kind):
    _edit(p30 / "J180" / "job.json", uid=value)
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): the job's uid (job.uid) is {kind}, not a string"]


def test_a_document_of_another_project_fails(p30, tmp_path, capsys):
    _edit(p30 / "J180" / "job.json", project_uid="P31")
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180", "J181")
    assert result.code == 1
    assert result.err == [f"P30/J180 ({p30}/J180): its document is of project P31, not P30; csx files a record "
                          "only under the job's own project"]
    assert list(result.written) == ["P30-J181.json"]


def test_a_project_uid_with_a_trailing_newline(p30, tmp_path, capsys):
    _edit(p30 / "J180" / "job.json", project_uid="P30\n")
    result = extract(capsys, tmp_path, p30 / "J180")
    assert (result.code, result.written) == (1, {})
    assert result.err == [f"P30/J180 ({p30}/J180): the job's project_uid 'P30\\n' is not a project uid "
                          "(P followed by digits)"]


def test_a_project_json_whose_uid_is_no_uid_stops_a_project_run(p30, tmp_path, capsys):
    _edit(p30 / "project.json", uid="P30\n")
    result = extract(capsys, tmp_path, "--project-dir", p30, "--all")
    assert (result.code, result.written) == (2, {})
    assert result.err == [f"csx: {p30}/project.json: its uid 'P30\\n' is not a project uid (P followed by digits)"]


def test_a_project_json_that_is_no_object(p30, tmp_path, capsys):
    (p30 / "project.json").write_text('["P30"]')
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180")
    assert (result.code, result.written) == (2, {})
    assert result.err == [f"csx: {p30}/project.json: project.json is not a JSON object"]


def test_a_job_named_with_a_trailing_newline_on_the_command_line(p30, tmp_path, capsys):
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180\n", "J181")
    assert result.code == 1
    assert result.err == ["P30: 'J180\\n' is not a job uid (J followed by digits)"]
    assert list(result.written) == ["P30-J181.json"]


def test_a_range_with_other_scripts_digits_is_taken_as_a_name(p30, tmp_path, capsys):
    result = extract(capsys, tmp_path, "--project-dir", p30, "J²-J181")
    assert (result.code, result.written) == (1, {})
    assert result.err == ["P30: 'J²-J181' is not a job uid (J followed by digits)"]


def test_a_record_whose_file_name_is_too_long_fails_that_job_only(p30, tmp_path, capsys):
    long_uid = "J" + "7" * 250  # a legal directory name; P30-<it>.json is not a legal file name
    shutil.copytree(p30 / "J181", p30 / long_uid)
    _edit(p30 / long_uid / "job.json", uid=long_uid)
    result = extract(capsys, tmp_path, "--project-dir", p30, "J180", long_uid, "J181")
    assert result.code == 1
    assert result.err == [f"P30/{long_uid}: cannot write its record: the file name P30-J7777777777777777777777777777"
                          f"7777777... is too long for {tmp_path}/out"]
    assert sorted(result.written) == ["P30-J180.json", "P30-J181.json"]


def test_the_same_long_uid_goes_to_stdout_whole(p30, tmp_path, capsys):
    long_uid = "J" + "7" * 250
    shutil.copytree(p30 / "J181", p30 / long_uid)
    _edit(p30 / long_uid / "job.json", uid=long_uid)
    result = csx(capsys, tmp_path, "extract", "--project-dir", p30, long_uid)
    assert (result.code, result.err) == (0, [])
    assert json.loads(result.out)["job_info"]["juid"] == long_uid


def test_an_instance_that_answers_with_another_job_fails_that_job(tmp_path, capsys):
    cryosparc = pytest.importorskip("cryosparc")
    from tests.fixturegen import REFERENCE_PROJECTS, make_project
    from tests.lookalike import start_server

    generation = cryosparc.__version__.split(".")[0]
    puid, good, other = {"4": ("P30", "J180", "J181"), "5": ("P446", "J329", "J66")}[generation]
    fixture = REFERENCE_PROJECTS[puid]
    project = make_project(tmp_path / "instance", puid, fixture.title, fixture.jobs, fixture.dirname)
    shutil.copy(project / other / "job.json", project / good / "job.json")
    with start_server(project.parent, generation=generation) as server:
        (tmp_path / "instance-info.json").write_text(json.dumps(server.instance_info))
        result = extract(capsys, tmp_path, "--instance", tmp_path / "instance-info.json", "--project", puid, good,
                         other)
    assert result.code == 1
    assert len(result.err) == 1
    assert result.err[0].startswith(f"{puid}/{good} (")
    assert result.err[0].endswith(f"): its document is job {other}, not {good}; csx files a record only under the "
                                  "job's own uid")
    assert list(result.written) == [f"{puid}-{other}.json"]
