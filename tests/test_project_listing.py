"""A project directory's jobs as csx lists them: J<N> folders with a job.json, in the order of their numbers,
held as numbers (8 bytes a job) unless a folder writes its uid otherwise."""

import json

from extractor.sources import JobUids
from extractor.sources.files import project_handles, project_job_uids


def folders(root, names, without_document=()):
    (root / "project.json").write_text(json.dumps({"uid": "P9", "title": "listing"}))
    for name in names:
        (root / name).mkdir()
        if name not in without_document:
            (root / name / "job.json").write_text("{}")
    return root


def test_jobs_are_listed_by_number_and_held_as_numbers(tmp_path):
    project = folders(tmp_path, ["J10", "J2", "J100000", "J1", "J3", "Jx", "W4", "J9"], without_document=("J3",))
    uids = project_job_uids(project)
    assert isinstance(uids, JobUids)
    assert list(uids) == ["J1", "J2", "J9", "J10", "J100000"]
    assert list(uids[1:3]) == ["J2", "J9"] and uids[-1] == "J100000" and len(uids) == 5
    handles = project_handles(project, all_jobs=True)
    assert [handle.label for handle in handles] == ["P9/J1", "P9/J2", "P9/J9", "P9/J10", "P9/J100000"]
    assert [handle.label for handle in handles[3:]] == ["P9/J10", "P9/J100000"]


def test_a_uid_written_with_a_leading_zero_is_listed_as_it_is(tmp_path):
    project = folders(tmp_path, ["J10", "J07", "J2"])
    assert project_job_uids(project) == ["J2", "J07", "J10"]
