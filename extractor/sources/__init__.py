"""Sources turn a job somewhere (a job directory, a project directory, a
running instance) into a JobDocument. They know file formats and clients,
never specs."""

import json
import re
from dataclasses import dataclass, field
from typing import Callable

from ..uids import is_job_uid, uid_number

# {"$date": "..."} and {"$oid": "..."} exactly as CryoSPARC v4 writes them into job.json
EXTENDED_STRING = re.compile(rb'\{"\$(?:date|oid)": ("[^"\\]*")\}')


def parse_job_json(data: bytes):
    """A job.json document with MongoDB extended JSON turned into plain values, as the
    live client gives them. orjson parses a 100 KB document about twice as fast as the
    standard library; it has no object hook, so the usual extended values are rewritten
    in the bytes first (split on the pattern and joined: the text between matches and
    each match's string, four times faster than re.sub), and anything else left takes
    the general path."""
    import orjson

    if b'"$' in data:
        data = b"".join(EXTENDED_STRING.split(data))
        if b'"$' in data:
            return json.loads(data, object_hook=plain_json_object)
    return orjson.loads(data)


def plain_json_object(obj: dict):
    """json object_hook: MongoDB extended JSON ({"$date": ...}) to plain values."""
    if len(obj) == 1:
        (key, value), = obj.items()
        if key in ("$date", "$oid"):
            return value
        if key in ("$numberLong", "$numberInt"):
            return int(value)
        if key == "$numberDouble":
            return float(value)
    return obj


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
    uid: str | None = None  # the job uid the document must have: its directory's name, the uid asked for


@dataclass
class JobHandle:
    """A job to extract, read on demand so one unreadable job never stops a batch."""

    label: str  # "P30/J180" where the project uid is known, else the job directory
    load: Callable  # () -> JobDocument, raises CsxError
    source: str = ""  # the project directory or the instance: with the label, a job's key in a database
    # () -> a cheap token that changes when the job does (job.json's mtime and size), or None
    fingerprint: Callable = field(default=lambda: None, repr=False)
