"""Hostile cases for csx, made by code from the real-shaped fixture generators.

A JobCase is one job of a shared hostile project: the reference refinement
(P30/J180 for v4 documents, P446/J329 for v5), generated again under a new
uid by tests/fixturegen, then broken in one way. Jobs J1 and J2 of each
project are the same refinement left whole: the good neighbours whose
records must survive every bad job beside them.

A CommandCase is one csx command on input of its own (a spec folder, a
record file, a database, a look-alike instance, a pipe).

What the issue asks of csx decides what a case expects, not what csx does
today: RECORD (the job's record is written), FAIL (that job fails with a
line naming the culprit), EITHER (where the issue leaves the choice, e.g.
the NaN policy: no record holding NaN, or a failure naming the field).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from extractor.resources import specs_dir
from tests.adversarial.running import HANG_LIMIT
from tests.fixturegen import REFERENCE_PROJECTS, make_project

RECORD, FAIL, EITHER = "record", "fail", "either"

# The good neighbours' values, as CryoSPARC's example notebooks print them.
CONTROLS = {
    "v4": {"gsfsc": 2.281461238861084, "particle_count": 656974, "box_size_vox": 350},
    "v5": {"gsfsc": 2.522837574905974, "particle_count": 440847, "box_size_vox": 348},
}
PROJECTS = {"v4": "P900", "v5": "P901"}
CONTROL_UIDS = ("J1", "J2")
TEMPLATES = {"v4": ("P30", "J180"), "v5": ("P446", "J329")}
ITERATION = {"v4": 9, "v5": 8}
LONG_UID = "J" + "7" * 250  # a legal directory name; P900-<it>.json is not (over 255 bytes)
RAW = "__csx_raw_token__"  # stands for a token json.dumps cannot write (1e999, a bad literal)


# --- where a layout keeps things -----------------------------------------------------------------------------


def volume_stats(doc: dict) -> dict:
    if "spec" in doc:
        return doc["spec"]["outputs"]["volume"]["latest_summary_stats"]
    return next(g for g in doc["output_result_groups"] if g["name"] == "volume")["latest_summary_stats"]


def particles_group(doc: dict) -> dict:
    if "spec" in doc:
        return doc["spec"]["outputs"]["particles"]
    return next(g for g in doc["output_result_groups"] if g["name"] == "particles")


def volume_result(doc: dict, name: str = "map") -> dict:
    if "spec" in doc:
        return next(r for r in doc["spec"]["outputs"]["volume"]["results"] if r["name"] == name)
    return next(r for r in doc["output_results"] if r["group_name"] == "volume" and r["name"] == name)


def map_metafile(doc: dict) -> str:
    return volume_result(doc)["metafiles"][-1]


def nested_text(depth: int) -> str:
    """A `depth`-deep JSON array as text: json.dumps itself recurses too deep past ~1,000."""
    return "[" * depth + "1" + "]" * depth


def dumps(doc: Any, **kw) -> bytes:
    return json.dumps(doc, **kw).encode()


def with_raw(doc: dict, token: str, **kw) -> bytes:
    """The document with the value RAW written as `token`, as no JSON library would."""
    return json.dumps(doc, **kw).replace(json.dumps(RAW), token).encode()


# --- job cases ------------------------------------------------------------------------------------------------

Mutation = Callable[[Path, dict], "bytes | dict | None"]


@dataclass
class JobCase:
    id: str
    group: str  # the class: documents, files, identity, types, numbers
    layout: str
    mutate: Mutation  # (job dir, document) -> new document, or the bytes of job.json, or None (files done)
    expect: str
    culprits: tuple = ()  # regexes; the job's error line must match one
    exact: tuple = ()  # text a written record must hold (an integer to the last digit)
    forbidden: tuple = ()  # text no output may show (the bytes of a file that is not what it should be)
    solo: bool = False  # may hang or eat memory: run alone, never in a batch
    sink: str = "files"  # files: -o DIR; db: --db
    same_as_control: bool = False  # the record equals the good neighbour's but for the job's uid and paths
    uid: str = ""  # set when laid out
    dirname: str = ""  # the job directory's name when it is not the uid

    @property
    def puid(self) -> str:
        return PROJECTS[self.layout]

    @property
    def label_uid(self) -> str:
        return self.dirname or self.uid


def _set(path: tuple, value: Any) -> Mutation:
    """Set (or with _DELETE remove) a key; the path's first item picks the place: 'doc', 'spec' (v5),
    'stats' (the volume's summary statistics), 'particles' (that output) or 'map' (the volume's map result)."""

    def mutate(job_dir: Path, doc: dict):
        target = {"doc": lambda: doc, "stats": lambda: volume_stats(doc), "particles": lambda: particles_group(doc),
                  "map": lambda: volume_result(doc), "spec": lambda: doc["spec"]}[path[0]]()
        for key in path[1:-1]:
            target = target[key]
        if value is _DELETE:
            target.pop(path[-1], None)
        else:
            target[path[-1]] = value
        return doc

    return mutate


_DELETE = object()


def _raw_at(path: tuple, token: str, indent=None) -> Mutation:
    def mutate(job_dir, doc):
        _set(path, RAW)(job_dir, doc)
        return with_raw(doc, token, indent=indent)

    return mutate


def _then(*mutations: Mutation) -> Mutation:
    def mutate(job_dir, doc):
        result = doc
        for m in mutations:
            result = m(job_dir, result)
        return result

    return mutate


def _bytes(make: Callable[[dict], bytes]) -> Mutation:
    return lambda job_dir, doc: make(doc)


def _replace_job_json(make: Callable[[Path], None]) -> Mutation:
    def mutate(job_dir, doc):
        (job_dir / "job.json").unlink()
        make(job_dir / "job.json")

    return mutate


def _replace_map_cs(make: Callable[[Path, Path], None]) -> Mutation:
    """Put something else where the volume's map metafile should be; `make(path, project_dir)`."""

    def mutate(job_dir, doc):
        path = job_dir.parent / map_metafile(doc)
        path.unlink()
        make(path, job_dir.parent)

    return mutate


