"""What a facility report shows, gathered from records one at a time: a row
per map (map-info), its curves (fsc), its Table 1 values, lineage and local
resolution (table1), its check status, and disk use per project and job type
(job). Records in, compact page data out; no file or database is touched here.

Records come in kind by kind, map-info first (the maps), then the kinds that
attach to a map. Only what the page shows is kept, compactly: curves as
text (compact.py), Table 1 sections and lineage steps shared between maps
stored once, paths under their common prefix. A record that lacks what the
page needs is skipped with a line naming it (`skipped`), and the rest go on."""

import math
import os
from dataclasses import dataclass, field

from ..errors import JobError
from ..kinds import JOB_INFO, fsc, job, map_info, table1, value_at
from ..kinds.fsc import FSC_MASKS
from ..uids import is_job_uid, is_project_uid, uid_number
from .compact import compact_curves
from .curves import record_curves

# the fields of a table row, in the order of its list in the page data
ROW = ("project", "job", "title", "type", "completed", "resolution", "particles", "symmetry", "bfactor",
       "local_resolution", "check")
CURVE_BATCH = 256  # maps whose curves are made compact together: fast, and memory stays flat
UNITS = (("_e_per_A2", "e⁻/Å²"), ("_A2", "Å²"), ("_kV", "kV"), ("_mm", "mm"), ("_um", "μm"), ("_eV", "eV"),
         ("_vox", "voxels"), ("_A", "Å"), ("_s", "s"))
WORDS = {"ctf": "CTF", "fsc": "FSC", "cs": "Cs", "2d": "2D", "3d": "3D"}


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None


def _value(value):
    """A Table 1 cell: a number (six digits), a text, a list of them (related jobs that disagree), or None."""
    if isinstance(value, list):
        items = [_value(v) for v in value]
        return items if all(v is not None and not isinstance(v, list) for v in items) else None
    return _shown(value) if not isinstance(value, str) else value


def label_of(key: str) -> str:
    """A Table 1 field as people read it: voltage_kV -> "Voltage (kV)"."""
    unit = ""
    for suffix, name in UNITS:
        if key.endswith(suffix) and len(key) > len(suffix):
            key, unit = key[: -len(suffix)], f" ({name})"
            break
    words = [WORDS.get(word, word) for word in key.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:] + unit


def _uid_order(uid) -> tuple:
    """P2 before P10, J99 before J180; anything else after them."""
    return (0, uid_number(uid), "") if is_project_uid(uid) or is_job_uid(uid) else (1, 0, str(uid))


def _shown(value):
    """A number as the page shows it: six significant digits are plenty, and much shorter than a float32's
    seventeen (0.8299999833106995)."""
    value = _number(value)
    return float(f"{value:.6g}") if isinstance(value, float) else value


@dataclass
class Project:
    source: str
    uid: str
    title: str | None = None
    maps: int = 0
    jobs: int = 0
    disk_bytes: int = 0
    sized_jobs: int = 0  # jobs whose record has disk_bytes


@dataclass
class Storage:
    jobs: int = 0
    disk_bytes: int = 0
    sized_jobs: int = 0


