"""Sources turn a job somewhere (a job directory, a project directory, a
running instance) into a JobDocument. They know file formats and clients,
never specs."""

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Callable

from ..uids import is_job_uid, uid_number


def select_uids(requested, available) -> list:
    """Job uids named one by one or as ranges (J100-J200, taking the available ones in it), in order given."""
    selected = []
    for item in requested:
        first, _, last = item.partition("-")
        last = last if last.startswith("J") else f"J{last}"
        if is_job_uid(first) and is_job_uid(last):
            low, high = uid_number(first), uid_number(last)
            selected += [uid for uid in available if is_job_uid(uid) and low <= uid_number(uid) <= high]
        else:
            selected.append(item)
    return list(dict.fromkeys(selected))


@dataclass
class JobDocument:
    """A job's document and everything the engine needs around it."""

    doc: dict
    project_dir: str
    project: dict  # uid and title where known
    origin: str  # names the job in messages, e.g. "P30/J180 (/data/P30/J180)"
    source: dict  # what `source` means in expressions: where the record came from
    # (project-relative .cs path, fields or None, prefixes or None) -> cryosparc Dataset
    load_dataset: Callable = field(repr=False, default=None)
    # (project-relative .cs path) -> [(field name, numpy type text)], read from the file's header where the
    # source can (csx survey)
    dataset_fields: Callable = field(repr=False, default=None)
    # the other jobs of the project, for related jobs: .key, .document(juid), .uids(types)
    project_jobs: object = field(repr=False, default=None)
    uid: str | None = None  # the job uid the document must have: its directory's name, the uid asked for


@dataclass
class JobHandle:
    """A job to extract, read on demand so one unreadable job never stops a batch."""

    label: str  # "P30/J180" where the project uid is known, else the job directory
    load: Callable  # () -> JobDocument, raises CsxError
    source: str = ""  # the project directory or the instance: with the label, a job's key in a database
    # () -> a cheap token that changes when the job does (job.json's mtime and size), or None
    fingerprint: Callable = field(default=lambda: None, repr=False)


class JobUids(Sequence):
    """A project's job uids in order, held as numbers: 8 bytes a job rather than a string's 60 and more
    (with its entry in the table of interned strings once a path is made of it), for a listing of
    100,000 jobs is held for a whole run. Each uid is made again as it is asked for."""

    def __init__(self, numbers: array):
        self._numbers = numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return JobUids(self._numbers[index])
        return f"J{self._numbers[index]}"


class LazyHandles(Sequence):
    """Job handles made as they are asked for: a project of 10,000 jobs holds 10,000 uids, not 10,000
    handles with their paths and partials (about 1 KB each), so memory stays flat in the number of jobs."""

    def __init__(self, make: Callable, keys: list):
        self._make, self._keys = make, keys

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return LazyHandles(self._make, self._keys[index])
        return self._make(self._keys[index])