def _fifo(path: Path, *_):
    os.mkfifo(path)


def _socket(path: Path, *_):
    # socket addresses are at most 107 bytes: bind through the directory's descriptor, whatever its path
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(f"/proc/self/fd/{directory}/{path.name}")  # the socket file stays after the socket is closed
    finally:
        os.close(directory)


def _symlink(target: str) -> Callable:
    return lambda path, *_: path.symlink_to(target)


def _directory(path: Path, *_):
    path.mkdir()


def _sparse(size: int) -> Callable:
    def make(path: Path, *_):
        with open(path, "wb") as f:
            f.truncate(size)

    return make


def _outside_copy(job_dir: Path, doc: dict) -> Path:
    """A whole, valid copy of the job's map metafile outside the project directory."""
    outside = job_dir.parent.parent / "outside"
    outside.mkdir(exist_ok=True)
    copy = outside / f"{job_dir.name}_volume_map.cs"
    shutil.copyfile(job_dir.parent / map_metafile(doc), copy)
    return copy


def _metafile_dotdot(job_dir, doc):
    copy = _outside_copy(job_dir, doc)
    volume_result(doc)["metafiles"][-1] = f"../outside/{copy.name}"
    return doc


def _metafile_absolute(job_dir, doc):
    volume_result(doc)["metafiles"][-1] = str(_outside_copy(job_dir, doc))
    return doc


def _metafile_symlink_out(job_dir, doc):
    copy = _outside_copy(job_dir, doc)
    path = job_dir.parent / map_metafile(doc)
    path.unlink()
    path.symlink_to(copy)


def _metafile_dotdot_inside(job_dir, doc):
    metafile = map_metafile(doc)
    volume_result(doc)["metafiles"][-1] = f"{job_dir.name}/../{metafile}"
    return doc


def _metafile_symlink_inside(job_dir, doc):
    """The volume's metafiles relative symlinks to the good neighbour's (the same refinement) inside the
    project."""
    for path in job_dir.glob("*_volume_*.cs"):
        path.unlink()
        path.symlink_to(Path("..") / "J1" / path.name.replace(job_dir.name, "J1"))


def _other_values(job_dir: Path, doc: dict) -> dict:
    """Values the good neighbours do not have, so a record filed under a neighbour's name shows."""
    volume_stats(doc)["fsc_info_best"]["radwn_final_A"] = 3.5
    return doc


def _long_uid(job_dir: Path, doc: dict):
    """Rename the job (its directory, and the document's uid and paths) to LONG_UID; its files keep their
    names, which would be too long with it."""
    text = json.dumps(doc).replace(f'"{job_dir.name}"', f'"{LONG_UID}"').replace(f"{job_dir.name}/", f"{LONG_UID}/")
    new_dir = job_dir.parent / LONG_UID
    job_dir.rename(new_dir)
    (new_dir / "job.json").write_text(text)


def _non_utf8(doc):
    doc["title"] = "Non-uniform Refinement caf\u00e9"
    return json.dumps(doc, ensure_ascii=False).encode("latin-1")


def _truncate(fraction: float) -> Mutation:
    return lambda job_dir, doc: dumps(doc)[: max(1, int(len(dumps(doc)) * fraction))]