@dataclass
class Dashboard:
    """The page data of a report, filled record by record (add_*), read by pictures.report."""

    skipped: object = print  # told a line for each record left out
    projects: dict = field(default_factory=dict)  # (source, puid) -> Project, in the order met
    maps: dict = field(default_factory=dict)  # (source, puid, juid) -> index into rows
    rows: list = field(default_factory=list)  # ROW lists
    details: list = field(default_factory=list)  # per map: what its expanded row shows
    curves: list = field(default_factory=list)  # per map: compact curves, or None
    sections: list = field(default_factory=list)  # distinct [name, Table 1 section] pairs
    steps: list = field(default_factory=list)  # distinct lineage steps [juid, type, input, num_items, note]
    labels: dict = field(default_factory=dict)  # Table 1 field -> its label
    path_names: list = field(default_factory=list)  # the names of the paths of maps, in the order met
    checks: list = field(default_factory=list)  # distinct lists of check problems
    seen: dict = field(default_factory=dict)  # kind -> records taken
    types: dict = field(default_factory=dict)  # job type -> Storage
    _project_indexes: dict = field(default_factory=dict)  # (source, puid) -> index into projects
    _interned: dict = field(default_factory=dict)  # (table name, value as JSON) -> index into the table
    _pending: list = field(default_factory=list)  # (map index, its Curves) not yet made compact

    def project(self, source: str, puid: str) -> Project:
        key = (source, puid)
        if key not in self.projects:
            self._project_indexes[key] = len(self.projects)
            self.projects[key] = Project(source, puid)
        return self.projects[key]

    def project_index(self, source: str, puid: str) -> int:
        self.project(source, puid)
        return self._project_indexes[(source, puid)]

    def _intern(self, name: str, value) -> int:
        """The index of `value` in the table `name` (sections, steps), added there the first time."""
        import orjson

        table = getattr(self, name)
        key = (name, orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
        if key not in self._interned:
            self._interned[key] = len(table)
            table.append(value)
        return self._interned[key]

    def _count(self, kind: str):
        self.seen[kind] = self.seen.get(kind, 0) + 1

    def _map(self, source, puid, juid) -> int | None:
        return self.maps.get((source, puid, juid))

    def add_map_info(self, source: str, puid: str, juid: str, record: dict, check=None):
        """A map: its row, and what its expanded row shows. `check`: (status, problem lines) or None."""
        self._count("map-info")
        if not isinstance(value_at(record, JOB_INFO), dict):
            self.skipped(f"{puid}/{juid} (from {source}): its map-info record has no job_info; left out")
            return
        if (source, puid, juid) in self.maps:  # the same map twice (a job named twice): one row
            return
        status, problems = check if check is not None else (None, [])
        self.maps[(source, puid, juid)] = len(self.rows)
        self.project(source, puid).maps += 1
        self.rows.append([self.project_index(source, puid), juid, None, _text(value_at(record, map_info.TYPE)),
                          None, _number(value_at(record, map_info.RESOLUTION_A)),
                          _number(value_at(record, map_info.PARTICLES)), _text(value_at(record, map_info.SYMMETRY)),
                          _number(value_at(record, map_info.BFACTOR_A2)), None, status])
        resolutions = value_at(record, map_info.MASK_RESOLUTIONS_A)
        resolutions = resolutions if isinstance(resolutions, dict) else {}
        detail = {"paths": self._paths(value_at(record, map_info.PATHS)),
                  "cfar": _shown(value_at(record, map_info.CFAR)),
                  "psize": _shown(value_at(record, map_info.PIXEL_SIZE_A)),
                  "box": _number(value_at(record, map_info.BOX_VOX)),
                  "masks": [_shown(resolutions.get(mask)) for mask in FSC_MASKS]}
        if problems:
            detail["problems"] = self._intern("checks", problems)
        self.details.append({k: v for k, v in detail.items() if v is not None and v != [None] * len(FSC_MASKS)})
        self.curves.append(None)

    def _paths(self, paths) -> list | None:
        """[common prefix, rest of each path of path_names (None where the record has none)]: a map's seven
        absolute paths share most of their length."""
        if not isinstance(paths, dict):
            return None
        named = {name: path for name, path in paths.items() if isinstance(path, str)}
        if not named:
            return None
        for name in named:
            if name not in self.path_names:
                self.path_names.append(name)
        prefix = os.path.commonprefix(list(named.values()))
        rests = [named[name][len(prefix):] if name in named else None for name in self.path_names]
        while rests[-1] is None:
            rests.pop()
        return [prefix, *rests]

    def add_fsc(self, source: str, puid: str, juid: str, record: dict):
        index = self._map(source, puid, juid)
        if index is None:
            return
        self._count("fsc")
        try:
            curves = record_curves(record, FSC_MASKS)
        except (JobError, KeyError, TypeError, AttributeError) as exc:
            reason = str(exc) if isinstance(exc, JobError) else "its record lacks job_info or curves"
            self.skipped(f"{puid}/{juid} (from {source}): FSC curves left out: {reason}")
            return
        self._pending.append((index, curves))
        if len(self._pending) >= CURVE_BATCH:
            self._compact()
        self._dated(index, _text(value_at(record, fsc.TITLE)), _text(value_at(record, fsc.COMPLETED)))

    def _compact(self):
        """The curves waiting, made compact together (a few array operations for a whole batch)."""
        for (index, _), compact in zip(self._pending, compact_curves([curves for _, curves in self._pending])):
            self.curves[index] = compact
        self._pending.clear()

    def _dated(self, index: int, title, completed):
        row = self.rows[index]
        row[2] = row[2] or title
        row[4] = row[4] or completed

    def add_table1(self, source: str, puid: str, juid: str, record: dict):
        index = self._map(source, puid, juid)
        if index is None:
            return
        self._count("table1")
        lineage = value_at(record, table1.LINEAGE)
        if not isinstance(lineage, list) or not all(isinstance(step, dict) for step in lineage):
            self.skipped(f"{puid}/{juid} (from {source}): its table1 record has no lineage list; Table 1 left out")
            return
        sections = []
        for name, section in record.items():
            if name in table1.NOT_SECTIONS:
                continue
            values = {key: _value(v) for key, v in section.items()} if isinstance(section, dict) else None
            for key in values or ():
                if key not in self.labels:
                    self.labels[key] = label_of(key)
            sections.append(self._intern("sections", [name, values]))
        detail = self.details[index]
        detail["table1"] = sections
        detail["lineage"] = [self._intern("steps", [_text(s.get("juid")), _text(s.get("type")), _text(s.get("input")),
                                                        _number(s.get("num_items")), _text(s.get("note"))])
                             for s in lineage]
        self.rows[index][9] = _value(value_at(record, table1.LOCAL_RESOLUTION_MEDIAN_A))

    def add_job(self, source: str, puid: str, juid: str, record: dict):
        """A job of any type: its disk use, and the title and completion time of a map that has no fsc record."""
        self._count("job")
        size = value_at(record, job.DISK_BYTES)
        size = size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None
        job_type = _text(value_at(record, job.TYPE)) or "(no type)"
        for tally in (self.project(source, puid), self.types.setdefault(job_type, Storage())):
            tally.jobs += 1
            if size is not None:
                tally.disk_bytes += size
                tally.sized_jobs += 1
        index = self._map(source, puid, juid)
        if index is not None:
            self._dated(index, _text(value_at(record, job.TITLE)), _text(value_at(record, job.COMPLETED)))

    def finish(self):
        """Projects in uid order (P2 before P10), maps in project and job order, curves all made compact;
        records added after this are not placed."""
        self._compact()
        keys = sorted(self.projects, key=lambda key: (_uid_order(key[1]), key[0]))
        position = {self._project_indexes[key]: new for new, key in enumerate(keys)}
        self.projects = {key: self.projects[key] for key in keys}
        self._project_indexes = {key: new for new, key in enumerate(keys)}
        for row in self.rows:
            row[0] = position[row[0]]
        order = sorted(range(len(self.rows)), key=lambda i: (self.rows[i][0], _uid_order(self.rows[i][1])))
        self.rows, self.details, self.curves = ([table[i] for i in order]
                                                for table in (self.rows, self.details, self.curves))
        self.maps = {}

    def page_data(self) -> dict:
        """The report's data as the page's script reads it (plain lists and dicts, JSON-ready)."""
        return {"projects": [{"uid": p.uid, "title": p.title, "source": p.source} for p in self.projects.values()],
                "columns": ROW, "maps": self.rows, "details": self.details, "curves": self.curves,
                "sections": self.sections, "steps": self.steps, "labels": self.labels, "masks": FSC_MASKS,
                "path_names": self.path_names, "checks": self.checks}
