"""Offline sources: CryoSPARC job and project directories on disk."""

import json
import os
from array import array
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from ..errors import DatasetError, JobError, MissingJobError, UsageError, shown
from ..uids import is_job_uid, is_project_uid, uid_number
from ..wording import PROJECT_DIR, Words
from . import JobDocument, JobHandle, JobUids, LazyHandles, select_uids
from .checked_files import (DATASET_LIMIT, DOCUMENT_LIMIT, is_inside, lexically_inside, open_regular, opened_path,
                            read_regular, reopenable, unreadable_dataset)
from .dataset_files import read_dataset, read_header
from .jobjson import DocumentError, parse_job_json


def read_json(path: Path, what: str, inside: str | None = None):
    """A JSON document csx did not write; with `inside`, only from a file that really is in that directory."""
    try:
        return parse_job_json(read_regular(path, f"{path}: {what}", DOCUMENT_LIMIT, JobError, inside))
    except FileNotFoundError as exc:
        raise JobError(f"{path}: no {what} there") from exc
    except OSError as exc:
        raise JobError(f"{path}: cannot read {what}: {exc.strerror}") from exc
    except DocumentError as exc:
        where = f"{path}:{exc.line}:{exc.col}" if exc.line else str(path)
        raise JobError(f"{where}: {what} is not valid JSON: {exc.message}; is it truncated? re-export the job "
                       "from CryoSPARC") from exc


def _read_document(path: Path, what: str, inside: str | None = None):
    """read_json, with a document nested past the parser's reach as one line rather than a traceback."""
    try:
        return read_json(path, what, inside)
    except RecursionError as exc:
        raise JobError(f"{path}: {what} nests too deeply to read") from exc


def _read_project(project_dir: Path, inside: str | None = None) -> dict:
    """uid and title from project.json, when the project directory has one."""
    path = project_dir / "project.json"
    if not path.exists():
        return {"uid": None, "title": None}
    info = _read_document(path, "project.json", inside)
    if not isinstance(info, dict):
        raise JobError(f"{path}: project.json is not a JSON object")
    uid, title = info.get("uid"), info.get("title")
    if uid is not None and not is_project_uid(uid):
        raise JobError(f"{path}: its uid {shown(uid)} is not a project uid (P followed by digits)")
    return {"uid": uid, "title": title if isinstance(title, str) else None}


def project_title(project_dir) -> str | None:
    """The title in a project directory's project.json; None where there is no such directory or title, or
    the file cannot be read (a report made away from the projects, or of a broken one, shows the uid)."""
    try:
        return _read_project(Path(project_dir))["title"] if os.path.isdir(project_dir) else None
    except JobError:
        return None


def _absolute(path) -> Path:
    """An absolute path with `..` worked out as written (`csx extract ../J181` from inside J180), symlinks kept:
    the project directory a record names is the one the user gave, and metafiles are checked against it."""
    return Path(os.path.abspath(path))


def _path_text(relative) -> str:
    return relative if relative.isprintable() else shown(relative)


def _dataset_reader(project_dir: Path, origin: str, read):
    """(relative, ...) -> `read(open file, a path that opens it again, ...)` of a .cs file of the project,
    checked first: a regular file, within the size limit, and inside the project directory."""
    directory = str(project_dir)
    root = []  # the project directory with its symlinks resolved, worked out on the first load

    def load(relative: str, *args, **kwargs):
        # numpy and the dataset code are imported only when a .cs is needed
        from cryosparc.errors import DatasetLoadError

        subject = f"{origin}: dataset {_path_text(relative)}"
        if "\0" in relative:
            raise DatasetError(f"{origin}: metafile {shown(relative)} is not a file name")
        normalized, inside = lexically_inside(directory, relative)
        if not inside:  # ../ or an absolute path: refused before anything is opened
            raise DatasetError(_outside(origin, relative, project_dir, normalized))
        if not root:
            root.append(os.path.realpath(directory))
        try:
            # opened as the system resolves the name (a symlink's `..` is the parent of its target),
            # then checked where it really is: a file out of the project is refused before a byte is read
            with open_regular(f"{directory}/{relative}", subject, DATASET_LIMIT, DatasetError) as file:
                really = opened_path(file)
                if not is_inside(really, root[0]):
                    raise DatasetError(_outside(origin, relative, project_dir, really))
                return read(file, reopenable(file), *args, **kwargs)
        except FileNotFoundError as exc:
            raise DatasetError(f"{subject} is missing from {project_dir}") from exc
        except OSError as exc:
            raise DatasetError(f"{subject}: cannot read it: {exc.strerror}") from exc
        except DatasetLoadError as exc:
            raise DatasetError(unreadable_dataset(f"{origin}: cannot read dataset {_path_text(relative)}",
                                                  exc)) from exc

    return load