def job_cases() -> list[JobCase]:
    cases: list[JobCase] = []

    def add(group, name, mutate, expect, culprits=(), layouts=("v4", "v5"), **kw):
        for layout in layouts:
            cases.append(JobCase(f"{group}-{name}-{layout}", group, layout, mutate, expect, tuple(culprits), **kw))

    nan, inf = float("nan"), float("inf")
    doc_file = (r"job\.json",)
    def unread(name, mutate, **kw):
        """A document change no spec reads: the record is the good neighbour's."""
        add("documents", name, mutate, RECORD, same_as_control=True, **kw)

    cpu_freq = ("doc", "instance_information", "max_cpu_freq")
    # documents: any JSON Python's json.dump writes parses; extended JSON whatever its whitespace
    unread("nan-unread", _set(cpu_freq, nan))
    unread("infinity-unread", _set(cpu_freq, inf))
    unread("minus-infinity-unread", _set(cpu_freq, -inf))
    unread("1e999-unread", _raw_at(cpu_freq, "1e999"))
    unread("nan-in-fsc-curve", _then(_set(("doc", "progress"), [nan]), lambda d, doc: (
        volume_stats(doc)["fsc_info_best"]["fsc_nomask"].__setitem__(2, nan)) or doc))
    add("documents", "nan-cfar", _set(("stats", "cfar"), nan), EITHER, ("cfar",))
    add("documents", "nan-guinier", _set(("stats", "guinier_bfactor"), nan), EITHER, ("guinier_bfactor",))
    add("documents", "infinity-gsfsc", _set(("stats", "fsc_info_best", "radwn_final_A"), inf), FAIL, ("gsfsc",))
    add("documents", "1e999-gsfsc", _raw_at(("stats", "fsc_info_best", "radwn_final_A"), "1e999"), FAIL, ("gsfsc",))
    add("documents", "indented", _bytes(lambda doc: dumps(doc, indent=4)), RECORD, same_as_control=True)
    add("documents", "indented-tabs-crlf", _bytes(lambda doc: dumps(doc, indent="\t").replace(b"\n", b"\r\n")),
        RECORD, same_as_control=True)
    add("documents", "indented-nan", lambda d, doc: (volume_stats(doc).__setitem__("processed_fraction", nan),
                                                     dumps(doc, indent=4))[1], RECORD, same_as_control=True)
    add("documents", "truncated-half", _truncate(0.5), FAIL, doc_file)
    add("documents", "truncated-to-one-byte", _truncate(0.0), FAIL, doc_file)
    add("documents", "empty", _bytes(lambda doc: b""), FAIL, doc_file)
    add("documents", "non-utf8", _bytes(_non_utf8), EITHER, doc_file)
    add("documents", "terminal-escapes", _bytes(lambda doc: b"\x1b]0;EVIL-TITLE\x07\x1b[31m\x00garbage"), FAIL,
        doc_file, forbidden=("EVIL-TITLE", "\x1b"))
    add("documents", "json-array", _bytes(lambda doc: b"[]"), FAIL, doc_file + ("document", "object"))
    add("documents", "json-null", _bytes(lambda doc: b"null"), FAIL, doc_file + ("document", "object"))
    unread("huge-int-unread", _set(("doc", "instance_information", "physical_cores"), 10**30))
    unread("400-digit-int-unread", _set(("doc", "instance_information", "physical_cores"), 10**400))
    add("documents", "5000-digit-int-unread", _raw_at(("doc", "instance_information", "physical_cores"), "9" * 5000),
        EITHER, doc_file)
    unread("lone-surrogate-title", _set(("doc", "title"), "Refinement \ud800"))
    unread("unicode-title", _set(("doc", "title"), "\U0001f9ec Rafra\u00eechi \u202e\u0000 \u4e2d"))
    add("documents", "deep-1000-unread", _raw_at(("doc", "progress"), nested_text(1000)), EITHER,
        doc_file + ("deep", "nest"))
    add("documents", "deep-100000-unread", _raw_at(("doc", "progress"), nested_text(100_000)), EITHER,
        doc_file + ("deep", "nest"))
    # extended JSON only in v4 documents
    add("documents", "numberlong-particles", _set(("particles", "num_items"), {"$numberLong": "656974"}), RECORD,
        layouts=("v4",), exact=('"particle_count": 656974',))
    unread("canonical-date", _set(("doc", "created_at"), {"$date": {"$numberLong": "1717267200000"}}),
           layouts=("v4",))
    add("documents", "bad-numberlong-read", _set(("particles", "num_items"), {"$numberLong": "abc"}), FAIL,
        doc_file + ("particle_count", "numberLong"), layouts=("v4",))
    add("documents", "bad-numberlong-unread", _set(("doc", "instance_information", "physical_cores"),
                                                   {"$numberLong": "12x"}), EITHER, doc_file + ("numberLong",),
        layouts=("v4",))
    add("documents", "numberlong-past-2-64", _set(("particles", "num_items"), {"$numberLong": str(2**64 + 1)}),
        EITHER, doc_file + ("particle_count", "numberLong"), layouts=("v4",), exact=(str(2**64 + 1),))
    add("documents", "bad-numberdouble", _set(("stats", "cfar"), {"$numberDouble": "fast"}), FAIL,
        doc_file + ("cfar", "numberDouble"), layouts=("v4",))

    # files: only regular files are opened; every path from a document stays inside the project
    add("files", "job-json-fifo", _replace_job_json(_fifo), FAIL, doc_file, solo=True)
    add("files", "job-json-dev-zero", _replace_job_json(_symlink("/dev/zero")), FAIL, doc_file, solo=True)
    add("files", "job-json-dev-null", _replace_job_json(_symlink("/dev/null")), FAIL, doc_file, layouts=("v4",))
    add("files", "job-json-directory", _replace_job_json(_directory), FAIL, doc_file, layouts=("v4",))
    add("files", "job-json-socket", _replace_job_json(_socket), FAIL, doc_file, layouts=("v4",))
    add("files", "job-json-dangling-symlink", _replace_job_json(_symlink("nowhere.json")), FAIL, doc_file,
        layouts=("v4",))
    add("files", "job-json-4-gib", _replace_job_json(_sparse(4 << 30)), FAIL, doc_file, layouts=("v4",), solo=True)
    map_cs = (r"J\d+_00\d_volume_map\.cs",)
    add("files", "metafile-fifo", _replace_map_cs(_fifo), FAIL, map_cs, layouts=("v5",), solo=True)
    add("files", "metafile-dev-zero", _replace_map_cs(_symlink("/dev/zero")), FAIL, map_cs, layouts=("v4",), solo=True)
    add("files", "metafile-directory", _replace_map_cs(_directory), FAIL, map_cs)
    add("files", "metafile-socket", _replace_map_cs(_socket), FAIL, map_cs, layouts=("v5",))
    add("files", "metafile-64-gib", _replace_map_cs(_sparse(64 << 30)), FAIL, map_cs, layouts=("v4",), solo=True)
    add("files", "metafile-dotdot", _metafile_dotdot, FAIL, (r"\.\./outside/J\d+_volume_map\.cs",))
    add("files", "metafile-absolute", _metafile_absolute, FAIL, (r"/outside/J\d+_volume_map\.cs",))
    add("files", "metafile-symlink-out", _metafile_symlink_out, FAIL, map_cs)
    add("files", "metafile-dotdot-inside", _metafile_dotdot_inside, RECORD, same_as_control=True)
    add("files", "metafile-symlink-inside", _metafile_symlink_inside, RECORD, same_as_control=True)

    # identity: the document's uids agree with its directory and project, exactly
    uid = ("uid",)
    add("identity", "uid-of-a-neighbour", _then(_other_values, _set(("doc", "uid"), "J1")), FAIL, uid)
    add("identity", "uid-trailing-newline", lambda d, doc: _set(("doc", "uid"), d.name + "\n")(d, doc), FAIL, uid)
    add("identity", "uid-leading-space", lambda d, doc: _set(("doc", "uid"), " " + d.name)(d, doc), FAIL, uid,
        layouts=("v4",))
    add("identity", "uid-lower-case", lambda d, doc: _set(("doc", "uid"), d.name.lower())(d, doc), FAIL, uid,
        layouts=("v5",))
    add("identity", "uid-arabic-digits", lambda d, doc: _set(("doc", "uid"), "J\u0661\u0660\u0662")(d, doc),
        FAIL, uid, layouts=("v4",))
    add("identity", "uid-missing", _set(("doc", "uid"), _DELETE), FAIL, uid)
    add("identity", "uid-an-integer", lambda d, doc: _set(("doc", "uid"), int(d.name[1:]))(d, doc), FAIL, uid,
        layouts=("v5",))
    add("identity", "project-uid-other", _then(_other_values, _set(("doc", "project_uid"), "P30")), FAIL,
        ("project_uid", "project"))
    add("identity", "project-uid-trailing-newline", lambda d, doc: _set(("doc", "project_uid"),
                                                                        doc["project_uid"] + "\n")(d, doc),
        FAIL, ("project_uid", "project"), layouts=("v4",))
    add("identity", "uid-too-long-for-a-file-name", _long_uid, FAIL, (LONG_UID[:40],))

    # types: a wrong type where a spec or a layout reads fails that job, naming the field
    status, kind = ("status",), ("type",)
    add("types", "status-a-list", _set(("doc", "status"), ["completed"]), FAIL, status)
    add("types", "status-an-object", _set(("doc", "status"), {"$ne": None}), FAIL, status, layouts=("v4",))
    add("types", "status-a-number", _set(("doc", "status"), 6), FAIL, status, layouts=("v5",))
    add("types", "job-type-a-list", _set(("doc", "job_type"), ["nonuniform_refine_new"]), FAIL, kind,
        layouts=("v4",))
    add("types", "spec-type-a-list", _set(("spec", "type"), ["nonuniform_refine_new"]), FAIL, kind,
        layouts=("v5",))
    add("types", "version-a-number", _set(("doc", "version"), 4.7), FAIL, ("version",))
    add("types", "metafiles-an-integer", _set(("map", "metafiles"), 5), FAIL, ("metafiles",))
    # an item of the list is named as "a metafile of result 'map'", the wording of this line's trust tests
    one_metafile = (r"a metafile of result 'map'",)
    add("types", "metafiles-integers", _set(("map", "metafiles"), [1, 2]), FAIL, one_metafile, layouts=("v4",))
    add("types", "metafiles-a-string", lambda d, doc: _set(("map", "metafiles"), map_metafile(doc))(d, doc), FAIL,
        ("metafiles",), layouts=("v5",))
    add("types", "metafiles-null-item", _set(("map", "metafiles"), [None]), FAIL, one_metafile, layouts=("v4",))
    add("types", "passthrough-a-string", _set(("map", "passthrough"), "yes"), FAIL,
        ("passthrough", r"_000_volume_map\.cs"), layouts=("v4",))
    add("types", "output-results-an-object", _set(("doc", "output_results"), {"volume": []}), FAIL,
        ("output_results",), layouts=("v4",))
    add("types", "output-result-groups-a-string", _set(("doc", "output_result_groups"), "volume"), FAIL,
        ("output_result_groups", "gsfsc"), layouts=("v4",))
    add("types", "outputs-a-list", lambda d, doc: _set(("spec", "outputs"), list(doc["spec"]["outputs"].values()))(
        d, doc), FAIL, ("outputs",), layouts=("v5",))
    add("types", "results-an-object", lambda d, doc: _set(("spec", "outputs", "volume", "results"),
                                                          {"map": volume_result(doc)})(d, doc),
        FAIL, ("results",), layouts=("v5",))
    add("types", "spec-a-string", _set(("doc", "spec"), "nonuniform_refine_new"), FAIL, ("spec", "layout"),
        layouts=("v5",))
    add("types", "params-a-list", _set(("spec", "params"), []), FAIL, ("params", "refine_symmetry"), layouts=("v5",))
    add("types", "params-spec-a-list", _set(("doc", "params_spec"), ["refine_symmetry"]), FAIL,
        ("params_spec", "refine_symmetry"), layouts=("v4",))
    add("types", "param-value-an-object", _set(("doc", "params_base", "refine_symmetry", "value"), {"C": 1}), FAIL,
        ("refine_symmetry",), layouts=("v4",))
    add("types", "num-items-a-string", _set(("particles", "num_items"), "656974"), FAIL, ("particle_count",))
    add("types", "num-items-a-boolean", _set(("particles", "num_items"), True), FAIL, ("particle_count",),
        layouts=("v4",))
    add("types", "summary-stats-a-list", lambda d, doc: _stats_replaced(doc, []), FAIL,
        ("gsfsc", "latest_summary_stats"))
    add("types", "resolution-a-string", _set(("stats", "fsc_info_best", "radwn_final_A"), "2.28"), FAIL, ("gsfsc",))
    add("types", "resolution-1000-deep", _raw_at(("stats", "fsc_info_best", "radwn_final_A"), nested_text(1000)),
        FAIL, ("gsfsc", "deep", "nest"))

    # numbers: integers reach the record exactly, or the job fails; no sink gets what it cannot store
    big = 2**64 + 1
    add("numbers", "particles-2-53-plus-1", _set(("particles", "num_items"), 2**53 + 1), RECORD,
        exact=('"particle_count": 9007199254740993',))
    add("numbers", "particles-2-63-minus-1", _set(("particles", "num_items"), 2**63 - 1), RECORD, layouts=("v4",),
        exact=('"particle_count": 9223372036854775807',))
    add("numbers", "particles-past-2-64", _set(("particles", "num_items"), big), EITHER, ("particle_count",),
        exact=('"particle_count": 18446744073709551617',))
    add("numbers", "particles-10-30", _set(("particles", "num_items"), 10**30), EITHER, ("particle_count",),
        layouts=("v5",), exact=('"particle_count": 1000000000000000000000000000000',))
    add("numbers", "gsfsc-past-2-64", _set(("stats", "fsc_info_best", "radwn_final_A"), big), EITHER, ("gsfsc",),
        layouts=("v4",), exact=('"gsfsc": 18446744073709551617',))
    add("numbers", "db-gsfsc-2-63", _set(("stats", "fsc_info_best", "radwn_final_A"), 2**63), EITHER, ("gsfsc",),
        sink="db", exact=('"gsfsc": 9223372036854775808',))
    add("numbers", "db-bfactor-below-minus-2-63", _set(("stats", "guinier_bfactor"), -(2**63) - 1), EITHER,
        ("guinier_bfactor",), sink="db", layouts=("v4",), exact=('"guinier_bfactor": -9223372036854775809',))
    add("numbers", "db-bfactor-past-2-64", _set(("stats", "guinier_bfactor"), big), EITHER, ("guinier_bfactor",),
        sink="db", layouts=("v5",), exact=('"guinier_bfactor": 18446744073709551617',))
    add("numbers", "db-particles-past-2-64", _set(("particles", "num_items"), big), EITHER, ("particle_count",),
        sink="db", exact=('"particle_count": 18446744073709551617',))
    add("numbers", "db-particles-2-53-plus-1", _set(("particles", "num_items"), 2**53 + 1), RECORD, sink="db",
        layouts=("v4",), exact=('"particle_count": 9007199254740993',))
    add("numbers", "db-gsfsc-1e308", _set(("stats", "fsc_info_best", "radwn_final_A"), 1e308), RECORD, sink="db",
        layouts=("v5",))
    return cases


def _stats_replaced(doc: dict, value) -> dict:
    if "spec" in doc:
        doc["spec"]["outputs"]["volume"]["latest_summary_stats"] = value
    else:
        next(g for g in doc["output_result_groups"] if g["name"] == "volume")["latest_summary_stats"] = value
    return doc


def build_job_projects(root: Path, cases: list[JobCase]) -> dict[str, Path]:
    """Write the hostile projects (P900: v4, P901: v5): the good neighbours J1 and J2, then one job per case
    (J1000 on), generated whole by fixturegen and then broken. Returns layout -> project directory."""
    projects = {}
    for layout, puid in PROJECTS.items():
        template_puid, template_uid = TEMPLATES[layout]
        template = next(j for j in REFERENCE_PROJECTS[template_puid].jobs if j.uid == template_uid)
        mine = [c for c in cases if c.layout == layout]
        for number, case in enumerate(mine, 1000):
            case.uid = f"J{number}"
        jobs = [replace(template, uid=uid) for uid in CONTROL_UIDS] + [replace(template, uid=c.uid) for c in mine]
        project_dir = make_project(root, puid, f"Hostile {layout} project", jobs)
        for case in mine:
            job_dir = project_dir / case.uid
            doc = json.loads((job_dir / "job.json").read_text())
            result = case.mutate(job_dir, doc)
            if isinstance(result, dict):
                (job_dir / "job.json").write_bytes(dumps(result))
            elif isinstance(result, bytes):
                (job_dir / "job.json").write_bytes(result)
            if case.mutate is _long_uid:
                case.dirname = LONG_UID
        projects[layout] = project_dir
    return projects