def _outside(origin: str, relative: str, project_dir: Path, resolved: str) -> str:
    return (f"{origin}: metafile {_path_text(relative)} is outside the project directory {project_dir} "
            f"(it resolves to {_path_text(resolved)}); csx reads only files of the project")


def job_dir_document(job_dir: Path, project: dict | None = None, inside: str | None = None) -> JobDocument:
    """The job of a job directory; with `inside` (the project directory, its symlinks resolved), only from
    a job.json that really is in it."""
    job_dir = _absolute(job_dir)
    if not job_dir.is_dir():
        raise JobError(f"{job_dir}: not a directory (give a CryoSPARC job directory such as P30/J180)")
    doc = _read_document(job_dir / "job.json", "job.json", inside)
    project_dir = job_dir.parent
    if project is None:
        project = _read_project(project_dir)
    origin = f"{project.get('uid') or project_dir.name}/{job_dir.name} ({job_dir})"
    return JobDocument(
        doc=doc,
        project_dir=str(project_dir),
        project={"uid": project.get("uid"), "title": project.get("title"), "dir": str(project_dir)},
        origin=origin,
        source={"type": "job_dir", "path": str(job_dir)},
        load_dataset=_dataset_reader(project_dir, origin, read_dataset),
        dataset_fields=_dataset_reader(project_dir, origin, read_header),
        project_jobs=ProjectFolder(project_dir, project, inside),
        uid=job_dir.name,
    )


class ProjectFolder:
    """The jobs of a project directory, for related jobs."""

    def __init__(self, project_dir: Path, project: dict, inside: str | None = None):
        self.project_dir, self.project, self.inside = Path(project_dir), project, inside
        self.key = str(self.project_dir)

    def document(self, juid: str) -> JobDocument:
        if not is_job_uid(juid):
            raise JobError(f"{self.project_dir}: {shown(juid)} is not a job uid (J followed by digits)")
        if not os.path.lexists(self.project_dir / juid / "job.json"):
            raise MissingJobError(f"{self.project_dir}: no job {juid} there")
        return job_dir_document(self.project_dir / juid, self.project, self.inside)

    def uids(self, types=()) -> list:
        """The jobs of the folder that may be of `types` (every job without types): those whose job.json
        holds one of the types as a JSON string, or cannot be read (may_be_of_types); the caller keeps
        those really of the types it wants. A job.json's bytes are searched, not parsed: a downstream walk
        over a project of thousands of maps parses the few jobs it may meet, not every job."""
        uids = project_job_uids(self.project_dir)
        if not types:
            return uids
        quoted = _quoted(types)
        return [uid for uid in uids if _holds_any(self.project_dir / uid, quoted, self.inside)]


def project_job_uids(project_dir: Path) -> Sequence:
    """The uids of a project directory's jobs (J<N> folders that hold a job.json), in order. Plain
    strings and os calls: a project of 10,000 jobs is listed on every run. Held as numbers (JobUids),
    no list of every uid made on the way, unless one is written otherwise than J<number> (J0180)."""
    directory = str(project_dir)
    numbers, others = array("q"), []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                name = entry.name
                if is_job_uid(name) and os.path.exists(f"{directory}/{name}/job.json"):
                    number = uid_number(name)
                    if name == f"J{number}" and number < 2**63:
                        numbers.append(number)
                    else:
                        others.append(name)
    except OSError as exc:
        raise JobError(f"{project_dir}: cannot list its jobs: {exc.strerror}") from exc
    if others:
        return sorted([f"J{number}" for number in numbers] + others, key=uid_number)
    return JobUids(array("q", sorted(numbers)))