# --- command cases --------------------------------------------------------------------------------------------


@dataclass
class CommandCase:
    """One csx command on its own input. `argv(paths)` gives the arguments after `csx`, `paths` being the
    Paths the setup made (see commands.py in the test module); the run's stderr must match one of `culprits`
    (regexes) when `code` is not 0."""

    id: str
    group: str
    argv: Callable[[dict], list]
    code: int | tuple
    culprits: tuple = ()
    timeout: float = HANG_LIMIT  # seconds before the run counts as hung
    debug_traceback: bool = False  # --debug: a traceback is asked for (secrets must still not show)
    secrets: tuple = ()  # names in `paths` of text no output may show
    strict_json_stdout: bool = False  # stdout is JSON without NaN/Infinity
    pipe: bool = False  # stdout goes to `head -n 0`, which exits before reading
    item: str = ""  # in a batch: the path key whose file name the case is known by
    batch: str = ""  # cases of one batch run together (validate, lint)
    instance: dict = field(default_factory=dict)  # start_server options, for instance cases (group "instance")
    misbehave: tuple = ()  # LookalikeServer.misbehave arguments (mode, seconds per byte), for instance cases
    copy: tuple = ()  # names in `paths` of files the command writes: each run gets a copy in its output folder
    setup: Callable | None = None  # setup(paths) before the run: what the output folder holds beforehand
    check: Callable | None = None  # check(run, paths) -> [problem, ...]: what the output must be
    shell: str = ""  # shell commands before csx starts (a lower limit: `ulimit -f 4`)
    redirect: str = ""  # after the command: `>&-` closes its stdout
    env: dict = field(default_factory=dict)  # environment variables of the run
    password: str = ""  # instance cases: the password csx is given (PASSWORD unless said)
    program: str = "csx"  # or "python": the environment's python, for the API


ALIAS_BOMB = """\
kind: map-info
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
match: {layout: v4, job_types: [nonuniform_refine_new]}
fields:
  gsfsc: job.uid
"""

GSFSC = "job.output_result_groups[?name=='volume'] | [0].latest_summary_stats.fsc_info_best.radwn_final_A"
FRAGMENT = f"fields:\n  gsfsc: \"{GSFSC}\"\n"
SMALL_SPEC = """\
kind: {kind}
match: {{layout: v4, job_types: [nonuniform_refine_new]}}
fields:
  gsfsc: job.output_result_groups[?name=='volume'] | [0].latest_summary_stats.fsc_info_best.radwn_final_A
"""


def write_spec_inputs(root: Path) -> dict[str, Path]:
    """Every hostile spec folder, one bad thing each; returns name -> folder (or file)."""
    made = {}

    def folder(name: str) -> Path:
        path = root / "specs" / name
        path.mkdir(parents=True)
        made[name] = path
        return path

    folder("alias-bomb").joinpath("bomb.yaml").write_text(ALIAS_BOMB)
    d = folder("extends-cycle")
    d.joinpath("cycle.yaml").write_text("extends: _one.yaml\n" + SMALL_SPEC.format(kind="map-info"))
    d.joinpath("_one.yaml").write_text("extends: _two.yaml\n" + FRAGMENT)
    d.joinpath("_two.yaml").write_text("extends: _one.yaml\n" + FRAGMENT)
    d = folder("extends-itself")
    d.joinpath("itself.yaml").write_text("extends: itself.yaml\n" + SMALL_SPEC.format(kind="map-info"))
    d = folder("extends-chain")
    d.joinpath("chain.yaml").write_text("extends: _chain0.yaml\n" + SMALL_SPEC.format(kind="map-info"))
    for k in range(1500):
        d.joinpath(f"_chain{k}.yaml").write_text(f"extends: _chain{k + 1}.yaml\n" + FRAGMENT)
    d.joinpath("_chain1500.yaml").write_text(FRAGMENT)
    d = folder("non-utf8-spec")
    d.joinpath("latin1.yaml").write_bytes(SMALL_SPEC.format(kind="map-info").replace(
        "fields:", "description: r\u00e9solution\nfields:").encode("latin-1"))
    d = folder("deep-yaml")
    d.joinpath("deep.yaml").write_text(SMALL_SPEC.format(kind="map-info") + "description: " + nested_text(1000) + "\n")
    d = folder("schema-not-json")
    d.joinpath("brief.yaml").write_text(SMALL_SPEC.format(kind="brief"))
    (d / "schemas").mkdir()
    d.joinpath("schemas", "brief.schema.json").write_text('{"type": "object",\n  "properties": {,}}\n')
    d = folder("schema-non-utf8")
    d.joinpath("brief.yaml").write_text(SMALL_SPEC.format(kind="brief"))
    (d / "schemas").mkdir()
    d.joinpath("schemas", "brief.schema.json").write_bytes('{"description": "r\u00e9solution"}'.encode("latin-1"))
    d = folder("spec-fifo")
    os.mkfifo(d / "waiting.yaml")
    return made