def _fingerprint(job_dir):
    """job.json's modification time and size: changes whenever CryoSPARC rewrites the document."""
    try:
        stat = os.stat(f"{job_dir}/job.json")
    except OSError:
        return None
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def job_dir_handles(job_dirs) -> list:
    handles, projects = [], {}
    for job_dir in map(Path, job_dirs):
        project_dir = _absolute(job_dir).parent
        if project_dir not in projects:
            try:
                projects[project_dir] = _read_project(project_dir)
            except JobError:
                projects[project_dir] = None  # each of its jobs reads it again, and reports why it fails
        project = projects[project_dir]
        label = f"{project['uid']}/{job_dir.name}" if project and project["uid"] else str(job_dir)
        # partials, not lambdas: a handle may be sent to a worker process
        handles.append(JobHandle(label, partial(job_dir_document, job_dir, project), str(project_dir),
                                 partial(_fingerprint, _absolute(job_dir))))
    return handles


def project_handles(project_dir: Path, job_uids=(), all_jobs=False, confined=False) -> LazyHandles:
    """Handles of the project's jobs; `confined`: every document read only from a file that really is in
    the project directory (a job folder or job.json that is a symlink out of it is refused)."""
    given, project_dir = project_dir, _absolute(project_dir)
    if not project_dir.is_dir():
        raise UsageError(Words(PROJECT_DIR.given(given), ": not a directory"))
    inside = os.path.realpath(project_dir) if confined else None
    project = _read_project(project_dir, inside)
    label = project["uid"] or project_dir.name
    if all_jobs:
        uids = project_job_uids(project_dir)
        if not uids:
            raise UsageError(Words(PROJECT_DIR.given(given), ": no CryoSPARC jobs (J*/job.json) there; is it a "
                                   "project directory?"))
    else:
        if not job_uids:
            raise UsageError(Words(PROJECT_DIR, ": name the jobs (J180 J181 J190-J199 ...) or give --all"))
        available = sorted((p.name for p in project_dir.glob("J*") if is_job_uid(p.name)), key=uid_number)
        uids = select_uids(job_uids, available)

    return LazyHandles(partial(_project_handle, project_dir, project, label, inside), uids)


def _project_handle(project_dir: Path, project: dict, label: str, inside: str | None, uid: str) -> JobHandle:
    return JobHandle(f"{label}/{uid}", partial(_project_job, project_dir, project, label, uid, inside),
                     str(project_dir), partial(_fingerprint, f"{project_dir}/{uid}"))


def _project_job(project_dir: Path, project: dict, label: str, uid: str, inside: str | None = None) -> JobDocument:
    if not is_job_uid(uid):
        raise JobError(f"{label}: {shown(uid)} is not a job uid (J followed by digits)")
    if not (project_dir / uid).is_dir():
        raise JobError(f"{label}: no job {uid} in {project_dir}")
    return job_dir_document(project_dir / uid, project, inside)


def has_job_of_type(job_dirs, job_type: str) -> bool:
    """Whether the job.json of one of the job directories may be of `job_type` (may_be_of_types); a
    project of 10,000 jobs is scanned only for a type no spec reads."""
    return any(may_be_of_types(job_dir, (job_type,)) for job_dir in job_dirs)


def may_be_of_types(job_dir, job_types, inside: str | None = None) -> bool:
    """Whether a job directory's job.json may be of one of `job_types`: its bytes hold the type as a JSON
    string. Nothing is parsed, so a document that merely quotes the name counts too, and one that cannot
    be read counts, as its job will say why it fails; a directory without job.json does not."""
    return _holds_any(job_dir, _quoted(job_types), inside)


def _quoted(job_types) -> list:
    return [json.dumps(job_type, ensure_ascii=False).encode() for job_type in job_types]


def _holds_any(job_dir, quoted: list, inside: str | None) -> bool:
    try:
        data = read_regular(f"{job_dir}/job.json", f"{job_dir}/job.json", DOCUMENT_LIMIT, JobError, inside)
    except FileNotFoundError:
        return False
    except (OSError, JobError):
        return True
    return any(text in data for text in quoted)