def write_record_inputs(root: Path, good_record: dict) -> dict[str, Path]:
    """Record files for csx validate; returns name -> file."""
    folder = root / "records"
    folder.mkdir()
    made = {}

    def put(name: str, data: bytes) -> None:
        made[name] = folder / name
        made[name].write_bytes(data)

    nan_record = json.dumps({**good_record, "gsfsc": math.nan}).encode()
    put("good.json", json.dumps(good_record).encode())
    put("empty.json", b"")
    put("blank-lines.jsonl", b"\n\n  \n")
    put("nan.json", nan_record)
    put("infinity.jsonl", json.dumps({**good_record, "cfar": math.inf}).encode() + b"\n")
    put("good-then-nan.jsonl", json.dumps(good_record).encode() + b"\n" + nan_record + b"\n")
    put("latin1.json", json.dumps({**good_record, "note": "r\u00e9solution"}, ensure_ascii=False).encode("latin-1"))
    put("deep.json", nested_text(100_000).encode())
    made["directory.json"] = folder / "directory.json"
    made["directory.json"].mkdir()
    made["fifo.json"] = folder / "fifo.json"
    os.mkfifo(made["fifo.json"])
    return made


def write_databases(root: Path) -> dict[str, Path]:
    """SQLite files that are not csx's: a foreign table of the name csx uses, a file that is no database."""
    import sqlite3

    made = {}
    for name, sql in (("foreign-map-info.sqlite", "CREATE TABLE map_info (id INTEGER PRIMARY KEY, note TEXT)"),
                      ("foreign-csx-jobs.sqlite", "CREATE TABLE csx_jobs (name TEXT)")):
        made[name] = root / name
        with sqlite3.connect(made[name]) as connection:
            connection.execute(sql)
        connection.close()
    made["not-a-database.sqlite"] = root / "not-a-database.sqlite"
    made["not-a-database.sqlite"].write_bytes(b"PK\x03\x04 this is a zip, not SQLite" * 100)
    return made


# --- round two: what csx writes (CSV, record files), map checks, specs at scale, the process ---------------------

# the values CSV cells get from these jobs' parameters (refine_symmetry, refine_relax_symmetry): a lone surrogate,
# which JSON escapes and UTF-8 cannot encode, and the starts of spreadsheet formulas
CSV_PARAMS = {
    "J3": ("C1\ud800", "none"),
    "J4": ('=HYPERLINK("http://evil.example","C1")', "@SUM(1+1)"),
    "J5": ("+1", "-1+2"),
    "J6": ("-5", "\t=1"),
}
CSV_GOOD = ("J1", "J2")
CSV_PUID, CHECK_PUID = "P902", "P903"
BOMB_DOUBLINGS = 30  # `join('', [@, @])` this many times: 2^30 copies of the job's uid, gigabytes
FIELDS_AT_SCALE = 12_000  # fields of one spec: quadratic loading takes 15 s of CPU and more, linear 2-3
FORGED = "P903/J4: map, half maps and masks agree with the record"


def _reference_job(uid: str, **changes):
    template = next(j for j in REFERENCE_PROJECTS["P30"].jobs if j.uid == "J180")
    return replace(template, uid=uid, **changes)


def write_csv_inputs(root: Path) -> dict[str, Path]:
    """P902 (v4): the good neighbours J1 and J2, and jobs whose parameters CSV cells take (CSV_PARAMS); a copy of
    the project under another directory name whose J1 has another resolution (two records of one name)."""
    jobs = [_reference_job(uid) for uid in CSV_GOOD]
    jobs += [_reference_job(uid, params_set={"refine_symmetry": symmetry, "refine_relax_symmetry": relax})
             for uid, (symmetry, relax) in CSV_PARAMS.items()]
    project = make_project(root / "csv", CSV_PUID, "Hostile CSV cells", jobs)
    copy = make_project(root / "csv", CSV_PUID, "The same project, elsewhere",
                        [_reference_job("J1", gsfsc_A=3.5)], dirname=f"{CSV_PUID}-copy")
    return {"csv-project": project, "csv-project-copy": copy}


def _mrc(path: Path, box: int, psize: float):
    import mrcfile

    with mrcfile.new_mmap(path, (box, box, box), mrc_mode=2) as mrc:  # sparse: nothing but the header is written
        mrc.voxel_size = psize


def write_check_inputs(root: Path) -> dict[str, Path]:
    """P903 (v4) with its maps on disk (sparse MRC files): J1 and J2 whole; J3's map declares an extended
    header of 2 GiB; J4's half map A, missing, is named by a path that holds the line it would forge."""
    iteration = 9
    jobs = [_reference_job(uid) for uid in ("J1", "J2", "J3")]
    jobs.append(_reference_job("J4", values={"map_half_A/path": f"J4/J4_half_A.mrc\n{FORGED}\nJ4"}))
    project = make_project(root / "check", CHECK_PUID, "Hostile maps", jobs)
    for job in jobs:
        for name in ("map", "map_half_A", "map_half_B", "mask_refine", "mask_fsc", "mask_fsc_auto"):
            _mrc(project / job.uid / f"{job.uid}_{iteration:03d}_volume_{name}.mrc", job.box, job.psize_A)
    with open(project / "J3" / f"J3_{iteration:03d}_volume_map.mrc", "r+b") as mrc:
        mrc.seek(92)  # NSYMBT, the extended header's size in bytes (little-endian, as mrcfile writes)
        mrc.write((2**31 - 1).to_bytes(4, "little"))
    return {"check-project": project}


def _spec_folder(root: Path, name: str) -> Path:
    folder = root / "specs" / name
    folder.mkdir(parents=True)
    return folder


BULK_SCHEMA = '{"type": "object", "properties": {"kind": {"const": "bulk"}}, "required": ["kind"]}\n'


def write_scale_inputs(root: Path) -> dict[str, Path]:
    """Spec folders: a spec of FIELDS_AT_SCALE fields; expressions that double their value (statically
    visible, and too large only for a large input); a user's layout with a bad expression."""
    made = {}
    head = "kind: bulk\nmatch: {layout: v4, job_types: [nonuniform_refine_new]}\nfields:\n"
    folder = made["many-fields"] = _spec_folder(root, "many-fields")
    (folder / "schemas").mkdir()
    (folder / "schemas" / "bulk.schema.json").write_text(BULK_SCHEMA)
    (folder / "bulk.yaml").write_text(head + "".join(f"  f{i}: job.uid\n" for i in range(FIELDS_AT_SCALE)))
    doubled = "job.uid" + " | join('', [@, @])" * BOMB_DOUBLINGS
    folder = made["doubling"] = _spec_folder(root, "doubling")
    (folder / "schemas").mkdir()
    (folder / "schemas" / "bulk.schema.json").write_text(BULK_SCHEMA)
    (folder / "bulk.yaml").write_text(head + f"  uid: job.uid\n  bomb: \"{doubled}\"\n")
    # 2^12 copies of the whole document as text: a few MB of input make hundreds of MB
    folder = made["document-copies"] = _spec_folder(root, "document-copies")
    (folder / "schemas").mkdir()
    (folder / "schemas" / "bulk.schema.json").write_text(BULK_SCHEMA)
    copies = "job" + " | [@, @]" * 12 + " | to_string(@) | length(@)"
    (folder / "bulk.yaml").write_text(head + f"  uid: job.uid\n  copies: \"{copies}\"\n")
    folder = made["layout-bad-expression"] = _spec_folder(root, "layout-bad-expression")
    (folder / "layouts").mkdir()
    layout = (specs_dir() / "layouts" / "v4.yaml").read_text()
    (folder / "layouts" / "v4.yaml").write_text(re.sub(r"(?m)^detect: .*$", "detect: job.job_type[?", layout))
    return made


# the API given what it does not take: (id, the keyword its error must name, the call); JOB is a good job directory,
# RECORD a good record. Each must raise UsageError, one line naming the keyword.
API_CALLS = [
    ("validate-none", "record", "extractor.validate(None)"),
    ("validate-a-string", "record", "extractor.validate('map-info')"),
    ("validate-a-list", "record", "extractor.validate([RECORD])"),
    ("validate-kind-an-int", "kind", "extractor.validate(RECORD, kind=5)"),
    ("validate-specs-bytes", "specs", "extractor.validate(RECORD, specs=b'/tmp')"),
    ("flatten-none", "record", "extractor.flatten(None)"),
    ("flatten-a-string", "record", "extractor.flatten('map-info')"),
    ("flatten-a-list", "record", "extractor.flatten([RECORD])"),
    ("flatten-specs-an-int", "specs", "extractor.flatten(RECORD, specs=5)"),
    ("extract-jobs-none", "jobs", "extractor.extract(None)"),
    ("extract-jobs-bytes", "jobs", "extractor.extract(JOB.encode())"),
    ("extract-jobs-list-of-bytes", "jobs", "extractor.extract([JOB.encode()])"),
    ("extract-jobs-an-int", "jobs", "extractor.extract(180)"),
    ("extract-project-dir-bytes", "project_dir", "extractor.extract(['J1'], project_dir=PROJECT.encode())"),
    ("extract-kind-an-int", "kind", "extractor.extract(JOB, kind=5)"),
    ("extract-kind-a-list", "kind", "extractor.extract(JOB, kind=['map-info'])"),
    ("extract-spec-an-int", "spec", "extractor.extract(JOB, spec=5)"),
    ("extract-types-an-int", "types", "extractor.extract(JOB, types=5)"),
    ("extract-statuses-none", "statuses", "extractor.extract(JOB, statuses=None)"),
    ("extract-specs-bytes", "specs", "extractor.extract(JOB, specs=b'/tmp')"),
    ("extract-workers-a-string", "workers", "extractor.extract(JOB, workers='8')"),
    ("extract-timeout-infinite", "timeout", "extractor.extract(JOB, timeout=float('inf'))"),
    ("extract-timeout-a-string", "timeout", "extractor.extract(JOB, timeout='30')"),
    ("extract-validate-a-string", "validate", "extractor.extract(JOB, validate='no')"),
    ("iter-extract-kind-an-int", "kind", "list(extractor.iter_extract(JOB, kind=5))"),
    ("query-expression-none", "expression", "extractor.query(None, JOB)"),
    ("query-job-a-list", "job", "extractor.query('job.uid', [JOB])"),
]

API_SCRIPT = """
import json, sys
import extractor
JOB, PROJECT, RECORD = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
for name, call in json.loads(sys.argv[4]):
    try:
        eval(call)
        print(json.dumps({"id": name, "error": None, "message": ""}))
    except Exception as exc:
        print(json.dumps({"id": name, "error": type(exc).__name__, "message": str(exc)}))
"""
